"""A person registers through the real form in Chromium; the catalog pages pass axe-core."""

from urllib.parse import urlsplit

import pytest
from django_scopes import scope, scopes_disabled

from cohorts import lifecycle
from cohorts.models import Enrollment
from tests.browser import assert_accessible, sign_in
from tests.factories import CohortFactory, ModuleFactory, ProgramFactory, UserFactory


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_register_through_the_form_and_pages_are_accessible(page, organizer):
    program = ProgramFactory(organizer=organizer, title="Advancing Racial Equity", objectives="Build shared language")
    ModuleFactory(program=program, title="Introduction to Systemic Racism", learning_objectives="Examine policies")
    cohort = CohortFactory(program=program, title="Spring series", capacity=5, commitment="Four sessions")
    person = UserFactory(email="leader@example.org")

    page.goto(f"/{organizer.slug}/programs/")
    assert_accessible(page)
    page.get_by_role("link", name="Advancing Racial Equity").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "Advancing Racial Equity"
    assert_accessible(page)

    page.get_by_role("link", name="Register for Spring series").click()
    page.wait_for_url("**/accounts/login/**")  # anonymous: sign in first, then come back
    page.get_by_label("Email").fill(person.email)
    page.get_by_label("Password").fill("pw-for-tests-only")
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(f"**/{cohort.slug}/register/")
    assert_accessible(page)

    page.get_by_label("Your organization").fill("Heartland Family Services")
    page.get_by_label("Your title or role").fill("Program director")
    page.get_by_role("button", name="Register").click()
    page.wait_for_url("**/me/enrollments/**")
    assert "You are registered for" in page.get_by_role("status").inner_text()
    assert page.locator("#enrollment-status").inner_text().startswith("Confirmed")
    assert_accessible(page)
    with scopes_disabled():
        enrollment = Enrollment.objects.get(cohort=cohort, person=person)
    assert enrollment.status == Enrollment.Status.CONFIRMED
    assert enrollment.organization.name == "Heartland Family Services"

    page.goto("/me/programs/")
    assert "Spring series" in page.content()
    assert_accessible(page)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_team_registration_page_is_accessible(page, organizer):
    cohort = CohortFactory(program__organizer=organizer, is_team_cohort=True, team_size_min=3, team_size_max=3,
                           team_requires_executive_director=True)
    UserFactory(email="lead@example.org")
    sign_in(page, "lead@example.org")
    page.goto(f"/{organizer.slug}/programs/{cohort.program.slug}/{cohort.slug}/register-team/")
    assert page.locator("#id_organization_name").is_visible()
    assert_accessible(page)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_named_member_confirms_on_an_accessible_page_and_the_lead_stops_waiting(page, organizer):
    cohort = CohortFactory(program__organizer=organizer, is_team_cohort=True, team_size_min=2, team_size_max=3,
                           title="Cohort 1", commitment="One day a month")
    lead = UserFactory(email="lead@az.example", full_name="Lee Lead")
    with scope(organizer=organizer.pk):
        registration = lifecycle.register_team(
            cohort=cohort, lead=lead, organization_name="Arizona Early Childhood Advocates",
            members=[lifecycle.TeamMemberInvite(email="noor@az.example", name="Noor Newcomer",
                                                title="Communications lead")])
        link = lifecycle.invitation_url(registration.invitations[0])

    page.goto(urlsplit(link).path)  # signed out, as from the email
    assert page.get_by_role("heading", level=1).inner_text().startswith("Join Arizona Early Childhood Advocates")
    assert "Lee Lead registered a team" in page.content()
    assert_accessible(page)
    page.get_by_label("Your name").fill("")
    page.get_by_role("button", name="Yes, I am on this team").click()
    page.wait_for_load_state()
    assert_accessible(page)  # the error state too
    page.get_by_label("Your name").fill("Noor Newcomer")
    page.get_by_role("button", name="Yes, I am on this team").click()
    page.wait_for_load_state()
    assert "You confirmed your place on this team" in page.locator("#answer-status").inner_text()
    assert_accessible(page)
    with scopes_disabled():
        assert Enrollment.objects.get(person__email="noor@az.example").status == Enrollment.Status.CONFIRMED

    sign_in(page, "lead@az.example")
    page.goto(f"/me/enrollments/{registration.enrollments[0].pk}/")
    assert "Waiting for" not in page.content() and "Noor Newcomer" in page.content()
    assert_accessible(page)
