"""Exports of one cohort or one call, as rows for `core.spreadsheet` (CSV or XLSX).

Every cell passes through `core.spreadsheet.safe_cell` on the way out, so a name like
`=HYPERLINK(...)` arrives as text. Demographic answers appear only in the applications
export, only for holders of the demographics grant, and the export is logged
(`applications.demographics.export_individual`).
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import mean

from django.db.models import Prefetch
from django.utils import timezone

from applications import demographics
from applications.models import Application, ApplicationCall, Review
from cohorts.models import Cohort, Enrollment
from core.timefmt import format_when
from sessions_app.models import Attendance, CheckInRound

from .cohort_report import cohort_report


@dataclass
class Export:
    filename: str  # without the extension
    title: str
    header: list[str]
    rows: list[list]


def _when(value) -> str:
    """Sortable, in the viewer's zone, the zone named (core.timefmt)."""
    return format_when(value, None, fmt="%Y-%m-%d %H:%M")


def registrations(cohort: Cohort) -> Export:
    enrollments = Enrollment.objects.filter(cohort=cohort).select_related("person", "organization", "team").order_by(
        "created_at", "id"
    )
    return Export(
        f"registrations-{cohort.slug}", "Registrations",
        ["Person", "Email", "Organization", "Team", "Role", "Status", "Registered", "Confirmed", "Waitlisted",
         "Completed", "Cancelled"],
        [[e.person.display_name, e.person.email, str(e.organization or ""), str(e.team or ""), e.get_role_display(),
          e.get_status_display(), _when(e.created_at), _when(e.confirmed_at), _when(e.waitlisted_at),
          _when(e.completed_at), _when(e.cancelled_at)] for e in enrollments],
    )


def attendance(cohort: Cohort) -> Export:
    report = cohort_report(cohort)
    labels = dict(Attendance.Status.choices)
    sessions = [f"{c.session.title} ({timezone.localtime(c.session.starts_at):%Y-%m-%d})" for c in report.sessions]
    return Export(
        f"attendance-{cohort.slug}", "Attendance",
        ["Person", "Email", "Organization", "Team", "Role", *sessions, "Attended", "Out of", "Rate (%)", "Completion"],
        [[row.person.display_name, row.person.email, str(row.organization or ""), str(row.team or ""), row.role,
          *[labels.get(s, "") for s in row.statuses], row.attended, row.possible, row.percent,
          "Completed" if row.status == Enrollment.Status.COMPLETED else
          ("Meets the rule" if report.meets_rule(row) else "" if row.delegate else "Not yet")]
         for row in report.rows],
    )


def checkins(cohort: Cohort) -> Export:
    """One row per answer: check-in rounds keep the questions as they were sent."""
    rows = []
    rounds = CheckInRound.objects.filter(cohort=cohort).prefetch_related("responses__person").order_by("months_after")
    for round_ in rounds:
        for response in sorted(round_.responses.all(), key=lambda r: r.submitted_at):
            for index, question in enumerate(round_.questions):
                answer = response.answers[index] if index < len(response.answers) else ""
                rows.append([f"{round_.months_after} months", response.person.display_name, response.person.email,
                             _when(response.submitted_at), question, answer])
    return Export(f"checkins-{cohort.slug}", "Check-in answers",
                  ["Check-in", "Person", "Email", "Answered", "Question", "Answer"], rows)


def applications(call: ApplicationCall, *, viewer, access) -> Export:
    questions = list(call.questions.all())
    apps = list(
        Application.objects.filter(call=call).select_related("applicant", "organization")
        .prefetch_related(Prefetch("reviews", queryset=Review.objects.only("application_id", "score")))
        .order_by("submitted_at", "id")
    )
    categories = list(call.demographic_categories.all())
    answers = demographics.export_individual(
        call=call, applications=apps, viewer=viewer, access=access, detail=f"applications export of call {call.pk}",
    ) if categories else None
    header = ["Reference", "Applicant", "Email", "Organization", "Title", "Leader", "Executive director", "Team",
              "Status", "Submitted", "Scholarship requested", "Reviews", "Mean score",
              *[q.label for q in questions]]
    if answers is not None:
        header += [f"{c.label} (self-identified)" for c in categories]
    rows = []
    for app in apps:
        scores = [r.score for r in app.reviews.all()]
        row = [app.reference, app.applicant.display_name, app.applicant.email, str(app.organization or ""), app.title,
               app.is_leader, app.is_executive_director, app.team_name, app.get_status_display(),
               _when(app.submitted_at), app.scholarship_requested, len(scores),
               round(mean(scores), 1) if scores else None,
               *[_answer(app.answers.get(str(q.pk))) for q in questions]]
        if answers is not None:
            given = answers.get(app.pk, {})
            row += ["; ".join(given.get(c.key) or []) or demographics.NOT_ANSWERED for c in categories]
        rows.append(row)
    return Export(f"applications-{call.cohort.slug}", "Applications", header, rows)


def reviews(call: ApplicationCall) -> Export:
    rubric = list(call.rubric.all())
    found = Review.objects.filter(application__call=call).select_related("application__applicant", "reviewer").order_by(
        "application_id", "submitted_at"
    )
    return Export(
        f"reviews-{call.cohort.slug}", "Reviews",
        ["Reference", "Applicant", "Reviewer", "Recommendation", "Score (0–100)", *[c.name for c in rubric], "Comment",
         "Submitted"],
        [[r.application.reference, r.application.applicant.display_name, r.reviewer.display_name,
          r.get_recommendation_display(), r.score, *[r.scores.get(str(c.pk)) for c in rubric], r.comment,
          _when(r.submitted_at)] for r in found],
    )


def _answer(value) -> str:
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return "" if value is None else str(value)


# kind in the address -> (label on the page, builder)
COHORT_EXPORTS = {
    "registrations": ("Registrations", registrations),
    "attendance": ("Attendance", attendance),
    "checkins": ("Check-in answers", checkins),
}
CALL_EXPORTS = {"applications": "Applications", "reviews": "Reviews"}
