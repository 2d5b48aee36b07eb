"""Writes of sessions and attendance: facilitation grants, scheduling series, rescheduling,
attendance, notes, follow-ups, feedback and the completion rule."""

import datetime as dt
import zoneinfo

from dateutil import rrule
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from guardian.shortcuts import assign_perm, remove_perm

from cohorts import lifecycle
from cohorts.models import Cohort, Enrollment, Team
from core.timefmt import relative_when, zone_label
from core.urls import absolute_url
from notifications.services import notify

from ..models import Attendance, FollowUpAction, Session, SessionFeedback, SessionNote, SessionReminder
from ..schedule import schedule_changed
from ..selectors.attendance import attendance_report, cohort_settings, roster_for
from ..selectors.sessions import FACILITATE_PERM
from . import SessionsError


def grant_facilitation(*, cohort: Cohort, user) -> None:
    """Let `user` run this cohort's sessions (rosters, notes, assistance)."""
    assign_perm(FACILITATE_PERM, user, cohort)



def revoke_facilitation(*, cohort: Cohort, user) -> None:
    remove_perm(FACILITATE_PERM, user, cohort)

FREQUENCIES = {"weekly": rrule.WEEKLY, "monthly": rrule.MONTHLY}

WEEKDAYS = [rrule.MO, rrule.TU, rrule.WE, rrule.TH, rrule.FR, rrule.SA, rrule.SU]

MAX_SERIES = 60



def series_starts(
    *, first_date: dt.date, start_time: dt.time, time_zone: str, frequency: str, interval: int = 1,
    count: int | None = None, until: dt.date | None = None, weekday: int | None = None, setpos: int | None = None,
) -> list[dt.datetime]:
    """Start times of a series in UTC, computed on the wall clock of `time_zone`.

    The rule runs on naive local times (dateutil.rrule) and each occurrence is then
    placed in the zone, so "10:00 on the second Tuesday" stays 10:00 across DST.
    """
    if frequency not in FREQUENCIES:
        raise SessionsError("Choose weekly or monthly.")
    if not count and not until:
        raise SessionsError("Give a number of sessions or a last date.")
    if until and until < first_date:
        raise SessionsError("The last date cannot be before the first date.")
    if setpos is not None and weekday is None:
        raise SessionsError("Choose the weekday that the position (e.g. second) refers to.")
    options = {"dtstart": dt.datetime.combine(first_date, start_time), "interval": max(1, interval)}
    if count:
        options["count"] = count
    if until:
        options["until"] = dt.datetime.combine(until, dt.time.max)
    if weekday is not None:
        day = WEEKDAYS[weekday]
        options["byweekday"] = day(setpos) if setpos and frequency == "monthly" else day
    zone = zoneinfo.ZoneInfo(str(time_zone))
    starts = []
    for occurrence in rrule.rrule(FREQUENCIES[frequency], **options):
        starts.append(occurrence.replace(tzinfo=zone).astimezone(dt.timezone.utc))
        if len(starts) > MAX_SERIES:
            raise SessionsError(f"A series can have at most {MAX_SERIES} sessions.")
    if not starts:
        raise SessionsError("These settings give no dates; check the weekday and the last date.")
    return starts



@transaction.atomic
def create_session_series(
    *, cohort: Cohort, title: str, kind: str, duration_minutes: int, starts: list[dt.datetime],
    module=None, affinity_group=None, location: str = "", video_url: str = "", description: str = "",
    facilitators=(), number_titles: bool = True,
) -> list[Session]:
    sessions = []
    for index, starts_at in enumerate(starts, start=1):
        session = Session.objects.create(
            organizer_id=cohort.organizer_id, cohort=cohort, module=module, affinity_group=affinity_group, kind=kind,
            title=f"{title} ({index} of {len(starts)})" if number_titles and len(starts) > 1 else title,
            description=description, starts_at=starts_at, ends_at=starts_at + dt.timedelta(minutes=duration_minutes),
            location=location, video_url=video_url,
        )
        if facilitators:
            session.facilitators.set(facilitators)
        sessions.append(session)
    if sessions and affinity_group is None:
        schedule_changed(cohort)  # confirmed participants hear of the new sessions (one message per schedule)
    return sessions



def session_recipients(session: Session) -> list:
    """Everyone expected at a session (the roster) plus named facilitators with accounts."""
    people = {entry.person.id: entry.person for entry in roster_for(session)}
    for facilitator in session.facilitators.select_related("user"):
        if facilitator.user_id:
            people.setdefault(facilitator.user_id, facilitator.user)
    return list(people.values())



def session_context(session: Session, person, *, now: dt.datetime | None = None) -> dict:
    zone = zoneinfo.ZoneInfo(str(person.time_zone or session.cohort.time_zone))
    local = timezone.localtime(session.starts_at, zone)
    local_end = timezone.localtime(session.ends_at, zone)
    return {
        "person_name": person.display_name,
        "session_title": session.title,
        "program_title": session.cohort.program.title,
        "when": f"{local:%A %-d %B %Y, %H:%M}–{local_end:%H:%M} {zone_label(local)} ({zone.key})",
        # From the time actually left, on the reader's calendar: "tomorrow, Tue 3 Dec at 10:00 CET".
        "starts_in": relative_when(session.starts_at, zone, now=now),
        "location": session.location,
        "session_url": absolute_url(
            reverse("sessions_app:session_detail", kwargs={"organizer_slug": session.organizer.slug, "session_id": session.id})
        ),
    }



@transaction.atomic
def reschedule_session(*, session: Session, starts_at: dt.datetime, ends_at: dt.datetime) -> Session:
    """Change a session's time and tell everyone expected (an essential message)."""
    if ends_at <= starts_at:
        raise SessionsError("The session must end after it starts.")
    session = Session.objects.select_for_update().get(id=session.id)
    if session.starts_at == starts_at and session.ends_at == ends_at:
        return session
    people = session_recipients(session)
    old_when = {person.id: session_context(session, person)["when"] for person in people}
    session.starts_at, session.ends_at = starts_at, ends_at
    session.save(update_fields=["starts_at", "ends_at", "updated_at"])
    # Reminder rounds already sent were for the old time; the new time gets its own.
    SessionReminder.objects.filter(session=session).delete()
    stamp = starts_at.strftime("%Y%m%dT%H%M%SZ")
    for person in people:
        notify(
            organizer=session.organizer, recipient=person, template="sessions/time_changed",
            dedupe_key=f"session-time-changed:session={session.id}:user={person.id}:{stamp}",
            context={**session_context(session, person), "old_when": old_when[person.id]}, essential=True,
        )
    return session



@transaction.atomic
def record_attendance(*, session: Session, by, marks: dict[int, str]) -> list[Attendance]:
    """Mark people on the session's roster; anyone not on the roster or an unknown status is refused whole."""
    if session.starts_at > timezone.now() + dt.timedelta(hours=1):
        raise SessionsError("Attendance can be recorded from an hour before the session starts.")
    valid = set(Attendance.Status.values)
    roster = {entry.person.id: entry for entry in roster_for(session)}
    for person_id, status in marks.items():
        if status not in valid:
            raise SessionsError("Choose present, late, excused or absent.")
        if person_id not in roster:
            raise SessionsError("That person is not on this session's roster.")
    saved = []
    for person_id, status in marks.items():
        entry = roster[person_id]
        attendance, _ = Attendance.objects.update_or_create(
            session=session, person_id=person_id,
            defaults={
                "organizer_id": session.organizer_id, "status": status, "recorded_by": by,
                "organization": entry.organization, "team": entry.team,
            },
        )
        saved.append(attendance)
    return saved



@transaction.atomic
def save_session_notes(*, session: Session, by, private_notes: str, shared_summary: str) -> SessionNote:
    note, _ = SessionNote.objects.update_or_create(
        session=session,
        defaults={"organizer_id": session.organizer_id, "private_notes": private_notes,
                  "shared_summary": shared_summary, "updated_by": by},
    )
    return note



@transaction.atomic
def add_follow_up(*, session: Session, by, description: str, person_id: int | None = None,
                  team_id: int | None = None, due_on: dt.date | None = None) -> FollowUpAction:
    if not description.strip():
        raise SessionsError("Describe the follow-up action.")
    if bool(person_id) == bool(team_id):
        raise SessionsError("Choose either one participant or one team.")
    if person_id and person_id not in {e.person.id for e in roster_for(session)}:
        raise SessionsError("That person is not on this session's roster.")
    if team_id and not Team.objects.filter(id=team_id, cohort=session.cohort).exists():
        raise SessionsError("That team is not in this cohort.")
    return FollowUpAction.objects.create(
        organizer_id=session.organizer_id, session=session, person_id=person_id, team_id=team_id,
        description=description.strip(), due_on=due_on, created_by=by,
    )



@transaction.atomic
def set_follow_up_done(*, action: FollowUpAction, done: bool) -> FollowUpAction:
    action.is_done = done
    action.save(update_fields=["is_done"])
    return action



def apply_completion_rule(*, cohort: Cohort, by=None) -> int:
    """Mark confirmed enrollments completed where the person met the cohort's attendance rule."""
    threshold = cohort_settings(cohort).completion_min_attendance
    report = attendance_report(cohort)
    if not report.held_sessions:
        raise SessionsError("No sessions have been held yet, so nobody can complete the cohort.")
    ids = [
        rate.extra["enrollment"].id
        for rate in report.people
        if rate.extra["enrollment"].status == Enrollment.Status.CONFIRMED
        and rate.percent is not None and rate.percent >= threshold
    ]
    return lifecycle.complete_many(
        cohort=cohort, enrollment_ids=ids, by=by, reason=f"attended at least {threshold}% of the sessions"
    )



@transaction.atomic
def leave_feedback(*, session: Session, person, rating: int, comment: str = "") -> SessionFeedback:
    if session.starts_at > timezone.now():
        raise SessionsError("Feedback opens once the session has started.")
    feedback, _ = SessionFeedback.objects.update_or_create(
        session=session, person=person,
        defaults={"organizer_id": session.organizer_id, "rating": rating, "comment": comment.strip()},
    )
    return feedback
