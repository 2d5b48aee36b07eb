"""The selection report names organizations by name, not by their database id."""

import pytest
from django_scopes import scopes_disabled

from tests.factories import OrganizationFactory
from tests.applications import scenario
from tests.applications.test_selection import start

pytestmark = pytest.mark.django_db


def test_the_organization_limit_reads_with_the_organizations_name(organizer, client_for,
                                                                   django_capture_on_commit_callbacks):
    s = scenario.build(organizer)
    org = OrganizationFactory(organizer=organizer, name="Whatcom Community Health")
    with scopes_disabled():
        s.call.max_per_organization = 1
        s.call.save()
        for name in ("White One", "White Two"):
            s.people[name].organization = org
            s.people[name].save()
    staff = client_for(s.staff)
    run, page = start(staff, s, django_capture_on_commit_callbacks)
    body = staff.get(s.url("run_csv", run_id=run.pk)).content.decode()
    assert f"organization {org.pk}" not in body and f"organization {org.pk}" not in page.content.decode()
    assert "Whatcom Community Health already has" in body
