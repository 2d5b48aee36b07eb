"""Only cohorts/lifecycle.py changes Enrollment.status (issue 10, "one owner").

The source of every app is read (AST): a write is an assignment to `.status` on
something named like an enrollment, `status=` passed to an Enrollment queryset's
update/create/update_or_create/get_or_create/bulk_create, or Enrollment(status=...).
Demo loaders and benchmarks build fixture histories and are listed below by name.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = sorted(p.parent.name for p in ROOT.glob("*/apps.py")) + ["core"]
OWNER = Path("cohorts/lifecycle.py")
# Fixture builders, not behaviour: they create enrollments in a chosen state for demos and benchmarks.
FIXTURE_BUILDERS = {Path("cohorts/demo.py"), Path("sessions_app/demo.py"), Path("library/demo.py"),
                    Path("billing/demo.py"), Path("community/demo.py"), Path("reports/demo.py"),
                    Path("frameworks/demo.py"), Path("applications/demo.py")}
WRITES = {"update", "create", "update_or_create", "get_or_create", "bulk_create", "bulk_update"}


def _mentions_enrollment(node) -> bool:
    return "enrollment" in ast.unparse(node).lower()


def writers(source: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.Assign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                for t in ast.walk(target):
                    if isinstance(t, ast.Attribute) and t.attr == "status" and _mentions_enrollment(t.value):
                        found.append(f"line {node.lineno}: {ast.unparse(node)[:80]}")
        elif isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            keywords = {k.arg for k in node.keywords}
            defaults = [k.value for k in node.keywords if k.arg == "defaults"]
            sets_status = "status" in keywords or any("'status'" in ast.unparse(d) or '"status"' in ast.unparse(d)
                                                      for d in defaults)
            if name in WRITES and sets_status and _mentions_enrollment(func):
                found.append(f"line {node.lineno}: {ast.unparse(node)[:80]}")
            if name == "Enrollment" and "status" in keywords:
                found.append(f"line {node.lineno}: {ast.unparse(node)[:80]}")
            if name == "bulk_update" and _mentions_enrollment(func) and "status" in ast.unparse(node):
                found.append(f"line {node.lineno}: {ast.unparse(node)[:80]}")
    return found


def test_the_detector_finds_each_kind_of_write():
    sample = '''
enrollment.status = "cancelled"
Enrollment.objects.filter(id=1).update(status="completed")
Enrollment.objects.update_or_create(cohort=c, defaults={"status": "confirmed"})
Enrollment(cohort=c, status="confirmed")
'''
    assert len(writers(sample)) == 4
    assert writers('application.status = "withdrawn"\nEnrollment.objects.filter(status="x").count()') == []


def test_no_code_outside_the_lifecycle_writes_enrollment_status():
    offenders = {}
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            relative = path.relative_to(ROOT)
            if relative == OWNER or relative in FIXTURE_BUILDERS or "migrations" in relative.parts:
                continue
            found = writers(path.read_text())
            if found:
                offenders[str(relative)] = found
    assert offenders == {}, offenders
