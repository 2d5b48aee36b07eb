"""The demo is true on the day it is loaded: catalog labels, program pages and calls agree.

load_demo builds its dates from the day it runs, so this test loads it with the clock
set to several days (time-machine) and checks every demo cohort each time.
"""

import datetime as dt

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from applications.models import Application, ApplicationCall
from cohorts.models import Cohort, Program
from frameworks.models import Assessment, AssessmentPoint, ProgressUpdate, SupportLog, Workplan
from organizers.models import Organizer
from sessions_app.models import AssistanceRequest, CheckInResponse, CheckInRound, OfficeHourSlot, Session
from sessions_app.services.reminders import add_months

pytestmark = pytest.mark.django_db

REGISTRATION_OPEN = ("open for registration", "seats left", "seat left", "full — waitlist open")


def _catalog_statuses(client, organizer) -> dict[tuple[str, str], str]:
    statuses = {}
    url = reverse("cohorts:catalog", kwargs={"organizer_slug": organizer.slug})
    for card in client.get(url).context["cards"]:
        for line in card["lines"]:
            title, _, status = line.rpartition(" · ")
            statuses[(card["title"], title.split(":")[0])] = status
    return statuses


def _check_demo(client) -> None:
    now, today = timezone.now(), timezone.localdate()
    with scopes_disabled():
        organizers = list(Organizer.objects.filter(is_published=True))
    for organizer in organizers:
        statuses = _catalog_statuses(client, organizer)
        with scope(organizer=organizer.id):
            cohorts = list(Cohort.objects.filter(is_published=True, program__status=Program.Status.PUBLISHED)
                           .select_related("program"))
            calls = {c.cohort_id: c for c in ApplicationCall.objects.filter(cohort__in=cohorts)}
        pages = {}
        for cohort in cohorts:
            program = cohort.program
            if program.slug not in pages:
                response = client.get(reverse("cohorts:program_detail", kwargs={
                    "organizer_slug": organizer.slug, "program_slug": program.slug}))
                pages[program.slug] = {row["cohort"].pk: row for row in response.context["rows"]}
            row = pages[program.slug][cohort.pk]
            status = statuses[(program.title, cohort.title)]
            call = calls.get(cohort.pk)
            call_open = call is not None and call.is_open(now)
            where = f"{organizer.slug}/{program.slug}/{cohort.slug} on {today}: {status!r}"
            ended = bool(cohort.ends_on and cohort.ends_on < today)
            started = bool(cohort.starts_on and cohort.starts_on <= today)
            assert (status == "ended") == (ended and not cohort.registration_closed), where
            if ended or status == "in progress":
                assert not call_open and not row["join_url"] and not row["apply_url"], where
            if status == "in progress":
                assert started and not ended, where
            assert (status == "applications open") == call_open, where
            assert bool(row["apply_url"]) == call_open, where
            if call_open:
                assert not started, where  # people apply for a cohort that has not begun
                with scopes_disabled():
                    assert Application.objects.filter(call=call).exists(), where
            assert bool(row["join_url"]) == status.endswith(REGISTRATION_OPEN), where
            if not row["join_url"] and not row["apply_url"]:
                assert row["registration_problem"], where  # the page says why one cannot join
    with scopes_disabled():
        # Every organizer with sessions has something coming up, and office hours can be booked.
        for slug in ("illinois-partners", "alliance-for-early-success"):
            assert Session.objects.filter(organizer__slug=slug, starts_at__gt=now).exists(), slug
        assert OfficeHourSlot.objects.filter(starts_at__gt=now).exists()
        north_sound = ApplicationCall.objects.get(cohort__program__slug="equity-in-leadership")
        assert north_sound.is_open(now)
    _check_frameworks(client, now, today)
    _check_assistance_calls(client, now)


def _check_assistance_calls(client, now) -> None:
    """Agreed TA calls follow the session they were asked after; one is coming up, in its helper's schedule."""
    with scopes_disabled():
        calls = list(AssistanceRequest.objects.filter(appointment_starts_at__isnull=False)
                     .select_related("session", "cohort", "assigned_to", "organizer"))
        for call in calls:
            assert call.session is None or call.appointment_starts_at >= call.session.ends_at, call
            assert call.appointment_starts_at.date() >= call.cohort.starts_on, call
            assert call.assigned_to is not None and call.appointment_where, call
        upcoming = [c for c in calls if c.appointment_starts_at > now]
    assert upcoming, "the demo has a TA call coming up"
    call = upcoming[0]
    client.force_login(call.assigned_to)
    page = client.get(reverse("sessions_app:schedule", kwargs={"organizer_slug": call.organizer.slug})).content.decode()
    client.logout()
    assert call.topic.replace("'", "&#x27;") in page


def _check_frameworks(client, now, today) -> None:
    """Assessments, check-ins and workplan notes happen only on days that have come, in the cohort's order."""
    with scopes_disabled():
        points = list(AssessmentPoint.objects.select_related("cohort"))
        assert points, "the demo has framework assessments"
        for point in points:
            where = f"{point} of {point.cohort} on {today}"
            if point.kind == AssessmentPoint.Kind.BASELINE:
                assert point.opens_on == point.cohort.starts_on, where
            elif point.kind == AssessmentPoint.Kind.FOLLOW_UP:
                assert point.opens_on == add_months(point.cohort.ends_on, point.months_after), where
            for assessment in Assessment.objects.filter(point=point, status=Assessment.Status.SUBMITTED):
                assert point.opens_on <= today, where  # nobody answers a follow-up before its day
                assert point.opens_on <= timezone.localtime(assessment.submitted_at).date(), where
                assert assessment.submitted_at <= now, where
        for round_ in CheckInRound.objects.select_related("cohort"):
            where = f"{round_} on {today}"
            assert round_.due_on == add_months(round_.cohort.ends_on, round_.months_after), where
            if round_.sent_at is not None:
                assert round_.due_on <= today and round_.sent_at <= now, where
            else:
                assert not CheckInResponse.objects.filter(round=round_).exists(), where
        for update in ProgressUpdate.objects.select_related("workplan__cohort", "checkin_round"):
            cohort, where = update.workplan.cohort, f"update {update.body[:30]!r} of {update.workplan} on {today}"
            assert cohort.starts_on <= timezone.localtime(update.created_at).date() and update.created_at <= now, where
            if update.checkin_round is not None:
                assert update.checkin_round.sent_at is not None and update.created_at >= update.checkin_round.sent_at, where
        for log in SupportLog.objects.select_related("request__workplan__cohort"):
            assert log.request.workplan.cohort.starts_on <= log.given_on <= today, f"{log.note[:30]!r} on {today}"
        alliance = Cohort.objects.get(program__slug="operationalizing-equity", slug="cohort-1")
        workplan = Workplan.objects.filter(cohort=alliance, updates__isnull=False).first()
        sent = CheckInRound.objects.filter(cohort=alliance, sent_at__isnull=False).exists()
        staff = Organizer.objects.get(slug="alliance-for-early-success").memberships.get(role="staff").user
    assert workplan is not None
    client.force_login(staff)
    page = client.get(reverse("frameworks:workplan", kwargs={
        "organizer_slug": "alliance-for-early-success", "workplan_id": workplan.pk})).content.decode()
    client.logout()
    assert "Fact sheet published" in page
    if alliance.ends_on >= today:  # the cohort still runs: no check-in after it has gone out
        assert not sent and "-month check-in" not in page, today


@pytest.mark.parametrize("day", [None, "2025-01-20", "2031-10-26"])
def test_every_demo_cohort_reads_the_same_in_the_catalog_the_program_page_and_its_call(client, day):
    if day is None:
        call_command("load_demo", verbosity=0)
        _check_demo(client)
        return
    with time_machine.travel(dt.datetime.fromisoformat(f"{day}T16:00:00+00:00"), tick=False):
        call_command("load_demo", verbosity=0)
        _check_demo(client)
