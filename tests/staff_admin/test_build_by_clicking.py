"""Issue 18's "done when": organizer staff (not a superuser) build a whole program in the
admin by clicking, open its call and find it on the public page.

Every admin page on the way is checked as staff meet it: no organizer to pick, nothing
scrolls sideways at 1,280 px, and axe finds nothing serious.
"""

import datetime as dt

import pytest

from organizers.roles import Role
from tests.browser import assert_accessible, sign_in
from tests.factories import member


def _check_admin_page(page) -> None:
    assert page.locator("select[name$='organizer']:not([disabled])").count() == 0, f"{page.url} asks for the organizer"
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px at 1280px"
    assert_accessible(page)


def _save(page, button: str = "Save and continue editing") -> None:
    page.get_by_role("button", name=button, exact=True).click()
    page.wait_for_load_state("load")
    errors = page.locator(".errornote, .errorlist")
    assert errors.count() == 0, f"{page.url}: " + " / ".join(errors.all_inner_texts())


def _add_row(page, heading: str, row_name: str) -> str:
    """Clicks the inline's "Add another …" link; returns the new row's field-name prefix."""
    group = page.locator(".inline-group", has=page.get_by_role("heading", name=heading, exact=True))
    prefix = group.get_attribute("id").removesuffix("-group")
    total = int(page.locator(f"input[name='{prefix}-TOTAL_FORMS']").input_value())
    group.get_by_role("button", name=f"Add another {row_name}").click()
    return f"{prefix}-{total}"


def _fill_date(page, field_id: str, day: dt.date) -> None:
    page.locator(f"#{field_id}").fill(day.isoformat())


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_staff_build_program_cohorts_and_call_by_clicking_and_see_it_public(page, organizer):
    from django_scopes import scopes_disabled

    from applications.models import ApplicationCall

    staff = member(organizer, Role.STAFF, email="staff@example.org", full_name="Sam Staff")
    member(organizer, Role.REVIEWER, email="rev1@example.org", full_name="Rita Reviewer")
    member(organizer, Role.REVIEWER, email="rev2@example.org", full_name="Ravi Reviewer")
    today = dt.date.today()
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, staff.email)

    # ---- A program with two modules.
    page.goto("/admin/cohorts/program/add/")
    _check_admin_page(page)
    page.locator("#id_kind").select_option(index=1)
    page.locator("#id_title").fill("Leading for Racial Equity")
    page.locator("#id_status").select_option("published")
    page.locator("#id_summary").fill("A nine-month learning journey for teams of nonprofit leaders.")
    for n, title in enumerate(["Grounding in history", "Power and policy"]):
        row = _add_row(page, "Modules", "Module")
        page.locator(f"[name='{row}-title']").fill(title)
        page.locator(f"[name='{row}-order']").fill(str(n + 1))
    _save(page)
    _check_admin_page(page)
    assert "Grounding in history" in page.content()

    # ---- An open cohort and an application cohort.
    def add_cohort(title: str, mode_label: str, starts: dt.date) -> None:
        page.goto("/admin/cohorts/cohort/add/")
        _check_admin_page(page)
        page.locator("#id_program").select_option(label="Leading for Racial Equity")
        page.locator("#id_title").fill(title)
        page.locator("#id_is_published").check()
        _fill_date(page, "id_starts_on", starts)
        _fill_date(page, "id_ends_on", starts + dt.timedelta(days=240))
        page.locator("#id_enrollment_mode").select_option(label=mode_label)
        page.locator("#id_capacity").fill("24")
        page.locator("#id_contact_name").fill("Sam Staff")
        page.locator("#id_contact_email").fill("staff@example.org")
        _save(page)
        _check_admin_page(page)

    add_cohort("Spring open cohort", "Open registration", today + dt.timedelta(days=60))
    add_cohort("Fall selected cohort", "Application and selection", today + dt.timedelta(days=90))

    # ---- The call: first its form (questions and categories), then what builds on them.
    page.goto("/admin/applications/applicationcall/add/")
    _check_admin_page(page)
    page.locator("#id_cohort").select_option(label="Leading for Racial Equity: Fall selected cohort")
    deadline = today + dt.timedelta(days=30)
    page.locator("#id_deadline_0").fill(deadline.isoformat())
    page.locator("#id_deadline_1").fill("17:00")
    page.locator("#id_ask_demographics").check()
    page.locator("#id_reviews_wanted").fill("2")
    page.locator("#id_seats").fill("20")
    for n, label in enumerate(["Why now?", "What will your team change?", "Who else is on your team?"]):
        row = _add_row(page, "Questions", "Question")
        page.locator(f"[name='{row}-label']").fill(label)
        page.locator(f"[name='{row}-order']").fill(str(n + 1))
    for key, label, values in [
        ("race", "Race and ethnicity", "Black\nLatine\nIndigenous\nAsian\nWhite"),
        ("position", "Position", "Executive director\nManager\nFrontline staff"),
    ]:
        row = _add_row(page, "Demographic categories", "Demographic category")
        page.locator(f"[name='{row}-key']").fill(key)
        page.locator(f"[name='{row}-label']").fill(label)
        page.locator(f"[name='{row}-values']").fill(values)
    _save(page)
    _check_admin_page(page)
    checklist = page.locator(".praxis-checklist").inner_text()
    assert "rubric" in checklist.lower() and "reviewer" in checklist.lower(), checklist
    # A call with things to fix stays closed however the switch was set.
    assert not page.locator("#id_open_for_applications").is_checked()

    row = _add_row(page, "Rubric categories", "Rubric category")
    page.locator(f"[name='{row}-name']").fill("Readiness for change")
    for category, value, seats in [("race", "Indigenous", "2"), ("position", "Frontline staff", "4")]:
        row = _add_row(page, "Quotas", "Quota")
        page.locator(f"[name='{row}-category']").select_option(category)
        page.locator(f"[name='{row}-value']").select_option(value)
        page.locator(f"[name='{row}-min_seats']").fill(seats)
    for name in ["Rita Reviewer", "Ravi Reviewer"]:
        row = _add_row(page, "Reviewer assignments", "Reviewer assignment")
        select = page.locator(f"[name='{row}-reviewer']")
        select.select_option(label=next(o for o in select.locator("option").all_inner_texts() if name in o))
    page.locator("#id_open_for_applications").check()
    _save(page)
    _check_admin_page(page)
    assert "Nothing is missing." in page.locator(".praxis-checklist").inner_text()
    assert page.locator("#id_open_for_applications").is_checked()

    with scopes_disabled():
        call = ApplicationCall.objects.get(cohort__title="Fall selected cohort")
        assert call.organizer_id == organizer.pk
        assert call.questions.count() == 3 and call.demographic_categories.count() == 2
        assert call.quotas.count() == 2 and call.rubric.count() == 1 and call.reviewer_assignments.count() == 2
        assert call.is_open

    # ---- The public page shows both cohorts; the call takes applications.
    page.goto(f"/{organizer.slug}/programs/")
    page.get_by_role("link", name="Leading for Racial Equity").first.click()
    body = page.locator("main").inner_text()
    assert "Spring open cohort" in body and "Fall selected cohort" in body
    assert "Grounding in history" in body
    page.get_by_role("link", name="Apply").first.click()
    assert page.url.endswith(f"/{organizer.slug}/apply/{call.pk}/")
    assert page.get_by_label("Why now?").count() == 1
