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


def test_quotas_read_with_the_questions_label_not_its_key(organizer, client_for, django_capture_on_commit_callbacks):
    from applications.models import DemographicResponse
    from tests.applications.factories import CategoryFactory, quota

    s = scenario.build(organizer, indigenous_min=4)  # infeasible: the conflict report names the quota too
    CategoryFactory(call=s.call, key="lived_experience", label="Lived experience",
                    values="Homelessness or housing instability\nIncarceration")
    quota(s.call, "lived_experience", "Homelessness or housing instability", minimum=1)
    with scopes_disabled():
        DemographicResponse.objects.filter(application=s.people["Black One"]).update(
            answers={"race": ["Black"], "lived_experience": ["Homelessness or housing instability"]})
    staff = client_for(s.staff)
    run, page = start(staff, s, django_capture_on_commit_callbacks)
    pool = staff.get(s.url("pool", call_id=s.call.pk)).content.decode()
    body = staff.get(s.url("run_csv", run_id=run.pk)).content.decode()
    for text in (page.content.decode(), pool, body):
        assert "lived_experience" not in text and "race: " not in text
    assert "Race or ethnicity: Indigenous" in page.content.decode() and "Race or ethnicity: Indigenous" in pool
    assert "Lived experience: Homelessness or housing instability" in pool
    assert "Lived experience: Homelessness or housing instability" in body
