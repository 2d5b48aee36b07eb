"""Input model of the selection engine: applicants, quotas and the problem.

Everything here is a frozen, keyword-only dataclass so that a problem is a
value: it can be hashed into a report, compared in tests and passed between
threads without anyone mutating it mid-solve.  No Django here on purpose; the
Django side converts its models into these objects.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any


def _freeze_features(
    features: Mapping[str, Iterable[str] | str] | None,
) -> Mapping[str, frozenset[str]]:
    """Normalise a features mapping to category -> frozenset of values.

    A bare string is one value (not an iterable of characters); an absent
    category or an empty set means "prefer not to say" and counts toward no
    value.
    """
    frozen: dict[str, frozenset[str]] = {}
    for category, values in (features or {}).items():
        if isinstance(values, str):
            values = (values,)
        frozen[str(category)] = frozenset(str(v) for v in values)
    return MappingProxyType(frozen)


@dataclass(frozen=True, kw_only=True)
class Applicant:
    """One person in the pool.

    ``fixed_in``/``fixed_out`` are staff decisions (also used for replacement
    rounds: people who accepted are fixed in, people who declined fixed out).
    ``fixed_in`` overrides eligibility: a person staff explicitly put in stays
    in even when below the minimum review score.
    """

    id: str
    features: Mapping[str, frozenset[str]] = field(default_factory=dict, hash=False)
    organization: str | None = None
    team: str | None = None
    score: float | None = None
    priority: float = 0.0
    eligible: bool = True
    fixed_in: bool = False
    fixed_out: bool = False
    # How many interchangeable people this record stands for (same features,
    # organization, score and decisions).  LEXIMIN accepts counted pools so a
    # caller with 2,000 people of 1,500 kinds passes 1,500 records; the
    # probability reported for the id is each one's.  Naming a cohort needs
    # named people, so the best cohort and the lottery require count 1.
    count: int = 1

    def __post_init__(self) -> None:
        object.__setattr__(self, "id", str(self.id))
        object.__setattr__(self, "features", _freeze_features(self.features))
        if self.fixed_in and self.fixed_out:
            raise ValueError(f"applicant {self.id!r} cannot be both fixed in and fixed out")
        if self.count < 1:
            raise ValueError(f"applicant {self.id!r} has count {self.count}; at least 1")
        if self.count > 1 and self.team is not None:
            raise ValueError(f"applicant {self.id!r}: a team member stands for one person")

    def has(self, category: str, value: str) -> bool:
        return value in self.features.get(category, frozenset())

    def matches(self, conditions: Mapping[str, str]) -> bool:
        return all(self.has(c, v) for c, v in conditions.items())


@dataclass(frozen=True, kw_only=True)
class Quota:
    """Seats for one (category, value): ``min <= count <= max``.

    Give either explicit ``min``/``max`` or a ``share`` of the cohort; a share
    becomes ``floor(share*seats) .. ceil(share*seats)`` (intersected with any
    explicit bounds).  Reserved seats ("at least 2 rightsholders") are a min
    quota with a ``label`` and ``reserved=True`` so reports can name them.
    """

    category: str
    value: str
    min: int = 0
    max: int | None = None
    share: float | None = None
    label: str | None = None
    reserved: bool = False

    def bounds(self, seats: int) -> tuple[int, int | None]:
        lo, hi = self.min, self.max
        if self.share is not None:
            target = self.share * seats
            # Guard against 0.3*10 == 3.0000000000000004 becoming ceil 4.
            target = round(target, 9)
            lo = max(lo, math.floor(target))
            hi = math.ceil(target) if hi is None else min(hi, math.ceil(target))
        return lo, hi

    @property
    def name(self) -> str:
        return self.label or f"{self.category}: {self.value}"


@dataclass(frozen=True, kw_only=True)
class IntersectionQuota:
    """Seats for people matching every condition, e.g. race=Indigenous AND gender=Woman."""

    conditions: Mapping[str, str] = field(hash=False)
    min: int = 0
    max: int | None = None
    label: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(
            self,
            "conditions",
            MappingProxyType({str(k): str(v) for k, v in self.conditions.items()}),
        )

    @property
    def name(self) -> str:
        if self.label:
            return self.label
        return " and ".join(f"{c}: {v}" for c, v in sorted(self.conditions.items()))


@dataclass(frozen=True, kw_only=True)
class SelectionProblem:
    """Everything the engine needs to pick ``seats`` people.

    * ``max_per_organization``: hard limit per organization unless
      ``soft_organization_limit`` is set, in which case extra people from one
      organization are allowed only when representation needs them: the best
      cohort pays a penalty larger than any possible score gain per extra
      person, and the lottery only uses panels with the minimum total excess.
    * ``min_score``: applicants with no score or a lower one are ineligible.
    * ``team_size``: if set, a team is selectable only when exactly that many
      of its members are selectable.  Teams are always all-in or all-out.
    * ``seed``: published; drives tie-breaking and the lottery.
    """

    applicants: tuple[Applicant, ...]
    seats: int
    quotas: tuple[Quota, ...] = ()
    intersections: tuple[IntersectionQuota, ...] = ()
    max_per_organization: int | None = None
    soft_organization_limit: bool = False
    min_score: float | None = None
    team_size: int | None = None
    seed: int = 0

    def __post_init__(self) -> None:
        object.__setattr__(self, "applicants", tuple(self.applicants))
        object.__setattr__(self, "quotas", tuple(self.quotas))
        object.__setattr__(self, "intersections", tuple(self.intersections))
        ids = [a.id for a in self.applicants]
        if len(set(ids)) != len(ids):
            raise ValueError("applicant ids must be unique")
        if self.seats < 0:
            raise ValueError("seats must be non-negative")

    @property
    def counted(self) -> bool:
        """Whether some record stands for more than one person."""
        return any(a.count > 1 for a in self.applicants)

    def applicant(self, applicant_id: str) -> Applicant:
        for a in self.applicants:
            if a.id == applicant_id:
                return a
        raise KeyError(applicant_id)

    def with_fixed(
        self, *, fixed_in: Iterable[str] = (), fixed_out: Iterable[str] = ()
    ) -> SelectionProblem:
        """Copy of the problem with extra staff decisions (used for replacements)."""
        fin, fout = set(fixed_in), set(fixed_out)
        if fin & fout:
            raise ValueError(f"fixed in and out at once: {sorted(fin & fout)}")
        unknown = (fin | fout) - {a.id for a in self.applicants}
        if unknown:
            raise KeyError(f"unknown applicants: {sorted(unknown)}")
        people = tuple(
            replace(a, fixed_in=True, fixed_out=False) if a.id in fin
            else replace(a, fixed_in=False, fixed_out=True) if a.id in fout
            else a
            for a in self.applicants
        )
        return replace(self, applicants=people)

    def settings_snapshot(self) -> dict[str, Any]:
        """JSON-serialisable snapshot of the rules (not the pool) for reports."""
        return {
            "seats": self.seats,
            "quotas": [
                {
                    "category": q.category,
                    "value": q.value,
                    "min": q.bounds(self.seats)[0],
                    "max": q.bounds(self.seats)[1],
                    "share": q.share,
                    "label": q.name,
                    "reserved": q.reserved,
                }
                for q in self.quotas
            ],
            "intersections": [
                {"conditions": dict(iq.conditions), "min": iq.min, "max": iq.max, "label": iq.name}
                for iq in self.intersections
            ],
            "max_per_organization": self.max_per_organization,
            "soft_organization_limit": self.soft_organization_limit,
            "min_score": self.min_score,
            "team_size": self.team_size,
            "seed": self.seed,
            "pool_size": sum(a.count for a in self.applicants),
        }
