"""The equity funnel: each self-identified group's share at every stage of a call, against its goals.

Stages, for the applicants of one call (team members other than the applicant gave no answers):
  applied     submitted (anything but a draft)
  selected    offered a seat (whatever they answered) or enrolled
  enrolled    a confirmed or completed enrollment in the call's cohort
  completed   a completed enrollment
  followed up answered at least one check-in after the cohort

Counts come from `applications.demographics` (the only reader of the answers); every
stage's column is suppressed there, small cells and the cell that would reveal one
(`demographics.suppress`), also for holders of the grant, who alone see the page and
whose every view is logged. Across years, calls of one program are added up per year
by category key before suppression.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from applications import demographics
from applications.demographics import NOT_ANSWERED, Cell
from applications.models import Application, ApplicationCall, DemographicAccessLog, DemographicCategory, Quota
from cohorts.models import Enrollment
from sessions_app.models import CheckInResponse

STAGES = [
    ("applied", "Applied"),
    ("selected", "Selected"),
    ("enrolled", "Enrolled"),
    ("completed", "Completed"),
    ("followed_up", "Answered a check-in"),
]
SELECTED_STATUSES = (Application.Status.OFFERED, Application.Status.ACCEPTED, Application.Status.DECLINED,
                     Application.Status.EXPIRED)


@dataclass
class Counts:
    """Raw (unsuppressed) counts of one category: per stage, per value, and stage totals."""

    key: str
    label: str
    values: list[str]
    cells: dict[str, dict[str, int]] = field(default_factory=dict)  # stage -> value -> count
    totals: dict[str, int] = field(default_factory=dict)  # stage -> people

    def add(self, other: "Counts") -> None:
        for value in other.values:
            if value not in self.values:
                self.values.insert(len(self.values) - 1, value)  # before "not answered"
        for stage, _ in STAGES:
            for value, count in other.cells.get(stage, {}).items():
                self.cells.setdefault(stage, {}).setdefault(value, 0)
                self.cells[stage][value] += count
            self.totals[stage] = self.totals.get(stage, 0) + other.totals.get(stage, 0)


@dataclass
class Row:
    value: str
    cells: list[Cell]  # one per stage, suppressed where needed
    shares: list[int | None]  # percent of the stage's people; None where the cell is suppressed
    goal: str = ""

    @property
    def columns(self) -> list[tuple[Cell, int | None]]:
        return list(zip(self.cells, self.shares))


@dataclass
class FunnelTable:
    key: str
    label: str
    rows: list[Row]
    totals: list[Cell]


def stage_members(call: ApplicationCall) -> dict[str, list[Application]]:
    """The applications at each stage (four queries)."""
    applied = list(call.applications.exclude(status=Application.Status.DRAFT).only("id", "applicant_id", "status"))
    enrollments = dict(
        Enrollment.objects.filter(cohort_id=call.cohort_id, person_id__in=[a.applicant_id for a in applied],
                                  status__in=Enrollment.PARTICIPATING)
        .values_list("person_id", "status")
    )
    answered = set(CheckInResponse.objects.filter(round__cohort_id=call.cohort_id).values_list("person_id", flat=True))
    return {
        "applied": applied,
        "selected": [a for a in applied if a.status in SELECTED_STATUSES or a.applicant_id in enrollments],
        "enrolled": [a for a in applied if a.applicant_id in enrollments],
        "completed": [a for a in applied if enrollments.get(a.applicant_id) == Enrollment.Status.COMPLETED],
        "followed_up": [a for a in applied if a.applicant_id in enrollments and a.applicant_id in answered],
    }


def call_counts(call: ApplicationCall, categories: list[DemographicCategory]) -> list[Counts]:
    members = stage_members(call)
    features = demographics.features_by_application(members["applied"])
    out = []
    for category in categories:
        counts = Counts(category.key, category.label, list(category.value_list) + [NOT_ANSWERED])
        for stage, _ in STAGES:
            people = members[stage]
            cells = demographics.count_by_value(category, [features.get(a.pk, {}) for a in people])
            counts.cells[stage] = {c.label: c.count for c in cells}
            counts.totals[stage] = len(people)
        out.append(counts)
    return out


def suppressed_table(counts: Counts, *, k: int, goals: dict[str, str] | None = None) -> FunnelTable:
    columns: list[list[Cell]] = []
    totals: list[Cell] = []
    for stage, _ in STAGES:
        cells = [Cell(value, counts.cells.get(stage, {}).get(value, 0)) for value in counts.values]
        hide_total = demographics.suppress(cells, total=counts.totals.get(stage, 0), k=k)
        columns.append(cells)
        totals.append(Cell("Total", counts.totals.get(stage, 0), suppressed=hide_total, k=k))
    return _table(counts.key, counts.label, counts.values, columns, totals, goals or {})


def _table(key: str, label: str, values: list[str], columns: list[list[Cell]], totals: list[Cell],
           goals: dict[str, str]) -> FunnelTable:
    """Rows from per-stage columns of (already suppressed) cells, with each shown cell's share of its stage."""
    rows = []
    for index, value in enumerate(values):
        cells = [column[index] for column in columns]
        shares = [
            None if cell.suppressed or total.suppressed or not total.count else round(100 * cell.count / total.count)
            for cell, total in zip(cells, totals)
        ]
        rows.append(Row(value, cells, shares, goals.get(value, "")))
    return FunnelTable(key, label, rows, totals)


def goals_of(call: ApplicationCall, quotas: list[Quota]) -> dict[str, dict[str, str]]:
    """category key -> value -> the call's goal in words."""
    seats = call.seat_count
    goals: dict[str, dict[str, str]] = defaultdict(dict)
    for quota in quotas:
        parts = []
        if quota.min_seats:
            parts.append(f"at least {quota.min_seats} of {seats} seats" + (
                f" ({round(100 * quota.min_seats / seats)}%)" if seats else ""))
        if quota.target_share is not None:
            parts.append(f"about {round(100 * quota.target_share)}% of seats")
        if quota.max_seats is not None:
            parts.append(f"at most {quota.max_seats}")
        if quota.reserved:
            parts.append("reserved seats")
        goals[quota.category][quota.value] = "; ".join(parts)
    return goals


def call_funnel(call: ApplicationCall, *, viewer) -> list[FunnelTable]:
    """The funnel of one call (logged as a read of demographic data)."""
    categories = list(call.demographic_categories.all())
    goals = goals_of(call, list(call.quotas.all()))
    DemographicAccessLog.objects.create(
        organizer_id=call.organizer_id, viewer=viewer, action=DemographicAccessLog.Action.VIEW,
        detail=f"equity funnel of call {call.pk} (aggregates)",
    )
    k = call.organizer.small_cell_k
    return [suppressed_table(c, k=k, goals=goals.get(c.key)) for c in call_counts(call, categories)]


# --- Stored when the answers are deleted -------------------------------------------------------


def store_funnel(*, call: ApplicationCall, now=None):
    """Keep the call's funnel, suppressed, before its answers are deleted (applications.services.purge_demographics).

    Hidden cells are stored as null: what is kept is exactly what the page showed, never a small count.
    """
    from django.utils import timezone

    from .models import StoredFunnel

    categories = list(call.demographic_categories.all())
    if not categories:
        return None
    k = call.organizer.small_cell_k
    goals = goals_of(call, list(call.quotas.all()))
    tables = [suppressed_table(c, k=k, goals=goals.get(c.key)) for c in call_counts(call, categories)]
    data = [{
        "key": t.key, "label": t.label,
        "rows": [{"value": r.value, "goal": r.goal, "cells": [None if c.suppressed else c.count for c in r.cells]}
                 for r in t.rows],
        "totals": [None if c.suppressed else c.count for c in t.totals],
    } for t in tables]
    stored, _ = StoredFunnel.objects.update_or_create(
        call=call, defaults={"organizer_id": call.organizer_id, "stored_at": now or timezone.now(), "k": k,
                             "tables": data},
    )
    return stored


def stored_call_funnel(call: ApplicationCall, *, viewer):
    """(the StoredFunnel or None, its tables) for a call whose answers were deleted (logged as a read)."""
    from .models import StoredFunnel

    stored = StoredFunnel.objects.filter(call=call).first()
    if stored is None:
        return None, []
    DemographicAccessLog.objects.create(
        organizer_id=call.organizer_id, viewer=viewer, action=DemographicAccessLog.Action.VIEW,
        detail=f"equity funnel of call {call.pk} (aggregates stored when the answers were deleted)",
    )
    k = max(call.organizer.small_cell_k, stored.k)
    tables = []
    for data in stored.tables:
        def cell(label: str, count: int | None) -> Cell:
            return Cell(label, count or 0, suppressed=count is None, k=k)

        values = [row["value"] for row in data["rows"]]
        columns = [[cell(row["value"], row["cells"][index]) for row in data["rows"]] for index in range(len(STAGES))]
        totals = [cell("Total", count) for count in data["totals"]]
        if k > stored.k:  # the organizer raised its threshold since: hide what it would hide now
            for column, total in zip(columns, totals):
                _suppress_further(column, total, k)
        tables.append(_table(data["key"], data["label"], values, columns, totals,
                             {row["value"]: row["goal"] for row in data["rows"]}))
    return stored, tables


def _suppress_further(cells: list[Cell], total: Cell, k: int) -> None:
    """`demographics.suppress` over already suppressed cells, whose hidden counts are unknown (and stay hidden)."""
    for cell in cells:
        cell.suppressed = cell.suppressed or 0 < cell.count < k
    if sum(1 for c in cells if c.suppressed) == 1 and not total.suppressed:
        others = sorted((c for c in cells if not c.suppressed and c.count > 0), key=lambda c: c.count)
        if others:
            others[0].suppressed = True
        else:
            total.suppressed = True


@dataclass
class YearFunnel:
    year: int
    calls: list[ApplicationCall]
    tables: list[FunnelTable]


def program_funnel(calls: list[ApplicationCall], *, organizer, viewer) -> list[YearFunnel]:
    """One program's calls added up per year (of the call's deadline, else its cohort's start), by category key.

    Calls whose answers were purged after their retention period are left out: only their
    suppressed figures were kept (`StoredFunnel`), which cannot be added to other calls'.
    """
    categories: dict[int, list[DemographicCategory]] = defaultdict(list)
    for category in DemographicCategory.objects.filter(call__in=calls).order_by("order", "id"):
        categories[category.call_id].append(category)
    by_year: dict[int, list[ApplicationCall]] = defaultdict(list)
    for call in calls:
        year = _year(call)
        if year is not None and categories.get(call.pk) and not call.demographics_purged_at:
            by_year[year].append(call)
    if by_year:
        DemographicAccessLog.objects.create(
            organizer_id=organizer.id, viewer=viewer, action=DemographicAccessLog.Action.VIEW,
            detail=f"equity funnel across years of calls {', '.join(str(c.pk) for c in calls)} (aggregates)"[:300],
        )
    out = []
    for year in sorted(by_year):
        merged: dict[str, Counts] = {}
        for call in by_year[year]:
            for counts in call_counts(call, categories[call.pk]):
                if counts.key in merged:
                    merged[counts.key].add(counts)
                else:
                    merged[counts.key] = counts
        tables = [suppressed_table(c, k=organizer.small_cell_k) for c in merged.values()]
        out.append(YearFunnel(year, by_year[year], tables))
    return out


def _year(call: ApplicationCall) -> int | None:
    if call.deadline:
        return call.deadline.year
    return call.cohort.starts_on.year if call.cohort.starts_on else None
