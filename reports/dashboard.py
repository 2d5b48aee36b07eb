"""The organizer dashboard's sections, built from `reports.selectors.dashboard_numbers`."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from applications.models import Application
from library.models import Resource
from sessions_app.models import AssistanceRequest

from . import charts, hooks
from .charts import Point
from .sections import Link, Section, Table, plural, shown
from .selectors import DashboardNumbers, assistance_age_buckets, dashboard_numbers, percent

RECENT_SESSIONS = 24  # the attendance chart shows the latest held sessions


def day(value: dt.date | None) -> str:
    return date_format(value, "j M Y") if value else "—"


def dashboard_sections(*, organizer, access, now: dt.datetime | None = None) -> list[Section]:
    now = now or timezone.now()
    numbers = dashboard_numbers(organizer, now=now)
    slug = organizer.slug

    def report_link(cohort) -> Link:
        return Link(f"{cohort.program.title}: {cohort.title}", reverse(
            "reports:cohort_report", kwargs={"organizer_slug": slug, "cohort_id": cohort.id}
        ))

    sections = [
        _seats(numbers, report_link),
        _applications(numbers),
        _attendance(numbers, organizer),
        _completion(numbers, report_link),
        _checkins(numbers, report_link),
        _assistance(numbers, slug, now),
        _library(numbers),
    ]
    return sections + hooks.extra_sections(organizer=organizer, numbers=numbers, access=access)


PHASES = {"running": "Running", "upcoming": "Upcoming", "undated": "No dates yet", "ended": "Ended"}


def _seats(numbers: DashboardNumbers, report_link) -> Section:
    current = numbers.current
    headers = ["Cohort", "Status", "Dates", "Capacity", "Seats taken", "Seats left", "Waitlist", "Offers open",
               "Awaiting payment"]
    rows = []
    for entry in current:
        cohort = entry.cohort
        row = [report_link(cohort), PHASES[entry.phase], f"{day(cohort.starts_on)} – {day(cohort.ends_on)}",
               shown(cohort.capacity), entry.seats_taken, shown(entry.seats_left), entry.waitlisted, entry.offered,
               entry.awaiting_payment]
        rows.append(row)
    with_capacity = [e for e in current if e.cohort.capacity]
    taken = sum(e.seats_taken for e in with_capacity)
    capacity = sum(e.cohort.capacity for e in with_capacity)
    running = sum(1 for e in current if e.phase == "running")
    summary = (
        f"{plural(running, 'cohort')} running and {plural(len(current) - running, 'more')} upcoming or not yet dated. "
        f"{taken} of {capacity} seats are taken in cohorts with a seat limit; "
        f"{plural(sum(e.waitlisted for e in current), 'person', 'people')} on waitlists."
    )
    summary += f" {plural(sum(e.awaiting_payment for e in current), 'seat')} held awaiting payment."
    chart = charts.bar_chart(
        title="Seats taken as a share of capacity",
        points=[Point(str(r[0]), round(100 * e.seats_taken / e.cohort.capacity))
                for r, e in zip(rows, current) if e.cohort.capacity],
        unit="%", max_value=100,
    ) if with_capacity else None
    return Section(
        "seats", "Running and upcoming cohorts", summary, chart,
        [Table("Seats, waitlist and offers per cohort", headers, rows, numeric_from=3)],
        empty="No cohorts are running or planned.",
    )


APPLICATION_STAGES = [
    Application.Status.SUBMITTED, Application.Status.OFFERED, Application.Status.ACCEPTED,
    Application.Status.WAITLISTED, Application.Status.REJECTED, Application.Status.DECLINED,
    Application.Status.EXPIRED, Application.Status.WITHDRAWN, Application.Status.DRAFT,
]


def _applications(numbers: DashboardNumbers) -> Section:
    calls = [e for e in numbers.cohorts if e.call_id and e.call_id in numbers.applications]
    stages = [s for s in APPLICATION_STAGES if any(numbers.applications[e.call_id].get(s) for e in calls)]
    rows = []
    for entry in calls:
        counts = numbers.applications[entry.call_id]
        rows.append([f"{entry.cohort.program.title}: {entry.cohort.title}"] + [counts.get(s, 0) for s in stages]
                    + [sum(counts.values())])
    totals = {s: sum(numbers.applications[e.call_id].get(s, 0) for e in calls) for s in stages}
    if len(rows) > 1:
        rows.append(["All calls"] + [totals[s] for s in stages] + [sum(totals.values())])
    everything = sum(totals.values())
    summary = (
        f"{plural(everything, 'application')} across {plural(len(calls), 'call')}: "
        + ", ".join(f"{totals[s]} {Application.Status(s).label.lower()}" for s in stages) + "."
    ) if calls else ""
    chart = charts.bar_chart(
        title="Applications by stage, all calls", points=[Point(Application.Status(s).label, totals[s]) for s in stages],
    ) if calls else None
    return Section(
        "applications", "Applications by stage", summary, chart,
        [Table("Applications per call and stage", ["Call"] + [Application.Status(s).label for s in stages] + ["Total"],
               rows)],
        empty="No applications to cohorts on this dashboard.",
    )


def _attendance(numbers: DashboardNumbers, organizer) -> Section:
    titles = {e.cohort.id: f"{e.cohort.program.title}: {e.cohort.title}" for e in numbers.cohorts}
    recent = numbers.sessions[-RECENT_SESSIONS:]
    zone = organizer.time_zone

    def when(session) -> str:
        return date_format(timezone.localtime(session.starts_at, zone), "j M")

    rows = [[date_format(timezone.localtime(s.starts_at, zone), "j M Y"), titles[s.cohort_id], s.title,
             s.attended, s.recorded, shown(s.percent, "%")] for s in recent]
    attended = sum(s.attended for s in recent)
    recorded = sum(s.recorded for s in recent)
    summary = (
        f"Across the latest {plural(len(recent), 'session')} held, {shown(percent(attended, recorded), '%')} of the "
        f"people marked attended (present or late; excused absences are left out)."
        + (f" {plural(sum(1 for s in recent if s.percent is None), 'session')} without attendance recorded yet."
           if any(s.percent is None for s in recent) else "")
    ) if recent else ""
    chart = charts.line_chart(
        title="Attendance rate per session over time",
        points=[Point(when(s), s.percent) for s in recent],
    ) if recent else None
    return Section(
        "attendance", "Attendance per session", summary, chart,
        [Table("Attendance per session, oldest first", ["Date", "Cohort", "Session", "Attended", "Marked", "Rate"],
               rows, numeric_from=3)],
        empty="No sessions have been held yet.",
    )


def _completion(numbers: DashboardNumbers, report_link) -> Section:
    entries = [e for e in numbers.cohorts if e.held_sessions and e.participants]
    rows = [[report_link(e.cohort), PHASES[e.phase], f"{e.completion_min}%", e.held_sessions, e.participants,
             e.meeting_rule, e.completed, shown(e.completion_percent, "%")] for e in entries]
    ended = [e for e in entries if e.phase == "ended"]
    summary = (
        f"{plural(len(entries), 'cohort')} with sessions held. In the ended ones, "
        f"{sum(e.completed for e in ended)} of {sum(e.participants for e in ended)} participants completed; "
        f"in all, {sum(e.meeting_rule for e in entries)} participants meet their cohort's attendance rule today."
    ) if entries else ""
    chart = charts.bar_chart(
        title="Participants who completed, per cohort", points=[Point(str(r[0]), e.completion_percent)
                                                             for r, e in zip(rows, entries)],
        unit="%", max_value=100,
    ) if entries else None
    return Section(
        "completion", "Completion against the rule", summary, chart,
        [Table("Completion per cohort", ["Cohort", "Status", "Rule (attended at least)", "Sessions held",
                                         "Participants", "Meeting the rule now", "Completed", "Completed share"],
               rows, numeric_from=2)],
        empty="No cohort has held a session yet.",
    )


def _checkins(numbers: DashboardNumbers, report_link) -> Section:
    rates = numbers.checkins
    rows = [[report_link(r.round.cohort), f"{r.round.months_after} months", day(r.round.due_on), r.recipients,
             r.responses, shown(r.percent, "%")] for r in rates]
    responses, recipients = sum(r.responses for r in rates), sum(r.recipients for r in rates)
    summary = (
        f"{plural(len(rates), 'check-in round')} sent; {responses} of {recipients} participants answered "
        f"({shown(percent(responses, recipients), '%')})."
    ) if rates else ""
    chart = charts.bar_chart(
        title="Check-in response rate per round",
        points=[Point(f"{r.round.cohort.title}, {r.round.months_after} mo", r.percent) for r in rates],
        unit="%", max_value=100,
    ) if rates else None
    return Section(
        "checkins", "Check-in response rates", summary, chart,
        [Table("Responses per check-in round", ["Cohort", "After", "Due", "Sent to", "Answered", "Response rate"],
               rows, numeric_from=3)],
        empty="No check-in round has gone out yet.",
    )


def _assistance(numbers: DashboardNumbers, slug: str, now: dt.datetime) -> Section:
    requests = numbers.assistance
    buckets = assistance_age_buckets(requests, now=now)
    oldest = requests[:10]
    rows = [[Link(r.topic, reverse("sessions_app:assistance_detail", kwargs={"organizer_slug": slug, "request_id": r.id})),
             f"{r.cohort.program.title}: {r.cohort.title}", AssistanceRequest.Status(r.status).label,
             r.assigned_to.display_name if r.assigned_to else "Nobody yet", day(timezone.localdate(r.created_at)),
             (now - r.created_at).days] for r in oldest]
    waiting = sum(1 for r in requests if r.status == AssistanceRequest.Status.OPEN)
    summary = (
        f"{plural(len(requests), 'request')} open, {waiting} not picked up yet; the oldest has waited "
        f"{plural((now - requests[0].created_at).days, 'day')}."
    ) if requests else ""
    chart = charts.bar_chart(
        title="Open technical-assistance requests by age", points=[Point(label, n) for label, n in buckets],
    ) if requests else None
    return Section(
        "assistance", "Open technical-assistance requests", summary, chart,
        [Table("Open requests by age", ["Waiting", "Requests"], [[label, n] for label, n in buckets]),
         Table("The oldest open requests", ["Topic", "Cohort", "Status", "Assigned to", "Asked on", "Days waiting"],
               rows, numeric_from=5)],
        empty="No technical-assistance request is waiting.",
    )


def _library(numbers: DashboardNumbers) -> Section:
    top = numbers.top_downloads
    proposals = numbers.proposals
    waiting = proposals.get(Resource.Status.PROPOSED, 0)
    summary = (
        f"{plural(numbers.downloads_total, 'download')} from the library in all. "
        f"{plural(sum(proposals.values()), 'resource')} proposed by participants, {waiting} awaiting review."
    )
    chart = charts.bar_chart(
        title="Most downloaded resources", points=[Point(r.title, r.download_count) for r in top],
    ) if top else None
    return Section(
        "library", "Library downloads and proposals", summary, chart,
        [Table("Most downloaded resources", ["Resource", "Downloads"], [[r.title, r.download_count] for r in top]),
         Table("Proposals by participants", ["Status", "Resources"],
               [[Resource.Status(s).label, proposals.get(s, 0)] for s in Resource.Status if s != Resource.Status.PUBLISHED
                or proposals.get(s)])],
    )
