"""People are asked their name when they register, and addressed by it."""

import pytest
from django.core import mail
from django_scopes import scopes_disabled

from cohorts.models import Enrollment
from tests.cohorts.test_registration import register_url
from tests.factories import CohortFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_registration_asks_a_nameless_account_for_a_name_and_uses_it(organizer, client_for, django_capture_on_commit_callbacks):
    cohort = CohortFactory(program__organizer=organizer, capacity=5)
    person = UserFactory(email="maria.lopez@hsleaders.example", full_name="")
    client = client_for(person)
    page = client.get(register_url(cohort)).content.decode()
    assert "Your name" in page and "Pronouns (optional)" in page

    refused = client.post(register_url(cohort), {"organization_name": ""})
    assert refused.status_code == 200 and "This field is required" in refused.content.decode()
    with scopes_disabled():
        assert not Enrollment.objects.filter(person=person).exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(register_url(cohort), {"full_name": "María López", "pronouns": "she/her"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.full_name, person.pronouns) == ("María López", "she/her")
    assert mail.outbox[-1].body.startswith("Hello María López")
    assert "maria.lopez@" not in mail.outbox[-1].body
