"""A facilitator marks attendance on a phone-sized roster with htmx; key pages pass axe-core."""

import datetime as dt

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from sessions_app.models import Attendance
from tests.browser import assert_accessible, sign_in
from tests.factories import CohortFactory, OrganizerFactory, UserFactory

from .factories import SessionFactory, enroll, facilitator_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _htmx_idle(page) -> None:
    # A locator, not wait_for_function: a string predicate is eval, which the CSP forbids.
    expect(page.locator(".htmx-request, .htmx-swapping, .htmx-settling, .htmx-added")).to_have_count(0)


def test_facilitator_marks_attendance_in_place_on_a_phone(page):
    organizer = OrganizerFactory(slug="roster-org", name="Roster Org")
    cohort = CohortFactory(program__organizer=organizer)
    start = timezone.now() - dt.timedelta(minutes=30)
    session = SessionFactory(cohort=cohort, title="Race and Power", starts_at=start, ends_at=start + dt.timedelta(hours=2))
    ana = enroll(cohort, UserFactory(full_name="Ana Alvarez")).person
    ben = enroll(cohort, UserFactory(full_name="Ben Brooks")).person
    facilitator = facilitator_of(cohort)

    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, facilitator.email)
    page.goto(f"/{organizer.slug}/sessions/{session.id}/roster/")
    assert page.locator("h1").inner_text() == "Roster: Race and Power"
    assert_accessible(page)

    url_before = page.url
    page.locator(f"#roster-row-{ana.id}").get_by_text("Late", exact=True).click()
    page.locator(f"#roster-row-{ana.id}").get_by_text("Saved: Late").wait_for()
    _htmx_idle(page)
    page.locator(f"#roster-row-{ben.id}").get_by_text("Present", exact=True).click()
    page.locator(f"#roster-row-{ben.id}").get_by_text("Saved: Present").wait_for()
    assert page.url == url_before  # updated in place, no reload
    with scopes_disabled():
        assert dict(Attendance.objects.values_list("person__full_name", "status")) == {
            "Ana Alvarez": "late", "Ben Brooks": "present"}

    # Keyboard: arrow keys move within a person's statuses and save the new one
    # (once htmx has finished swapping and settling the previous answer).
    _htmx_idle(page)
    page.locator(f"#status-{ben.id}-present").focus()
    page.keyboard.press("ArrowRight")
    page.locator(f"#roster-row-{ben.id}").get_by_text("Saved: Late").wait_for()
    assert_accessible(page)


def test_schedule_page_is_accessible(page):
    organizer = OrganizerFactory(slug="schedule-org", name="Schedule Org")
    cohort = CohortFactory(program__organizer=organizer)
    SessionFactory(cohort=cohort, title="Introduction to Systemic Racism")
    person = enroll(cohort).person
    sign_in(page, person.email)
    page.goto(f"/{organizer.slug}/schedule/")
    assert page.locator("h1").inner_text() == "My schedule"
    assert page.get_by_role("link", name="Introduction to Systemic Racism", exact=True).count() == 1
    assert_accessible(page)
    page.get_by_role("button", name="Make a feed address").click()
    assert page.get_by_label("Feed address (copy it now)").input_value().endswith(".ics")
    assert_accessible(page)


def test_a_facilitator_sets_a_technical_assistance_call_and_the_participant_sees_it(page):
    from sessions_app.models import AssistanceRequest

    organizer = OrganizerFactory(slug="ta-org", name="TA Org")
    cohort = CohortFactory(program__organizer=organizer, time_zone="America/Chicago")
    person = enroll(cohort, UserFactory(full_name="Ada Lovelace", time_zone="America/Chicago")).person
    facilitator = facilitator_of(cohort)
    with scopes_disabled():
        request_obj = AssistanceRequest.objects.create(
            organizer=organizer, cohort=cohort, requester=person, topic="Our data story", description="Help.")
    day = timezone.localdate() + dt.timedelta(days=20)

    sign_in(page, facilitator.email)
    page.goto(f"/{organizer.slug}/assistance/{request_obj.id}/")
    page.get_by_role("link", name="Set a call").click()
    assert page.locator("h1").inner_text() == "Set the call with Ada Lovelace"
    assert_accessible(page)
    page.get_by_label("Date").fill(day.isoformat())
    page.get_by_label("Starts at").fill("10:30")
    page.get_by_label("Where or how to join").fill("https://meet.example/ta")
    page.get_by_role("button", name="Set the call").click()
    page.get_by_text("The call is set.").wait_for()
    assert f"{day:%a %-d %b %Y}, 10:30" in page.locator("#call-heading + p").inner_text()
    assert_accessible(page)

    page.context.clear_cookies()
    sign_in(page, person.email)
    page.goto(f"/{organizer.slug}/schedule/")
    calls = page.locator("section[aria-labelledby=appointments-heading]")
    assert "Our data story" in calls.inner_text() and "10:30" in calls.inner_text()
    assert_accessible(page)
