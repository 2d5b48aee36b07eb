"""Turn a call's applications, reviews and rules into the selection engine's input.

The engine (`applications.selection`) knows nothing of Django: it takes frozen
dataclasses. Applicants are named by `Application.reference` ("A12"; team members
"A12-M3"), never by name, so reports and snapshots identify no one by themselves.
Demographic answers go into the problem but never into the stored snapshot: the
snapshot keeps only aggregate counts per quota.
"""

from dataclasses import dataclass, field
from statistics import mean

from cohorts.models import Cohort

from . import selection as engine
from .demographics import category_labels, features_by_application, intersection_name, quota_name
from .models import Application, ApplicationCall

# Why the Django side itself makes someone ineligible (the engine only sees `eligible=False`); a team
# that breaks the cohort's composition rule gives that rule's own reason (Cohort.team_composition_problem).
TEAM_UNCONFIRMED = "not every team member has confirmed by email"


@dataclass
class PoolEntry:
    reference: str
    application_id: int
    organization: str | None
    team: str | None
    score: float | None
    priority: float
    eligible: bool
    fixed: str
    ineligible_because: str = ""

    def as_dict(self) -> dict:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


@dataclass
class ProblemInput:
    problem: "engine.SelectionProblem"
    entries: list[PoolEntry]
    applications: dict[str, Application] = field(default_factory=dict)  # lead reference -> application
    rule_ids: dict[str, list[int]] = field(default_factory=dict)  # engine rule index -> Quota / IntersectionQuota pk

    def snapshot(self) -> dict:
        """Settings and pool for the run's record, with aggregate (not individual) demographics."""
        quota_pool = []
        for q in self.problem.quotas:
            members = [a for a in self.problem.applicants if a.has(q.category, q.value)]
            quota_pool.append({"quota": q.name, "in_pool": len(members)})
        for iq in self.problem.intersections:
            members = [a for a in self.problem.applicants if a.matches(iq.conditions)]
            quota_pool.append({"quota": iq.name, "in_pool": len(members)})
        return {
            "settings": self.problem.settings_snapshot(),
            "pool": [e.as_dict() for e in self.entries],
            "quota_pool_counts": quota_pool,
            "rule_ids": self.rule_ids,
        }


def mean_score(application: Application) -> float | None:
    scores = [r.score for r in application.reviews.all()]
    return round(mean(scores), 3) if scores else None


def pool_queryset(call: ApplicationCall):
    """Applications that take part in a selection: submitted and not withdrawn or rejected."""
    statuses = [
        Application.Status.SUBMITTED, Application.Status.WAITLISTED, Application.Status.OFFERED,
        Application.Status.ACCEPTED, Application.Status.DECLINED, Application.Status.EXPIRED,
    ]
    return (
        call.applications.filter(status__in=statuses)
        .select_related("organization", "applicant")
        .prefetch_related("reviews", "team_members")
        .order_by("id")
    )


def team_size(cohort: Cohort) -> int | None:
    if cohort.is_team_cohort and cohort.team_size_min and cohort.team_size_min == cohort.team_size_max:
        return cohort.team_size_min
    return None


def _team_problem(application: Application, cohort: Cohort) -> str:
    members = list(application.team_members.all())
    if any(m.confirmed_at is None for m in members):
        return TEAM_UNCONFIRMED
    directors = int(application.is_executive_director) + sum(m.role == m.Role.EXECUTIVE_DIRECTOR for m in members)
    return cohort.team_composition_problem(size=len(members) + 1, executive_directors=directors)


def build_problem(
    call: ApplicationCall, *, seed: int, fixed_in: set[str] = frozenset(), fixed_out: set[str] = frozenset()
) -> ProblemInput:
    cohort = call.cohort
    applications = list(pool_queryset(call))
    features = features_by_application(applications)
    people: list[engine.Applicant] = []
    entries: list[PoolEntry] = []
    by_ref: dict[str, Application] = {}
    teams = cohort.is_team_cohort
    for app in applications:
        ref = app.reference
        by_ref[ref] = app
        fixed = "in" if ref in fixed_in else "out" if ref in fixed_out else app.fixed
        reason = _team_problem(app, cohort) if teams else ""
        score = mean_score(app)
        priority = call.member_priority if app.organization and app.organization.is_member else 0.0
        org = str(app.organization_id) if app.organization_id else None
        common = dict(
            score=score, priority=priority, eligible=not reason,
            fixed_in=fixed == "in", fixed_out=fixed == "out",
            team=ref if teams else None,
        )
        people.append(engine.Applicant(id=ref, features=features.get(app.pk, {}), organization=org, **common))
        entries.append(PoolEntry(ref, app.pk, org, common["team"], score, priority, not reason, fixed, reason))
        if teams:
            # One organization entry per team (on its lead), so "one team per organization" is the limit.
            for member in app.team_members.all():
                mref = f"{ref}-M{member.pk}"
                people.append(engine.Applicant(id=mref, features={}, organization=None, **common))
                entries.append(PoolEntry(mref, app.pk, None, ref, score, priority, not reason, fixed, reason))

    quota_rows = list(call.quotas.order_by("id"))
    intersection_rows = list(call.intersection_quotas.order_by("id"))
    # The engine names rules in its reasons and conflict report: by the categories' labels, not their keys.
    labels = category_labels(call)
    quotas = tuple(
        engine.Quota(
            category=q.category, value=q.value, min=q.min_seats, max=q.max_seats,
            share=q.target_share, label=quota_name(q, labels), reserved=q.reserved,
        )
        for q in quota_rows
    )
    intersections = tuple(
        engine.IntersectionQuota(conditions=iq.conditions, min=iq.min_seats, max=iq.max_seats,
                                 label=intersection_name(iq, labels))
        for iq in intersection_rows
    )
    per_org = 1 if teams else call.organization_limit
    problem = engine.SelectionProblem(
        applicants=tuple(people),
        seats=call.seat_count,
        quotas=quotas,
        intersections=intersections,
        max_per_organization=per_org,
        soft_organization_limit=call.organization_limit_is_soft and not teams,
        min_score=call.min_review_score,
        team_size=team_size(cohort),
        seed=seed,
    )
    return ProblemInput(
        problem=problem, entries=entries, applications=by_ref,
        rule_ids={"quota": [q.pk for q in quota_rows], "intersection": [iq.pk for iq in intersection_rows]},
    )


def lead_reference(reference: str) -> str:
    """'A12-M3' -> 'A12': offers and letters go to the team's application."""
    return reference.split("-", 1)[0]
