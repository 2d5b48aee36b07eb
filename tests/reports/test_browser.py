"""Staff open the dashboard and a cohort report in a real browser; axe-core checks both,
including the printed layout."""

import pytest

from tests.browser import assert_accessible, sign_in

from . import scenario


@pytest.mark.browser
def test_dashboard_and_cohort_report(page, organizer, staff_user):
    known = scenario.build(organizer)
    sign_in(page, staff_user.email)
    page.goto(f"/{organizer.slug}/")
    page.get_by_role("link", name="Dashboard").click()
    page.wait_for_url(f"**/{organizer.slug}/dashboard/")
    assert page.get_by_role("heading", level=1).inner_text() == "Dashboard"
    charts = page.get_by_role("img")
    assert charts.count() == 7
    assert charts.first.get_attribute("aria-labelledby")
    assert page.get_by_role("table", name="Attendance per session, oldest first").is_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Advancing Racial Equity: Series A").first.click()
    page.wait_for_url(f"**/reports/cohorts/{known.running.id}/")
    roster = page.get_by_role("table", name="Participants with their attendance at each held session")
    assert roster.get_by_role("row").count() == 6  # header + five participants
    assert_accessible(page)

    page.emulate_media(media="print")
    assert not page.get_by_role("navigation", name="Main").is_visible()
    assert roster.is_visible()
    assert_accessible(page)
