"""Staff configure calls in the admin; demographic answers are not there at all."""

import pytest
from django.contrib import admin

from applications.models import DemographicAccessLog, DemographicResponse
from organizers.roles import Role
from tests.factories import member

from .factories import ApplicationFactory, CallFactory, CategoryFactory, demographics, quota

pytestmark = pytest.mark.django_db


def test_staff_configure_their_calls_and_see_no_other_organizers(organizer, other_organizer, client_for):
    call = CallFactory(cohort__program__organizer=organizer, cohort__title="Equity in Leadership")
    CategoryFactory(call=call)
    quota(call, "race", "Indigenous", minimum=2)
    other = CallFactory(cohort__program__organizer=other_organizer, cohort__title="Secret cohort")
    client = client_for(member(organizer, Role.STAFF))
    listing = client.get("/admin/applications/applicationcall/").content.decode()
    assert "Equity in Leadership" in listing and "Secret cohort" not in listing
    page = client.get(f"/admin/applications/applicationcall/{call.pk}/change/")
    assert page.status_code == 200 and "Race or ethnicity" in page.content.decode()
    assert client.get(f"/admin/applications/applicationcall/{other.pk}/change/", follow=True).status_code in (200, 404)
    assert "Secret cohort" not in client.get(f"/admin/applications/applicationcall/{other.pk}/change/",
                                             follow=True).content.decode()


def test_demographic_answers_and_their_access_log_are_not_in_the_admin(organizer, client_for):
    assert DemographicResponse not in admin.site._registry
    assert DemographicAccessLog not in admin.site._registry
    application = ApplicationFactory(call=CallFactory(cohort__program__organizer=organizer))
    demographics(application, race=["Two-Spirit"])
    client = client_for(member(organizer, Role.ADMIN))
    page = client.get(f"/admin/applications/application/{application.pk}/change/").content.decode()
    assert "Two-Spirit" not in page
