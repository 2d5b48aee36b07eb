"""Per-applicant explanations and the exportable selection report.

For a best cohort, a person left out although a maximum they count toward
(organization limit, category maximum) is already reached gets that reason.
Otherwise small pools (up to ``resolve_limit`` selectable units) get
counterfactual reasons: the model is re-solved with each person forced out
(if selected) or in (if not); if that is infeasible the elastic conflict
search names the rule that breaks, else the objective loss says "score" or
"tie-break".  Larger pools get cheaper structural reasons read off the
cohort (a minimum met exactly, a maximum or organization limit already
reached), which are the same reasons in the common case but not proven.

``build_report`` gathers settings, seed, solver version, the result and one
row per applicant; ``report_rows`` uses stable column names for CSV export.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .best import build_best_model, soft_penalty
from .conflicts import find_conflicts
from .constraints import (BELOW_MIN_SCORE, FIXED_OUT, INELIGIBLE, TEAM_INCOMPLETE, TEAM_OUT,
                          ConstraintModel, build_model)
from .lottery import LotteryResult
from .model import Applicant, SelectionProblem
from .results import ConflictReport, SelectionResult
from .solver import is_infeasible, is_optimal, solver_label

REPORT_COLUMNS = (
    "applicant_id", "organization", "team", "score", "priority", "eligible", "fixed",
    "selected", "probability", "k_over_n", "reason_codes", "reasons",
)


@dataclass(frozen=True, kw_only=True)
class Reason:
    code: str  # stable machine code, e.g. "needed_for_quota", "org_limit"
    text: str  # sentence for staff


@dataclass(frozen=True, kw_only=True)
class Explanation:
    applicant_id: str
    selected: bool
    reasons: tuple[Reason, ...]
    probability: float | None = None


def _exclusion(a: Applicant, code: str, problem: SelectionProblem) -> Reason:
    if code == FIXED_OUT:
        return Reason(code="fixed_out", text="fixed out by staff")
    if code == INELIGIBLE:
        return Reason(code="ineligible", text="not eligible")
    if code == BELOW_MIN_SCORE:
        got = "no review score" if a.score is None else f"review score {a.score:g}"
        return Reason(code="below_min_score",
                      text=f"ineligible: {got}, below the minimum of {problem.min_score:g}")
    if code == TEAM_INCOMPLETE:
        return Reason(code="team_incomplete",
                      text=f"team {a.team!r} does not have the required {problem.team_size} "
                           "selectable members")
    assert code == TEAM_OUT
    return Reason(code="team_unavailable",
                  text=f"team {a.team!r} is selected whole and a teammate cannot be selected")


def _names(report: ConflictReport) -> str:
    return ", ".join(f"'{r.name}'" for r in report.relaxations) or "the rules"


def _forced_in_reasons(report: ConflictReport) -> list[Reason]:
    out = []
    for r in report.relaxations:
        if r.kind == "organization":
            out.append(Reason(code="org_limit", text=f"organization limit reached: "
                              f"{r.name} already has the maximum of {r.limit} selected"))
        elif r.bound == "max" and r.kind in ("quota", "intersection"):
            out.append(Reason(code="category_max", text=f"category maximum reached: "
                              f"'{r.name}' already has the maximum of {r.limit}"))
        elif r.bound == "min" and r.kind in ("quota", "intersection"):
            out.append(Reason(code="displaces_quota", text=f"taking them would leave "
                              f"'{r.name}' below its minimum of {r.limit}"))
        elif r.kind == "seats":
            out.append(Reason(code="seats", text="no seat left for them (or their whole team)"))
    return out or [Reason(code="constraints", text="no cohort including them meets every rule")]


def _counterfactual(model: ConstraintModel, chosen: set[int]) -> dict[int, list[Reason]]:
    """Re-solve with each unit's decision flipped (small pools)."""
    built = build_best_model(model)
    h = built.highs
    h.run()
    base = h.getInfo().objective_function_value
    penalty = soft_penalty(model)
    tol = 1e-7 * max(1.0, abs(base))
    totals = _row_totals(model, chosen)
    reasons: dict[int, list[Reason]] = {}
    for j, u in enumerate(model.units):
        if u.fixed_in:
            continue
        if j not in chosen and _blockers(model, totals, j):
            # A maximum reached in this cohort is what keeps them out, even if
            # another cohort could take them by dropping someone else.
            reasons[j] = _blockers(model, totals, j)
            continue
        flip = (0.0, 0.0) if j in chosen else (1.0, 1.0)
        h.changeColBounds(j, *flip)
        h.run()
        if is_infeasible(h):
            rep = find_conflicts(model, bounds={j: flip}, minimal_count=False)
            if j in chosen:
                reasons[j] = [Reason(code="needed_for_quota",
                                     text=f"needed for {_names(rep)}: no cohort without them "
                                          "meets it")]
            else:
                reasons[j] = _forced_in_reasons(rep)
        elif is_optimal(h):
            delta = base - h.getInfo().objective_function_value
            if delta >= penalty / 2:
                reasons[j] = [Reason(code="org_limit_soft", text=(
                    "needed to keep organizations within their limit" if j in chosen else
                    "organization limit reached: taking them needs an extra person from one "
                    "organization, which is allowed only when representation requires it"))]
            elif delta > tol:
                reasons[j] = [Reason(code="score" if j in chosen else "score_below", text=(
                    f"selected on score: the best cohort without them scores {delta:g} lower"
                    if j in chosen else
                    f"score below others: the best cohort including them scores {delta:g} lower"))]
            else:
                reasons[j] = [Reason(code="tie_break", text=(
                    "tied with others on score; chosen by the published seed's tie-break"
                    if j in chosen else
                    "tied with others on score; not chosen by the published seed's tie-break"))]
        h.changeColBounds(j, 0.0, 1.0)
    return reasons


def _row_totals(model: ConstraintModel, chosen: set[int]) -> list[int]:
    totals = [0] * len(model.rows)
    for j in chosen:
        for r, c in model.units[j].coefs:
            totals[r] += c
    return totals


def _blockers(model: ConstraintModel, totals: list[int], j: int) -> list[Reason]:
    """Maximums already reached in the cohort that unit ``j`` would exceed."""
    out = []
    for r, c in model.units[j].coefs:
        row = model.rows[r]
        if row.hi is None or totals[r] + c <= row.hi:
            continue
        if row.kind == "organization":
            out.append(Reason(code="org_limit_soft" if row.soft else "org_limit", text=(
                f"organization limit reached: {row.name} already has {totals[r]} selected")))
        elif row.kind in ("quota", "intersection"):
            out.append(Reason(code="category_max", text=(
                f"category maximum reached: '{row.name}' already has {totals[r]} "
                f"of at most {row.hi}")))
    return out


def _structural(model: ConstraintModel, chosen: set[int]) -> dict[int, list[Reason]]:
    """Cheap reasons read off the cohort (large pools)."""
    totals = _row_totals(model, chosen)
    low = min((model.units[j].weight for j in chosen), default=0.0)
    reasons: dict[int, list[Reason]] = {}
    for j, u in enumerate(model.units):
        if u.fixed_in:
            continue
        if j in chosen:
            out = [Reason(code="needed_for_quota", text=(
                       f"counts toward '{model.rows[r].name}', whose minimum of "
                       f"{model.rows[r].lo} is met exactly"))
                   for r, _ in u.coefs
                   if model.rows[r].kind in ("quota", "intersection")
                   and 0 < model.rows[r].lo == totals[r]]
            out = out or [Reason(code="score", text="selected on score")]
        else:
            out = _blockers(model, totals, j) or [Reason(code="score_below", text=(
                f"score below others (combined score {u.weight:g}; lowest selected {low:g})"))]
        reasons[j] = out
    return reasons


def explain_best(result: SelectionResult, *, resolve_limit: int = 100) -> dict[str, Explanation]:
    """Binding reasons for every applicant of a best-cohort (or replacement) result."""
    problem = result.problem
    model = build_model(problem)
    selected = set(result.selected)
    by_unit: dict[int, list[Reason]] = {}
    chosen = {j for j, u in enumerate(model.units) if u.members[0] in selected}
    if result.feasible:
        if len(model.units) <= resolve_limit:
            by_unit = _counterfactual(model, chosen)
        else:
            by_unit = _structural(model, chosen)
    unit_of = {m: j for j, u in enumerate(model.units) for m in u.members}
    out: dict[str, Explanation] = {}
    for a in problem.applicants:
        if a.id in model.excluded:
            reasons = [_exclusion(a, model.excluded[a.id], problem)]
        elif not result.feasible:
            reasons = [Reason(code="no_cohort",
                              text="no cohort meets every rule; see the conflict report")]
        elif model.units[unit_of[a.id]].fixed_in:
            reasons = [Reason(code="fixed_in", text="fixed in by staff")]
        else:
            reasons = list(by_unit.get(unit_of[a.id], []))
        if a.id in result.replacements:
            reasons.insert(0, Reason(code="replacement", text="selected as a replacement"))
        out[a.id] = Explanation(applicant_id=a.id, selected=a.id in selected,
                                reasons=tuple(reasons))
    return out


def explain_lottery(lottery: LotteryResult) -> dict[str, Explanation]:
    """Reasons for a lottery draw: eligibility, staff decisions, or the draw itself."""
    problem = lottery.published.leximin.problem
    model = build_model(problem)
    fixed_in = {m for u in model.units if u.fixed_in for m in u.members}
    selected = set(lottery.selected)
    out = {}
    for a in problem.applicants:
        p = lottery.probabilities.get(a.id, 0.0)
        if a.id in model.excluded:
            reasons = [_exclusion(a, model.excluded[a.id], problem)]
        elif a.id in fixed_in:
            reasons = [Reason(code="fixed_in", text="fixed in by staff")]
        elif a.id in selected:
            reasons = [Reason(code="lottery_drawn",
                              text=f"drawn in the lottery (probability {p:.1%})")]
        elif p <= 0:
            reasons = [Reason(code="no_feasible_panel",
                              text="no cohort meeting every rule can include them")]
        else:
            reasons = [Reason(code="lottery_not_drawn",
                              text=f"not drawn in the lottery (probability {p:.1%})")]
        out[a.id] = Explanation(applicant_id=a.id, selected=a.id in selected,
                                reasons=tuple(reasons), probability=p)
    return out


@dataclass(frozen=True, kw_only=True)
class SelectionReport:
    """Everything needed to publish or audit one selection."""

    kind: str  # "best" or "lottery"
    settings: dict[str, Any]
    seed: int
    solver: str
    status: str
    result: dict[str, Any]
    rows: tuple[dict[str, Any], ...]

    def report_rows(self) -> list[dict[str, Any]]:
        """One dict per applicant with the keys of ``REPORT_COLUMNS``, in pool order."""
        return [dict(r) for r in self.rows]

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable snapshot (settings, seed, solver, result, rows)."""
        return {"kind": self.kind, "settings": self.settings, "seed": self.seed,
                "solver": self.solver, "status": self.status, "result": self.result,
                "columns": list(REPORT_COLUMNS), "rows": self.report_rows()}


def build_report(
    result: SelectionResult | LotteryResult,
    *,
    explanations: dict[str, Explanation] | None = None,
    resolve_limit: int = 100,
) -> SelectionReport:
    if isinstance(result, LotteryResult):
        kind, problem = "lottery", result.published.leximin.problem
        seed = result.seed
        status = result.published.leximin.status
        k_over_n = result.published.leximin.k_over_n
        explanations = explanations or explain_lottery(result)
        payload = {"index": result.index, "selected": list(result.selected),
                   "panels_published": len(result.published.panels),
                   "max_rounding_change": result.published.max_change,
                   "leximin": result.published.leximin.to_dict()}
    else:
        kind, problem, seed, status = "best", result.problem, result.seed, result.status
        k_over_n = None
        explanations = explanations or explain_best(result, resolve_limit=resolve_limit)
        payload = result.to_dict()
    eligible = set(build_model(problem).selectable_ids)
    rows = []
    for a in problem.applicants:
        e = explanations[a.id]
        rows.append({
            "applicant_id": a.id,
            "organization": a.organization or "",
            "team": a.team or "",
            "score": a.score,
            "priority": a.priority,
            "eligible": a.id in eligible,
            "fixed": "in" if a.fixed_in else "out" if a.fixed_out else "",
            "selected": e.selected,
            "probability": e.probability,
            "k_over_n": k_over_n,
            "reason_codes": ";".join(r.code for r in e.reasons),
            "reasons": "; ".join(r.text for r in e.reasons),
        })
    return SelectionReport(kind=kind, settings=problem.settings_snapshot(), seed=seed,
                           solver=solver_label(), status=status, result=payload,
                           rows=tuple(rows))
