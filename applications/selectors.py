"""Read queries the applications pages share."""

import math

from dataclasses import dataclass
from statistics import mean, median, pstdev

from django.db.models import Count, Q

from cohorts.models import Program
from organizers.models import Membership
from organizers.roles import Role

from .demographics import Cell, aggregate, category_labels, features_by_application, intersection_name, quota_name
from .engine_input import lead_reference
from .models import Application, ApplicationCall, ConflictOfInterest, SelectionRun


def applications_of(person, call_ids: list[int]) -> dict[int, Application]:
    """The person's own application per call (the program page says where they stand)."""
    if not getattr(person, "is_authenticated", False) or not call_ids:
        return {}
    return {a.call_id: a for a in Application.objects.filter(call_id__in=call_ids, applicant=person)}


def open_calls():
    calls = ApplicationCall.objects.filter(
        cohort__is_published=True, cohort__program__status=Program.Status.PUBLISHED
    ).select_related("cohort__program").order_by("deadline")
    return [c for c in calls if c.is_open()]


def calls_for_reviewer(user) -> list[ApplicationCall]:
    """Calls this reviewer is assigned to, plus calls with no assignments at all."""
    calls = ApplicationCall.objects.select_related("cohort__program").annotate(assigned=Count("reviewer_assignments"))
    return [c for c in calls if c.assigned == 0 or c.reviewer_assignments.filter(reviewer=user).exists()]


def may_review(user, call: ApplicationCall) -> bool:
    return call in calls_for_reviewer(user)


def review_queue(call: ApplicationCall, user):
    """Submitted applications this reviewer may review, fewest reviews first."""
    conflicted = ConflictOfInterest.objects.filter(reviewer=user).values("application_id")
    return (
        call.applications.filter(status=Application.Status.SUBMITTED)
        .exclude(pk__in=conflicted)
        .exclude(applicant=user)
        .annotate(review_count=Count("reviews"), mine=Count("reviews", filter=Q(reviews__reviewer=user)))
        .select_related("applicant", "organization")
        .order_by("mine", "review_count", "submitted_at", "id")
    )


def next_for_review(call: ApplicationCall, user) -> Application | None:
    return review_queue(call, user).filter(mine=0).first()


def reviewers_of(organizer) -> list:
    return [m.user for m in Membership.objects.filter(organizer=organizer, role=Role.REVIEWER).select_related("user")]


@dataclass
class ScoreStats:
    count: int
    mean: float | None
    median: float | None
    stdev: float | None
    spread: float | None  # max - min

    @property
    def disagreement(self) -> bool:
        return self.spread is not None and self.spread >= 30


def score_stats(scores: list[float]) -> ScoreStats:
    if not scores:
        return ScoreStats(0, None, None, None, None)
    return ScoreStats(
        len(scores), round(mean(scores), 1), round(median(scores), 1),
        round(pstdev(scores), 1) if len(scores) > 1 else None, round(max(scores) - min(scores), 1),
    )


def staff_application_rows(call: ApplicationCall):
    apps = list(
        call.applications.exclude(status=Application.Status.DRAFT)
        .select_related("applicant", "organization").prefetch_related("reviews", "conflicts")
    )
    return [(app, score_stats([r.score for r in app.reviews.all()])) for app in apps]


def confirmed_run(call: ApplicationCall) -> SelectionRun | None:
    return call.runs.filter(status=SelectionRun.Status.CONFIRMED, kind__in=["best", "lottery"]).first()


def selected_applications(call: ApplicationCall, run: SelectionRun | None) -> list[Application]:
    if run is None:
        return []
    ids = {int(lead_reference(r)[1:]) for r in run.selected_references}
    return list(call.applications.filter(pk__in=ids))


@dataclass
class QuotaRow:
    name: str
    minimum: int
    maximum: int | None
    pool: Cell
    selected: Cell | None
    met: bool | None


def quota_rows(
    call: ApplicationCall, pool: list[Application], selected: list[Application] | None, *, exact: bool,
    table_cells: dict[tuple[str, str, str], Cell] | None = None,
) -> list[QuotaRow]:
    """Pool vs quota vs selected for every quota, with small cells suppressed unless `exact`.

    A quota on one value shows the same cell as the category table (`table_cells`,
    keyed by group, category, value), so a cell hidden there to protect another
    (complementary suppression) is hidden here too.
    """
    k = call.organizer.small_cell_k
    features = features_by_application(pool + (selected or []))
    seats = call.seat_count
    table_cells = table_cells or {}

    def count(apps, test) -> int:
        return sum(1 for a in apps if test(features.get(a.pk, {})))

    rows = []
    labels = category_labels(call)
    rules = [
        (quota_name(q, labels), _bounds(q, seats), lambda f, q=q: q.value in f.get(q.category, []),
         (q.category, q.value))
        for q in call.quotas.all()
    ] + [
        (intersection_name(iq, labels), (iq.min_seats, iq.max_seats), lambda f, iq=iq: all(v in f.get(c, []) for c, v in iq.conditions.items()),
         None)
        for iq in call.intersection_quotas.all()
    ]
    for name, (lo, hi), test, key in rules:
        cells = {"Pool": Cell("pool", count(pool, test))}
        if selected is not None:
            cells["Selected"] = Cell("selected", count(selected, test))
        met = None
        if "Selected" in cells:
            met = cells["Selected"].count >= lo and (hi is None or cells["Selected"].count <= hi)
        if not exact:
            for group, cell in cells.items():
                shared = table_cells.get((group, *key)) if key else None
                cell.suppressed, cell.k = (0 < cell.count < k) or bool(shared and shared.suppressed), k
        rows.append(QuotaRow(name, lo, hi, cells["Pool"], cells.get("Selected"), met))
    return rows


def _bounds(quota, seats: int) -> tuple[int, int | None]:
    lo, hi = quota.min_seats, quota.max_seats
    if quota.target_share is not None and seats:
        target = round(quota.target_share * seats, 9)
        lo = max(lo, math.floor(target))
        hi = math.ceil(target) if hi is None else min(hi, math.ceil(target))
    return lo, hi


def pool_dashboard(call: ApplicationCall, *, exact: bool, run: SelectionRun | None = None) -> dict:
    """Pool vs quotas vs selected: a chosen run's cohort, or once confirmed, who holds a seat now."""
    pool = list(call.applications.filter(status__in=Application.IN_POOL + (Application.Status.DECLINED, Application.Status.EXPIRED)))
    if run is not None:
        selected = selected_applications(call, run)
    elif call.selection_confirmed_at:
        selected = list(call.applications.filter(status__in=[Application.Status.OFFERED, Application.Status.ACCEPTED]))
    else:
        selected = None
    groups = {"Pool": pool}
    if selected is not None:
        groups["Selected"] = selected
    tables = aggregate(call, groups, exact=exact)
    table_cells = {
        (group, table.key, cell.label): cell
        for table in tables for group, cells in table.columns.items() if ":total" not in group for cell in cells
    }
    return {
        "pool_size": len(pool),
        "tables": tables,
        "quota_rows": quota_rows(call, pool, selected, exact=exact, table_cells=table_cells),
        "compared_run": run,
        "group_names": list(groups),
        "status_counts": dict(call.applications.values_list("status").annotate(n=Count("id")).order_by()),
    }

