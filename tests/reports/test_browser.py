"""Staff open the dashboard and a cohort report in a real browser; axe-core checks both,
including the printed layout."""

import pytest
from django.urls import reverse

from tests.browser import assert_accessible, sign_in

from . import scenario


@pytest.mark.browser
def test_dashboard_and_cohort_report(page, organizer, staff_user):
    from tests.billing.helpers import priced_cohort

    from .test_revenue import activity

    known = scenario.build(organizer)
    activity(organizer, priced_cohort(organizer))
    sign_in(page, staff_user.email)
    page.goto(f"/{organizer.slug}/")
    page.get_by_role("link", name="Dashboard").click()
    page.wait_for_url(f"**/{organizer.slug}/dashboard/")
    assert page.get_by_role("heading", level=1).inner_text() == "Dashboard"
    charts = page.get_by_role("img")
    assert charts.count() == 8
    assert page.get_by_role("table", name=f"Money per cohort ({organizer.currency}, including tax)").is_visible()
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


@pytest.mark.browser
def test_funnel_of_a_purged_call_and_the_pool_legend(page, organizer):
    from django_scopes import scope

    from applications import services
    from organizers.roles import Role
    from tests.factories import member

    from .test_funnel import build_call, grant

    _, call = build_call(organizer)
    admin = member(organizer, Role.ADMIN)
    sign_in(page, admin.email)
    page.goto(reverse("applications:pool", kwargs={"organizer_slug": organizer.slug, "call_id": call.id}))
    assert page.get_by_text("either a group of fewer than 5 people, or a cell hidden").is_visible()
    assert_accessible(page)

    grant(admin, organizer)
    with scope(organizer=organizer.id):
        services.purge_demographics(call=call)
    page.goto(f"/{organizer.slug}/reports/equity/calls/{call.id}/")
    assert page.get_by_role("note").get_by_text("From the stored aggregate.").is_visible()
    assert page.get_by_role("cell", name="hidden").count() > 0
    assert_accessible(page)
