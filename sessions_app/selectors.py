"""Reads that several pages, the feeds and the tasks share: who may see and run which session.

Visibility is computed from explicit filters on the person (enrollments, delegations,
grants, group memberships), so the same rules serve tenant pages (inside a scope) and
the calendar feeds (which span organizers and run with scopes disabled).
"""

from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.utils import timezone
from django_scopes import scopes_disabled

from cohorts.models import (
    AffinityGroup,
    AffinityMembership,
    Cohort,
    CohortUserObjectPermission,
    Enrollment,
    ModuleDelegate,
    Organization,
    Team,
)
from organizers.selectors import is_staff_at, memberships_of, staff_organizer_ids

from .models import (
    Attendance,
    AssistanceRequest,
    CalendarFeed,
    CheckInRound,
    CohortSessionSettings,
    OfficeHourBooking,
    OfficeHourSlot,
    OfficeHourWindow,
    OrganizerMessagingSettings,
    Session,
    parse_numbers,
    DEFAULT_REMINDER_HOURS,
)

ACTIVE_ENROLLMENT = Enrollment.PARTICIPATING  # the one participating set (cohorts/models.py)
FACILITATE_PERM = "cohorts.facilitate_cohort"
# Kinds that count towards attendance rates and the completion rule.
COUNTED_KINDS = (Session.Kind.TRAINING, Session.Kind.MASTERCLASS, Session.Kind.CHECK_IN)


# --- Who someone is to a cohort ------------------------------------------------------------


def enrolled_cohort_ids(user) -> set[int]:
    if not user.is_authenticated:
        return set()
    with scopes_disabled():
        return set(
            Enrollment.objects.filter(person=user, status__in=ACTIVE_ENROLLMENT).values_list("cohort_id", flat=True)
        )


def facilitated_cohort_ids(user) -> set[int]:
    """Cohorts this person holds the guardian grant `facilitate_cohort` on."""
    if not user.is_authenticated:
        return set()
    return set(
        CohortUserObjectPermission.objects.filter(
            user=user, permission__codename="facilitate_cohort", permission__content_type__app_label="cohorts"
        ).values_list("content_object_id", flat=True)
    )


def knows_organizer(user, organizer) -> bool:
    """Anyone with a reason to have pages here: a member, or someone enrolled, delegated or granted.

    Everyone else (e.g. another organizer's staff) gets 404 on this organizer's pages.
    """
    if not user.is_authenticated:
        return False
    if user.is_superuser or any(m.organizer_id == organizer.id for m in memberships_of(user)):
        return True
    with scopes_disabled():
        if Enrollment.objects.filter(person=user, organizer_id=organizer.id).exists():
            return True
        if ModuleDelegate.objects.filter(person=user, organizer_id=organizer.id).exists():
            return True
    return CohortUserObjectPermission.objects.filter(user=user, content_object__organizer_id=organizer.id).exists()


def is_enrolled(user, cohort: Cohort) -> bool:
    return cohort.id in enrolled_cohort_ids(user)


def facilitates_cohort(user, cohort: Cohort) -> bool:
    return user.is_authenticated and user.has_perm(FACILITATE_PERM, cohort)


def can_run_session(user, session: Session) -> bool:
    """Record attendance and notes: the organizer's staff, the cohort's facilitators, the session's facilitators."""
    if not user.is_authenticated:
        return False
    if is_staff_at(user, session.organizer_id) or session.facilitators.filter(user=user).exists():
        return True
    if session.affinity_group_id:
        # Who is in an affinity group is for its own facilitators, not every facilitator of the cohort.
        return session.affinity_group.facilitators.filter(user=user).exists()
    return facilitates_cohort(user, session.cohort)


# --- Which sessions someone may see --------------------------------------------------------


def _visibility_q(user) -> Q:
    if not user.is_authenticated:
        return Q(pk__in=[])
    with scopes_disabled():
        cohorts = enrolled_cohort_ids(user) | facilitated_cohort_ids(user)
        delegated = list(ModuleDelegate.objects.filter(person=user).values_list("cohort_id", "module_id"))
        groups = set(AffinityMembership.objects.filter(person=user).values_list("group_id", flat=True))
        groups |= set(AffinityGroup.objects.filter(facilitators__user=user).values_list("id", flat=True))
        facilitated_sessions = set(
            Session.facilitators.through.objects.filter(facilitator__user=user).values_list("session_id", flat=True)
        )
    member = Q(cohort_id__in=cohorts)
    for cohort_id, module_id in delegated:
        member |= Q(cohort_id=cohort_id, module_id=module_id)
    # Affinity-group sessions: only the group's members and facilitators (and staff).
    member &= Q(affinity_group__isnull=True) | Q(affinity_group_id__in=groups)
    return Q(organizer_id__in=staff_organizer_ids(user)) | member | Q(id__in=facilitated_sessions) | Q(
        affinity_group_id__in=groups
    )


def visible_sessions(user, *, organizer=None) -> QuerySet[Session]:
    """Sessions this person may see: at one organizer (inside its scope) or everywhere (feeds)."""
    if organizer is not None:
        if user.is_authenticated and user.is_superuser:
            return Session.objects.filter(organizer=organizer)
        return Session.objects.filter(_visibility_q(user), organizer=organizer)
    with scopes_disabled():
        return Session.objects.filter(_visibility_q(user))


def can_see_session(user, session: Session) -> bool:
    with scopes_disabled():
        return visible_sessions(user).filter(id=session.id).exists() or (
            user.is_authenticated and user.is_superuser
        )


def enrolled_for_session_ids(session: Session) -> set[int]:
    """Everyone whom `may_join_session` admits as enrolled (and, for an affinity-group
    session, a member of the group), in two queries: a reminder round to 10,000 people
    asks this once and `may_join_session` only about the rest (facilitators, delegates)."""
    with scopes_disabled():
        ids = set(Enrollment.objects.filter(cohort_id=session.cohort_id, status__in=ACTIVE_ENROLLMENT)
                  .values_list("person_id", flat=True))
        if session.affinity_group_id is not None:
            ids &= set(session.affinity_group.members.values_list("id", flat=True))
    return ids


def may_join_session(user, session: Session) -> bool:
    """The video link is for people taking part: enrolled or delegated, facilitators, staff."""
    if can_run_session(user, session):
        return True
    if is_enrolled(user, session.cohort) and (
        session.affinity_group_id is None or session.affinity_group.members.filter(id=user.id).exists()
    ):
        return True
    with scopes_disabled():
        return bool(
            session.module_id
            and ModuleDelegate.objects.filter(person=user, cohort_id=session.cohort_id, module_id=session.module_id).exists()
        )


def schedule_for(user, organizer, *, past: bool = False) -> QuerySet[Session]:
    now = timezone.now()
    sessions = visible_sessions(user, organizer=organizer).select_related("cohort__program", "module", "affinity_group")
    if past:
        return sessions.filter(ends_at__lt=now).order_by("-starts_at")
    return sessions.filter(ends_at__gte=now).order_by("starts_at")


# --- Rosters and attendance rates ----------------------------------------------------------


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


def reminder_hours(organizer_id: int, *, office_hours: bool = False) -> list[int]:
    with scopes_disabled():
        found = OrganizerMessagingSettings.objects.filter(organizer_id=organizer_id).first()
    if found is None:
        return list(DEFAULT_REMINDER_HOURS)
    return parse_numbers(found.office_hour_reminder_hours if office_hours else found.session_reminder_hours)


def after_session_message_enabled(organizer_id: int) -> bool:
    with scopes_disabled():
        found = OrganizerMessagingSettings.objects.filter(organizer_id=organizer_id).first()
    return found is None or found.send_after_session_message


# --- Office hours, assistance, groups, feeds, check-ins -----------------------------------


def may_book_office_hours(user, window: OfficeHourWindow) -> bool:
    """Participants of the organizer's programs (or of the window's program) and staff."""
    if not user.is_authenticated:
        return False
    if is_staff_at(user, window.organizer_id):
        return True
    with scopes_disabled():
        enrollments = Enrollment.objects.filter(person=user, organizer_id=window.organizer_id, status__in=ACTIVE_ENROLLMENT)
        if window.program_id:
            enrollments = enrollments.filter(cohort__program_id=window.program_id)
        return enrollments.exists()


def open_slots(organizer, user) -> list[OfficeHourSlot]:
    """Future slots nobody has booked, in windows this person may book."""
    slots = (
        OfficeHourSlot.objects.filter(organizer=organizer, starts_at__gt=timezone.now())
        .exclude(bookings__status=OfficeHourBooking.Status.BOOKED)
        .select_related("window", "window__host")
        .order_by("starts_at")
    )
    allowed: dict[int, bool] = {}
    result = []
    for slot in slots:
        if slot.window_id not in allowed:
            allowed[slot.window_id] = may_book_office_hours(user, slot.window)
        if allowed[slot.window_id]:
            result.append(slot)
    return result


def bookings_of(user, organizer) -> QuerySet[OfficeHourBooking]:
    return (
        OfficeHourBooking.objects.filter(organizer=organizer, status=OfficeHourBooking.Status.BOOKED)
        .filter(Q(person=user) | Q(slot__window__host=user))
        .filter(slot__ends_at__gte=timezone.now())
        .select_related("slot__window__host", "person")
        .order_by("slot__starts_at")
    )


def booked_office_hours(user, organizer=None, *, since=None) -> list[OfficeHourBooking]:
    """Office-hour bookings a person takes part in (as booker or host), across organizers
    unless one is given: for My schedule and the personal calendar feed."""
    with scopes_disabled():
        rows = (OfficeHourBooking.objects.filter(status=OfficeHourBooking.Status.BOOKED)
                .filter(Q(person=user) | Q(slot__window__host=user))
                .select_related("slot__window__host", "person", "organizer").order_by("slot__starts_at"))
        if organizer is not None:
            rows = rows.filter(organizer=organizer)
        if since is not None:
            rows = rows.filter(slot__ends_at__gte=since)
        return list(rows)


def assistance_queue(organizer, *, status: str | None = None) -> QuerySet[AssistanceRequest]:
    requests = AssistanceRequest.objects.filter(organizer=organizer).select_related(
        "requester", "assigned_to", "cohort__program", "session", "team"
    )
    if status:
        requests = requests.filter(status=status)
    else:
        requests = requests.exclude(status=AssistanceRequest.Status.CLOSED)
    return requests.order_by("created_at")


def can_handle_assistance(user, access, request_obj: AssistanceRequest) -> bool:
    """Staff, and facilitators who can answer assistance for this cohort."""
    if access.is_staff:
        return True
    return access.can("answer_assistance") and (
        facilitates_cohort(user, request_obj.cohort) or request_obj.assigned_to_id == user.id
    )


def can_see_affinity_group(user, group: AffinityGroup) -> bool:
    if is_staff_at(user, group.organizer_id):
        return True
    return group.members.filter(id=user.id).exists() or group.facilitators.filter(user=user).exists()


def live_feed(user, cohort=None) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(user=user, cohort=cohort, revoked_at__isnull=True).first()


def checkin_recipients(round_: CheckInRound) -> QuerySet[Enrollment]:
    return Enrollment.objects.filter(cohort_id=round_.cohort_id, status__in=ACTIVE_ENROLLMENT).select_related("person")


def checkin_nonresponders(round_: CheckInRound) -> list:
    answered = set(round_.responses.values_list("person_id", flat=True))
    return [e.person for e in checkin_recipients(round_) if e.person_id not in answered]


def pending_checkins(user, organizer) -> list[CheckInRound]:
    """Check-in rounds sent to this person that they have not answered yet."""
    cohort_ids = enrolled_cohort_ids(user)
    return list(
        CheckInRound.objects.filter(organizer=organizer, cohort_id__in=cohort_ids, sent_at__isnull=False)
        .exclude(responses__person=user).select_related("cohort__program").order_by("due_on")
    )


def upcoming_public_sessions(*, organizer_id: int, cohort_ids, now, per_cohort: int = 6) -> dict[int, list[Session]]:
    """The next sessions of these cohorts (affinity groups' private ones left out), for
    the public program page: one query however many cohorts, at most `per_cohort` each."""
    by_cohort: dict[int, list[Session]] = {}
    rows = (Session.objects.filter(organizer_id=organizer_id, cohort_id__in=list(cohort_ids), ends_at__gt=now,
                                   affinity_group__isnull=True)
            .only("id", "cohort_id", "title", "kind", "starts_at", "ends_at").order_by("starts_at", "id"))
    for session in rows:
        found = by_cohort.setdefault(session.cohort_id, [])
        if len(found) < per_cohort:
            found.append(session)
    return by_cohort
