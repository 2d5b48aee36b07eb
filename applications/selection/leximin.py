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

Fast paths (``cover.py``): every panel seats exactly k' free people, so the
lowest free probability is at most k'/n'.  When a *uniform cover* exists --
G = n'/gcd(n',k') valid panels using every unit m = k'/gcd(n',k') times,
found from one circular order of the units or by one integer program -- it
gives everyone exactly k'/n' and is LEXIMIN with gap 0, no LP at all.

Otherwise column generation starts from a varied set (a near-uniform
balanced cover, or the multiplicative-weights panels of the published method)
plus one-swap panels covering every type; each pricing round adds the
pricing panel, the improving solutions the IP met and the best one-swap
neighbours of the pricing panel, so one LP solve receives dozens of columns.
Every round has a certified gap: by weak duality no distribution lifts the
lowest unsettled probability above ``z + (best panel value - convexity
price)``, nor above the unsettled people's average share.  A level is
settled when the gap is at most ``tolerance``; ``time_limit`` returns the
distribution found so far (valid) with status "time_limit" and its gap.

Applicants are grouped into *types* (identical coefficients in every rule,
same fixed status, see ``constraints.group_types``).  Symmetry means the
LEXIMIN distribution gives everyone in a type the same probability, so the
LP has one row per type and the pricing IP one integer count per type; a
type's probability is then spread equally over its members.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import highspy
import numpy as np

from .conflicts import find_conflicts
from .constraints import add_constraints, build_model, group_types
from .cover import (TypeMatrix, balanced_cover, equal_shares_possible, free_share,
                    type_matrix, uniform_cover, window_cover)
from .model import SelectionProblem
from .results import INFEASIBLE, OPTIMAL, TIME_LIMIT, ConflictReport
from .solver import (INF, SOLVER_NAME, col_values, f64, i32, is_infeasible, is_optimal,
                     new_highs, solver_version)

FIX_TOLERANCE = 1e-9  # slack kept on fixed probabilities so later LPs stay feasible
DUAL_TOLERANCE = 1e-8  # dual prices above this mark a probability as settled
PRICING_TOLERANCE = 1e-8  # reduced cost a new panel must exceed to enter
DEFAULT_TOLERANCE = 1e-6  # certified gap at which a level counts as settled
COVER_TIME_LIMIT = 60.0  # seconds for the uniform cover before falling back
WINDOW_TIME_LIMIT = 10.0  # seconds for repairing a circular order into a cover
START_PANELS = 12  # most panels in the balanced cover that starts column generation
START_TIME_LIMIT = 20.0  # seconds for the varied start (balanced cover or weights)
MW_ROUNDS = 100  # multiplicative-weights panels at most
SWAPS_PER_ROUND = 60  # one-swap neighbours of the pricing panel added per LP solve
UNIFORM_COVER = "uniform cover"
COLUMN_GENERATION = "column generation"


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
    rounds: int = 0  # pricing rounds (column-generation iterations)
    lp_solves: int = 0
    levels: int = 0  # times probabilities were fixed
    # Certified gap: no distribution raises a settled level's lowest
    # probability by more than this (0.0 when proven exactly; for a
    # time-limited result the gap of the level still open, inf if unknown).
    gap: float = float("inf")
    tolerance: float = 0.0
    method: str = ""  # "uniform cover" or "column generation"
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
            "lp_solves": self.lp_solves,
            "levels": self.levels,
            "gap": self.gap if self.gap != float("inf") else None,
            "tolerance": self.tolerance,
            "method": self.method,
            "conflicts": self.conflicts.to_dict() if self.conflicts else None,
            "solver": self.solver,
            "solver_version": self.solver_version,
            "seed": self.seed,
            "timings": dict(self.timings),
        }


def _covering_panels(tm: TypeMatrix, start: tuple[int, ...]) -> list[tuple[int, ...]]:
    """Cheap panels: ``start`` with one unit swapped for each type it misses.

    Until every type appears in some panel the LP's lowest probability is 0
    and each column-generation round covers about one more type.  One numpy
    pass tries, for every type j missing from ``start``, to exchange one unit
    of the most similar type i in ``start`` for one unit of j, keeping every
    row within bounds.  Types no swap reaches are left to pricing.
    """
    c = np.asarray(start, dtype=float)
    load = tm.A @ c
    removable = np.flatnonzero(c > tm.lower)
    found = []
    if not len(removable):
        return found
    for j in np.flatnonzero((c == 0) & (tm.size > 0)):
        after = load[:, None] + tm.A[:, [j]] - tm.A[:, removable]
        ok = np.all((after >= tm.lo[:, None] - 1e-9) & (after <= tm.hi[:, None] + 1e-9), axis=0)
        if not ok.any():
            continue
        distance = np.abs(tm.A[:, removable] - tm.A[:, [j]]).sum(axis=0)
        i = removable[np.flatnonzero(ok)[np.argmin(distance[ok])]]
        panel = c.copy()
        panel[i] -= 1
        panel[j] += 1
        found.append(tuple(int(x) for x in panel))
    return found


def _multiplicative_weights(pricing, tm: TypeMatrix, *, rounds: int,
                            seconds: float) -> list[tuple[int, ...]]:
    """Varied panels from the published method's multiplicative-weights start.

    Each round the pricing IP picks the panel of highest total weight; the
    weight of everyone on it drops by a fifth (at type level: by a fifth of
    the type's share on the panel), so later panels favour people not yet
    chosen.  Weights are renormalised to keep their sum.
    """
    T = len(tm.size)
    free = tm.free.astype(float)
    weight = free.copy()
    found: list[tuple[int, ...]] = []
    start = time.perf_counter()
    repeats = 0
    for _ in range(rounds):
        if time.perf_counter() - start > seconds or repeats >= 5:
            break
        pricing.changeColsCost(T, i32(range(T)), weight / np.maximum(tm.size, 1))
        pricing.run()
        if not is_optimal(pricing):
            break
        c = np.rint(col_values(pricing)[:T])
        panel = tuple(int(x) for x in c)
        repeats = repeats + 1 if panel in found else 0
        found.append(panel)
        weight *= 1.0 - 0.2 * c / np.maximum(tm.size, 1) * free
        if weight.sum() > 0:
            weight *= free.sum() / weight.sum()
    return found


def _improving_swaps(tm: TypeMatrix, counts: tuple[int, ...], value: np.ndarray,
                     threshold: float, limit: int) -> list[tuple[int, ...]]:
    """Valid one-swap neighbours of ``counts`` whose dual value beats ``threshold``.

    The pricing IP returns one best panel; its neighbours (one unit of type i
    out, one of type j in) are nearly as valuable and usually still improve
    the LP.  One numpy pass scores every exchange, checks the rules for the
    most valuable ones and keeps up to ``limit`` of them, each bringing in a
    different type, so one LP solve receives many varied columns.
    """
    c = np.asarray(counts, dtype=float)
    out_ = np.flatnonzero(c > tm.lower)
    in_ = np.flatnonzero(c < tm.size)
    if not len(out_) or not len(in_) or limit <= 0:
        return []
    gain = float(value @ c) - value[out_][:, None] + value[in_][None, :]
    I, J = np.nonzero(gain > threshold)
    if not len(I):
        return []
    order = np.argsort(-gain[I, J], kind="stable")[: limit * 20]
    I, J = out_[I[order]], in_[J[order]]
    after = (tm.A @ c)[:, None] - tm.A[:, I] + tm.A[:, J]
    ok = np.all((after >= tm.lo[:, None] - 1e-9) & (after <= tm.hi[:, None] + 1e-9), axis=0)
    found, used_in, used_out = [], set(), {}
    for i, j in zip(I[ok], J[ok]):
        if j in used_in or used_out.get(i, 0) >= 3:
            continue
        used_in.add(j)
        used_out[i] = used_out.get(i, 0) + 1
        panel = c.copy()
        panel[i] -= 1
        panel[j] += 1
        found.append(tuple(int(x) for x in panel))
        if len(found) >= limit:
            break
    return found


def leximin(
    problem: SelectionProblem,
    *,
    time_limit: float | None = None,
    tolerance: float = DEFAULT_TOLERANCE,
    progress: Callable[[dict], None] | None = None,
    fast_paths: bool = True,
) -> LeximinResult:
    """LEXIMIN probabilities over all cohorts satisfying every rule.

    ``tolerance``: a level is settled once its certified gap (how far the
    lowest unsettled probability could still rise) is at most this.  With
    ``time_limit`` (seconds) the loop stops early and returns the best
    distribution found so far with status "time_limit" (valid, not proven
    LEXIMIN) and its gap.  ``progress``, if given, is called after every LP
    solve with a dict (level, rounds, lp_solves, panels, z, bound, gap,
    elapsed) so a long run can be shown while it works.  ``fast_paths=False``
    skips the uniform cover and the balanced start (tests compare the two).
    """
    t0 = time.perf_counter()

    def left() -> float | None:
        return None if time_limit is None else time_limit - (time.perf_counter() - t0)

    model = build_model(problem)
    common = dict(problem=problem, solver_version=solver_version(), seed=problem.seed,
                  tolerance=tolerance)
    if model.conflicts:
        return LeximinResult(status=INFEASIBLE, conflicts=find_conflicts(model), **common)

    types = group_types(model)
    T = len(types)
    tm = type_matrix(model, types)
    size = tm.size
    selectable = sum(len(u.members) * u.copies for u in model.units)

    def finish(status, panels, lam, *, gap, rounds=0, lp_solves=0, levels=0, method,
               timings) -> LeximinResult:
        lam = np.clip(np.asarray(lam, dtype=float), 0.0, None)
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
        timings = {**timings, "total": time.perf_counter() - t0}
        return LeximinResult(
            status=status, probabilities=probabilities,
            k_over_n=problem.seats / selectable if selectable else 0.0, selectable=selectable,
            type_units=tuple(tuple(u.members for u in ty.units) for ty in types),
            panels=tuple(panels[i] for i in keep), weights=tuple(float(lam[i]) for i in keep),
            rounds=rounds, lp_solves=lp_solves, levels=levels, gap=gap, method=method,
            timings=timings, **common)

    soft = any(row.soft for row in model.rows)
    # Fast path: everyone free at exactly k'/n', proven by a uniform cover.
    t_cover = 0.0
    if fast_paths and not soft and T and equal_shares_possible(tm, problem.seats):
        t1 = time.perf_counter()
        cap = COVER_TIME_LIMIT if left() is None else min(COVER_TIME_LIMIT, left() / 3)
        cover = window_cover(tm, problem.seats, time_limit=min(WINDOW_TIME_LIMIT, cap),
                             seed=problem.seed)
        if cover is None:
            cover = uniform_cover(tm, problem.seats, time_limit=cap)
        t_cover = time.perf_counter() - t1
        if cover is not None:
            merged: dict[tuple[int, ...], int] = {}
            for p in cover:
                merged[p] = merged.get(p, 0) + 1
            if progress:
                progress({"level": 1, "rounds": 0, "lp_solves": 0, "panels": len(merged),
                          "gap": 0.0, "elapsed": time.perf_counter() - t0,
                          "method": "uniform cover"})
            return finish(OPTIMAL, list(merged), list(merged.values()), gap=0.0, levels=1,
                          method=UNIFORM_COVER, timings={"cover": t_cover})

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

    def add_panels(new: list[tuple[int, ...]]) -> int:
        """Add the panels not seen yet as LP columns in one call; how many were new."""
        starts, index, value = [], [], []
        added = 0
        for counts in new:
            if counts in seen:
                continue
            seen.add(counts)
            panels.append(counts)
            starts.append(len(index))
            for t in free:
                if counts[t]:
                    index.append(row_of[t])
                    value.append(counts[t] / size[t])
            index.append(F)
            value.append(1.0)
            added += 1
        if added:
            lp.addCols(added, np.zeros(added), np.zeros(added), np.full(added, INF),
                       len(index), i32(starts), i32(index), f64(value))
        return added

    first = panel_from_solution()
    add_panels([first])
    if not soft:  # soft organization rows are not plain count bounds
        add_panels(_covering_panels(tm, first))
    if fast_paths:
        # A varied start: a near-uniform balanced cover when equal shares
        # look possible, else the multiplicative-weights panels.
        t1 = time.perf_counter()
        k_free, n_free = free_share(tm, problem.seats)
        cap = START_TIME_LIMIT if left() is None else min(START_TIME_LIMIT, left() / 4)
        if not soft and 0 < k_free < n_free and equal_shares_possible(tm, problem.seats):
            g0 = max(2, min(START_PANELS, round(n_free / k_free)))
            add_panels(balanced_cover(tm, problem.seats, time_limit=cap, panels=g0,
                                      seed=problem.seed))
        else:
            add_panels(_multiplicative_weights(pricing, tm, rounds=min(MW_ROUNDS, F),
                                               seconds=cap))
        t_cover += time.perf_counter() - t1

    fixed: dict[int, float] = {}
    people = {t: types[t].count * len(types[t].units[0].members) for t in range(T)}
    fixed_people = sum(people[t] for t in range(T) if types[t].fixed_in)
    rounds = lp_solves = levels = 0
    status = OPTIMAL
    gap = 0.0  # largest gap at which a level was settled
    level_gap = INF
    lam = np.array([1.0])
    pricing_cost = np.zeros(pricing.getNumCol())
    t_lp = t_pricing = 0.0
    while len(fixed) < F:
        t1 = time.perf_counter()
        lp.run()
        t_lp += time.perf_counter() - t1
        lp_solves += 1
        if not is_optimal(lp):
            status = lp.modelStatusToString(lp.getModelStatus())
            break
        sol = lp.getSolution()
        lam = np.asarray(sol.col_value[1:], dtype=float)
        z = float(sol.col_value[0])
        dual = -np.asarray(sol.row_dual[:F], dtype=float)  # >= 0: value of each type's row
        mu = float(sol.row_dual[F])  # price of the convexity row
        # Every panel seats exactly k people, so the probabilities of all
        # selectable people add up to k.  Hence the lowest unfixed probability
        # is at most the unfixed people's average share; once z reaches that
        # average every unfixed type is exactly at z and the answer is final.
        unfixed = [t for t in free if t not in fixed]
        remaining = problem.seats - fixed_people - sum(people[t] * fixed[t] for t in fixed)
        average = remaining / sum(people[t] for t in unfixed)
        bound = average
        if z >= average - tolerance:
            level_gap = max(0.0, average - z)
            if progress:
                progress({"level": levels + 1, "rounds": rounds, "lp_solves": lp_solves,
                          "panels": len(panels), "z": z, "bound": average, "gap": level_gap,
                          "elapsed": time.perf_counter() - t0, "method": COLUMN_GENERATION})
            for t in unfixed:
                fixed[t] = z
            gap = max(gap, level_gap)
            levels += 1
            break
        if left() is not None and left() <= 0:
            status = TIME_LIMIT
            break

        # Pricing: panel maximising sum over types of dual * count / size.
        for t in free:
            pricing_cost[t] = dual[row_of[t]] / size[t]
        pricing.changeColsCost(T, i32(range(T)), pricing_cost[:T])
        if left() is not None:
            pricing.setOptionValue("time_limit", max(0.1, left()))
        t1 = time.perf_counter()
        pricing.run()
        t_pricing += time.perf_counter() - t1
        rounds += 1
        priced = is_optimal(pricing)
        if priced or pricing.getInfo().primal_solution_status == 2:
            counts = panel_from_solution()
            value = float(pricing_cost[:T] @ np.array(counts))
            # Lagrangian bound: no distribution lifts the lowest unfixed
            # probability above z + (best panel value - convexity price).
            best = value if priced else max(value, pricing.getInfo().mip_dual_bound)
            bound = min(average, z + max(0.0, best - mu))
        level_gap = max(0.0, bound - z)
        if progress:
            progress({"level": levels + 1, "rounds": rounds, "lp_solves": lp_solves,
                      "panels": len(panels), "z": z, "bound": bound, "gap": level_gap,
                      "elapsed": time.perf_counter() - t0, "method": COLUMN_GENERATION})
        if not priced:
            status = TIME_LIMIT
            break
        if level_gap > tolerance:
            new = [counts]
            # Improving solutions met on the way are valid panels too, and so
            # are the best one-swap neighbours of the pricing panel.
            for saved in pricing.getSavedMipSolutions():
                extra = tuple(int(round(v)) for v in saved.col_value[:T])
                if float(pricing_cost[:T] @ np.array(extra)) > mu + PRICING_TOLERANCE:
                    new.append(extra)
            if not soft:
                new += _improving_swaps(tm, counts, pricing_cost[:T], mu + PRICING_TOLERANCE,
                                        SWAPS_PER_ROUND)
            if add_panels(new):
                continue

        # Level settled: fix the types whose dual price is positive.
        gap = max(gap, level_gap)
        settle = [t for t in unfixed if dual[row_of[t]] > DUAL_TOLERANCE]
        if not settle:
            settle = [max(unfixed, key=lambda t: dual[row_of[t]])]
        for t in settle:
            fixed[t] = z
            r = row_of[t]
            lp.changeCoeff(r, 0, 0.0)
            lp.changeRowBounds(r, max(0.0, z - FIX_TOLERANCE), INF)
        levels += 1

    if status != OPTIMAL:
        gap = max(gap, level_gap)
    return finish(status, panels, lam, gap=gap, rounds=rounds, lp_solves=lp_solves,
                  levels=levels, method=COLUMN_GENERATION,
                  timings={"cover": t_cover, "lp": t_lp, "pricing": t_pricing})
