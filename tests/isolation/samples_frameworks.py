"""Isolation samples for frameworks, self-assessments and team workplans."""

import datetime as dt

from django.utils import timezone
from django_scopes import scopes_disabled


from frameworks import services
from frameworks.models import (
    Action,
    Area,
    Assessment,
    AssessmentPoint,
    Framework,
    FrameworkVersion,
    Goal,
    Item,
    SupportRequest,
    Workplan,
)
from sessions_app.models import CheckInRound
from tests.factories import CohortFactory, EnrollmentFactory, OrganizationFactory, TeamFactory

from . import no_arguments, sample

sample("frameworks:list", public=True)(no_arguments)
for _name in ("my_assessments", "workplans"):
    sample(f"frameworks:{_name}")(no_arguments)


def make_version(organizer, *, slug="equity-framework", publish=True) -> FrameworkVersion:
    with scopes_disabled():
        framework = Framework.objects.create(organizer=organizer, slug=slug, title="Equity framework")
        version = FrameworkVersion.objects.create(organizer=organizer, framework=framework, number=1)
        area = Area.objects.create(organizer=organizer, version=version, order=1, title="Strategy")
        Item.objects.create(organizer=organizer, area=area, order=1, statement="We have a DEI strategy.")
        if publish:
            services.publish_version(version=version)
        return version


@sample("frameworks:detail", public=True)
def framework(organizer):
    return {"framework_slug": make_version(organizer).framework.slug}


@sample("frameworks:version", public=True)
def framework_version(organizer):
    return {"framework_slug": make_version(organizer).framework.slug, "number": 1}


def make_team(organizer):
    team = TeamFactory(cohort=CohortFactory(program__organizer=organizer,
                                            starts_on=timezone.localdate() - dt.timedelta(days=200),
                                            ends_on=timezone.localdate() - dt.timedelta(days=40)),
                       organization=OrganizationFactory(organizer=organizer))
    EnrollmentFactory(cohort=team.cohort, team=team, organization=team.organization)
    return team


def make_assessment(organizer) -> Assessment:
    version = make_version(organizer)
    team = make_team(organizer)
    with scopes_disabled():
        point = AssessmentPoint.objects.create(organizer=organizer, cohort=team.cohort, version=version,
                                               kind=AssessmentPoint.Kind.BASELINE, taker=AssessmentPoint.Taker.TEAM,
                                               opens_on=team.cohort.starts_on)
        return Assessment.objects.create(organizer=organizer, point=point, version=version, cohort=team.cohort,
                                         team=team, organization=team.organization)


@sample("frameworks:start")
def start(organizer):
    return {"point_id": make_assessment(organizer).point_id}


for _name in ("assessment", "submit", "results"):
    sample(f"frameworks:{_name}")(lambda organizer: {"assessment_id": make_assessment(organizer).id})


def _item_kwargs(organizer):
    assessment = make_assessment(organizer)
    with scopes_disabled():
        item = Item.objects.filter(area__version=assessment.version).first()
    return {"assessment_id": assessment.id, "item_id": item.id}


sample("frameworks:rate")(_item_kwargs)
sample("frameworks:consensus")(_item_kwargs)


@sample("frameworks:cohort_overview")
def cohort_overview(organizer):
    return {"cohort_id": make_assessment(organizer).cohort_id}


@sample("frameworks:organization_history")
def organization_history(organizer):
    return {"organization_id": make_assessment(organizer).organization_id}


@sample("frameworks:start_workplan")
def start_workplan(organizer):
    return {"team_id": make_team(organizer).id}


def make_workplan(organizer) -> Workplan:
    team = make_team(organizer)
    with scopes_disabled():
        workplan = services.ensure_workplan(team=team)
        goal = Goal.objects.create(organizer=organizer, workplan=workplan, title="Disaggregate our data")
        Action.objects.create(organizer=organizer, goal=goal, title="Ask Child Trends")
        return workplan


def _workplan_kwargs(organizer):
    return {"workplan_id": make_workplan(organizer).id}


for _name in ("workplan", "add_goal", "add_update", "request_support", "export_pdf", "export_csv"):
    sample(f"frameworks:{_name}")(_workplan_kwargs)


@sample("frameworks:add_action")
def add_action(organizer):
    workplan = make_workplan(organizer)
    with scopes_disabled():
        return {"workplan_id": workplan.id, "goal_id": workplan.goals.first().id}


@sample("frameworks:update_action")
def update_action(organizer):
    workplan = make_workplan(organizer)
    with scopes_disabled():
        return {"workplan_id": workplan.id, "action_id": Action.objects.filter(goal__workplan=workplan).first().id}


@sample("frameworks:log_support")
def log_support(organizer):
    from cohorts.models import PlanningPartner

    workplan = make_workplan(organizer)
    with scopes_disabled():
        partner = PlanningPartner.objects.create(organizer=organizer, program=workplan.cohort.program,
                                                 name="Child Trends", focus_area="data")
        request = SupportRequest.objects.create(organizer=organizer, workplan=workplan, partner=partner,
                                                message="Help with data")
    return {"workplan_id": workplan.id, "request_id": request.id}


def make_round(organizer, cohort) -> CheckInRound:
    with scopes_disabled():
        return CheckInRound.objects.create(organizer=organizer, cohort=cohort, months_after=1,
                                           due_on=timezone.localdate(), questions=["How is it going?"],
                                           sent_at=timezone.now())


@sample("frameworks:workplan_checkin")
def workplan_checkin(organizer):
    workplan = make_workplan(organizer)
    return {"workplan_id": workplan.id, "round_id": make_round(organizer, workplan.cohort).id}


@sample("frameworks:checkin_overview")
def checkin_overview(organizer):
    workplan = make_workplan(organizer)
    return {"round_id": make_round(organizer, workplan.cohort).id}



