"""One team-composition rule (Cohort.team_composition_problem), asked by open-cohort
registration, team applications and the selection engine alike.

Seed 001: "each organization bringing a team of three leaders, including the executive
director": exactly one executive director when the cohort requires one, never two.
"""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from applications import services as application_services
from applications.engine_input import build_problem
from applications.models import TeamMember
from cohorts import lifecycle
from cohorts.models import Cohort
from tests.applications.factories import ApplicationFactory, CallFactory
from tests.factories import CohortFactory, UserFactory

pytestmark = pytest.mark.django_db

SEED_001 = dict(is_team_cohort=True, team_size_min=3, team_size_max=3, team_requires_executive_director=True)


@pytest.mark.parametrize(
    "size, directors, expected",
    [
        (3, 1, ""),
        (2, 1, "at least 3 people; this team has 2"),
        (4, 1, "at most 3 people; this team has 4"),
        (3, 0, "include their executive director"),
        (3, 2, "one executive director; 2 people are marked"),
    ],
)
def test_the_rule_follows_seed_001(size, directors, expected):
    cohort = Cohort(**SEED_001)
    problem = cohort.team_composition_problem(size=size, executive_directors=directors)
    assert (expected in problem) if expected else problem == ""


def test_without_the_requirement_a_team_needs_no_director_but_never_has_two():
    cohort = Cohort(is_team_cohort=True, team_size_min=2, team_size_max=4)
    assert cohort.team_composition_problem(size=2, executive_directors=0) == ""
    assert "one executive director" in cohort.team_composition_problem(size=3, executive_directors=2)


def test_registration_applications_and_the_engine_give_the_same_answer(organizer):
    """A team of three with two executive directors is refused (or ineligible) in all three places."""
    cohort = CohortFactory(program__organizer=organizer, capacity=9, **SEED_001)
    expected = Cohort(**SEED_001).team_composition_problem(size=3, executive_directors=2)
    UserFactory(email="a@iowa.example"), UserFactory(email="b@iowa.example")

    with scope(organizer=organizer.pk), pytest.raises(lifecycle.LifecycleError) as refused:
        lifecycle.register_team(
            cohort=Cohort.objects.get(pk=cohort.pk), lead=UserFactory(), organization_name="Iowa",
            lead_is_executive_director=True,
            members=[lifecycle.TeamMemberInvite(email="a@iowa.example", name="A", is_executive_director=True),
                     lifecycle.TeamMemberInvite(email="b@iowa.example", name="B")],
        )
    assert refused.value.message == expected

    call = CallFactory(cohort__program__organizer=organizer, ask_team=True, ask_demographics=False,
                       cohort__capacity=6, **{f"cohort__{k}": v for k, v in SEED_001.items()})
    application = ApplicationFactory(call=call, is_executive_director=True)
    members = [
        {"full_name": "A", "email": "a@ohio.example", "is_executive_director": True},
        {"full_name": "B", "email": "b@ohio.example"},
    ]
    with scope(organizer=organizer.pk), pytest.raises(ValidationError) as invalid:
        application_services.save_application(call=call, applicant=application.applicant,
                                              data={"team_members": members, "is_executive_director": True},
                                              submit=True)
    assert invalid.value.messages == [expected]

    with scopes_disabled():
        for n, role in enumerate((TeamMember.Role.EXECUTIVE_DIRECTOR, TeamMember.Role.LEADER)):
            TeamMember.objects.create(organizer=organizer, application=application, full_name=f"M{n}",
                                      email=f"m{n}@ohio.example", role=role, confirmed_at=timezone.now())
        call.deadline = timezone.now() - dt.timedelta(hours=1)
        call.save(update_fields=["deadline"])
    with scope(organizer=organizer.pk):
        built = build_problem(call, seed=1)
    reasons = {e.reference: e.ineligible_because for e in built.entries}
    assert reasons[application.reference] == expected
