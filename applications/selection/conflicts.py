"""Infeasibility reports from an elastic version of the constraint model.

Quotas are never bent silently.  When no cohort exists we solve the same
model with a slack column on every hard bound (seat count, quota min/max,
intersection quotas, organization limits), minimise the total slack, and then
-- among the minimal-total answers -- the number of bounds that move.  The
result is the smallest relaxation that makes selection possible, reported
together with how many eligible applicants each rule could draw on.
"""

from __future__ import annotations

from collections.abc import Mapping

import highspy
import numpy as np

from .constraints import ConstraintModel, Row, add_constraints
from .results import ConflictReport, Relaxation
from .solver import f64, i32, is_optimal, new_highs


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def _message(row: Row, bound: str, by: int, alone: bool) -> str:
    tail = "" if alone else " (together with the other relaxations listed)"
    avail = f"{_plural(row.available, 'eligible applicant')}"
    if row.in_pool != row.available:
        avail += f" ({row.in_pool} in the pool)"
    if row.kind == "seats":
        if bound == "min":
            why = (f"only {avail} can be selected" if row.available < row.lo
                   else "not enough applicants fit within the other rules")
            return (f"the {row.lo} seats cannot all be filled: {why}; reducing the "
                    f"seats by {by} makes selection possible{tail}")
        return (f"more than {row.hi} people are fixed in or needed; increasing the seats "
                f"by {by} makes selection possible{tail}")
    if row.kind == "organization":
        return (f"the limit of {row.hi} per organization cannot be kept for "
                f"{row.organization!r} ({avail}); raising it by {by} for that "
                f"organization makes selection possible{tail}")
    what = "reserved seats" if row.reserved else "minimum" if bound == "min" else "maximum"
    limit = row.lo if bound == "min" else row.hi
    if bound == "min":
        verb = "has" if row.available == 1 else "have"
        why = (f"only {avail} {verb} it" if row.available < row.lo
               else f"{avail} {verb} it but not enough fit with the other rules")
        return (f"the '{row.name}' {what} of {limit} cannot be met: {why}; relaxing it "
                f"by {by} makes selection possible{tail}")
    verb = "has" if row.available == 1 else "have"
    return (f"the '{row.name}' {what} of {limit} cannot be kept ({avail} {verb} it); "
            f"raising it by {by} makes selection possible{tail}")


def find_conflicts(
    model: ConstraintModel,
    *,
    bounds: Mapping[int, tuple[float, float]] | None = None,
    minimal_count: bool = True,
) -> ConflictReport:
    """Smallest relaxation making ``model`` feasible.

    ``bounds`` optionally overrides (lower, upper) for some units, used by the
    explanations to ask "what breaks if this person is forced in/out?".
    ``minimal_count`` adds the second, lexicographic phase (fewest rules moved).
    """
    if model.conflicts:
        return ConflictReport(structural=model.conflicts)
    h = new_highs()
    columns = []
    for j, u in enumerate(model.units):
        lo, hi = (float(u.copies) if u.fixed_in else 0.0), float(u.copies)
        if bounds and j in bounds:
            lo, hi = bounds[j]
        columns.append((u.coefs, lo, hi))
    built = add_constraints(h, model, columns=columns, elastic=True)
    slack_cols = [c for _, _, c in built.slack_cols]
    if not slack_cols:
        return ConflictReport()
    h.changeColsCost(len(slack_cols), i32(slack_cols), np.ones(len(slack_cols)))
    h.changeObjectiveSense(highspy.ObjSense.kMinimize)
    h.run()
    if not is_optimal(h):  # every bound has slack, so this is a defect, not a quota
        return ConflictReport(structural=(
            f"the elastic model could not be solved ({h.modelStatusToString(h.getModelStatus())})",))
    total = round(h.getInfo().objective_function_value)
    if total == 0:
        return ConflictReport()
    if minimal_count and len(slack_cols) > 1:
        # Phase 2: keep total slack minimal, minimise how many bounds move.
        k = len(slack_cols)
        n0 = h.getNumCol()
        h.addVars(k, np.zeros(k), np.ones(k))
        ind = i32(range(n0, n0 + k))
        h.changeColsIntegrality(k, ind, np.full(k, highspy.HighsVarType.kInteger, dtype=np.uint8))
        h.changeColsCost(len(slack_cols), i32(slack_cols), np.zeros(k))
        h.changeColsCost(k, ind, np.ones(k))
        big = float(max(model.problem.seats, sum(u.copies * len(u.members) for u in model.units), 1) + total)
        for s, z in zip(slack_cols, ind):
            h.addRow(-highspy.kHighsInf, 0.0, 2, i32([s, z]), f64([1.0, -big]))
        h.addRow(-highspy.kHighsInf, total + 0.5, k, i32(slack_cols), np.ones(k))
        h.run()
    values = h.getSolution().col_value
    picked = [(r, side, round(values[c])) for r, side, c in built.slack_cols if values[c] > 0.5]
    alone = len(picked) == 1
    relaxations = []
    for r, side, by in picked:
        row = model.rows[r]
        relaxations.append(Relaxation(
            row_key=row.key, kind=row.kind, name=row.name, bound=side,
            limit=int(row.lo if side == "min" else row.hi), relax_by=int(by),
            available=row.available, in_pool=row.in_pool,
            message=_message(row, side, int(by), alone),
        ))
    return ConflictReport(relaxations=tuple(relaxations), total_relaxation=int(total))
