"""Staff set up spaces in the admin: one per cohort, group or program, the group's cohort
filled in, another organizer's cohort refused."""

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from community.models import Space
from tests.factories import AffinityGroupFactory, CohortFactory

pytestmark = pytest.mark.django_db


def _form(organizer, **fields):
    return {"organizer": organizer.pk, "title": "Caucus space", "description": "", "guidelines": "Be kind.",
            "cohort": "", "affinity_group": "", "program": "", **fields}


def test_staff_create_an_affinity_group_space(organizer, staff_user, client_for):
    group = AffinityGroupFactory(cohort=CohortFactory(program__organizer=organizer))
    admin = client_for(staff_user)
    missing = admin.post(reverse("admin:community_space_add"), _form(organizer, kind="affinity_group"))
    assert missing.status_code == 200 and "Choose what this space belongs to." in missing.content.decode()
    done = admin.post(reverse("admin:community_space_add"), _form(organizer, kind="affinity_group", affinity_group=group.pk))
    assert done.status_code == 302, done.content.decode()[:2000]
    with scopes_disabled():
        space = Space.objects.get()
    assert (space.affinity_group, space.cohort_id, space.program_id) == (group, group.cohort_id, None)
    again = admin.post(reverse("admin:community_space_add"), _form(organizer, kind="affinity_group", affinity_group=group.pk))
    assert again.status_code == 200
    with scopes_disabled():
        assert Space.objects.count() == 1


def test_a_space_cannot_belong_to_another_organizers_cohort(organizer, other_organizer, staff_user, client_for):
    theirs = CohortFactory(program__organizer=other_organizer)
    response = client_for(staff_user).post(reverse("admin:community_space_add"), _form(organizer, kind="cohort", cohort=theirs.pk))
    assert response.status_code == 200
    with scopes_disabled():
        assert not Space.objects.exists()
