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


# --- Self-assessments (frameworks) -------------------------------------------------------------


def visible_assessments(cohort: Cohort, *, team_ids: set[int] | None):
    """The cohort's assessments a viewer may export: every one for staff (`team_ids` None), else those of
    the given teams (a planning-team partner's supported teams) and of their organizations; never a
    person's own assessment."""
    from django.db.models import Q

    from cohorts.models import Team
    from frameworks.models import Assessment

    found = Assessment.objects.filter(cohort=cohort).select_related(
        "point", "version__framework", "team", "organization", "person", "cohort")
    if team_ids is not None:
        teams = Team.objects.filter(cohort=cohort, id__in=team_ids)
        found = found.filter(Q(team__in=teams) | Q(team__isnull=True, person__isnull=True,
                                                   organization__in=teams.values("organization_id")))
    return found.order_by("point__opens_on", "point_id", "team__name", "organization__name", "id")


def _taker(assessment) -> list[str]:
    return [assessment.subject_name, str(assessment.team or ""), str(assessment.organization or "")]


def assessment_ratings(cohort: Cohort, *, team_ids: set[int] | None = None) -> Export:
    """One row per assessment and item: the agreed rating, with its area's score (the results page's numbers)."""
    from frameworks import selectors as frameworks

    rows = []
    for assessment in visible_assessments(cohort, team_ids=team_ids):
        point = assessment.point
        head = [point.label, point.opens_on, f"{assessment.version.framework.title} v{assessment.version.number}",
                *_taker(assessment), assessment.get_status_display(), _when(assessment.submitted_at)]
        for area in frameworks.results(assessment):
            for item in area["items"]:
                rows.append([*head, area["title"], area["score"], item["item"].statement, item["value"],
                             item["label"] if item["value"] is not None else "", item["note"]])
    return Export(
        f"assessment-ratings-{cohort.slug}", "Self-assessment ratings",
        ["Assessment", "Opened", "Framework", "Taken by", "Team", "Organization", "Status", "Submitted", "Area",
         "Area score", "Item", "Agreed rating", "Rating", "Note"],
        rows,
    )


def assessment_scores(cohort: Cohort, *, team_ids: set[int] | None = None) -> Export:
    """Area scores side by side per team (or organization, or person): baseline, end and follow-ups, and the
    change from the first submitted score to the last. Only submitted assessments count."""
    from frameworks import selectors as frameworks
    from frameworks.models import Assessment

    submitted = [a for a in visible_assessments(cohort, team_ids=team_ids) if a.status == Assessment.Status.SUBMITTED]
    points: list = []
    scores: dict[tuple, dict[str, dict[int, float | None]]] = {}
    takers: dict[tuple, list[str]] = {}
    for assessment in submitted:
        if assessment.point not in points:
            points.append(assessment.point)
        key = (assessment.team_id, assessment.organization_id if not assessment.team_id else None, assessment.person_id)
        takers.setdefault(key, _taker(assessment))
        for area in frameworks.results(assessment):
            scores.setdefault(key, {}).setdefault(area["title"], {})[assessment.point_id] = area["score"]
    points.sort(key=lambda p: (p.opens_on, p.id))
    rows = []
    for key, areas in scores.items():
        for title, by_point in areas.items():
            values = [by_point.get(p.id) for p in points]
            given = [v for v in values if v is not None]
            change = round(given[-1] - given[0], 1) if len(given) > 1 else None
            rows.append([*takers[key], title, *values, change])
    return Export(
        f"assessment-scores-{cohort.slug}", "Self-assessment area scores",
        ["Taken by", "Team", "Organization", "Area", *[p.label for p in points], "Change (first to last)"],
        rows,
    )


ASSESSMENT_EXPORTS = {
    "ratings": ("Self-assessment ratings per item", assessment_ratings),
    "scores": ("Self-assessment area scores, baseline to follow-up", assessment_scores),
}
ASSESSMENT_KINDS = {kind: label for kind, (label, _) in ASSESSMENT_EXPORTS.items()}


# --- Invoices (billing) ------------------------------------------------------------------------


def invoices(organizer, *, cohort: Cohort | None = None, today=None) -> Export:
    """Every issued invoice and credit note (of one cohort, or all): number, date, buyer, amounts, and whether
    it is paid or credited. Paid is what the order received; a credit note's row shows what it credits."""
    from django.db.models import Sum

    from billing.models import ZERO, Invoice, Order, Payment, money

    zone = organizer.time_zone
    today = today or timezone.localdate(timezone.now(), zone)
    found = Invoice.objects.filter(organizer=organizer)
    if cohort is not None:
        found = found.filter(order__cohort=cohort)
    found = list(found.select_related("order__cohort__program", "credits").order_by("year", "sequence"))
    order_ids = {i.order_id for i in found}
    paid = dict(Payment.objects.filter(order_id__in=order_ids).values_list("order_id").annotate(t=Sum("amount"))
                .order_by())
    credited = dict(Invoice.objects.filter(credits__in=[i.pk for i in found]).values_list("credits_id")
                    .annotate(t=Sum("gross")).order_by())
    rows = []
    for invoice in found:
        order = invoice.order
        credit_note = invoice.kind == Invoice.Kind.CREDIT_NOTE
        # Sums come back unquantized on SQLite ("100"); money() makes every amount read 100.00.
        received = money(paid.get(order.pk) or ZERO)
        credit = money(ZERO - (credited.get(invoice.pk) or ZERO))
        if credit_note:
            status = "credit note"
        elif credit >= invoice.gross:
            status = "credited"
        elif received >= invoice.gross - credit or order.status == Order.Status.PAID:
            status = "paid"
        elif invoice.due_on and invoice.due_on < today:
            status = "overdue"
        else:
            status = "partly credited" if credit else "unpaid"
        buyer = invoice.buyer or {}
        rows.append([
            invoice.number, invoice.get_kind_display(), timezone.localtime(invoice.issued_at, zone).date(),
            invoice.due_on, f"{order.cohort.program.title}: {order.cohort.title}", buyer.get("name"),
            buyer.get("address"), buyer.get("tax_id"), buyer.get("po_reference"), invoice.payment_reference,
            invoice.currency, invoice.net, invoice.tax, invoice.gross, status,
            None if credit_note else received, None if credit_note else credit,
            invoice.credits.number if invoice.credits_id else "",
        ])
    return Export(
        f"invoices-{cohort.slug}" if cohort is not None else f"invoices-{organizer.slug}", "Invoices",
        ["Number", "Kind", "Issued", "Due", "Cohort", "Buyer", "Buyer address", "Buyer tax id", "Purchase order",
         "Payment reference", "Currency", "Net", "Tax", "Gross", "Status", "Paid (order)", "Credited",
         "Credits invoice"],
        rows,
    )
