"""Staff's admin pages in Chromium at 1280 px: no sideways scrolling, no organizer to pick, axe-clean;
and at 390 px the pages staff open on a phone still fit (wide inline tables scroll inside their box).

The pages staff build a program on (add forms, inlines as they fill up) are walked by clicking
in test_build_by_clicking.py."""

import pytest

from applications.models import ReviewerAssignment
from organizers.roles import Role
from tests.applications.factories import CallFactory, CategoryFactory, QuestionFactory, RubricFactory, quota
from tests.browser import assert_accessible, sign_in
from tests.factories import ModuleFactory, member
from tests.sessions.factories import SessionFactory

PHONE_PAGES = [
    "/admin/",
    "/admin/sessions_app/session/",
    "/admin/sessions_app/session/{session}/change/",
    "/admin/cohorts/enrollment/",
    "/admin/cohorts/cohort/{cohort}/change/",
]

ADMIN_PAGES = [
    "/admin/",
    "/admin/cohorts/program/{program}/change/",
    "/admin/cohorts/cohort/{cohort}/change/",
    "/admin/applications/applicationcall/{call}/change/",
    "/admin/applications/applicationcall/",
    "/admin/applications/application/",
]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_staff_admin_pages_fit_1280_px_ask_no_organizer_and_pass_axe(page, organizer):
    from django_scopes import scopes_disabled

    staff = member(organizer, Role.STAFF, email="staff@example.org")
    call = CallFactory(cohort__program__organizer=organizer, reviews_wanted=2)
    ModuleFactory(program=call.cohort.program, title="Racial healing")
    for n in range(3):
        QuestionFactory(call=call, label=f"Question {n + 1}", help_text="A sentence that helps the applicant answer.")
    CategoryFactory(call=call, key="race")
    CategoryFactory(call=call, key="position", label="Position", values="Rightsholder\nStaff")
    quota(call, "position", "Rightsholder", 1, reserved=True)
    RubricFactory(call=call)
    with scopes_disabled():
        for _ in range(2):
            ReviewerAssignment.objects.create(organizer=organizer, call=call, reviewer=member(organizer, Role.REVIEWER))
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, staff.email)
    for template in ADMIN_PAGES:
        url = template.format(program=call.cohort.program_id, cohort=call.cohort_id, call=call.pk)
        page.goto(url)
        assert page.get_by_role("heading", level=1).count() >= 1, url
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{url} scrolls sideways by {overflow}px at 1280px"
        assert page.locator("select[name$='organizer']:not([disabled])").count() == 0, url
        assert_accessible(page)
    page.goto(f"/admin/applications/applicationcall/{call.pk}/change/")
    assert "Nothing is missing." in page.locator(".praxis-checklist").inner_text()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_admin_pages_staff_open_on_a_phone_fit_390_px(page, organizer):
    staff = member(organizer, Role.STAFF, email="staff@example.org")
    call = CallFactory(cohort__program__organizer=organizer)
    session = SessionFactory(cohort=call.cohort)
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, staff.email)
    for template in PHONE_PAGES:
        url = template.format(cohort=call.cohort_id, session=session.pk)
        page.goto(url)
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{url} scrolls sideways by {overflow}px at 390px"
        # What staff act on stays within reach: the page's heading, and the save button on forms.
        heading = page.locator("#content h1, #content h2").first.bounding_box()
        assert heading and heading["x"] + heading["width"] <= 390, url
        save = page.locator("input[name='_save']")
        if save.count():
            box = save.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= 390, url
