"""What a call's quotas may name: the keys and answer options of its demographic categories.

A quota that names a value nobody can answer counts nobody and silently weakens the
selection, so the admin offers only valid combinations and refuses others with the
list of what is valid; the readiness checklist reports any that slipped in before.
"""

from __future__ import annotations

from .models import PREFER_NOT_TO_SAY, ApplicationCall, lines

Options = dict[str, list[str]]  # category key -> its answer options


def category_options(call: ApplicationCall | None) -> Options:
    if call is None or call.pk is None:
        return {}
    return {c.key: c.value_list for c in call.demographic_categories.all()}


def options_from_post(data, prefix: str = "demographic_categories") -> Options:
    """Categories typed on the same admin page and not saved yet (a new call, or new rows)."""
    options: Options = {}
    try:
        total = int(data.get(f"{prefix}-TOTAL_FORMS", 0))
    except (TypeError, ValueError):
        return options
    for i in range(min(total, 200)):
        key = (data.get(f"{prefix}-{i}-key") or "").strip()
        if not key or data.get(f"{prefix}-{i}-DELETE"):
            continue
        options[key] = [v for v in lines(data.get(f"{prefix}-{i}-values") or "") if v != PREFER_NOT_TO_SAY]
    return options


def _valid_list(values) -> str:
    return ", ".join(f"“{v}”" for v in values) or "none yet"


def quota_problem(category: str, value: str, options: Options) -> str | None:
    """Why this (category, value) cannot be a quota of the call, naming the valid choices."""
    if category not in options:
        return f"“{category}” is not a demographic category of this call. Categories: {_valid_list(options)}."
    if value not in options[category]:
        return (
            f"“{value}” is not an answer option of “{category}”. "
            f"Options: {_valid_list(options[category])}."
        )
    return None


def conditions_problem(conditions, options: Options) -> str | None:
    if not isinstance(conditions, dict) or not conditions:
        return 'Name at least one category and value, e.g. {"race": "Indigenous", "gender": "Woman"}.'
    for category, value in conditions.items():
        problem = quota_problem(str(category), str(value), options)
        if problem:
            return problem
    return None
