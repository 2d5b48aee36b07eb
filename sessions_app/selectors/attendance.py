"""Rosters, attendance rates and the cohort's attendance settings."""

from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils import timezone

from cohorts.models import Cohort, Enrollment, ModuleDelegate, Organization, Team

from ..models import Attendance, CohortSessionSettings, Session
from .sessions import ACTIVE_ENROLLMENT


# Kinds that count towards attendance rates and the completion rule.
COUNTED_KINDS = (Session.Kind.TRAINING, Session.Kind.MASTERCLASS, Session.Kind.CHECK_IN)



@dataclass
class RosterEntry:
    person: object
    organization: Organization | None
    team: Team | None
    delegate: bool = False  # sent by the organization for this module (rotation)
    attendance: Attendance | None = None

    @property
    def status(self) -> str:
        return self.attendance.status if self.attendance else ""



def roster_for(session: Session) -> list[RosterEntry]:
    """Who is expected at a session, with what has been recorded so far.

    Rotation cohorts: where an organization named a delegate for the session's module,
    the delegate replaces that organization's enrolled people on the roster.
    Affinity-group sessions: the group's members.
    """
    enrollments = Enrollment.objects.filter(cohort=session.cohort, status__in=ACTIVE_ENROLLMENT).select_related(
        "person", "organization", "team"
    )
    if session.affinity_group_id:
        member_ids = set(session.affinity_group.members.values_list("id", flat=True))
        enrollments = [e for e in enrollments if e.person_id in member_ids]
    entries: dict[int, RosterEntry] = {}
    delegates = []
    if session.module_id and session.cohort.rotation_allowed and not session.affinity_group_id:
        delegates = list(
            ModuleDelegate.objects.filter(cohort=session.cohort, module=session.module).select_related("person", "organization")
        )
    delegating_orgs = {d.organization_id for d in delegates}
    for enrollment in enrollments:
        if enrollment.organization_id in delegating_orgs:
            continue
        entries[enrollment.person_id] = RosterEntry(enrollment.person, enrollment.organization, enrollment.team)
    teams = {e.organization_id: e.team for e in enrollments if e.team_id}
    for delegate in delegates:
        entries[delegate.person_id] = RosterEntry(
            delegate.person, delegate.organization, teams.get(delegate.organization_id), delegate=True
        )
    for attendance in Attendance.objects.filter(session=session).select_related("person", "organization", "team"):
        entry = entries.get(attendance.person_id)
        if entry is None:  # recorded earlier, since left the roster: keep it visible
            entry = entries[attendance.person_id] = RosterEntry(attendance.person, attendance.organization, attendance.team)
        entry.attendance = attendance
    return sorted(entries.values(), key=lambda e: (str(e.organization or ""), e.person.display_name.lower()))



@dataclass
class Rate:
    label: str
    attended: int = 0
    possible: int = 0
    extra: dict = field(default_factory=dict)

    @property
    def percent(self) -> int | None:
        return round(100 * self.attended / self.possible) if self.possible else None



@dataclass
class AttendanceReport:
    held_sessions: list
    people: list[Rate]
    teams: list[Rate]
    organizations: list[Rate]
    sessions: list[Rate]



def held_sessions(cohort: Cohort) -> QuerySet[Session]:
    """Sessions that count: main sessions (not affinity groups or office hours) that have started."""
    return Session.objects.filter(
        cohort=cohort, kind__in=COUNTED_KINDS, affinity_group__isnull=True, starts_at__lte=timezone.now()
    ).order_by("starts_at")



def attendance_report(cohort: Cohort) -> AttendanceReport:
    """Rates per person, team, organization and session.

    Person: sessions attended (present or late) out of sessions held; an excused
    absence takes the session out of that person's count. Team: the same, summed over
    its members. Organization: sessions at which anyone credited to it attended, so a
    rotating organization gets credit for whoever it sent.
    """
    sessions = list(held_sessions(cohort))
    session_ids = [s.id for s in sessions]
    records = list(Attendance.objects.filter(session_id__in=session_ids).select_related("person"))
    enrollments = list(
        Enrollment.objects.filter(cohort=cohort, status__in=ACTIVE_ENROLLMENT).select_related("person", "team", "organization")
    )
    by_person: dict[int, dict[int, str]] = {}
    for record in records:
        by_person.setdefault(record.person_id, {})[record.session_id] = record.status
    attended = set(Attendance.ATTENDED)

    people = []
    person_rate: dict[int, Rate] = {}
    for enrollment in enrollments:
        marks = by_person.get(enrollment.person_id, {})
        excused = sum(1 for s in session_ids if marks.get(s) == Attendance.Status.EXCUSED)
        rate = Rate(
            enrollment.person.display_name,
            attended=sum(1 for s in session_ids if marks.get(s) in attended),
            possible=len(session_ids) - excused,
            extra={"enrollment": enrollment},
        )
        people.append(rate)
        person_rate[enrollment.person_id] = rate

    teams: dict[int, Rate] = {}
    for enrollment in enrollments:
        if enrollment.team_id:
            team = teams.setdefault(enrollment.team_id, Rate(str(enrollment.team)))
            rate = person_rate[enrollment.person_id]
            team.attended += rate.attended
            team.possible += rate.possible

    organizations: dict[int, Rate] = {}
    org_sessions: dict[int, set[int]] = {}
    for record in records:
        if record.organization_id and record.status in attended:
            org_sessions.setdefault(record.organization_id, set()).add(record.session_id)
    org_ids = {e.organization_id for e in enrollments if e.organization_id} | set(org_sessions)
    names = dict(Organization.objects.filter(id__in=org_ids).values_list("id", "name"))
    for org_id in org_ids:
        organizations[org_id] = Rate(names.get(org_id, "?"), len(org_sessions.get(org_id, ())), len(session_ids))

    per_session = []
    for session in sessions:
        marks = [r for r in records if r.session_id == session.id]
        per_session.append(
            Rate(
                session.title,
                attended=sum(1 for r in marks if r.status in attended),
                possible=sum(1 for r in marks if r.status != Attendance.Status.EXCUSED),
                extra={"session": session},
            )
        )
    by_label = lambda rates: sorted(rates, key=lambda r: r.label.lower())  # noqa: E731
    return AttendanceReport(
        sessions, by_label(people), by_label(teams.values()), by_label(organizations.values()), per_session
    )



def cohort_settings(cohort: Cohort) -> CohortSessionSettings:
    found = CohortSessionSettings.objects.filter(cohort=cohort).first()
    return found or CohortSessionSettings(organizer_id=cohort.organizer_id, cohort=cohort)
