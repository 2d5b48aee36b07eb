"""One cohort's roster: attendance at every held session, completion, team, organization, follow-ups."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from cohorts.models import Cohort, Enrollment
from sessions_app.models import Attendance, FollowUpAction, Session
from sessions_app.selectors.attendance import cohort_settings

from .selectors import PARTICIPATING, counted_sessions, percent

MARKS = {
    Attendance.Status.PRESENT: "P",
    Attendance.Status.LATE: "L",
    Attendance.Status.EXCUSED: "E",
    Attendance.Status.ABSENT: "A",
}


@dataclass
class RosterRow:
    person: object
    organization: object | None
    team: object | None
    role: str
    status: str
    statuses: list[str]  # per held session: an Attendance.Status value or "" (not recorded)
    follow_ups: list[FollowUpAction] = field(default_factory=list)
    delegate: bool = False  # not enrolled: sent by an organization for a module (rotation)

    @property
    def attended(self) -> int:
        return sum(1 for s in self.statuses if s in Attendance.ATTENDED)

    @property
    def possible(self) -> int:
        return sum(1 for s in self.statuses if s != Attendance.Status.EXCUSED)

    @property
    def percent(self) -> int | None:
        return percent(self.attended, self.possible)

    @property
    def marks(self) -> list[str]:
        return [MARKS.get(s, "–") for s in self.statuses]

    @property
    def open_follow_ups(self) -> list[FollowUpAction]:
        return [f for f in self.follow_ups if not f.is_done]


@dataclass
class SessionColumn:
    session: Session
    attended: int
    marked: int

    @property
    def percent(self) -> int | None:
        return percent(self.attended, self.marked)


@dataclass
class CohortReport:
    cohort: Cohort
    completion_min: int
    sessions: list[SessionColumn]
    rows: list[RosterRow]

    def meets_rule(self, row: RosterRow) -> bool:
        return row.percent is not None and row.percent >= self.completion_min

    @property
    def completed(self) -> int:
        return sum(1 for r in self.rows if r.status == Enrollment.Status.COMPLETED)

    @property
    def enrolled(self) -> list[RosterRow]:
        return [r for r in self.rows if not r.delegate]

    @property
    def meeting_rule(self) -> int:
        return sum(1 for r in self.enrolled if self.meets_rule(r))


def cohort_report(cohort: Cohort, *, now: dt.datetime | None = None) -> CohortReport:
    """Five queries: sessions, attendance, enrollments, follow-ups, settings."""
    now = now or timezone.now()
    sessions = list(counted_sessions(Cohort.objects.filter(id=cohort.id), now=now).order_by("starts_at", "id"))
    index = {s.id: i for i, s in enumerate(sessions)}
    records = list(
        Attendance.objects.filter(session_id__in=index).select_related("person", "organization", "team")
    )
    rows: dict[int, RosterRow] = {}
    for enrollment in Enrollment.objects.filter(cohort=cohort, status__in=PARTICIPATING).select_related(
        "person", "organization", "team"
    ).order_by("created_at", "id"):
        rows[enrollment.person_id] = RosterRow(
            person=enrollment.person, organization=enrollment.organization, team=enrollment.team,
            role=enrollment.get_role_display(), status=enrollment.status, statuses=[""] * len(sessions),
        )
    for record in records:
        row = rows.get(record.person_id)
        if row is None:
            row = rows[record.person_id] = RosterRow(
                person=record.person, organization=record.organization, team=record.team, role="Sent for a module",
                status="", statuses=[""] * len(sessions), delegate=True,
            )
        row.statuses[index[record.session_id]] = record.status
    by_team: dict[int, list[RosterRow]] = defaultdict(list)
    for row in rows.values():
        if row.team is not None:
            by_team[row.team.id].append(row)
    for action in FollowUpAction.objects.filter(session__cohort=cohort).filter(
        Q(person_id__in=rows) | Q(team__isnull=False)
    ).select_related("session").order_by("created_at", "id"):
        owners = [rows[action.person_id]] if action.person_id in rows else by_team.get(action.team_id, [])
        for row in owners:
            row.follow_ups.append(action)
    columns = [
        SessionColumn(
            s, attended=sum(1 for r in rows.values() if r.statuses[i] in Attendance.ATTENDED),
            marked=sum(1 for r in rows.values() if r.statuses[i] and r.statuses[i] != Attendance.Status.EXCUSED),
        )
        for i, s in enumerate(sessions)
    ]
    ordered = sorted(rows.values(), key=lambda r: (r.delegate, str(r.organization or ""), r.person.display_name.lower()))
    return CohortReport(
        cohort=cohort, completion_min=cohort_settings(cohort).completion_min_attendance, sessions=columns, rows=ordered,
    )
