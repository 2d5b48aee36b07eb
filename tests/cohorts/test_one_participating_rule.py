"""Who counts as participating is defined once: Enrollment.PARTICIPATING (confirmed,
completed), asked through cohorts.selectors.participations where a query needs it.
No app spells its own (confirmed, completed) set (issue 10, "rules in one place")."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = ["accounts", "api", "applications", "billing", "cohorts", "community", "core", "frameworks", "library",
        "notifications", "organizers", "privacy", "reports", "sessions_app", "workplace"]
HOME = Path("cohorts/models.py")


def _names(node) -> set[str]:
    """A status named by its member (Status.CONFIRMED) or its stored value ("confirmed"),
    not a column heading such as "Confirmed"."""
    if isinstance(node, ast.Attribute) and node.attr.isupper():
        return {node.attr.lower()}
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    return set()


def own_participating_sets(source: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
            names = set().union(*(_names(e) for e in node.elts)) if node.elts else set()
            if {"confirmed", "completed"} <= names:
                found.append(f"line {node.lineno}: {ast.unparse(node)[:60]}")
    return found


def test_the_detector_finds_a_spelled_out_set():
    assert len(own_participating_sets('x = ("confirmed", "completed")\ny = [Status.COMPLETED, Status.CONFIRMED]')) == 2
    assert own_participating_sets("x = Enrollment.PARTICIPATING + (Status.AWAITING_PAYMENT,)") == []


def test_no_app_keeps_its_own_participating_statuses():
    offenders = {}
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")) if (ROOT / app).is_dir() else []:
            relative = path.relative_to(ROOT)
            if relative == HOME or "migrations" in relative.parts:
                continue
            found = own_participating_sets(path.read_text())
            if found:
                offenders[str(relative)] = found
    assert offenders == {}
