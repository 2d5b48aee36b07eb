"""Representation-aware selection engine (plain Python, no Django).

Build a :class:`SelectionProblem` from :class:`Applicant`, :class:`Quota`
and :class:`IntersectionQuota` values, then:

* ``select_best(problem, *, time_limit=None) -> SelectionResult`` -- the
  highest-scoring cohort (review score + priority weight) meeting every rule;
  ties broken by the published ``problem.seed``.  If no cohort exists the
  result has status "infeasible", no selection, and ``conflicts`` naming the
  smallest relaxation (which quota, by how many seats, pool availability).
* ``select_replacements(problem, *, accepted, declined, pending=()) ->
  SelectionResult`` -- re-select with acceptors/pending fixed in and decliners
  fixed out; ``result.replacements`` are the newly selected people.
* ``leximin(problem, *, time_limit=None) -> LeximinResult`` -- LEXIMIN
  selection probabilities (Flanigan et al., Nature 2021) by column generation
  over applicant types; ``probabilities`` per applicant and ``k_over_n``.
* ``publish_panels(leximin_result, *, panels=1000) -> PublishedLottery`` and
  ``draw_lottery(leximin_result, *, panels=1000, seed) -> LotteryResult`` --
  round the distribution to equally likely published panels and draw one.
* ``explain_best(result, *, resolve_limit=100)``, ``explain_lottery(lottery)``
  -> ``{applicant_id: Explanation}``; ``build_report(result)`` ->
  :class:`SelectionReport` with ``report_rows()`` (CSV-ready, columns in
  ``REPORT_COLUMNS``) and ``to_dict()`` (JSON snapshot).
* ``find_conflicts(build_model(problem))`` -- the elastic conflict search on
  its own.

The engine depends only on highspy and numpy.
"""

from .best import select_best, select_replacements
from .conflicts import find_conflicts
from .constraints import ConstraintModel, build_model
from .explain import (REPORT_COLUMNS, Explanation, Reason, SelectionReport, build_report,
                      explain_best, explain_lottery)
from .leximin import LeximinResult, leximin
from .lottery import LotteryResult, PublishedLottery, draw_lottery, publish_panels
from .model import Applicant, IntersectionQuota, Quota, SelectionProblem
from .results import (INFEASIBLE, OPTIMAL, TIME_LIMIT, ConflictReport, Relaxation,
                      SelectionResult)
from .solver import solver_version

__all__ = [
    "Applicant", "ConflictReport", "ConstraintModel", "Explanation", "INFEASIBLE",
    "IntersectionQuota", "LeximinResult", "LotteryResult", "OPTIMAL", "PublishedLottery",
    "Quota", "REPORT_COLUMNS", "Reason", "Relaxation", "SelectionProblem", "SelectionReport",
    "SelectionResult", "TIME_LIMIT", "build_model", "build_report", "draw_lottery",
    "explain_best", "explain_lottery", "find_conflicts", "leximin", "publish_panels",
    "select_best", "select_replacements", "solver_version",
]
