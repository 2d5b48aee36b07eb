"""Independent rule checker and brute force for the selection tests.

Written from the rules, not from the engine's constraint builder, so the
tests catch mistakes in the builder itself.
"""

from __future__ import annotations

from collections import Counter
from itertools import combinations

from applications.selection import Applicant, SelectionProblem


def selectable(a: Applicant, problem: SelectionProblem) -> bool:
    if a.fixed_out:
        return False
    if a.fixed_in:
        return True
    if not a.eligible:
        return False
    return problem.min_score is None or (a.score is not None and a.score >= problem.min_score)


def violations(problem: SelectionProblem, selected, *, check_org: bool = True) -> list[str]:
    """Every rule the cohort breaks (empty list: the cohort is valid)."""
    chosen = list(selected)
    ids = set(chosen)
    by_id = {a.id: a for a in problem.applicants}
    out = []
    if len(ids) != len(chosen):
        out.append("duplicate ids")
    if ids - set(by_id):
        out.append("unknown ids")
        return out
    if len(ids) != problem.seats:
        out.append(f"{len(ids)} selected for {problem.seats} seats")
    teams: dict[str, list[Applicant]] = {}
    for a in problem.applicants:
        if a.team is not None:
            teams.setdefault(a.team, []).append(a)
    for a in problem.applicants:
        if a.fixed_in and a.id not in ids:
            out.append(f"fixed-in {a.id} missing")
        if a.fixed_out and a.id in ids:
            out.append(f"fixed-out {a.id} selected")
    for team, members in teams.items():
        inside = [m.id in ids for m in members]
        if any(inside) and not all(inside):
            out.append(f"team {team} split")
        if all(inside) and not any(m.fixed_in for m in members):
            if not all(selectable(m, problem) for m in members):
                out.append(f"team {team} has an ineligible member")
            if problem.team_size is not None and len(members) != problem.team_size:
                out.append(f"team {team} has the wrong size")
    for i in ids:
        a = by_id[i]
        if a.team is None and not selectable(a, problem):
            out.append(f"{i} not selectable")
    people = [by_id[i] for i in ids]
    for q in problem.quotas:
        lo, hi = q.bounds(problem.seats)
        n = sum(1 for a in people if q.value in a.features.get(q.category, ()))
        if n < lo or (hi is not None and n > hi):
            out.append(f"quota {q.name}: {n} not in [{lo}, {hi}]")
    for iq in problem.intersections:
        n = sum(1 for a in people
                if all(v in a.features.get(c, ()) for c, v in iq.conditions.items()))
        if n < iq.min or (iq.max is not None and n > iq.max):
            out.append(f"intersection {iq.name}: {n}")
    if check_org and problem.max_per_organization is not None \
            and not problem.soft_organization_limit:
        for org, n in Counter(a.organization for a in people if a.organization).items():
            if n > problem.max_per_organization:
                out.append(f"organization {org}: {n}")
    return out


def org_excess(problem: SelectionProblem, selected) -> int:
    if problem.max_per_organization is None:
        return 0
    by_id = {a.id: a for a in problem.applicants}
    counts = Counter(by_id[i].organization for i in selected if by_id[i].organization)
    return sum(max(0, n - problem.max_per_organization) for n in counts.values())


def weight(problem: SelectionProblem, selected) -> float:
    by_id = {a.id: a for a in problem.applicants}
    return sum((by_id[i].score or 0.0) + by_id[i].priority for i in selected)


def all_valid_cohorts(problem: SelectionProblem) -> list[tuple[str, ...]]:
    """Brute force over all subsets of the right size (tiny pools only)."""
    ids = [a.id for a in problem.applicants]
    if problem.seats > len(ids):
        return []
    return [c for c in combinations(ids, problem.seats) if not violations(problem, c)]
