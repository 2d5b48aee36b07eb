"""LEXIMIN selection probabilities by column generation.

Follows Flanigan, Gölz, Gupta, Hennig & Procaccia, "Fair algorithms for
selecting citizens' assemblies" (Nature 596, 2021), implemented from the
paper on the shared constraint model:

* A *panel* is any cohort satisfying every rule.  We keep a growing set of
  panels and an LP choosing a distribution over them that maximises ``z``,
  the lowest probability among applicants whose probability is not fixed yet
  (fixed ones must keep at least their fixed value).
* The LP's dual prices say how much each applicant's probability is worth.
  A pricing integer program finds the panel with the highest dual value; if
  it beats the price of the convexity row the panel enters the LP (updated in
  place, warm-started) and we repeat.
* When pricing finds nothing better -- or returns a panel we already have,
  which happens when solver tolerances make the LP look improvable -- ``z``
  is optimal for this level.  Applicants with a positive dual price are at
  ``z`` in *every* optimal distribution (complementary slackness), so their
  probability is fixed and the next level begins.

Speed-ups that do not change the answer: the LP starts with cheap one-swap
variants of a first panel so every type is covered before any pricing IP
runs; improving solutions the pricing IP meets on the way are added too; and
since every panel seats exactly k people, the loop stops as soon as the
lowest unfixed probability reaches the unfixed people's average share (then
all of them are exactly there).  ``time_limit`` returns the distribution
found so far (valid, not proven LEXIMIN) with status "time_limit".

Applicants are grouped into *types* (identical coefficients in every rule,
same fixed status, see ``constraints.group_types``).  Symmetry means the
LEXIMIN distribution gives everyone in a type the same probability, so the
LP has one row per type and the pricing IP one integer count per type; a
type's probability is then spread equally over its members.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field

import highspy
import numpy as np

from .conflicts import find_conflicts
from .constraints import add_constraints, build_model, group_types
from .model import SelectionProblem
from .results import INFEASIBLE, OPTIMAL, TIME_LIMIT, ConflictReport
from .solver import (INF, SOLVER_NAME, col_values, f64, i32, is_infeasible, is_optimal,
                     new_highs, solver_version)

FIX_TOLERANCE = 1e-9  # slack kept on fixed probabilities so later LPs stay feasible
DUAL_TOLERANCE = 1e-8  # dual prices above this mark a probability as settled
PRICING_TOLERANCE = 1e-8  # reduced cost a new panel must exceed to enter


@dataclass(frozen=True, kw_only=True)
class LeximinResult:
    """LEXIMIN marginal probabilities and the panel distribution behind them.

    ``panels[i][t]`` is how many units (people or whole teams) of type ``t``
    panel ``i`` takes; ``type_units[t]`` lists those units (tuples of applicant
    ids).  Which units of a type fill a panel is decided when the lottery is
    published, spreading the type's probability equally.
    """

    problem: SelectionProblem = field(repr=False, compare=False)
    status: str
    probabilities: Mapping[str, float] = field(default_factory=dict)
    k_over_n: float = 0.0  # seats / selectable applicants: the equal-share ceiling
    selectable: int = 0
    type_units: tuple[tuple[tuple[str, ...], ...], ...] = ()
    panels: tuple[tuple[int, ...], ...] = ()
    weights: tuple[float, ...] = ()
    rounds: int = 0  # LP solves (column-generation iterations)
    levels: int = 0  # times probabilities were fixed
    conflicts: ConflictReport | None = None
    solver: str = SOLVER_NAME
    solver_version: str = ""
    seed: int = 0
    timings: Mapping[str, float] = field(default_factory=dict)

    @property
    def feasible(self) -> bool:
        return self.status in (OPTIMAL, TIME_LIMIT) and bool(self.weights)

    @property
    def min_probability(self) -> float:
        """Lowest probability among applicants who can be selected at all."""
        ids = [m for units in self.type_units for u in units for m in u]
        return min((self.probabilities[i] for i in ids), default=0.0)

    @property
    def n_types(self) -> int:
        return len(self.type_units)

    def to_dict(self) -> dict:
        return {
            "status": self.status,
            "probabilities": dict(self.probabilities),
            "k_over_n": self.k_over_n,
            "min_probability": self.min_probability,
            "types": self.n_types,
            "panels": len(self.panels),
            "rounds": self.rounds,
            "levels": self.levels,
            "conflicts": self.conflicts.to_dict() if self.conflicts else None,
            "solver": self.solver,
            "solver_version": self.solver_version,
            "seed": self.seed,
            "timings": dict(self.timings),
        }


def _covering_panels(
    start: tuple[int, ...], model, types, *, lower: np.ndarray, upper: np.ndarray,
) -> list[tuple[int, ...]]:
    """Cheap initial panels: ``start`` with one unit swapped for each missing type.

    Until every type appears in some panel the LP's lowest probability is 0
    and each column-generation round covers about one more type, one
    integer program at a time.  Here a single numpy pass tries, for every
    type j missing from ``start``, to exchange one unit of the most similar
    type i in ``start`` for one unit of j, keeping every row within bounds.
    Only valid panels are produced; types no swap can reach are left to the
    exact pricing step.
    """
    R = len(model.rows)
    A = np.zeros((R, len(types)))
    for t, ty in enumerate(types):
        for r, c in ty.coefs:
            A[r, t] = c
    lo = np.array([row.lo for row in model.rows], dtype=float)
    hi = np.array([np.inf if row.hi is None else row.hi for row in model.rows], dtype=float)
    c = np.array(start)
    load = A @ c
    removable = np.flatnonzero(c > lower)
    found = []
    if not len(removable):
        return found
    for j in np.flatnonzero((c == 0) & (upper > 0)):
        after = load[:, None] + A[:, [j]] - A[:, removable]  # rows x candidates
        ok = np.all((after >= lo[:, None] - 1e-9) & (after <= hi[:, None] + 1e-9), axis=0)
        if not ok.any():
            continue
        distance = np.abs(A[:, removable] - A[:, [j]]).sum(axis=0)
        i = removable[np.flatnonzero(ok)[np.argmin(distance[ok])]]
        panel = c.copy()
        panel[i] -= 1
        panel[j] += 1
        found.append(tuple(int(x) for x in panel))
    return found


def leximin(problem: SelectionProblem, *, time_limit: float | None = None) -> LeximinResult:
    """LEXIMIN probabilities over all cohorts satisfying every rule.

    With ``time_limit`` (seconds) the loop stops early and returns the best
    distribution found so far with status "time_limit" (valid, not optimal).
    """
    t0 = time.perf_counter()
    model = build_model(problem)
    common = dict(problem=problem, solver_version=solver_version(), seed=problem.seed)
    if model.conflicts:
        return LeximinResult(status=INFEASIBLE, conflicts=find_conflicts(model), **common)

    types = group_types(model)
    T = len(types)
    size = np.array([t.count for t in types], dtype=float)

    # Pricing IP: integer count per type, shared constraints.
    pricing = new_highs()
    built = add_constraints(
        pricing, model,
        columns=[(t.coefs, float(t.count) if t.fixed_in else 0.0, float(t.count)) for t in types],
    )
    if built.excess_cols:
        # Soft organization limit: only panels with the least total excess.
        ex = i32(list(built.excess_cols.values()))
        pricing.changeColsCost(len(ex), ex, np.ones(len(ex)))
        pricing.run()
        if is_optimal(pricing):
            least = round(pricing.getInfo().objective_function_value)
            pricing.addRow(-INF, least + 0.5, len(ex), ex, np.ones(len(ex)))
            pricing.changeColsCost(len(ex), ex, np.zeros(len(ex)))
    pricing.changeObjectiveSense(highspy.ObjSense.kMaximize)
    pricing.setOptionValue("mip_improving_solution_save", True)
    pricing.run()
    if is_infeasible(pricing):
        return LeximinResult(status=INFEASIBLE, conflicts=find_conflicts(model),
                             timings={"total": time.perf_counter() - t0}, **common)

    def panel_from_solution() -> tuple[int, ...]:
        return tuple(int(round(v)) for v in col_values(pricing)[:T])

    # Master LP: column 0 is z; one row per free type, then the convexity row.
    free = [t for t in range(T) if not types[t].fixed_in]
    row_of = {t: i for i, t in enumerate(free)}
    F = len(free)
    lp = new_highs()
    lp.setOptionValue("presolve", "off")  # warm start from the previous basis
    # Primal simplex: an added column keeps the basis primal feasible.
    lp.setOptionValue("simplex_strategy", 4)
    lp.addVar(-INF, INF)
    lp.changeColCost(0, 1.0)
    lp.addRows(F, np.zeros(F), np.full(F, INF), F, i32(range(F)), np.zeros(F, dtype=np.int32),
               np.full(F, -1.0))
    lp.addRow(1.0, 1.0, 0, i32([]), f64([]))
    lp.changeObjectiveSense(highspy.ObjSense.kMaximize)

    panels: list[tuple[int, ...]] = []
    seen: set[tuple[int, ...]] = set()

    def add_panel(counts: tuple[int, ...]) -> None:
        idx = [row_of[t] for t in free if counts[t]] + [F]
        val = [counts[t] / size[t] for t in free if counts[t]] + [1.0]
        lp.addCol(0.0, 0.0, INF, len(idx), i32(idx), f64(val))
        panels.append(counts)
        seen.add(counts)

    first = panel_from_solution()
    add_panel(first)
    if not built.excess_cols:  # soft organization rows are not plain count bounds
        lower = np.array([t.count if t.fixed_in else 0 for t in types])
        for counts in _covering_panels(first, model, types, lower=lower, upper=size):
            if counts not in seen:
                add_panel(counts)
    fixed: dict[int, float] = {}
    people = {t: types[t].count * len(types[t].units[0].members) for t in range(T)}
    fixed_people = sum(people[t] for t in range(T) if types[t].fixed_in)
    rounds = levels = 0
    status = OPTIMAL
    lam = np.array([1.0])
    pricing_cost = np.zeros(pricing.getNumCol())
    t_lp = t_pricing = 0.0
    while len(fixed) < F:
        t1 = time.perf_counter()
        lp.run()
        t_lp += time.perf_counter() - t1
        rounds += 1
        if not is_optimal(lp):
            status = lp.modelStatusToString(lp.getModelStatus())
            break
        sol = lp.getSolution()
        lam = np.asarray(sol.col_value[1:], dtype=float)
        z = float(sol.col_value[0])
        dual = -np.asarray(sol.row_dual[:F], dtype=float)  # >= 0: value of each type's row
        mu = float(sol.row_dual[F])  # price of the convexity row
        if time_limit is not None and time.perf_counter() - t0 > time_limit:
            status = TIME_LIMIT
            break
        # Every panel seats exactly k people, so the probabilities of all
        # selectable people add up to k.  Hence the lowest unfixed probability
        # is at most the unfixed people's average share; once z reaches that
        # average every unfixed type is exactly at z and the answer is final.
        # (In the common case of "everyone can get k/n" this skips the long,
        # degenerate tail of proving optimality by pricing.)
        unfixed = [t for t in free if t not in fixed]
        left = problem.seats - fixed_people - sum(people[t] * fixed[t] for t in fixed)
        if z >= left / sum(people[t] for t in unfixed) - 1e-9:
            for t in unfixed:
                fixed[t] = z
            levels += 1
            break

        # Pricing: panel maximising sum over types of dual * count / size.
        for t in free:
            pricing_cost[t] = dual[row_of[t]] / size[t]
        pricing.changeColsCost(T, i32(range(T)), pricing_cost[:T])
        t1 = time.perf_counter()
        pricing.run()
        t_pricing += time.perf_counter() - t1
        if is_optimal(pricing):
            counts = panel_from_solution()
            value = float(pricing_cost[:T] @ np.array(counts))
            if value > mu + PRICING_TOLERANCE and counts not in seen:
                add_panel(counts)
                # Improving solutions met on the way are valid panels too;
                # adding those that also price out saves LP rounds.
                for saved in pricing.getSavedMipSolutions():
                    extra = tuple(int(round(v)) for v in saved.col_value[:T])
                    if extra not in seen and \
                            float(pricing_cost[:T] @ np.array(extra)) > mu + PRICING_TOLERANCE:
                        add_panel(extra)
                continue

        # Level optimal: fix the types whose dual price is positive.
        settle = [t for t in unfixed if dual[row_of[t]] > DUAL_TOLERANCE]
        if not settle:
            settle = [max(unfixed, key=lambda t: dual[row_of[t]])]
        for t in settle:
            fixed[t] = z
            r = row_of[t]
            lp.changeCoeff(r, 0, 0.0)
            lp.changeRowBounds(r, max(0.0, z - FIX_TOLERANCE), INF)
        levels += 1

    lam = np.clip(lam, 0.0, None)
    if lam.sum() > 0:
        lam = lam / lam.sum()
    counts_matrix = np.array(panels, dtype=float).reshape(len(panels), T)
    type_prob = (lam @ counts_matrix) / size if T else np.zeros(0)
    probabilities = {a.id: 0.0 for a in problem.applicants}
    for t, ty in enumerate(types):
        p = 1.0 if ty.fixed_in else float(min(1.0, max(0.0, type_prob[t])))
        for u in ty.units:
            for m in u.members:
                probabilities[m] = p
    keep = [i for i, w in enumerate(lam) if w > 1e-12]
    selectable = len(model.selectable_ids)
    return LeximinResult(
        status=status,
        probabilities=probabilities,
        k_over_n=problem.seats / selectable if selectable else 0.0,
        selectable=selectable,
        type_units=tuple(tuple(u.members for u in ty.units) for ty in types),
        panels=tuple(panels[i] for i in keep),
        weights=tuple(float(lam[i]) for i in keep),
        rounds=rounds,
        levels=levels,
        timings={"lp": t_lp, "pricing": t_pricing, "total": time.perf_counter() - t0},
        **common,
    )
