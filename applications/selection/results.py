"""Result objects returned by the engine (plain, frozen, JSON-friendly)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .model import SelectionProblem

OPTIMAL = "optimal"
INFEASIBLE = "infeasible"
TIME_LIMIT = "time_limit"


@dataclass(frozen=True, kw_only=True)
class Relaxation:
    """One bound that has to move for any cohort to exist."""

    row_key: str  # e.g. "quota:2", "organization:ACME", "seats"
    kind: str  # "seats" | "quota" | "intersection" | "organization"
    name: str  # human label of the rule
    bound: str  # "min" or "max"
    limit: int  # the current bound
    relax_by: int  # seats by which the bound must move
    available: int  # eligible applicants counting toward the rule
    in_pool: int  # all applicants counting toward it
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in (
            "row_key", "kind", "name", "bound", "limit", "relax_by", "available",
            "in_pool", "message")}


@dataclass(frozen=True, kw_only=True)
class ConflictReport:
    """Why no cohort satisfies every rule, and the smallest way out.

    ``relaxations`` come from an elastic model that minimises the total number
    of seats by which bounds move, then the number of bounds moved.
    ``structural`` lists contradictions between staff decisions themselves
    (e.g. a team with one member fixed in and another fixed out).
    """

    relaxations: tuple[Relaxation, ...] = ()
    structural: tuple[str, ...] = ()
    total_relaxation: int = 0

    @property
    def messages(self) -> tuple[str, ...]:
        return self.structural + tuple(r.message for r in self.relaxations)

    def to_dict(self) -> dict[str, Any]:
        return {
            "relaxations": [r.to_dict() for r in self.relaxations],
            "structural": list(self.structural),
            "total_relaxation": self.total_relaxation,
            "messages": list(self.messages),
        }


@dataclass(frozen=True, kw_only=True)
class SelectionResult:
    """Outcome of ``select_best`` / ``select_replacements``.

    ``selected`` is empty whenever ``status`` is not "optimal": an infeasible
    problem never yields a cohort that quietly breaks a quota.
    """

    problem: SelectionProblem = field(repr=False, compare=False)
    status: str
    selected: tuple[str, ...] = ()
    objective: float | None = None
    organization_excess: int = 0  # people beyond a soft organization limit
    replacements: tuple[str, ...] = ()
    conflicts: ConflictReport | None = None
    solver: str = "HiGHS"
    solver_version: str = ""
    seed: int = 0
    timings: Mapping[str, float] = field(default_factory=dict)

    @property
    def feasible(self) -> bool:
        return self.status == OPTIMAL

    def to_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "selected": list(self.selected),
            "objective": self.objective,
            "organization_excess": self.organization_excess,
            "replacements": list(self.replacements),
            "conflicts": self.conflicts.to_dict() if self.conflicts else None,
            "solver": self.solver,
            "solver_version": self.solver_version,
            "seed": self.seed,
            "timings": dict(self.timings),
        }
