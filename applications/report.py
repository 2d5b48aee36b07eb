"""The selection report as staff see it (page and CSV).

The engine's reasons can name the quota a person was needed for ("needed for
quota 'race: Indigenous'"), which says something about that person's demographic
answers; so does a person's lottery probability. Viewers without the demographics
permission get those reasons in a generic form and no per-person probability; pool counts in the conflict report below the organizer's small-cell
threshold are hidden from them too.
"""

import re

from cohorts.models import Organization

from .engine_input import lead_reference
from .models import Application, SelectionRun

ORGANIZATION_ID = re.compile(r"\borganization (\d+)\b")


def organization_names(texts) -> dict[str, str]:
    """{id: name} for the organizations the engine's texts name by id ("organization 13")."""
    ids = {int(m) for text in texts if text for m in ORGANIZATION_ID.findall(text)}
    return {str(pk): name for pk, name in Organization.objects.filter(pk__in=ids).values_list("pk", "name")} if ids else {}


def named(text: str, names: dict[str, str]) -> str:
    """The engine names organizations by id; people read their names."""
    return ORGANIZATION_ID.sub(lambda m: names.get(m[1], m[0]), text) if text else text

# Reason codes whose text names a representation quota, or a lottery probability (which
# follows from a person's demographic type), in the words shown without the permission.
QUOTA_REASONS = {
    "lottery_drawn": "drawn in the lottery",
    "lottery_not_drawn": "not drawn in the lottery",
    "needed_for_quota": "needed to meet a representation quota",
    "category_max": "a representation maximum was already reached",
    "displaces_quota": "taking them would leave a representation quota unmet",
    "constraints": "the representation and organization rules leave no room",
}


def redact(codes: str, text: str, *, exact: bool) -> str:
    if exact or not codes:
        return text
    parts = text.split("; ")
    out = []
    for i, code in enumerate(codes.split(";")):
        out.append(QUOTA_REASONS.get(code, parts[i] if i < len(parts) else ""))
    return "; ".join(p for p in out if p)


def report_rows(run: SelectionRun, *, exact: bool) -> list[dict]:
    report = (run.result or {}).get("report") or {}
    rows = report.get("rows", [])
    ids = {int(lead_reference(r["applicant_id"])[1:]) for r in rows}
    apps = {
        a.reference: a
        for a in Application.objects.filter(pk__in=ids).select_related("applicant", "organization")
    }
    names = organization_names(row.get("reasons", "") for row in rows)
    out = []
    for row in rows:
        ref = row["applicant_id"]
        app = apps.get(lead_reference(ref))
        is_member = ref != lead_reference(ref)
        name = "" if app is None else (f"team member of {app.applicant.display_name}" if is_member else app.applicant.display_name)
        out.append({
            "reference": ref,
            "application": app,
            "applicant": name,
            "organization": app.organization.name if app and app.organization and not is_member else "",
            "team": row.get("team") or "",
            "score": row.get("score"),
            "priority": row.get("priority"),
            "eligible": row.get("eligible"),
            "fixed": row.get("fixed") or "",
            "selected": row.get("selected"),
            "probability": row.get("probability") if exact else None,
            "reasons": named(redact(row.get("reason_codes", ""), row.get("reasons", ""), exact=exact), names),
        })
    return out


def visible_conflicts(run: SelectionRun, *, exact: bool, k: int) -> dict | None:
    conflicts = (run.result or {}).get("conflicts")
    if not conflicts:
        return None
    relaxations = []
    names = organization_names(r.get("name", "") for r in conflicts.get("relaxations", []))
    for r in conflicts.get("relaxations", []):
        r = {**r, "name": named(r.get("name", ""), names)}
        def shown(n: int) -> str:
            return str(n) if exact or not (0 < n < k) else f"fewer than {k}"

        direction = "lower" if r["bound"] == "min" else "raise"
        relaxations.append({
            **r,
            "available_shown": shown(r["available"]),
            "in_pool_shown": shown(r["in_pool"]),
            "advice": f"{direction} the {r['bound']}imum of “{r['name']}” from {r['limit']} by {r['relax_by']}",
        })
    return {"relaxations": relaxations, "structural": conflicts.get("structural", []),
            "total_relaxation": conflicts.get("total_relaxation", 0)}
