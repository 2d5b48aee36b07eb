"""Covers: sets of panels that use every unit (almost) equally often.

Every panel seats exactly k' free people (k minus the fixed-in ones), so
among the n' free people the lowest probability is at most k'/n'.  When some
distribution gives every free person exactly k'/n' that is the LEXIMIN answer,
and it is proven by the distribution itself: nothing can raise the lowest
probability above the average.

A *uniform cover* finds such a distribution directly with one integer
program: G = n'/gcd(n', k') panels, each valid, using every unit exactly
m = k'/gcd(n', k') times (so each panel drawn with probability 1/G gives
everyone m/G = k'/n').  Variables are counts per (panel, type); the model
has G copies of the rule rows plus one "used m times" row per type.  HiGHS
solves the 2,000/200 benchmark pool (G = 10) in about a second and the
1,727/110 one (G = 157) in seconds.  If the program is too large, hits its
time cap or has no solution (k'/n' for everyone may still be reachable with
weights that are not multiples of 1/G), the caller falls back to column
generation.

A *balanced cover* relaxes "exactly m times" to "between floor and ceil of
G0*k'/n' times" for a small G0: varied, near-uniform panels that start column
generation close to the answer instead of from copies of one panel.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import highspy
import numpy as np

from .solver import INF, f64, i32, is_optimal, new_highs

# Largest uniform cover tried, in (panel, type) integer variables.
MAX_COVER_VARIABLES = 400_000


@dataclass(frozen=True)
class TypeMatrix:
    """Dense view of the rules over types: ``lo <= A @ counts <= hi``."""

    A: np.ndarray  # rows x types
    lo: np.ndarray
    hi: np.ndarray  # np.inf where a row has no maximum
    size: np.ndarray  # units per type
    lower: np.ndarray  # least units per type in any panel (fixed-in types: all)
    people: np.ndarray  # people per unit of each type

    @property
    def free(self) -> np.ndarray:
        return self.lower < self.size

    def valid(self, counts: np.ndarray) -> bool:
        load = self.A @ counts
        return bool(np.all(load >= self.lo - 1e-9) and np.all(load <= self.hi + 1e-9)
                    and np.all(counts >= self.lower) and np.all(counts <= self.size))


def type_matrix(model, types) -> TypeMatrix:
    A = np.zeros((len(model.rows), len(types)))
    for t, ty in enumerate(types):
        for r, c in ty.coefs:
            A[r, t] = c
    return TypeMatrix(
        A=A,
        lo=np.array([row.lo for row in model.rows], dtype=float),
        hi=np.array([np.inf if row.hi is None else row.hi for row in model.rows], dtype=float),
        size=np.array([t.count for t in types], dtype=float),
        lower=np.array([t.count if t.fixed_in else 0 for t in types], dtype=float),
        people=np.array([len(t.units[0].members) for t in types], dtype=float),
    )


def free_share(tm: TypeMatrix, seats: int) -> tuple[int, int]:
    """(free seats k', free people n')."""
    fixed_people = int(round(float((tm.lower * tm.people).sum())))
    n_free = int(round(float(((tm.size - tm.lower) * tm.people).sum())))
    return seats - fixed_people, n_free


def equal_shares_possible(tm: TypeMatrix, seats: int) -> bool:
    """Whether the average panel under equal shares k'/n' meets every rule.

    If everyone free had probability k'/n', the expected panel (a convex
    combination of valid panels) would meet every row; when it does not,
    equal shares are impossible and no cover is worth looking for.
    """
    k, n = free_share(tm, seats)
    if k <= 0 or n <= 0 or k >= n:
        return False
    expected = tm.A @ (tm.lower + (tm.size - tm.lower) * (k / n))
    return bool(np.all(expected >= tm.lo - 1e-9) and np.all(expected <= tm.hi + 1e-9))


def _cover_model(tm: TypeMatrix, G: int, use_lo: np.ndarray, use_hi: np.ndarray,
                 time_limit: float, objective: np.ndarray | None = None) -> highspy.Highs:
    R, T = tm.A.shape
    N = G * T
    h = new_highs(time_limit=max(0.1, time_limit))
    h.setOptionValue("mip_rel_gap", 1.0)  # any feasible cover will do
    h.addVars(N, np.tile(tm.lower, G), np.tile(tm.size, G))
    h.changeColsIntegrality(N, i32(range(N)),
                            np.full(N, highspy.HighsVarType.kInteger, dtype=np.uint8))
    if objective is not None:
        h.changeColsCost(N, i32(range(N)), np.tile(objective, G))
    rr, cc = np.nonzero(tm.A)  # row-major order: rows ascending
    vals = tm.A[rr, cc]
    starts = i32(np.searchsorted(rr, np.arange(R)))
    lo = f64(tm.lo)
    hi = f64(np.where(np.isinf(tm.hi), INF, tm.hi))
    for g in range(G):
        h.addRows(R, lo, hi, len(cc), starts, i32(cc + g * T), f64(vals))
    free = np.flatnonzero(tm.free)
    if len(free):
        index = (free[:, None] + T * np.arange(G)[None, :]).ravel()
        h.addRows(len(free), f64(use_lo[free]), f64(use_hi[free]), len(index),
                  i32(np.arange(len(free)) * G), i32(index), np.ones(len(index)))
    return h


def _panels(h: highspy.Highs, G: int, T: int) -> list[tuple[int, ...]]:
    x = np.rint(np.asarray(h.getSolution().col_value[:G * T], dtype=float)).astype(int)
    return [tuple(int(v) for v in row) for row in x.reshape(G, T)]


def uniform_cover(tm: TypeMatrix, seats: int, *, time_limit: float) -> list[tuple[int, ...]] | None:
    """G valid panels using every free unit exactly m times, or None.

    None when the cover would be too large, nobody is free, or no cover was
    found within ``time_limit`` seconds.  Every returned panel is checked
    against the rules again.
    """
    k, n = free_share(tm, seats)
    free = tm.free
    if k <= 0 or n <= 0 or k >= n:
        return None
    if not np.all(tm.people[free] == 1) and not np.all(tm.people[free] == tm.people[free][0]):
        # Teams of different sizes: units are not people; k'/n' per person is
        # a different target per unit.  Leave those to column generation.
        return None
    per = int(tm.people[free][0])
    if n % per or k % per:
        return None
    n_units, k_units = n // per, k // per
    g = math.gcd(n_units, k_units)
    G, m = n_units // g, k_units // g
    if G * tm.A.shape[1] > MAX_COVER_VARIABLES:
        return None
    uses = m * tm.size
    h = _cover_model(tm, G, uses, uses, time_limit)
    h.run()
    if h.getModelStatus() not in (highspy.HighsModelStatus.kOptimal,) and \
            h.getInfo().primal_solution_status != 2:
        return None
    panels = _panels(h, G, tm.A.shape[1])
    total = np.sum(np.array(panels, dtype=float), axis=0)
    if not all(tm.valid(np.array(p, dtype=float)) for p in panels) or \
            not np.allclose(total[free], uses[free]):
        return None
    return panels


def balanced_cover(tm: TypeMatrix, seats: int, *, time_limit: float, panels: int,
                   seed: int = 0) -> list[tuple[int, ...]]:
    """``panels`` valid panels using every free unit about equally often.

    Each type is used between floor and ceil of panels * k'/n' * size times;
    a random objective (seeded) varies which cover is found.  Empty list if
    none is found in time.
    """
    k, n = free_share(tm, seats)
    if k <= 0 or n <= 0:
        return []
    share = panels * k / n
    want = share * tm.size  # a unit's people all share its probability
    use_lo = np.floor(want + 1e-9)
    use_hi = np.ceil(want - 1e-9)
    objective = np.random.default_rng(seed).random(tm.A.shape[1])
    h = _cover_model(tm, panels, use_lo, use_hi, time_limit, objective)
    start = time.perf_counter()
    h.run()
    if not (is_optimal(h) or h.getInfo().primal_solution_status == 2) \
            or time.perf_counter() - start > time_limit * 2:
        return []
    found = _panels(h, panels, tm.A.shape[1])
    return [p for p in found if tm.valid(np.array(p, dtype=float))]


def window_cover(tm: TypeMatrix, seats: int, *, time_limit: float,
                 seed: int = 0) -> list[tuple[int, ...]] | None:
    """A uniform cover from one circular order of the free units, or None.

    Arrange the n free units on a circle and let panel g be the k consecutive
    units starting at position g*k (mod n), for g = 0 .. G-1 with
    G = n/gcd(n, k): the windows go round the circle m = k/gcd(n, k) times, so
    every unit is in exactly m of the G panels -- a uniform cover whatever
    the order, as long as every window meets the rules.  The order is built
    greedily so that every rule's count grows as evenly as possible along the
    circle (each unit chosen to keep the running counts closest to their
    proportional share, weighted by how much room the rule leaves), then
    repaired by swapping units while any window breaks a rule.  This scales
    to any G (1,999/200 has G = 1,999, far too large for one integer program)
    and costs a few numpy passes.
    """
    start = time.perf_counter()
    k_people, n_people = free_share(tm, seats)
    free = tm.free
    if k_people <= 0 or n_people <= 0 or k_people >= n_people:
        return None
    per = tm.people[free]
    if not np.all(per == per[0]) or n_people % int(per[0]) or k_people % int(per[0]):
        return None
    n, k = n_people // int(per[0]), k_people // int(per[0])
    g = math.gcd(n, k)
    G = n // g
    R, T = tm.A.shape
    base = tm.A @ tm.lower  # fixed-in units sit in every panel
    lo, hi = tm.lo - base, tm.hi - base
    remaining = (tm.size - tm.lower).astype(int)
    share = (tm.A @ remaining) / n  # per unit of the order
    room = np.minimum(k * share - lo, hi - k * share)
    if np.any(room < 0):
        return None
    weight = 1.0 / np.maximum(room, 0.5) ** 2
    rng = np.random.default_rng(seed)
    jitter = rng.random(T) * 1e-9
    A = tm.A
    A2w = (A * A * weight[:, None]).sum(axis=0)
    order = np.empty(n, dtype=int)
    count = np.zeros(R)
    for i in range(n):
        e = (i + 1) * share - count
        score = A2w - 2.0 * (weight * e) @ A + jitter
        score[remaining <= 0] = np.inf
        t = int(np.argmin(score))
        order[i] = t
        remaining[t] -= 1
        count += A[:, t]
    starts = (np.arange(G) * k) % n

    def violation(seq: np.ndarray) -> tuple[float, np.ndarray]:
        cols = A[:, np.concatenate([seq, seq[:k]])]
        prefix = np.concatenate([np.zeros((R, 1)), np.cumsum(cols, axis=1)], axis=1)
        loads = prefix[:, starts + k] - prefix[:, starts]  # rows x windows
        over = np.maximum(loads - hi[:, None], 0) + np.maximum(lo[:, None] - loads, 0)
        return float(over.sum()), over.sum(axis=0)

    total, per_window = violation(order)
    while total > 0:
        if time.perf_counter() - start > time_limit:
            return None
        w = int(rng.choice(np.flatnonzero(per_window > 0)))
        inside = (starts[w] + np.arange(k)) % n
        i = int(rng.choice(inside))
        j = int(rng.integers(n))
        if order[i] == order[j]:
            continue
        order[i], order[j] = order[j], order[i]
        new_total, new_per_window = violation(order)
        if new_total <= total:
            total, per_window = new_total, new_per_window
        else:
            order[i], order[j] = order[j], order[i]
    panels = []
    for s in starts:
        window = order[(s + np.arange(k)) % n]
        counts = np.bincount(window, minlength=T) + tm.lower
        panels.append(tuple(int(c) for c in counts))
    if not all(tm.valid(np.array(p, dtype=float)) for p in panels):
        return None
    return panels
