"""A person registers through the real form in Chromium; the catalog pages pass axe-core."""

import pytest
from django_scopes import scopes_disabled

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
