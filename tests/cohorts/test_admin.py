"""Organizer staff run the catalog in the admin: their rows only, people picked by email."""

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from cohorts.models import Cohort, Enrollment, Module, Program
from tests.factories import CohortFactory, EnrollmentFactory, ProgramFactory, UserFactory

MODELS = ["cohorts_program", "cohorts_cohort", "cohorts_module", "cohorts_facilitator", "cohorts_organization",
          "cohorts_affiliation", "cohorts_enrollment", "cohorts_team", "cohorts_moduledelegate",
          "sessions_app_affinitygroup"]  # affinity groups live with their pages (sessions_app)


@pytest.mark.parametrize("model", MODELS)
def test_staff_open_every_catalog_admin_page(staff_user, organizer, client_for, model):
    EnrollmentFactory(cohort=CohortFactory(program__organizer=organizer))
    client = client_for(staff_user)
    assert client.get(reverse(f"admin:{model}_changelist")).status_code == 200
    assert client.get(reverse(f"admin:{model}_add")).status_code == 200
    assert client.get(reverse(f"admin:{model}_changelist") + "?q=a").status_code == 200


def test_staff_see_only_their_programs(staff_user, organizer, other_organizer, client_for):
    ProgramFactory(organizer=organizer, title="Ours")
    theirs = ProgramFactory(organizer=other_organizer, title="Theirs")
    client = client_for(staff_user)
    page = client.get(reverse("admin:cohorts_program_changelist")).content.decode()
    assert "Ours" in page and "Theirs" not in page
    assert client.get(reverse("admin:cohorts_program_change", args=[theirs.pk])).status_code in (302, 404)


def _inline_management(prefix: str, total: int = 0) -> dict:
    return {f"{prefix}-TOTAL_FORMS": str(total), f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"}


def test_staff_add_a_module_inline_and_an_enrollment_by_email(staff_user, organizer, client_for):
    program = ProgramFactory(organizer=organizer, title="DEI Learning Trajectory", slug="dei")
    cohort = CohortFactory(program=program, capacity=10)
    person = UserFactory(email="member@partos.example")
    client = client_for(staff_user)

    data = {"organizer": organizer.pk, "kind": program.kind, "title": program.title, "slug": program.slug,
            "status": "published", **_inline_management("modules", 1), **_inline_management("planning_partners"),
            "modules-0-order": "1", "modules-0-title": "Racial Justice", "modules-0-period": "November",
            "modules-0-learning_objectives": "Build sustainable racial justice practices"}
    response = client.post(reverse("admin:cohorts_program_change", args=[program.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    with scopes_disabled():
        module = Module.objects.get(program=program, title="Racial Justice")
    assert module.organizer_id == organizer.pk  # taken from the program, not chosen by staff

    data = {"organizer": organizer.pk, "cohort": cohort.pk, "person": "member@partos.example",
            "role": "participant", "status": "confirmed"}
    response = client.post(reverse("admin:cohorts_enrollment_add"), data)
    assert response.status_code == 302
    with scopes_disabled():
        assert Enrollment.objects.get(cohort=cohort).person == person

    data["person"] = "nobody@partos.example"
    response = client.post(reverse("admin:cohorts_enrollment_add"), data)
    assert "No account uses this email yet" in response.content.decode()


def test_admin_cancel_action_offers_the_seat(staff_user, organizer, client_for):
    cohort = CohortFactory(program__organizer=organizer, capacity=1)
    taken = EnrollmentFactory(cohort=cohort)
    waiting = EnrollmentFactory(cohort=cohort, status=Enrollment.Status.WAITLISTED, confirmed_at=None)
    client_for(staff_user).post(reverse("admin:cohorts_enrollment_changelist"),
                                {"action": "cancel_enrollments", "_selected_action": [taken.pk]})
    with scopes_disabled():
        assert Enrollment.objects.get(pk=taken.pk).status == "cancelled"
        assert Enrollment.objects.get(pk=waiting.pk).status == "offered"


def test_cohort_list_counts_confirmed_and_waitlisted(staff_user, organizer, client_for):
    cohort = CohortFactory(program__organizer=organizer, title="Autumn run")
    EnrollmentFactory(cohort=cohort)
    page = client_for(staff_user).get(reverse("admin:cohorts_cohort_changelist")).content.decode()
    assert "Autumn run" in page
    with scopes_disabled():
        assert Cohort.objects.filter(pk=cohort.pk).exists() and Program.objects.count() == 1


def test_staff_cannot_set_a_status_and_adding_someone_takes_a_seat_through_the_service(staff_user, organizer,
                                                                                       client_for):
    from notifications.models import OutboundMessage

    cohort = CohortFactory(program__organizer=organizer, capacity=1,
                           enrollment_mode=Cohort.EnrollmentMode.INVITATION)
    first, second = UserFactory(email="first@example.org"), UserFactory(email="second@example.org")
    client = client_for(staff_user)
    add = reverse("admin:cohorts_enrollment_add")
    assert 'name="status"' not in client.get(add).content.decode()

    # A status in the POST is ignored: the seat decides (invitation-only cohorts are filled by staff).
    for email in ["first@example.org", "second@example.org"]:
        response = client.post(add, {"organizer": organizer.pk, "cohort": cohort.pk, "person": email,
                                     "role": "participant", "status": "confirmed"})
        assert response.status_code == 302, response.content.decode()[:2000]
    with scopes_disabled():
        assert Enrollment.objects.get(person=first).status == "confirmed"
        waiting = Enrollment.objects.get(person=second)
        assert waiting.status == "waitlisted"
        assert OutboundMessage.objects.filter(organizer=organizer, to_email="second@example.org").exists()

    # The change page shows the status but does not take one.
    change = reverse("admin:cohorts_enrollment_change", args=[waiting.pk])
    page = client.get(change).content.decode()
    assert 'name="status"' not in page and "Waitlisted" in page
    client.post(change, {"organization": "", "team": "", "role": "team_lead", "status": "confirmed"})
    with scopes_disabled():
        waiting.refresh_from_db()
    assert waiting.status == "waitlisted" and waiting.role == "team_lead"

    # Adding the same person twice is refused on the form, with the reason.
    response = client.post(add, {"organizer": organizer.pk, "cohort": cohort.pk, "person": "first@example.org",
                                 "role": "participant"})
    assert response.status_code == 200 and "already registered for this cohort" in response.content.decode()
    # Deleting would free a seat without offering it: staff cancel instead.
    assert client.get(reverse("admin:cohorts_enrollment_delete", args=[waiting.pk])).status_code == 403


def test_admin_actions_complete_and_accept_on_behalf_go_through_the_services(staff_user, organizer, client_for):
    cohort = CohortFactory(program__organizer=organizer, capacity=2)
    confirmed = EnrollmentFactory(cohort=cohort)
    offered = EnrollmentFactory(cohort=cohort, status=Enrollment.Status.OFFERED, confirmed_at=None)
    client = client_for(staff_user)
    changelist = reverse("admin:cohorts_enrollment_changelist")
    client.post(changelist, {"action": "complete_enrollments", "_selected_action": [confirmed.pk, offered.pk]})
    response = client.post(changelist, {"action": "accept_offers", "_selected_action": [offered.pk]}, follow=True)
    with scopes_disabled():
        confirmed.refresh_from_db()
        offered.refresh_from_db()
    assert confirmed.status == "completed" and confirmed.completed_at is not None
    assert offered.status == "confirmed"
    assert "Confirmed 1." in response.content.decode()


def test_the_cohort_page_lists_registrations_without_editing_them(staff_user, organizer, client_for):
    cohort = CohortFactory(program__organizer=organizer)
    enrollment = EnrollmentFactory(cohort=cohort)
    page = client_for(staff_user).get(reverse("admin:cohorts_cohort_change", args=[cohort.pk])).content.decode()
    assert str(enrollment.person) in page and "Confirmed" in page
    assert 'name="enrollments-0-status"' not in page
