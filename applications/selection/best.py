"""Best-representing cohort: an integer program over the shared constraints.

Objective (maximised): review score + priority weight of everyone selected,
minus a penalty for each person beyond a *soft* organization limit.  The
penalty is larger than the whole pool's total score, so an extra person from
one organization is only taken when the quotas cannot be met otherwise.

Ties are broken lexicographically, not by perturbing scores: a second solve
keeps the optimal score and maximises a seeded random order of the units
(``random.Random(seed)``).  That order therefore never outweighs a real score
difference (beyond the 1e-9 relative MIP tolerance) and the same seed always
gives the same cohort.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterable
from dataclasses import replace

import highspy
import numpy as np

from .conflicts import find_conflicts
from .constraints import Built, ConstraintModel, add_constraints, build_model
from .model import SelectionProblem
from .results import INFEASIBLE, OPTIMAL, TIME_LIMIT, ConflictReport, SelectionResult
from .solver import (SOLVER_NAME, col_values, f64, i32, is_infeasible, is_optimal, new_highs,
                     solver_version)


def soft_penalty(model: ConstraintModel) -> float:
    """Penalty per person beyond a soft organization limit (dominates any score)."""
    return 1.0 + sum(abs(u.weight) for u in model.units)


def tie_break_order(model: ConstraintModel, seed: int) -> list[float]:
    """Seeded random rank per unit: higher rank wins a tie."""
    keys = sorted(u.key for u in model.units)
    random.Random(seed).shuffle(keys)
    rank = {k: i + 1 for i, k in enumerate(keys)}
    n = max(len(keys), 1)
    return [rank[u.key] / n for u in model.units]


def build_best_model(model: ConstraintModel, *, time_limit: float | None = None) -> Built:
    """HiGHS model of the score objective, shared with the explanations."""
    h = new_highs(time_limit=time_limit)
    columns = [(u.coefs, 1.0 if u.fixed_in else 0.0, 1.0) for u in model.units]
    built = add_constraints(h, model, columns=columns, costs=[u.weight for u in model.units],
                            excess_cost=-soft_penalty(model))
    h.changeObjectiveSense(highspy.ObjSense.kMaximize)
    return built


def _infeasible(
    problem: SelectionProblem, report: ConflictReport, timings: dict
) -> SelectionResult:
    return SelectionResult(problem=problem, status=INFEASIBLE, conflicts=report,
                           solver=SOLVER_NAME, solver_version=solver_version(),
                           seed=problem.seed, timings=timings)


def select_best(problem: SelectionProblem, *, time_limit: float | None = None) -> SelectionResult:
    """Highest-scoring cohort meeting every rule, or an infeasibility report."""
    if problem.counted:
        raise ValueError("the best cohort names people: every applicant needs count 1")
    t0 = time.perf_counter()
    model = build_model(problem)
    timings: dict[str, float] = {}
    if model.conflicts:
        timings["total"] = time.perf_counter() - t0
        return _infeasible(problem, find_conflicts(model), timings)

    built = build_best_model(model, time_limit=time_limit)
    h = built.highs
    h.run()
    timings["solve"] = time.perf_counter() - t0
    if is_infeasible(h):
        report = find_conflicts(model)
        timings["conflicts"] = time.perf_counter() - t0 - timings["solve"]
        timings["total"] = time.perf_counter() - t0
        return _infeasible(problem, report, timings)
    if not is_optimal(h):
        timings["total"] = time.perf_counter() - t0
        return SelectionResult(problem=problem, status=TIME_LIMIT, solver=SOLVER_NAME,
                               solver_version=solver_version(), seed=problem.seed,
                               timings=timings)
    best = h.getInfo().objective_function_value
    first = col_values(h)

    # Phase 2: among cohorts with the optimal objective, take the seeded order.
    n_all = h.getNumCol()
    obj = np.zeros(n_all)
    for j, u in enumerate(model.units):
        obj[j] = u.weight
    for c in built.excess_cols.values():
        obj[c] = -soft_penalty(model)
    nz = np.flatnonzero(obj)
    tol = 1e-7 * max(1.0, abs(best))
    h.addRow(best - tol, highspy.kHighsInf, len(nz), i32(nz), f64(obj[nz]))
    order = np.zeros(n_all)
    order[: len(model.units)] = tie_break_order(model, problem.seed)
    h.changeColsCost(n_all, i32(range(n_all)), order)
    h.setSolution(_solution(first))
    h.run()
    x = col_values(h) if is_optimal(h) else first
    timings["tie_break"] = time.perf_counter() - t0 - timings["solve"]

    chosen = [u for j, u in enumerate(model.units) if x[j] > 0.5]
    selected = tuple(m for u in chosen for m in u.members)
    excess = int(round(sum(x[c] for c in built.excess_cols.values())))
    score = sum(u.weight for u in chosen) - soft_penalty(model) * excess
    timings["total"] = time.perf_counter() - t0
    return SelectionResult(problem=problem, status=OPTIMAL, selected=selected,
                           objective=score, organization_excess=excess,
                           solver=SOLVER_NAME, solver_version=solver_version(),
                           seed=problem.seed, timings=timings)


def _solution(values: np.ndarray) -> highspy.HighsSolution:
    sol = highspy.HighsSolution()
    sol.col_value = list(values)
    sol.value_valid = True
    return sol


def select_replacements(
    problem: SelectionProblem,
    *,
    accepted: Iterable[str],
    declined: Iterable[str],
    pending: Iterable[str] = (),
) -> SelectionResult:
    """Re-select after offers went out.

    People who accepted and people still considering an offer (``pending``)
    are fixed in, decliners fixed out; the remaining seats are filled so every
    quota still holds, or the usual infeasibility report says why not.
    ``result.replacements`` lists the newly selected people.
    """
    keep = set(accepted) | set(pending)
    result = select_best(problem.with_fixed(fixed_in=keep, fixed_out=declined))
    if not result.feasible:
        return result
    return replace(result, replacements=tuple(i for i in result.selected if i not in keep))
