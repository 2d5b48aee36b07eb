"""Thin helpers around highspy so every solve is configured the same way."""

from __future__ import annotations

from functools import lru_cache

import highspy
import numpy as np

INF = highspy.kHighsInf
SOLVER_NAME = "HiGHS"


@lru_cache(maxsize=1)
def solver_version() -> str:
    """HiGHS version string, e.g. '1.15.1' (published with every result)."""
    return str(highspy.Highs().version())


def solver_label() -> str:
    return f"{SOLVER_NAME} {solver_version()}"


def new_highs(*, mip_gap: float = 1e-9, time_limit: float | None = None) -> highspy.Highs:
    """A silent, deterministic HiGHS instance.

    The MIP gap is tight because both tie-breaking and the LEXIMIN pricing
    step compare objective values that may differ only slightly.
    """
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("random_seed", 0)
    h.setOptionValue("mip_rel_gap", mip_gap)
    h.setOptionValue("mip_abs_gap", 1e-9)
    if time_limit is not None:
        h.setOptionValue("time_limit", float(time_limit))
    return h


def status_name(h: highspy.Highs) -> str:
    return h.modelStatusToString(h.getModelStatus())


def is_optimal(h: highspy.Highs) -> bool:
    if h.getModelStatus() == highspy.HighsModelStatus.kModelEmpty:
        return not is_infeasible(h)
    return h.getModelStatus() == highspy.HighsModelStatus.kOptimal


def is_infeasible(h: highspy.Highs) -> bool:
    if h.getModelStatus() == highspy.HighsModelStatus.kModelEmpty:
        # No columns at all (nobody selectable): feasible only if every row allows 0.
        lp = h.getLp()
        return any(lo > 1e-9 or hi < -1e-9 for lo, hi in zip(lp.row_lower_, lp.row_upper_))
    return h.getModelStatus() in (
        highspy.HighsModelStatus.kInfeasible,
        highspy.HighsModelStatus.kUnboundedOrInfeasible,
    )


def col_values(h: highspy.Highs) -> np.ndarray:
    return np.asarray(h.getSolution().col_value, dtype=float)


def i32(values) -> np.ndarray:
    return np.asarray(values, dtype=np.int32)


def f64(values) -> np.ndarray:
    return np.asarray(values, dtype=float)
