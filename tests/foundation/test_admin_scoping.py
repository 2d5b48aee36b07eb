"""Organizer staff use /admin/ and see and change only their own organizer's rows."""

import pytest
from django_scopes import scopes_disabled

from cohorts.models import Cohort, Program
from organizers.models import Membership
from organizers.roles import Role
from tests.factories import CohortFactory, MembershipFactory, OrganizerFactory, ProgramFactory, UserFactory, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(organizer, other_organizer):
    return {
        "a": organizer,
        "b": other_organizer,
        "a_program": ProgramFactory(organizer=organizer, title="A's training series"),
        "b_program": ProgramFactory(organizer=other_organizer, title="B's secret cohort"),
    }


def test_staff_see_only_their_organizers_rows(world, client_for):
    client = client_for(member(world["a"], Role.STAFF))
    html = client.get("/admin/cohorts/program/").content.decode()
    assert "A&#x27;s training series" in html
    assert "B&#x27;s secret cohort" not in html


def test_staff_cannot_open_another_organizers_row(world, client_for):
    client = client_for(member(world["a"], Role.STAFF))
    response = client.get(f"/admin/cohorts/program/{world['b_program'].pk}/change/", follow=True)
    assert b"B&#x27;s secret cohort" not in response.content
    assert b"doesn\xe2\x80\x99t exist" in response.content or response.status_code == 404
    client.post(f"/admin/cohorts/program/{world['b_program'].pk}/delete/", {"post": "yes"})
    with scopes_disabled():
        assert Program.objects.filter(pk=world["b_program"].pk).exists()


def _program_form(organizer, **extra):
    data = {
        "organizer": organizer.pk, "kind": "training_series", "title": "New series", "slug": "new-series",
        "status": "draft",
        "modules-TOTAL_FORMS": 0, "modules-INITIAL_FORMS": 0,
        "planning_partners-TOTAL_FORMS": 0, "planning_partners-INITIAL_FORMS": 0,
    }
    data.update(extra)
    return data


def test_staff_cannot_create_a_row_in_another_organizer(world, client_for):
    # Staff of one organizer are never asked for it; a tampered POST naming another
    # organizer is ignored and the row lands in their own.
    client = client_for(member(world["a"], Role.STAFF))
    response = client.post("/admin/cohorts/program/add/", _program_form(world["b"]))
    assert response.status_code == 302
    with scopes_disabled():
        assert Program.objects.get(slug="new-series").organizer == world["a"]
        assert not Program.objects.filter(organizer=world["b"], slug="new-series").exists()


def test_staff_of_several_organizers_pick_only_among_their_own(world, client_for):
    staff = member(world["a"], Role.STAFF)
    third = OrganizerFactory(name="Third", slug="third")
    MembershipFactory(user=staff, organizer=third, role=Role.STAFF)
    client = client_for(staff)
    response = client.post("/admin/cohorts/program/add/", _program_form(world["b"]))
    assert response.status_code == 200
    assert b"Select a valid choice" in response.content
    with scopes_disabled():
        assert not Program.objects.filter(slug="new-series").exists()
    assert client.post("/admin/cohorts/program/add/", _program_form(third)).status_code == 302
    with scopes_disabled():
        assert Program.objects.get(slug="new-series").organizer == third


def test_staff_cannot_move_a_row_into_another_organizer(world, client_for):
    client = client_for(member(world["a"], Role.STAFF))
    program = world["a_program"]
    data = _program_form(world["b"], title=program.title, slug=program.slug)
    client.post(f"/admin/cohorts/program/{program.pk}/change/", data)
    with scopes_disabled():
        program.refresh_from_db()
    assert program.organizer == world["a"]


def test_a_row_cannot_link_two_organizers_even_for_staff_of_both(world, client_for):
    user = UserFactory()
    MembershipFactory(user=user, organizer=world["a"], role=Role.STAFF)
    MembershipFactory(user=user, organizer=world["b"], role=Role.STAFF)
    data = {
        "organizer": world["a"].pk, "program": world["b_program"].pk, "title": "Mixed", "slug": "mixed",
        "time_zone": "UTC", "enrollment_mode": "open", "offer_hours": 48, "is_free": "on", "is_published": "on",
        "teams-TOTAL_FORMS": 0, "teams-INITIAL_FORMS": 0, "enrollments-TOTAL_FORMS": 0, "enrollments-INITIAL_FORMS": 0,
    }
    response = client_for(user).post("/admin/cohorts/cohort/add/", data)
    assert b"must belong to the same organizer" in response.content
    with scopes_disabled():
        assert not Cohort.objects.filter(slug="mixed").exists()


def test_superusers_see_every_organizer(world, client_for):
    root = UserFactory(is_superuser=True, is_staff=True)
    html = client_for(root).get("/admin/cohorts/program/").content.decode()
    assert "A&#x27;s training series" in html and "B&#x27;s secret cohort" in html


@pytest.mark.parametrize("role", [Role.FACILITATOR, Role.REVIEWER])
def test_facilitators_and_reviewers_do_not_get_the_admin(world, client_for, role):
    response = client_for(member(world["a"], role)).get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_people_without_a_membership_do_not_get_the_admin(client_for):
    response = client_for(UserFactory()).get("/admin/cohorts/program/")
    assert response.status_code == 302


def test_only_organizer_admins_grant_roles(world, client_for):
    newcomer = UserFactory(email="newcomer@example.org")
    organizer = world["a"]

    def add_membership(client):
        return client.post(
            f"/admin/organizers/organizer/{organizer.pk}/change/",
            {
                "slug": organizer.slug, "name": organizer.name, "time_zone": "America/Chicago", "currency": "USD",
                "brand_colour": "#3b5bdb", "small_cell_k": 5, "is_published": "on",
                "memberships-TOTAL_FORMS": 1, "memberships-INITIAL_FORMS": 0,
                "memberships-0-user": "newcomer@example.org", "memberships-0-role": "staff",
            },
        )

    add_membership(client_for(member(organizer, Role.STAFF)))
    with scopes_disabled():
        assert not Membership.objects.filter(user=newcomer).exists()
    response = add_membership(client_for(member(organizer, Role.ADMIN)))
    assert response.status_code == 302, response.content.decode()[:3000]
    with scopes_disabled():
        assert Membership.objects.get(user=newcomer).organizer == organizer


def test_staff_do_not_see_other_organizers_in_the_organizer_list(world, client_for):
    html = client_for(member(world["a"], Role.STAFF)).get("/admin/organizers/organizer/").content.decode()
    assert world["a"].name in html and world["b"].name not in html


def test_staff_can_edit_their_cohort_in_the_admin(world, client_for):
    cohort = CohortFactory(program=world["a_program"], title="Inaugural series")
    response = client_for(member(world["a"], Role.STAFF)).get(f"/admin/cohorts/cohort/{cohort.pk}/change/")
    assert response.status_code == 200 and b"Inaugural series" in response.content


def test_list_filters_do_not_name_other_organizers(world, client_for):
    world["b"].name = "Unlisted Partner Org"
    world["b"].is_published = False
    world["b"].save()
    html = client_for(member(world["a"], Role.STAFF)).get("/admin/cohorts/program/").content.decode()
    assert "Unlisted Partner Org" not in html


@pytest.mark.parametrize("role", [Role.ADMIN, Role.STAFF])
def test_organizer_settings_page_opens_for_its_admins_and_staff(world, client_for, role):
    response = client_for(member(world["a"], role)).get(f"/admin/organizers/organizer/{world['a'].pk}/change/")
    assert response.status_code == 200
    assert world["a"].slug.encode() in response.content  # shown, read-only
