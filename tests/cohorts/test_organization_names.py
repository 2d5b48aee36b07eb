"""One organization per name at an organizer, whatever the case people type it in."""

import pytest
from django.db import IntegrityError, transaction
from django_scopes import scope, scopes_disabled

from cohorts import lifecycle
from cohorts.models import Organization
from organizers.roles import Role
from tests.factories import CohortFactory, member
from tests.staff_admin.formdata import form_as_shown

pytestmark = pytest.mark.django_db


def test_a_name_in_another_case_is_the_same_organization(organizer, other_organizer):
    cohort = CohortFactory(program__organizer=organizer)
    with scope(organizer=organizer.pk):
        acme = lifecycle.organization_named(cohort, name="Acme  Community Services")
        assert lifecycle.organization_named(cohort, name="ACME community services") == acme
    # The database holds the rule too, so two registrations at the same moment cannot both create one.
    with scopes_disabled(), pytest.raises(IntegrityError), transaction.atomic():
        Organization.objects.create(organizer=organizer, name="acme community services")
    with scopes_disabled():  # another organizer keeps its own list
        Organization.objects.create(organizer=other_organizer, name="ACME Community Services")


def test_the_admin_refuses_a_name_that_differs_only_in_case(organizer, client_for):
    with scopes_disabled():
        Organization.objects.create(organizer=organizer, name="Acme Community Services")
    client = client_for(member(organizer, Role.STAFF))
    data = form_as_shown(client.get("/admin/cohorts/organization/add/").content.decode(), "organization_form")
    data["name"] = ["ACME COMMUNITY SERVICES"]
    response = client.post("/admin/cohorts/organization/add/", data)
    assert response.status_code == 200
    assert "already has an organization of this name (in any case)" in response.content.decode()
    with scopes_disabled():
        assert Organization.objects.filter(organizer=organizer).count() == 1
