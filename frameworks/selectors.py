"""Reads the framework, assessment and workplan pages share, and who may see what.

Visibility of a team's assessment and workplan is decided here and nowhere else:
its members (participating enrollments of the team), the planning-team partners it
asked for support (their people hold the `partner` role), the cohort's facilitators,
and the organizer's staff (the community lead). Everyone else gets 404.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from statistics import mean

from django.db.models import Exists, OuterRef, Prefetch, QuerySet

from cohorts.models import Cohort, Enrollment, Team
from core.prepared import PreparedQuery
from organizers.roles import Capability
from reports.charts import grouped_bar_chart

from .models import (
    NOT_APPLICABLE,
    Action,
    Area,
    Assessment,
    AssessmentPoint,
    ConsensusRating,
    Framework,
    FrameworkVersion,
    Item,
    PartnerPerson,
    Rating,
    SupportRequest,
    Workplan,
)

# Enrollment statuses that make someone part of a team.
PARTICIPATING = Enrollment.PARTICIPATING


# --- Frameworks ----------------------------------------------------------------------------------


def public_frameworks(organizer) -> list[Framework]:
    return list(
        Framework.objects.filter(organizer=organizer, is_public=True, versions__status=FrameworkVersion.Status.PUBLISHED)
        .distinct().order_by("title")
    )


def current_version(framework: Framework) -> FrameworkVersion | None:
    return framework.versions.filter(status=FrameworkVersion.Status.PUBLISHED).order_by("-number").first()


def version_content(version: FrameworkVersion) -> list[Area]:
    """The version's areas with their items, in order (two queries)."""
    return list(version.areas.prefetch_related(Prefetch("items", queryset=Item.objects.order_by("order", "id"))))


# The public program page asks on every uncached view: prepared (compiled once per
# process, planned once per connection), as the catalog's own reads are (bench/pages.py).
_published_frameworks = PreparedQuery(
    lambda organizer_id, program_id: Framework.objects.filter(
        Exists(FrameworkVersion.objects.filter(framework_id=OuterRef("pk"), status=FrameworkVersion.Status.PUBLISHED)),
        organizer_id=organizer_id, program_id=program_id,
    ).values_list("title", "slug", "summary"),
    params={"organizer_id": int, "program_id": int}, tenant="organizer_id",
)


def frameworks_for_program(program) -> list[dict]:
    """Published frameworks a program page links to."""
    rows = _published_frameworks.run(organizer_id=program.organizer_id, program_id=program.id)
    return [{"title": title, "slug": slug, "summary": summary} for title, slug, summary in rows]


# --- Who belongs to a team or an assessment -------------------------------------------------------


def team_members(team: Team) -> list:
    return [e.person for e in Enrollment.objects.filter(team=team, status__in=PARTICIPATING)
            .select_related("person").order_by("person__full_name", "person__email")]


def respondents(assessment: Assessment) -> list:
    """The people who rate this assessment."""
    if assessment.person_id:
        return [assessment.person]
    if assessment.team_id:
        return team_members(assessment.team)
    return [e.person for e in Enrollment.objects.filter(
        cohort_id=assessment.cohort_id, organization_id=assessment.organization_id, status__in=PARTICIPATING,
    ).select_related("person").order_by("person__full_name", "person__email")]


def is_respondent(user, assessment: Assessment) -> bool:
    return user.is_authenticated and any(p.id == user.id for p in respondents(assessment))


def _facilitates(user, cohort_id: int) -> bool:
    from sessions_app.selectors.sessions import facilitated_cohort_ids

    return cohort_id in facilitated_cohort_ids(user)


def supported_team_ids(user, access) -> set[int] | None:
    """Teams whose workplans this person may see as a partner; None means every team (staff)."""
    if access.is_staff:
        return None
    if not user.is_authenticated or not access.can(Capability.SUPPORT_TEAMS):
        return set()
    partner_ids = PartnerPerson.objects.filter(user=user).values_list("partner_id", flat=True)
    return set(SupportRequest.objects.filter(partner_id__in=partner_ids).values_list("workplan__team_id", flat=True))


def partner_ids_of(user) -> set[int]:
    return set(PartnerPerson.objects.filter(user=user).values_list("partner_id", flat=True))


def can_see_team(user, access, team: Team) -> bool:
    if not user.is_authenticated:
        return False
    if access.is_staff:
        return True
    if Enrollment.objects.filter(team=team, person=user, status__in=PARTICIPATING).exists():
        return True
    supported = supported_team_ids(user, access)
    if supported is not None and team.id in supported:
        return True
    return _facilitates(user, team.cohort_id)


def can_see_assessment(user, access, assessment: Assessment) -> bool:
    """Its respondents, then whoever may see the team that took it (or the organization's team in that cohort)."""
    if not user.is_authenticated:
        return False
    if is_respondent(user, assessment):
        return True
    team = assessment.team or (Team.objects.filter(cohort_id=assessment.cohort_id,
                                                   organization_id=assessment.organization_id).first()
                               if assessment.organization_id else None)
    if team is not None:
        return can_see_team(user, access, team)
    return access.is_staff or _facilitates(user, assessment.cohort_id)


def can_see_organization(user, access, organization) -> bool:
    """An organization's own history: its people (enrolled for it or affiliated) and staff."""
    if not user.is_authenticated:
        return False
    if access.is_staff:
        return True
    if Enrollment.objects.filter(organization=organization, person=user, status__in=PARTICIPATING).exists():
        return True
    return organization.affiliations.filter(person=user, is_current=True).exists()


def visible_workplans(user, access) -> QuerySet[Workplan]:
    plans = Workplan.objects.select_related("team__organization", "cohort__program").order_by(
        "cohort__program__title", "cohort__title", "team__name")
    if access.is_staff:
        return plans
    if not user.is_authenticated:
        return plans.none()
    from django.db.models import Q
    from sessions_app.selectors.sessions import facilitated_cohort_ids

    own_team_ids = Enrollment.objects.filter(person=user, status__in=PARTICIPATING, team__isnull=False).values_list(
        "team_id", flat=True)
    supported = supported_team_ids(user, access) or set()
    return plans.filter(Q(team_id__in=list(own_team_ids)) | Q(team_id__in=supported)
                        | Q(cohort_id__in=facilitated_cohort_ids(user)))


def can_edit_workplan(user, access, workplan: Workplan) -> bool:
    """Members of the team and staff edit; partners and facilitators read (partners log support)."""
    return access.is_staff or Enrollment.objects.filter(team_id=workplan.team_id, person=user,
                                                        status__in=PARTICIPATING).exists()


# --- Assessments ----------------------------------------------------------------------------------


def subject_for(point: AssessmentPoint, user) -> dict | None:
    """Who `user` takes this point's assessment for: {'team': ..} / {'organization': ..} / {'person': ..}."""
    enrollment = (Enrollment.objects.filter(cohort_id=point.cohort_id, person=user, status__in=PARTICIPATING)
                  .select_related("team", "organization").first())
    if enrollment is None:
        return None
    if point.taker == AssessmentPoint.Taker.PERSON:
        return {"person": user, "organization": enrollment.organization}
    if point.taker == AssessmentPoint.Taker.TEAM:
        if enrollment.team is None:
            return None
        return {"team": enrollment.team, "organization": enrollment.team.organization}
    if enrollment.organization is None:
        return None
    return {"organization": enrollment.organization}


def my_assessment_rows(user, organizer, *, today) -> list[dict]:
    """Each open point of the user's cohorts, with their assessment if it is started."""
    cohort_ids = Enrollment.objects.filter(person=user, status__in=PARTICIPATING).values_list("cohort_id", flat=True)
    points = (AssessmentPoint.objects.filter(cohort_id__in=list(cohort_ids), opens_on__lte=today)
              .select_related("cohort__program", "version__framework").order_by("-opens_on"))
    rows = []
    for point in points:
        subject = subject_for(point, user)
        if subject is None:
            continue
        assessment = Assessment.objects.filter(point=point, **_subject_filter(subject)).first()
        rows.append({"point": point, "subject": subject, "assessment": assessment})
    return rows


def _subject_filter(subject: dict) -> dict:
    if "person" in subject:
        return {"person": subject["person"]}
    if "team" in subject:
        return {"team": subject["team"]}
    return {"organization": subject["organization"], "team__isnull": True, "person__isnull": True}


@dataclass
class ItemRow:
    item: Item
    mine: Rating | None = None
    others: list[Rating] = field(default_factory=list)
    spread: list[dict] = field(default_factory=list)  # [{"label", "value", "count"}]
    consensus: ConsensusRating | None = None
    suggested: int | None = None


def assessment_grid(assessment: Assessment, user) -> list[dict]:
    """Areas → item rows with my rating, the team's spread and the consensus (four queries)."""
    version = assessment.version
    ratings = list(assessment.ratings.select_related("person"))
    consensus = {c.item_id: c for c in assessment.consensus.all()}
    levels = version.levels
    areas = []
    for area in version_content(version):
        rows = []
        for item in area.items.all():
            mine = next((r for r in ratings if r.item_id == item.id and r.person_id == user.id), None)
            given = [r for r in ratings if r.item_id == item.id and r.value is not None]
            spread = [{"label": label, "value": n, "count": sum(1 for r in given if r.value == n)}
                      for n, label in [*enumerate(levels, start=1), (NOT_APPLICABLE, "Not applicable")]]
            scored = sorted(r.value for r in given if r.value != NOT_APPLICABLE)
            suggested = scored[(len(scored) - 1) // 2] if scored else None
            rows.append(ItemRow(item=item, mine=mine, others=[r for r in given if r.person_id != user.id],
                                spread=spread, consensus=consensus.get(item.id), suggested=suggested))
        areas.append({"area": area, "rows": rows})
    return areas


def missing_consensus(assessment: Assessment) -> int:
    total = Item.objects.filter(area__version_id=assessment.version_id).count()
    return total - assessment.consensus.count()


# --- Results ----------------------------------------------------------------------------------------


def _score(values: list[int]) -> float | None:
    rated = [v for v in values if v != NOT_APPLICABLE]
    return round(float(mean(rated)), 1) if rated else None


def results(assessment: Assessment) -> list[dict]:
    """Per area: the mean of the agreed ratings (not applicable left out) and each item's rating."""
    consensus = {c.item_id: c for c in assessment.consensus.all()}
    version = assessment.version
    out = []
    for area in version_content(version):
        items = []
        for item in area.items.all():
            c = consensus.get(item.id)
            items.append({"item": item, "value": c.value if c else None,
                          "label": version.level_label(c.value if c else None), "note": c.note if c else ""})
        out.append({"area": area, "title": area.title,
                    "score": _score([i["value"] for i in items if i["value"] is not None]), "items": items})
    return out


def comparable_assessments(assessment: Assessment) -> QuerySet[Assessment]:
    """The same subject's other submitted assessments (any cohort, any version of the framework)."""
    same = Assessment.objects.filter(status=Assessment.Status.SUBMITTED,
                                     version__framework_id=assessment.version.framework_id).exclude(id=assessment.id)
    if assessment.person_id:
        same = same.filter(person_id=assessment.person_id)
    elif assessment.organization_id:
        same = same.filter(organization_id=assessment.organization_id, person__isnull=True)
    else:
        same = same.filter(team_id=assessment.team_id)
    return same.select_related("point", "cohort").order_by("point__opens_on")


def comparison(assessments: list[Assessment]) -> dict:
    """Areas (matched by title across versions) × assessments: the numbers for both the chart and the table."""
    columns = [{"assessment": a, "label": f"{a.point.label}, {a.cohort.title}"} for a in assessments]
    by_title: dict[str, list[float | None]] = {}
    item_rows: dict[tuple[str, str], list[str]] = {}
    max_level = 1
    for index, assessment in enumerate(assessments):
        max_level = max(max_level, len(assessment.version.levels))
        for area in results(assessment):
            by_title.setdefault(area["title"], [None] * len(assessments))[index] = area["score"]
            for row in area["items"]:
                key = (area["title"], row["item"].statement)
                item_rows.setdefault(key, [""] * len(assessments))[index] = row["label"] if row["value"] is not None else ""
    areas = [{"title": title, "scores": scores} for title, scores in by_title.items()]
    items = [{"area": area, "statement": statement, "labels": labels} for (area, statement), labels in item_rows.items()]
    return {"columns": columns, "areas": areas, "items": items, "max_level": max_level,
            "chart": grouped_bar_chart(title="Average agreed rating by area", max_value=max_level,
                                       groups=[(a["title"], a["scores"]) for a in areas],
                                       series=[c["label"] for c in columns])}


def cohort_overview(cohort: Cohort) -> list[dict]:
    """Staff: each point of the cohort, the assessments taken and their area scores."""
    out = []
    points = cohort.assessment_points.select_related("version").order_by("opens_on")
    for point in points:
        rows = []
        titles: list[str] = []
        for assessment in point.assessments.select_related("organization", "team", "person", "version", "cohort",
                                                           "point").order_by("organization__name"):
            scores = results(assessment) if assessment.is_locked else []
            for s in scores:
                if s["title"] not in titles:
                    titles.append(s["title"])
            rows.append({"assessment": assessment, "scores": {s["title"]: s["score"] for s in scores}})
        for row in rows:
            row["cells"] = [row["scores"].get(t) for t in titles]
        out.append({"point": point, "titles": titles, "rows": rows})
    return out


def cohort_averages(point: AssessmentPoint, *, k: int) -> dict:
    """Area averages across the point's submitted assessments, for participants: areas with fewer than k hidden."""
    submitted = list(point.assessments.filter(status=Assessment.Status.SUBMITTED)
                     .select_related("version", "point", "cohort"))
    per_area: dict[str, list[float]] = {}
    for assessment in submitted:
        for area in results(assessment):
            if area["score"] is not None:
                per_area.setdefault(area["title"], []).append(area["score"])
    return {title: {"n": len(scores), "mean": round(float(mean(scores)), 1) if len(scores) >= k else None}
            for title, scores in per_area.items()}


def organization_history(organization) -> list[dict]:
    """Every submitted assessment of an organization (its own or its team's), oldest first, with area scores."""
    assessments = (Assessment.objects.filter(organization=organization, status=Assessment.Status.SUBMITTED,
                                             person__isnull=True)
                   .select_related("point", "cohort", "version__framework").order_by("point__opens_on"))
    frameworks: dict[int, list[Assessment]] = {}
    for a in assessments:
        frameworks.setdefault(a.version.framework_id, []).append(a)
    return [{"framework": items[0].version.framework, "comparison": comparison(items)} for items in frameworks.values()]


# --- Workplans -------------------------------------------------------------------------------------


def workplan_detail(workplan: Workplan) -> dict:
    goals = list(workplan.goals.select_related("area", "item").prefetch_related(
        Prefetch("actions", queryset=Action.objects.select_related("owner").order_by("due_on", "id"))))
    return {"goals": goals, "progress": progress(workplan),
            "updates": list(workplan.updates.select_related("author", "checkin_round")),
            "requests": list(workplan.support_requests.select_related("partner", "requested_by")
                             .prefetch_related("logs__author"))}


def progress(workplan: Workplan) -> dict:
    statuses = list(Action.objects.filter(goal__workplan=workplan).values_list("status", flat=True))
    counts = {status: statuses.count(status) for status, _ in Action.Status.choices}
    total = len(statuses)
    return {"total": total, "done": counts[Action.Status.DONE], "counts": counts,
            "labels": [(label, counts[value]) for value, label in Action.Status.choices],
            "percent": round(100 * counts[Action.Status.DONE] / total) if total else 0}


def low_rated_items(team: Team) -> list[dict]:
    """Items the team's latest submitted assessment rated at the lowest two levels (for goals)."""
    assessment = (Assessment.objects.filter(status=Assessment.Status.SUBMITTED)
                  .filter(team=team) .select_related("version").order_by("-submitted_at").first()
                  or Assessment.objects.filter(status=Assessment.Status.SUBMITTED, organization_id=team.organization_id,
                                               cohort_id=team.cohort_id, person__isnull=True)
                  .select_related("version").order_by("-submitted_at").first())
    if assessment is None:
        return []
    rows = assessment.consensus.filter(value__in=[1, 2]).select_related("item__area").order_by("value", "item__order")
    return [{"item": c.item, "label": assessment.version.level_label(c.value)} for c in rows]


def framework_areas_for(workplan: Workplan) -> QuerySet[Area]:
    """Areas of the frameworks the workplan's cohort assesses against."""
    version_ids = AssessmentPoint.objects.filter(cohort_id=workplan.cohort_id).values_list("version_id", flat=True)
    return Area.objects.filter(version_id__in=list(version_ids)).select_related("version__framework")


def checkin_workplans(round_) -> list[dict]:
    """For a check-in round: each team's workplan, its progress and the update it sent (or None)."""
    plans = Workplan.objects.filter(cohort_id=round_.cohort_id).select_related("team").order_by("team__name")
    updates = {u.workplan_id: u for u in round_.workplan_updates.select_related("author")}
    return [{"workplan": p, "progress": progress(p), "update": updates.get(p.id)} for p in plans]
