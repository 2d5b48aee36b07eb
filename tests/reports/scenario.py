"""A small, demo-like organizer whose dashboard numbers are known by hand.

Running cohort "Series A" (capacity 10, started 30 days ago):
  enrollments: ana, ben, cat, dev confirmed, eve completed; 2 waitlisted, 1 offered, 1 awaiting payment,
  1 cancelled.
  held sessions (training): s1 (21 days ago), s2 (14 days ago), s3 (7 days ago);
  an affinity-group session and a future session do not count.
  s1: ana P, ben P, cat P, dev P, eve A  -> 4 of 5 = 80%
  s2: ana P, ben L, cat E, dev A, eve P  -> 3 of 4 = 75%
  s3: nothing recorded                   -> no rate
  people (of 3 held): ana 2/3=67%, ben 2/3=67%, cat 1/2=50%, dev 1/3=33%, eve 1/3=33%
  -> nobody meets the default 75% rule; 1 completed of 5 participants (20%).
Ended cohort "Series B" (ended 60 days ago, rule 50%):
  4 confirmed; one held session: 3 present, 1 absent -> 3 of 4 meet the rule (100% >= 50%).
  1-month check-in sent to 4, answered by 3 (75%).
Upcoming application cohort "Series C": call with 3 submitted, 1 offered, 1 draft.
Technical assistance: open 10 days, assigned 30 days, closed (not counted).
Library: downloads 5 + 3 (+0); proposals: 1 awaiting review, 1 rejected.
"""

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django_scopes import scopes_disabled

from applications.models import Application
from cohorts.models import Cohort, Enrollment
from library.models import Resource
from sessions_app.models import (
    AssistanceRequest,
    Attendance,
    CheckInResponse,
    CheckInRound,
    CohortSessionSettings,
    FollowUpAction,
    Session,
)
from tests.applications.factories import ApplicationFactory, CallFactory
from tests.factories import (
    AffinityGroupFactory,
    CohortFactory,
    EnrollmentFactory,
    OrganizationFactory,
    ProgramFactory,
    TeamFactory,
    UserFactory,
)
from tests.library.factories import ResourceFactory

P, L, E, A = (Attendance.Status.PRESENT, Attendance.Status.LATE, Attendance.Status.EXCUSED, Attendance.Status.ABSENT)


def held_session(cohort, *, days_ago: float, title: str, **extra) -> Session:
    start = timezone.now() - dt.timedelta(days=days_ago)
    with scopes_disabled():
        return Session.objects.create(organizer=cohort.organizer, cohort=cohort, title=title, starts_at=start,
                                      ends_at=start + dt.timedelta(hours=2), **extra)


def mark(session, person, status, **extra) -> Attendance:
    with scopes_disabled():
        return Attendance.objects.create(organizer=session.organizer, session=session, person=person, status=status,
                                         **extra)


@dataclass
class Scenario:
    running: Cohort
    ended: Cohort
    upcoming: Cohort
    people: dict
    sessions: list[Session]


def build(organizer) -> Scenario:
    today = timezone.localdate()
    program = ProgramFactory(organizer=organizer, title="Advancing Racial Equity")
    running = CohortFactory(program=program, title="Series A", capacity=10,
                            starts_on=today - dt.timedelta(days=30), ends_on=today + dt.timedelta(days=30))
    org = OrganizationFactory(organizer=organizer, name="Northside Health")
    team = TeamFactory(cohort=running, organization=org, name="Northside team")
    people = {name: UserFactory(full_name=name.title(), email=f"{name}@example.org")
              for name in ("ana", "ben", "cat", "dev", "eve")}
    for name, person in people.items():
        EnrollmentFactory(cohort=running, person=person, organization=org if name in ("ana", "ben") else None,
                          team=team if name in ("ana", "ben") else None,
                          status=Enrollment.Status.COMPLETED if name == "eve" else Enrollment.Status.CONFIRMED)
    for status in (Enrollment.Status.WAITLISTED, Enrollment.Status.WAITLISTED, Enrollment.Status.OFFERED,
                   Enrollment.Status.AWAITING_PAYMENT, Enrollment.Status.CANCELLED):
        EnrollmentFactory(cohort=running, status=status)
    s1 = held_session(running, days_ago=21, title="Race and Power")
    s2 = held_session(running, days_ago=14, title="Structural Racism")
    s3 = held_session(running, days_ago=7, title="Leading Change")
    group = AffinityGroupFactory(cohort=running)
    held_session(running, days_ago=10, title="Caucus", affinity_group=group, kind=Session.Kind.AFFINITY)
    held_session(running, days_ago=-7, title="Future session")
    for name in ("ana", "ben", "cat", "dev"):
        mark(s1, people[name], P)
    mark(s1, people["eve"], A)
    for name, status in (("ana", P), ("ben", L), ("cat", E), ("dev", A), ("eve", P)):
        mark(s2, people[name], status)
    with scopes_disabled():
        FollowUpAction.objects.create(organizer=organizer, session=s2, person=people["dev"], description="Send slides")
        FollowUpAction.objects.create(organizer=organizer, session=s2, team=team, description="Draft team equity plan")

    ended = CohortFactory(program=program, title="Series B", capacity=8,
                          starts_on=today - dt.timedelta(days=150), ends_on=today - dt.timedelta(days=60))
    with scopes_disabled():
        CohortSessionSettings.objects.create(organizer=organizer, cohort=ended, completion_min_attendance=50)
    b_people = [EnrollmentFactory(cohort=ended).person for _ in range(4)]
    b1 = held_session(ended, days_ago=100, title="Opening")
    for index, person in enumerate(b_people):
        mark(b1, person, P if index < 3 else A)
    with scopes_disabled():
        round_ = CheckInRound.objects.create(organizer=organizer, cohort=ended, months_after=1,
                                             due_on=today - dt.timedelta(days=30), questions=["How is it going?"],
                                             sent_at=timezone.now() - dt.timedelta(days=30))
        for person in b_people[:3]:
            CheckInResponse.objects.create(organizer=organizer, round=round_, person=person, answers=["Well"])

    upcoming = CohortFactory(program=program, title="Series C", enrollment_mode=Cohort.EnrollmentMode.APPLICATION,
                             starts_on=today + dt.timedelta(days=60), ends_on=today + dt.timedelta(days=120))
    call = CallFactory(cohort=upcoming)
    for status in [Application.Status.SUBMITTED] * 3 + [Application.Status.OFFERED, Application.Status.DRAFT]:
        ApplicationFactory(call=call, status=status)

    now = timezone.now()
    with scopes_disabled():
        for days, status in ((10, AssistanceRequest.Status.OPEN), (30, AssistanceRequest.Status.ASSIGNED),
                             (40, AssistanceRequest.Status.CLOSED)):
            request_obj = AssistanceRequest.objects.create(
                organizer=organizer, cohort=running, requester=people["ana"], topic=f"Help after {days} days",
                description="Please", status=status,
            )
            AssistanceRequest.objects.filter(id=request_obj.id).update(created_at=now - dt.timedelta(days=days))
    ResourceFactory(organizer=organizer, title="Equity toolkit", download_count=5)
    ResourceFactory(organizer=organizer, title="Glossary", download_count=3)
    ResourceFactory(organizer=organizer, title="Unused", download_count=0)
    ResourceFactory(organizer=organizer, title="Proposed handout", status=Resource.Status.PROPOSED,
                    contributor=people["ana"])
    ResourceFactory(organizer=organizer, title="Rejected handout", status=Resource.Status.REJECTED,
                    contributor=people["ben"], reviewed_by=people["ben"])
    return Scenario(running=running, ended=ended, upcoming=upcoming, people=people, sessions=[s1, s2, s3])
