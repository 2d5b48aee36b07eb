"""In a real browser: an applicant fills and submits the form; staff run a selection and watch it finish."""

import pytest
from django_scopes import scopes_disabled

from applications.models import Application, Question
from tests.browser import assert_accessible, sign_in
from tests.factories import UserFactory

from . import scenario
from .factories import CallFactory, CategoryFactory, QuestionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_applicant_fills_and_submits_the_form(page, organizer):
    call = CallFactory(cohort__program__organizer=organizer, cohort__title="Equity in Leadership", ask_scholarship=True)
    QuestionFactory(call=call, label="Why do you want to join?", kind=Question.Kind.LONG_TEXT, required=True)
    QuestionFactory(call=call, label="Which sector do you work in?", kind=Question.Kind.SINGLE_CHOICE,
                    choices="Health\nSocial services", required=True)
    QuestionFactory(call=call, label="Do you supervise staff?", kind=Question.Kind.YES_NO, required=False)
    QuestionFactory(call=call, label="Start date in your role", kind=Question.Kind.DATE, required=False)
    CategoryFactory(call=call, key="gender", label="Gender identity", values="Woman\nMan\nNon-binary\nTwo-Spirit")
    person = UserFactory(email="applicant@example.org", full_name="Ada Applicant")
    sign_in(page, person.email)

    page.goto(f"/{organizer.slug}/applications/")
    page.get_by_role("link", name="Apply to Equity in Leadership").click()
    assert page.locator("h1").inner_text().startswith("Apply")
    assert_accessible(page)

    page.get_by_label("Why do you want to join?").fill("To lead structural change in my clinic.")
    page.get_by_role("button", name="Save draft").click()
    page.wait_for_load_state("networkidle")
    assert "Your draft is saved" in page.content()
    assert page.get_by_label("Why do you want to join?").input_value() == "To lead structural change in my clinic."

    page.get_by_role("button", name="Submit application").click()  # the sector is still missing
    page.wait_for_load_state("networkidle")
    assert "Please correct the answers marked below" in page.content()

    page.get_by_label("Health").check()
    page.get_by_label("Yes").check()
    page.get_by_label("Role or title").fill("Clinic director")
    page.get_by_label("Two-Spirit").check()
    page.get_by_label("I consent to the use of my demographic answers").check()
    page.get_by_label("Accessibility or accommodation needs").fill("Live captions")
    page.get_by_label("I would like to request a scholarship").check()
    page.get_by_role("button", name="Submit application").click()
    page.wait_for_load_state("networkidle")
    assert "Your application is submitted" in page.content()
    assert "Live captions" in page.content()
    assert_accessible(page)  # the applicant's status page
    with scopes_disabled():
        application = Application.objects.get(applicant=person)
        assert application.status == "submitted" and application.scholarship_requested
        assert application.demographics.answers == {"gender": ["Two-Spirit"]}


def test_staff_pool_dashboard_and_run_page(page, organizer):
    s = scenario.build(organizer)
    sign_in(page, s.staff.email)
    page.goto(s.url("pool", call_id=s.call.pk))
    assert page.locator("h1").inner_text().startswith("Selection")
    assert_accessible(page)
    page.get_by_label("Published seed (optional)").fill("99")
    page.get_by_role("button", name="Start run").click()
    # Tasks run inline in tests; the run page polls until the run is finished.
    page.get_by_role("heading", name="Explanation report").wait_for()
    assert "Ready for review" in page.content()
    assert_accessible(page)


def test_reviewer_scores_from_the_queue(page, organizer):
    from organizers.roles import Role
    from tests.factories import member

    from .factories import ApplicationFactory, RubricFactory

    call = CallFactory(cohort__program__organizer=organizer, cohort__title="Equity in Leadership")
    RubricFactory(call=call, name="Leadership")
    ApplicationFactory(call=call, applicant=UserFactory(full_name="Rosa Applicant"))
    reviewer = member(organizer, Role.REVIEWER)
    sign_in(page, reviewer.email)
    page.goto(f"/{organizer.slug}/review/")
    assert_accessible(page)
    page.get_by_role("link", name="Next application with the fewest reviews").click()
    page.get_by_role("heading", name="Review: Rosa Applicant").wait_for()
    assert_accessible(page)
    page.get_by_label("Leadership (0–5, weight 1)").fill("4")
    page.get_by_label("Recommend", exact=True).check()
    page.get_by_role("button", name="Save review").click()
    page.wait_for_load_state("networkidle")
    assert "Your review is saved" in page.content()
    with scopes_disabled():
        assert call.applications.get().reviews.get().score == 80
