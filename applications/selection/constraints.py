"""The constraint model, written once and shared by every solver.

``build_model`` turns a ``SelectionProblem`` into *units* (a singleton
applicant or a whole team, since teams are all-in or all-out) and *rows*
(seat count, quotas, intersection quotas, organization limits).  Each unit has
a sparse coefficient vector over the rows: how many of its members count
toward that row.  Best cohort, elastic conflict search and LEXIMIN all build
their HiGHS models from this through ``add_constraints``, so a rule can never
mean one thing in one solver and another thing in the next.

Units with identical coefficient vectors and fixed status are interchangeable
for every constraint; ``group_types`` merges them so LEXIMIN works on a few
types instead of thousands of people.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

import highspy
import numpy as np

from .model import Applicant, IntersectionQuota, Quota, SelectionProblem
from .solver import INF, f64, i32

Coefs = tuple[tuple[int, int], ...]

# Reason codes for people who can never be selected in this problem.
INELIGIBLE = "ineligible"
BELOW_MIN_SCORE = "below_min_score"
FIXED_OUT = "fixed_out"
TEAM_OUT = "team_member_unavailable"
TEAM_INCOMPLETE = "team_incomplete"


@dataclass(frozen=True, kw_only=True)
class Row:
    """One linear constraint ``lo <= sum(coef * x) <= hi`` over the units."""

    key: str
    kind: str  # "seats" | "quota" | "intersection" | "organization"
    name: str
    lo: int
    hi: int | None
    available: int  # selectable applicants counting toward the row
    in_pool: int  # all applicants counting toward it, eligible or not
    soft: bool = False  # soft organization limit: may be exceeded at a penalty
    reserved: bool = False
    source: Quota | IntersectionQuota | None = field(default=None, compare=False)
    organization: str | None = None


@dataclass(frozen=True, kw_only=True)
class Unit:
    """Something selected as a whole: one applicant or one complete team."""

    key: str
    members: tuple[str, ...]
    fixed_in: bool
    weight: float  # review score + priority, summed over members
    coefs: Coefs
    copies: int = 1  # interchangeable people one counted record stands for

    @property
    def size(self) -> int:
        return len(self.members)


@dataclass(frozen=True, kw_only=True)
class UnitType:
    """Interchangeable units: same coefficients, same fixed status."""

    units: tuple[Unit, ...]
    coefs: Coefs
    fixed_in: bool

    @property
    def count(self) -> int:
        return sum(u.copies for u in self.units)


@dataclass(frozen=True, kw_only=True)
class ConstraintModel:
    problem: SelectionProblem
    rows: tuple[Row, ...]
    units: tuple[Unit, ...]
    excluded: dict[str, str]  # applicant id -> reason code
    conflicts: tuple[str, ...]  # contradictions no solver can fix (staff decisions)

    @property
    def selectable_ids(self) -> list[str]:
        return [m for u in self.units for m in u.members]


def is_eligible(a: Applicant, problem: SelectionProblem) -> str | None:
    """Reason code if ``a`` cannot be selected on their own account, else None."""
    if a.fixed_out:
        return FIXED_OUT
    if a.fixed_in:
        return None  # staff decision overrides eligibility rules
    if not a.eligible:
        return INELIGIBLE
    if problem.min_score is not None and (a.score is None or a.score < problem.min_score):
        return BELOW_MIN_SCORE
    return None


def _weight(a: Applicant) -> float:
    return float(a.score or 0.0) + float(a.priority or 0.0)


def build_model(problem: SelectionProblem) -> ConstraintModel:
    excluded: dict[str, str] = {}
    conflicts: list[str] = []

    # 1. Units: singletons and teams, dropping what can never be selected.
    teams: dict[str, list[Applicant]] = defaultdict(list)
    groups: list[tuple[str, list[Applicant]]] = []
    for a in problem.applicants:
        if a.team is None:
            groups.append((a.id, [a]))
        else:
            if a.team not in teams:
                groups.append((f"team:{a.team}", teams[a.team]))
            teams[a.team].append(a)

    kept: list[tuple[str, list[Applicant], bool]] = []
    for key, people in groups:
        reasons = {a.id: is_eligible(a, problem) for a in people}
        fixed_in = any(a.fixed_in for a in people)
        blocked = [a.id for a in people if reasons[a.id]]
        if people[0].team is not None:
            # A team is all-in or all-out: staff fixing one member in pulls
            # the whole team in (even past eligibility rules); otherwise one
            # unavailable member keeps the whole team out.
            if fixed_in and any(reasons[i] == FIXED_OUT for i in blocked):
                conflicts.append(
                    f"team {people[0].team!r} has members fixed in "
                    f"({', '.join(a.id for a in people if a.fixed_in)}) and fixed out "
                    f"({', '.join(i for i in blocked if reasons[i] == FIXED_OUT)})"
                )
            if blocked and not fixed_in:
                for a in people:
                    excluded[a.id] = reasons[a.id] or TEAM_OUT
                continue
            if (
                problem.team_size is not None
                and len(people) != problem.team_size
                and not fixed_in
            ):
                for a in people:
                    excluded[a.id] = TEAM_INCOMPLETE
                continue
        elif blocked:
            excluded[people[0].id] = reasons[people[0].id]
            continue
        kept.append((key, people, fixed_in))

    selectable = [a for _, people, _ in kept for a in people]

    # 2. Rows.
    rows: list[Row] = []
    row_members: list[set[str]] = []

    def add_row(members_pred, **kw) -> None:
        if kw["hi"] is not None and kw["lo"] > kw["hi"]:
            conflicts.append(f"the '{kw['name']}' minimum of {kw['lo']} is above its maximum "
                             f"of {kw['hi']}")
        members = {a.id for a in selectable if members_pred(a)}
        available = sum(a.count for a in selectable if a.id in members)
        in_pool = sum(a.count for a in problem.applicants if members_pred(a))
        rows.append(Row(available=available, in_pool=in_pool, **kw))
        row_members.append(members)

    add_row(lambda a: True, key="seats", kind="seats", name="seats",
            lo=problem.seats, hi=problem.seats)
    for i, q in enumerate(problem.quotas):
        lo, hi = q.bounds(problem.seats)
        add_row(lambda a, q=q: a.has(q.category, q.value), key=f"quota:{i}", kind="quota",
                name=q.name, lo=lo, hi=hi, reserved=q.reserved, source=q)
    for i, iq in enumerate(problem.intersections):
        add_row(lambda a, iq=iq: a.matches(iq.conditions), key=f"intersection:{i}",
                kind="intersection", name=iq.name, lo=iq.min, hi=iq.max, source=iq)
    if problem.max_per_organization is not None:
        limit = problem.max_per_organization
        orgs = sorted({a.organization for a in selectable if a.organization is not None})
        for org in orgs:
            n = sum(1 for a in selectable if a.organization == org)
            if n <= limit:
                continue  # cannot bind; keep the model small
            add_row(lambda a, org=org: a.organization == org, key=f"organization:{org}",
                    kind="organization", name=f"organization {org}", lo=0, hi=limit,
                    soft=problem.soft_organization_limit, organization=org)

    # 3. Sparse coefficients per unit.
    units = []
    for key, people, fixed_in in kept:
        ids = [a.id for a in people]
        coefs = []
        for r, members in enumerate(row_members):
            c = sum(1 for i in ids if i in members)
            if c:
                coefs.append((r, c))
        units.append(Unit(key=key, members=tuple(ids), fixed_in=fixed_in,
                          weight=sum(_weight(a) for a in people), coefs=tuple(coefs),
                          copies=people[0].count))
    return ConstraintModel(problem=problem, rows=tuple(rows), units=tuple(units),
                           excluded=excluded, conflicts=tuple(conflicts))


def group_types(model: ConstraintModel) -> list[UnitType]:
    """Merge interchangeable units (identical coefficients and fixed status)."""
    buckets: dict[tuple[Coefs, bool], list[Unit]] = {}
    for u in model.units:
        buckets.setdefault((u.coefs, u.fixed_in), []).append(u)
    return [UnitType(units=tuple(us), coefs=c, fixed_in=f) for (c, f), us in buckets.items()]


@dataclass
class Built:
    """Column layout of a HiGHS model created by ``add_constraints``."""

    highs: highspy.Highs
    n_main: int  # columns 0..n_main-1 are the unit/type counts
    excess_cols: dict[int, int] = field(default_factory=dict)  # soft org row -> excess col
    slack_cols: list[tuple[int, str, int]] = field(default_factory=list)  # (row, "min"/"max", col)


def add_constraints(
    h: highspy.Highs,
    model: ConstraintModel,
    *,
    columns: Sequence[tuple[Coefs, float, float]],
    costs: Sequence[float] | None = None,
    integer: bool = True,
    elastic: bool = False,
    excess_cost: float = 0.0,
) -> Built:
    """Add count columns and the rows of ``model`` to an empty HiGHS model.

    ``columns`` are (coefficients, lower bound, upper bound) per unit or type.
    With ``elastic`` every finite bound of a hard row gets a non-negative
    slack column so the model is always feasible; callers minimise slack.
    Soft organization rows get an "excess" column instead (cost
    ``excess_cost``), which is what makes them soft.
    """
    n = len(columns)
    cost = f64(costs if costs is not None else np.zeros(n))
    lb = f64([c[1] for c in columns])
    ub = f64([c[2] for c in columns])
    h.addVars(n, lb, ub)
    h.changeColsCost(n, i32(range(n)), cost)
    if integer and n:
        h.changeColsIntegrality(n, i32(range(n)),
                                np.full(n, highspy.HighsVarType.kInteger, dtype=np.uint8))

    entries: list[list[tuple[int, float]]] = [[] for _ in model.rows]
    for j, (coefs, _, _) in enumerate(columns):
        for r, c in coefs:
            entries[r].append((j, float(c)))

    built = Built(highs=h, n_main=n)
    next_col = n
    extra_lb, extra_ub, extra_cost = [], [], []
    for r, row in enumerate(model.rows):
        if row.soft:
            entries[r].append((next_col, -1.0))
            built.excess_cols[r] = next_col
            extra_lb.append(0.0); extra_ub.append(INF); extra_cost.append(excess_cost)
            next_col += 1
        elif elastic:
            if row.lo > 0:
                entries[r].append((next_col, 1.0))
                built.slack_cols.append((r, "min", next_col))
                extra_lb.append(0.0); extra_ub.append(float(row.lo)); extra_cost.append(0.0)
                next_col += 1
            if row.hi is not None:
                entries[r].append((next_col, -1.0))
                built.slack_cols.append((r, "max", next_col))
                extra_lb.append(0.0); extra_ub.append(INF); extra_cost.append(0.0)
                next_col += 1
    m = len(extra_lb)
    if m:
        h.addVars(m, f64(extra_lb), f64(extra_ub))
        h.changeColsCost(m, i32(range(n, n + m)), f64(extra_cost))
        if integer:  # slack counts seats; keep it whole in every solve phase
            h.changeColsIntegrality(m, i32(range(n, n + m)),
                                    np.full(m, highspy.HighsVarType.kInteger, dtype=np.uint8))

    lower = f64([row.lo for row in model.rows])
    upper = f64([INF if row.hi is None else row.hi for row in model.rows])
    starts, index, value = [], [], []
    for e in entries:
        starts.append(len(index))
        for j, c in e:
            index.append(j)
            value.append(c)
    h.addRows(len(model.rows), lower, upper, len(index), i32(starts), i32(index), f64(value))
    return built
