"""cohorts is the base the other apps build on: it never imports applications (issue 10).

The applications app plugs into cohorts instead (ApplicationsConfig.ready registers the
vacancy handler, the transition listener and what the catalog says about a call).
"""

import ast
from pathlib import Path

import pytest

from cohorts import display

ROOT = Path(__file__).resolve().parents[2]


def imported_modules(source: str) -> list[tuple[int, str]]:
    """Every module a file imports, at any depth (function-level imports included),
    and every module named to importlib.import_module / __import__."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
        elif (isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) in
              ("import_module", "__import__") and node.args and isinstance(node.args[0], ast.Constant)):
            found.append((node.lineno, str(node.args[0].value)))
    return found


def applications_imports(source: str) -> list[str]:
    return [f"line {line}: {module}" for line, module in imported_modules(source)
            if module == "applications" or module.startswith("applications.")]


def test_the_detector_finds_each_kind_of_import():
    sample = '''
import applications.models
from applications.models import ApplicationCall
def f():
    from applications import services
    importlib.import_module("applications.selection")
from cohorts import selectors
from .applications_like import x
'''
    assert len(applications_imports(sample)) == 4


def test_cohorts_does_not_import_applications():
    offenders = {}
    for path in sorted((ROOT / "cohorts").rglob("*.py")):
        found = applications_imports(path.read_text())
        if found:
            offenders[str(path.relative_to(ROOT))] = found
    assert offenders == {}


@pytest.mark.django_db
def test_the_catalog_hears_about_calls_from_the_applications_app():
    assert display._application_display is not None
    assert display._application_display.state.__module__ == "applications.display"
