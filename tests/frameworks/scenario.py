"""A team cohort with a published framework, two team members and a baseline point."""

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django_scopes import scopes_disabled

from cohorts.models import Team
from frameworks import services
from frameworks.models import Area, AssessmentPoint, Framework, FrameworkVersion, Item
from organizers.roles import Role
from tests.factories import CohortFactory, EnrollmentFactory, OrganizationFactory, UserFactory, member


@dataclass
class World:
    organizer: object
    version: FrameworkVersion
    cohort: object
    team: Team
    alice: object
    bob: object
    point: AssessmentPoint
    staff: object


def make_version(organizer, *, areas=(("Strategy", ["We have a DEI strategy.", "Leaders own it."]),
                                      ("Recruitment", ["We recruit widely."])), slug="dei-checklist"):
    with scopes_disabled():
        framework = Framework.objects.create(organizer=organizer, slug=slug, title="DEI checklist",
                                             values="Holistic\nRestorative")
        version = FrameworkVersion.objects.create(organizer=organizer, framework=framework, number=1)
        for a_order, (title, statements) in enumerate(areas, start=1):
            area = Area.objects.create(organizer=organizer, version=version, order=a_order, title=title)
            for i_order, statement in enumerate(statements, start=1):
                Item.objects.create(organizer=organizer, area=area, order=i_order, statement=statement,
                                    guidance=f"Guidance for {statement}")
        return services.publish_version(version=version)


def make_team(organizer, cohort, name="Arizona state team", people=2):
    organization = OrganizationFactory(organizer=organizer, name=f"{name} org")
    with scopes_disabled():
        team = Team.objects.create(organizer=organizer, cohort=cohort, organization=organization, name=name)
    members = [UserFactory(full_name=f"{name} member {n}") for n in range(people)]
    for person in members:
        EnrollmentFactory(cohort=cohort, person=person, team=team, organization=organization)
    return team, members


def make_world(organizer) -> World:
    today = timezone.localdate()
    version = make_version(organizer)
    cohort = CohortFactory(program__organizer=organizer, is_team_cohort=True,
                           starts_on=today - dt.timedelta(days=200), ends_on=today - dt.timedelta(days=35))
    team, (alice, bob) = make_team(organizer, cohort)
    with scopes_disabled():
        points = services.schedule_points(cohort=cohort, version=version, taker=AssessmentPoint.Taker.TEAM)
    return World(organizer=organizer, version=version, cohort=cohort, team=team, alice=alice, bob=bob,
                 point=points[0], staff=member(organizer, Role.STAFF))
