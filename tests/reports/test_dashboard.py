"""The organizer dashboard: numbers against a known fixture, scoping, access and a constant query count."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope

from organizers.roles import Role
from reports.selectors import dashboard_numbers
from tests.factories import CohortFactory, EnrollmentFactory, ProgramFactory, member

from . import scenario
from .scenario import P, held_session, mark

pytestmark = pytest.mark.django_db


def url(organizer):
    return reverse("reports:dashboard", kwargs={"organizer_slug": organizer.slug})


def sections_of(response) -> dict:
    return {section.key: section for section in response.context["sections"]}


def test_numbers_match_the_fixture(organizer):
    known = scenario.build(organizer)
    with scope(organizer=organizer.id):
        numbers = dashboard_numbers(organizer)
    by_title = {entry.cohort.title: entry for entry in numbers.cohorts}
    running, ended, upcoming = by_title["Series A"], by_title["Series B"], by_title["Series C"]

    assert (running.phase, ended.phase, upcoming.phase) == ("running", "ended", "upcoming")
    # Seats: 4 confirmed + 1 completed + 1 offer + 1 awaiting payment hold a seat; waitlist and cancelled do not.
    assert (running.seats_taken, running.seats_left, running.waitlisted, running.offered) == (7, 3, 2, 1)
    assert running.awaiting_payment == 1
    assert [e.cohort.title for e in numbers.current] == ["Series A", "Series C"]

    assert numbers.applications[known.upcoming.application_call.id] == {"submitted": 3, "offered": 1, "draft": 1}

    rates = {s.title: (s.attended, s.recorded, s.percent) for s in numbers.sessions}
    assert rates == {
        "Opening": (3, 4, 75),
        "Race and Power": (4, 5, 80),
        "Structural Racism": (3, 4, 75),
        "Leading Change": (0, 0, None),
    }
    assert (running.held_sessions, running.participants, running.completed, running.meeting_rule) == (3, 5, 1, 0)
    assert running.completion_percent == 20
    assert (ended.completion_min, ended.held_sessions, ended.meeting_rule) == (50, 1, 3)

    [checkin] = numbers.checkins
    assert (checkin.recipients, checkin.responses, checkin.percent) == (4, 3, 75)
    assert [r.topic for r in numbers.assistance] == ["Help after 30 days", "Help after 10 days"]
    assert numbers.downloads_total == 8
    assert [r.title for r in numbers.top_downloads] == ["Equity toolkit", "Glossary"]
    assert numbers.proposals == {"proposed": 1, "rejected": 1}


def test_page_shows_tables_charts_and_summaries(organizer, staff_user, client_for):
    scenario.build(organizer)
    response = client_for(staff_user).get(url(organizer))
    assert response.status_code == 200
    sections = sections_of(response)
    assert set(sections) >= {"seats", "applications", "attendance", "completion", "checkins", "assistance", "library"}
    html = response.content.decode()
    # Every chart is an accessible image with the numbers in its description, next to a table.
    assert html.count('role="img"') == html.count("<svg") == 7
    seats = sections["seats"]
    assert seats.tables[0].rows[0][4:9] == [7, "3", 2, 1, 1]
    assert "1 cohort running" in seats.summary and "7 of 30 seats are taken" in seats.summary
    assert "1 seat held awaiting payment" in seats.summary
    assert "Series A: 70%" in str(seats.chart)  # 7 of 10 seats
    attendance = sections["attendance"]
    assert [row[-1] for row in attendance.tables[0].rows] == ["75%", "80%", "75%", "—"]
    assert "Across the latest 4 sessions held, 77% of the people marked attended" in attendance.summary
    assert "1 session without attendance recorded yet" in attendance.summary
    assert "in all, 3 participants meet their cohort's attendance rule today" in sections["completion"].summary
    assert "3 of 4 participants answered (75%)" in sections["checkins"].summary
    assistance = sections["assistance"]
    assert assistance.tables[0].rows == [["Under a week", 0], ["1–2 weeks", 1], ["2–4 weeks", 0], ["Over 4 weeks", 1]]
    assert "2 requests open, 1 not picked up yet; the oldest has waited 30 days" in assistance.summary
    assert "8 downloads" in sections["library"].summary and "1 awaiting review" in sections["library"].summary
    assert "Applications by stage" in html and "3 submitted, 1 offered a seat" in sections["applications"].summary


def test_another_organizers_cohorts_never_appear(organizer, other_organizer, staff_user, client_for):
    scenario.build(organizer)
    theirs = CohortFactory(program__organizer=other_organizer, title="Their secret cohort")
    EnrollmentFactory(cohort=theirs)
    response = client_for(staff_user).get(url(organizer))
    assert "Their secret cohort" not in response.content.decode()


@pytest.mark.parametrize("role", [Role.FACILITATOR, Role.REVIEWER])
def test_only_staff_see_the_dashboard(organizer, client_for, role):
    assert client_for(member(organizer, role)).get(url(organizer)).status_code == 404
    assert client_for(None).get(url(organizer)).status_code == 302


def test_empty_organizer_gets_a_page_that_says_so(organizer, staff_user, client_for):
    response = client_for(staff_user).get(url(organizer))
    assert response.status_code == 200
    assert "No cohorts are running or planned." in response.content.decode()


def _cohorts(organizer, count: int) -> None:
    program = ProgramFactory(organizer=organizer)
    today = timezone.localdate()
    for _ in range(count):
        cohort = CohortFactory(program=program, starts_on=today - dt.timedelta(days=10))
        enrollment = EnrollmentFactory(cohort=cohort)
        mark(held_session(cohort, days_ago=3, title="Session"), enrollment.person, P)


def _queries(client, organizer) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url(organizer)).status_code == 200
    return len(captured)


def test_constant_number_of_queries_from_1_to_50_cohorts(organizer, other_organizer, client_for):
    small_staff, large_staff = member(organizer, Role.STAFF), member(other_organizer, Role.STAFF)
    _cohorts(organizer, 1)
    scenario.build(other_organizer)
    _cohorts(other_organizer, 47)
    small, large = client_for(small_staff), client_for(large_staff)
    _queries(small, organizer), _queries(large, other_organizer)  # warm per-process caches
    assert _queries(small, organizer) == _queries(large, other_organizer)
