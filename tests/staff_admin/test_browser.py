"""Staff's admin pages in Chromium at 1280 px: no sideways scrolling, no organizer to pick, axe-clean."""

import pytest

from applications.models import ReviewerAssignment
from organizers.roles import Role
from tests.applications.factories import CallFactory, CategoryFactory, QuestionFactory, RubricFactory, quota
from tests.browser import assert_accessible, sign_in
from tests.factories import ModuleFactory, member

ADMIN_PAGES = [
    "/admin/",
    "/admin/cohorts/program/{program}/change/",
    "/admin/cohorts/program/add/",
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
