"""Transparent lottery over the LEXIMIN distribution.

The LEXIMIN distribution has arbitrary real weights, which nobody can check
by hand.  ``publish_panels`` turns it into a list of ``panels`` (default
1,000) concrete cohorts, each drawn with probability 1/panels, which can be
published before the draw; ``draw`` then picks one with a published seed.

Rounding: each panel weight w is replaced by m/panels, m = floor(w*panels)
plus one extra copy for the largest remainders (largest-remainder method) so
the copies add up to ``panels``.  Every panel weight moves by less than
1/panels; an applicant's probability moves by at most the sum of the weight
changes of panels containing them.  The realised change is reported per
applicant (``max_change``) rather than only bounded.

Within a type, copies take units round-robin in an order shuffled with the
problem's published seed, so every member of a type appears in the same
number of published panels, give or take one.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping
from dataclasses import dataclass, field

from .leximin import LeximinResult


@dataclass(frozen=True, kw_only=True)
class LotteryResult:
    """One published, seeded draw."""

    published: PublishedLottery = field(repr=False)
    seed: int
    index: int  # which published panel was drawn
    selected: tuple[str, ...]

    @property
    def probabilities(self) -> Mapping[str, float]:
        return self.published.probabilities

    def to_dict(self) -> dict:
        return {"seed": self.seed, "index": self.index, "selected": list(self.selected),
                **self.published.to_dict()}


@dataclass(frozen=True, kw_only=True)
class PublishedLottery:
    leximin: LeximinResult = field(repr=False, compare=False)
    panels: tuple[tuple[str, ...], ...]  # the published list, each sorted by id
    probabilities: Mapping[str, float]  # share of published panels containing each applicant
    max_change: float  # largest |rounded - LEXIMIN| probability over applicants

    def draw(self, *, seed: int) -> LotteryResult:
        index = random.Random(seed).randrange(len(self.panels))
        return LotteryResult(published=self, seed=seed, index=index, selected=self.panels[index])

    def to_dict(self) -> dict:
        return {"panels": [list(p) for p in self.panels],
                "rounded_probabilities": dict(self.probabilities),
                "leximin_probabilities": dict(self.leximin.probabilities),
                "max_change": self.max_change}


def round_weights(weights: tuple[float, ...], total: int) -> list[int]:
    """Largest-remainder rounding of a distribution to integer copies summing to ``total``."""
    scaled = [w * total for w in weights]
    copies = [math.floor(s) for s in scaled]
    short = total - sum(copies)
    order = sorted(range(len(weights)), key=lambda i: (-(scaled[i] - copies[i]), i))
    for i in order[:short]:
        copies[i] += 1
    return copies


def publish_panels(result: LeximinResult, *, panels: int = 1000) -> PublishedLottery:
    if not result.feasible:
        raise ValueError(f"no distribution to publish (status {result.status!r})")
    if panels < 1:
        raise ValueError("panels must be positive")
    if result.problem.counted:
        raise ValueError("a counted pool has no named people to publish; use count 1")
    copies = round_weights(result.weights, panels)
    rng = random.Random(result.seed)
    order = []
    for units in result.type_units:
        idx = list(range(len(units)))
        rng.shuffle(idx)
        order.append(idx)
    cursor = [0] * len(result.type_units)
    published: list[tuple[str, ...]] = []
    seen = {a.id: 0 for a in result.problem.applicants}
    for counts, m in zip(result.panels, copies):
        for _ in range(m):
            members: list[str] = []
            for t, c in enumerate(counts):
                units = result.type_units[t]
                for k in range(c):
                    members.extend(units[order[t][(cursor[t] + k) % len(units)]])
                cursor[t] += c
            for i in members:
                seen[i] += 1
            published.append(tuple(sorted(members)))
    probabilities = {i: s / panels for i, s in seen.items()}
    change = max((abs(probabilities[i] - p) for i, p in result.probabilities.items()), default=0.0)
    return PublishedLottery(leximin=result, panels=tuple(published),
                            probabilities=probabilities, max_change=change)


def draw_lottery(result: LeximinResult, *, panels: int = 1000, seed: int) -> LotteryResult:
    """Publish ``panels`` equally likely cohorts and draw one with ``seed``."""
    return publish_panels(result, panels=panels).draw(seed=seed)
