"""The numbers behind the organizer dashboard and the cohort report.

`dashboard_numbers` runs a fixed number of queries however many cohorts the organizer
runs (tests/reports/test_dashboard.py asserts it from 1 to 50 cohorts): each read is
one aggregate over every cohort on the dashboard, grouped in Python.

Rates follow the attendance page (sessions_app.selectors.attendance.attendance_report): a
session counts when it is a main session (training, masterclass or check-in, not an
affinity group) that has started; present and late count as attended; an excused
absence takes the session out of the person's count; the completion rule compares the
rounded percentage with the cohort's minimum.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils import timezone

from applications.models import Application
from cohorts.models import Cohort, Enrollment
from cohorts.selectors import seats_taken_count
from library.models import Resource
from sessions_app.models import AssistanceRequest, Attendance, CheckInRound, CohortSessionSettings, Session
from sessions_app.selectors.attendance import COUNTED_KINDS

# Cohorts that ended longer ago than this leave the dashboard (check-ins run 12 months after the end).
ENDED_WITHIN = dt.timedelta(days=400)
PARTICIPATING = Enrollment.PARTICIPATING
DEFAULT_COMPLETION_MIN = CohortSessionSettings._meta.get_field("completion_min_attendance").default
OPEN_ASSISTANCE = (AssistanceRequest.Status.OPEN, AssistanceRequest.Status.ASSIGNED)
AGE_BUCKETS = ((7, "Under a week"), (14, "1–2 weeks"), (28, "2–4 weeks"), (None, "Over 4 weeks"))


def percent(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


@dataclass
class CohortNumbers:
    cohort: Cohort
    phase: str  # "running", "upcoming", "ended", "undated"
    seats_taken: int
    waitlisted: int
    offered: int
    awaiting_payment: int
    participants: int
    completed: int
    completion_min: int = DEFAULT_COMPLETION_MIN
    held_sessions: int = 0
    meeting_rule: int = 0
    call_id: int | None = None

    @property
    def seats_left(self) -> int | None:
        return None if self.cohort.capacity is None else max(self.cohort.capacity - self.seats_taken, 0)

    @property
    def completion_percent(self) -> int | None:
        return percent(self.completed, self.participants)


@dataclass
class SessionRate:
    session_id: int
    cohort_id: int
    title: str
    starts_at: dt.datetime
    attended: int
    recorded: int  # marks that count (everything but excused)

    @property
    def percent(self) -> int | None:
        return percent(self.attended, self.recorded)


@dataclass
class CheckInRate:
    round: CheckInRound
    recipients: int
    responses: int

    @property
    def percent(self) -> int | None:
        return percent(self.responses, self.recipients)


@dataclass
class DashboardNumbers:
    today: dt.date
    cohorts: list[CohortNumbers]
    applications: dict[int, dict[str, int]]  # call id -> status -> count
    sessions: list[SessionRate]
    checkins: list[CheckInRate]
    assistance: list[AssistanceRequest]  # open or assigned, oldest first
    downloads_total: int
    top_downloads: list[Resource]
    proposals: dict[str, int]  # status -> count of resources participants proposed (pending or reviewed)
    extras: dict = field(default_factory=dict)

    @property
    def current(self) -> list[CohortNumbers]:
        return [c for c in self.cohorts if c.phase in ("running", "upcoming", "undated")]


def dashboard_cohorts(organizer, *, today: dt.date) -> QuerySet[Cohort]:
    """Cohorts on the dashboard: running, upcoming, undated, or ended within ENDED_WITHIN."""
    return Cohort.objects.filter(organizer=organizer).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=today - ENDED_WITHIN)
    )


def _phase(cohort: Cohort, today: dt.date) -> str:
    if cohort.starts_on is None:
        return "undated"
    if cohort.starts_on > today:
        return "upcoming"
    if cohort.ends_on is not None and cohort.ends_on < today:
        return "ended"
    return "running"


def counted_sessions(cohorts: QuerySet[Cohort], *, now: dt.datetime) -> QuerySet[Session]:
    return Session.objects.filter(
        cohort__in=cohorts, kind__in=COUNTED_KINDS, affinity_group__isnull=True, starts_at__lte=now
    )


def _status_count(status) -> Count:
    return Count("enrollments", filter=Q(enrollments__status=status))


def dashboard_numbers(organizer, *, now: dt.datetime | None = None) -> DashboardNumbers:
    now = now or timezone.now()
    today = timezone.localdate(now, organizer.time_zone)
    scope = dashboard_cohorts(organizer, today=today)

    cohorts = list(
        scope.select_related("program").annotate(
            seats_taken=seats_taken_count(),
            waitlisted=_status_count(Enrollment.Status.WAITLISTED),
            offered=_status_count(Enrollment.Status.OFFERED),
            awaiting=_status_count(Enrollment.Status.AWAITING_PAYMENT),
            participants=Count("enrollments", filter=Q(enrollments__status__in=PARTICIPATING)),
            completed=_status_count(Enrollment.Status.COMPLETED),
            completion_min=F("session_settings__completion_min_attendance"),
            call=F("application_call__id"),
        ).order_by(F("starts_on").asc(nulls_last=True), "title", "id")
    )
    numbers = {
        c.id: CohortNumbers(
            cohort=c, phase=_phase(c, today), seats_taken=c.seats_taken, waitlisted=c.waitlisted, offered=c.offered,
            awaiting_payment=c.awaiting, participants=c.participants, completed=c.completed,
            completion_min=c.completion_min if c.completion_min is not None else DEFAULT_COMPLETION_MIN, call_id=c.call,
        )
        for c in cohorts
    }

    applications: dict[int, dict[str, int]] = defaultdict(dict)
    for call_id, status, total in (
        Application.objects.filter(call__cohort__in=scope).values_list("call_id", "status").annotate(n=Count("id"))
        .order_by()
    ):
        applications[call_id][status] = total

    held = counted_sessions(scope, now=now)
    sessions = [
        SessionRate(session_id=row["id"], cohort_id=row["cohort_id"], title=row["title"], starts_at=row["starts_at"],
                    attended=row["attended"], recorded=row["recorded"])
        for row in held.annotate(
            attended=Count("attendances", filter=Q(attendances__status__in=Attendance.ATTENDED)),
            recorded=Count("attendances", filter=~Q(attendances__status=Attendance.Status.EXCUSED)),
        ).values("id", "cohort_id", "title", "starts_at", "attended", "recorded").order_by("starts_at", "id")
    ]
    held_per_cohort: dict[int, int] = defaultdict(int)
    for rate in sessions:
        held_per_cohort[rate.cohort_id] += 1
    _count_meeting_rule(numbers, held, held_per_cohort, scope)

    checkins = [
        CheckInRate(round=r, recipients=numbers[r.cohort_id].participants, responses=r.answered)
        for r in CheckInRound.objects.filter(cohort__in=scope, sent_at__isnull=False)
        .annotate(answered=Count("responses")).order_by("due_on", "id")
    ]
    for rate in checkins:
        rate.round.cohort = numbers[rate.round.cohort_id].cohort

    assistance = list(
        AssistanceRequest.objects.filter(organizer=organizer, status__in=OPEN_ASSISTANCE)
        .select_related("cohort__program", "requester", "assigned_to").order_by("created_at", "id")
    )
    resources = Resource.objects.filter(organizer=organizer)
    downloads_total = resources.aggregate(total=Sum("download_count"))["total"] or 0
    top = list(resources.filter(download_count__gt=0).order_by("-download_count", "title")[:10])
    proposals = dict(
        resources.filter(Q(status=Resource.Status.PROPOSED) | Q(reviewed_by__isnull=False))
        .values_list("status").annotate(n=Count("id")).order_by()
    )
    return DashboardNumbers(
        today=today, cohorts=list(numbers.values()), applications=dict(applications), sessions=sessions,
        checkins=checkins, assistance=assistance, downloads_total=downloads_total, top_downloads=top,
        proposals=proposals,
    )


def _count_meeting_rule(numbers: dict[int, CohortNumbers], held: QuerySet[Session], held_per_cohort, scope) -> None:
    """How many participants of each cohort meet its completion rule today (one query for all cohorts)."""
    marks = {
        (row["session__cohort_id"], row["person_id"]): (row["attended"], row["excused"])
        for row in Attendance.objects.filter(session__in=held).values("session__cohort_id", "person_id").annotate(
            attended=Count("id", filter=Q(status__in=Attendance.ATTENDED)),
            excused=Count("id", filter=Q(status=Attendance.Status.EXCUSED)),
        ).order_by()
    }
    for cohort_id, person_id in Enrollment.objects.filter(cohort__in=scope, status__in=PARTICIPATING).values_list(
        "cohort_id", "person_id"
    ):
        entry = numbers[cohort_id]
        entry.held_sessions = held_per_cohort.get(cohort_id, 0)
        attended, excused = marks.get((cohort_id, person_id), (0, 0))
        rate = percent(attended, entry.held_sessions - excused)
        if rate is not None and rate >= entry.completion_min:
            entry.meeting_rule += 1
    for cohort_id, entry in numbers.items():
        entry.held_sessions = held_per_cohort.get(cohort_id, 0)


def assistance_age_buckets(requests: list[AssistanceRequest], *, now: dt.datetime) -> list[tuple[str, int]]:
    counts = {label: 0 for _, label in AGE_BUCKETS}
    for request_obj in requests:
        age = (now - request_obj.created_at).days
        for limit, label in AGE_BUCKETS:
            if limit is None or age < limit:
                counts[label] += 1
                break
    return list(counts.items())
