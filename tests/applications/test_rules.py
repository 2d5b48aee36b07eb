"""The call's rules reach the engine: teams whole, required roles, member priority,
organization limits, minimum score and intersection quotas."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from applications import services
from applications.engine_input import TEAM_UNCONFIRMED, build_problem
from applications.models import TeamMember
from cohorts.models import Enrollment, Team
from organizers.roles import Role
from tests.factories import OrganizationFactory, UserFactory, member

from .factories import ApplicationFactory, CallFactory, CategoryFactory, demographics, intersection, review

pytestmark = pytest.mark.django_db


def team_call(organizer):
    return CallFactory(
        cohort__program__organizer=organizer, cohort__is_team_cohort=True, cohort__team_size_min=3,
        cohort__team_size_max=3, cohort__team_requires_executive_director=True, cohort__capacity=6, ask_team=True,
        deadline=timezone.now() - dt.timedelta(hours=1),
    )


def team(call, state, *, confirmed=True, director=True, score=80):
    app = ApplicationFactory(call=call, organization__name=f"{state} Advocates",
                             applicant=UserFactory(email=f"policy@{state.lower()}.example"))
    with scopes_disabled():
        for title, role in (("ed", TeamMember.Role.EXECUTIVE_DIRECTOR if director else TeamMember.Role.LEADER),
                            ("comms", TeamMember.Role.LEADER)):
            TeamMember.objects.create(organizer=call.organizer, application=app, full_name=f"{state} {title}",
                                      email=f"{title}@{state.lower()}.example", role=role,
                                      confirmed_at=timezone.now() if confirmed else None)
    review(app, member(call.organizer, Role.REVIEWER), score)
    return app


def test_teams_are_selected_whole_and_need_confirmed_members_and_a_director(organizer, client_for,
                                                                          django_capture_on_commit_callbacks):
    call = team_call(organizer)
    ready, unconfirmed, no_director, second = (
        team(call, "Georgia", score=60), team(call, "Nevada", confirmed=False, score=99),
        team(call, "Maine", director=False, score=99), team(call, "Ohio", score=70),
    )
    with scope(organizer=organizer.pk):
        built = build_problem(call, seed=1)
    reasons = {e.reference: e.ineligible_because for e in built.entries}
    assert reasons[unconfirmed.reference] == TEAM_UNCONFIRMED
    assert reasons[no_director.reference] == "Teams in this cohort include their executive director: mark who it is."
    assert built.problem.team_size == 3 and len(built.problem.applicants) == 12

    staff = member(organizer, Role.STAFF)
    with scope(organizer=organizer.pk):
        run = services.execute_run(run_id=services.start_run(call=call, kind="best", by=staff, seed=1).pk)
    leads = {r.split("-")[0] for r in run.selected_references}
    assert leads == {ready.reference, second.reference} and len(run.selected_references) == 6

    with django_capture_on_commit_callbacks(execute=True), scope(organizer=organizer.pk):
        services.confirm_run(run=run, by=staff)
    assert sorted(m.to[0] for m in mail.outbox) == ["policy@georgia.example", "policy@ohio.example"]  # one offer per team
    with django_capture_on_commit_callbacks(execute=True), scope(organizer=organizer.pk):
        services.accept_offer(offer=ready.offers.get(), by=ready.applicant)
    with scopes_disabled():
        # Both offered teams hold their seats (one offer concept); Georgia accepted.
        georgia = Team.objects.get(cohort=call.cohort, organization=ready.organization)
        assert set(Enrollment.objects.filter(cohort=call.cohort).values_list("status", flat=True)) == {
            "confirmed", "offered"}
        enrolled = Enrollment.objects.filter(team=georgia, status="confirmed")
        assert sorted(e.person.email for e in enrolled) == [
            "comms@georgia.example", "ed@georgia.example", "policy@georgia.example"]
        assert enrolled.get(person__email="ed@georgia.example").role == Enrollment.Role.EXECUTIVE_DIRECTOR


def test_member_priority_org_limit_min_score_and_intersections_reach_the_engine(organizer):
    call = CallFactory(cohort__program__organizer=organizer, member_priority=15, min_review_score=40,
                       max_per_organization=1, organization_limit_is_soft=True)
    CategoryFactory(call=call, key="race", values="Indigenous\nWhite")
    CategoryFactory(call=call, key="gender", label="Gender", values="Woman\nMan")
    intersection(call, {"race": "Indigenous", "gender": "Woman"}, minimum=1)
    member_org = OrganizationFactory(organizer=organizer, is_member=True)
    reviewer = member(organizer, Role.REVIEWER)
    a = ApplicationFactory(call=call, organization=member_org)
    b = ApplicationFactory(call=call)
    demographics(a, race=["Indigenous"], gender=["Woman"])
    review(a, reviewer, 50)
    review(b, reviewer, 30)
    with scope(organizer=organizer.pk):
        problem = build_problem(call, seed=9).problem
    first, second = problem.applicants
    assert first.priority == 15 and second.priority == 0
    assert first.score == 50 and problem.min_score == 40
    assert problem.max_per_organization == 1 and problem.soft_organization_limit
    assert first.has("race", "Indigenous") and not second.features
    assert dict(problem.intersections[0].conditions) == {"race": "Indigenous", "gender": "Woman"}
    assert problem.seats == 4 and problem.seed == 9
