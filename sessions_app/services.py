"""Every write of the sessions area: one function owns each state change (save, notify).

Messages go through `notifications.services.notify` inside the transaction that makes
them true; the dedupe keys make a retried task or a second sweep harmless.
"""

import datetime as dt
import hashlib
import secrets
import zoneinfo
from dataclasses import dataclass

from dateutil import rrule
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled
from guardian.shortcuts import assign_perm, remove_perm

from cohorts import lifecycle
from cohorts.models import AffinityGroup, AffinityMembership, Cohort, Enrollment, Team
from core.timefmt import relative_when, zone_label
from core.urls import absolute_url
from notifications.alerts import alert_staff
from notifications.optout import OPT_OUT_MAX_AGE, ExpiredLink, opt_out_token, read_opt_out_token  # noqa: F401 (ExpiredLink: views)
from notifications.services import batched_sends, notify
from organizers.selectors import is_staff_at

from . import ics, selectors
from .schedule import schedule_changed
from .models import (
    AssistanceRequest,
    Attendance,
    CalendarFeed,
    CheckInResponse,
    CheckInRound,
    FollowUpAction,
    OfficeHourBooking,
    OfficeHourReminder,
    OfficeHourSlot,
    OfficeHourWindow,
    Session,
    SessionFeedback,
    SessionFollowUpMessage,
    SessionNote,
    SessionReminder,
    parse_numbers,
)


class SessionsError(Exception):
    """A request that cannot be done; the message is shown to the person as is."""


# --- Facilitation grants -------------------------------------------------------------------


def grant_facilitation(*, cohort: Cohort, user) -> None:
    """Let `user` run this cohort's sessions (rosters, notes, assistance)."""
    assign_perm(selectors.FACILITATE_PERM, user, cohort)


def revoke_facilitation(*, cohort: Cohort, user) -> None:
    remove_perm(selectors.FACILITATE_PERM, user, cohort)


# --- Scheduling ----------------------------------------------------------------------------


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
    people = {entry.person.id: entry.person for entry in selectors.roster_for(session)}
    for facilitator in session.facilitators.select_related("user"):
        if facilitator.user_id:
            people.setdefault(facilitator.user_id, facilitator.user)
    return list(people.values())


def _session_context(session: Session, person, *, now: dt.datetime | None = None) -> dict:
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
    old_when = {person.id: _session_context(session, person)["when"] for person in people}
    session.starts_at, session.ends_at = starts_at, ends_at
    session.save(update_fields=["starts_at", "ends_at", "updated_at"])
    # Reminder rounds already sent were for the old time; the new time gets its own.
    SessionReminder.objects.filter(session=session).delete()
    stamp = starts_at.strftime("%Y%m%dT%H%M%SZ")
    for person in people:
        notify(
            organizer=session.organizer, recipient=person, template="sessions/time_changed",
            dedupe_key=f"session-time-changed:session={session.id}:user={person.id}:{stamp}",
            context={**_session_context(session, person), "old_when": old_when[person.id]}, essential=True,
        )
    return session


# --- Attendance and notes ------------------------------------------------------------------


@transaction.atomic
def record_attendance(*, session: Session, by, marks: dict[int, str]) -> list[Attendance]:
    """Mark people on the session's roster; anyone not on the roster or an unknown status is refused whole."""
    if session.starts_at > timezone.now() + dt.timedelta(hours=1):
        raise SessionsError("Attendance can be recorded from an hour before the session starts.")
    valid = set(Attendance.Status.values)
    roster = {entry.person.id: entry for entry in selectors.roster_for(session)}
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
    if person_id and person_id not in {e.person.id for e in selectors.roster_for(session)}:
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
    threshold = selectors.cohort_settings(cohort).completion_min_attendance
    report = selectors.attendance_report(cohort)
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


# --- Office hours --------------------------------------------------------------------------


@transaction.atomic
def publish_office_hours(*, window: OfficeHourWindow) -> list[OfficeHourSlot]:
    """Create the window's slots (idempotent: re-publishing after an edit adds missing ones)."""
    zone = zoneinfo.ZoneInfo(str(window.time_zone))
    last = window.repeat_weekly_until or window.first_date
    day = window.first_date
    slots = []
    while day <= last:
        start = dt.datetime.combine(day, window.start_time).replace(tzinfo=zone)
        for index in range(window.slots_per_window):
            starts_at = (start + dt.timedelta(minutes=index * window.slot_minutes)).astimezone(dt.timezone.utc)
            slot, _ = OfficeHourSlot.objects.get_or_create(
                window=window, starts_at=starts_at,
                defaults={"organizer_id": window.organizer_id,
                          "ends_at": starts_at + dt.timedelta(minutes=window.slot_minutes)},
            )
            slots.append(slot)
        day += dt.timedelta(days=7)
    return slots


SLOT_TAKEN = "Someone has just booked this slot. Please choose another time."


def _booking_messages(booking: OfficeHourBooking, *, template: str, key: str, cancelled: bool = False) -> None:
    window = booking.slot.window
    attachment = {"filename": "office-hours.ics", "content": ics.booking_calendar(booking, cancelled=cancelled),
                  "mimetype": "text/calendar"}
    for person in {booking.person, window.host}:
        notify(
            organizer=booking.organizer, recipient=person, template=template,
            dedupe_key=f"{key}:booking={booking.id}:user={person.id}",
            context=_booking_context(booking, person), essential=True, attachments=[attachment],
        )


def _booking_context(booking: OfficeHourBooking, person) -> dict:
    """What both sides' office-hour messages say, with the time in the reader's zone."""
    window = booking.slot.window
    zone = zoneinfo.ZoneInfo(str(person.time_zone or window.time_zone))
    local = timezone.localtime(booking.slot.starts_at, zone)
    return {
        "person_name": person.display_name, "title": window.title, "host_name": window.host.display_name,
        "booker_name": booking.person.display_name, "topic": booking.topic,
        "is_booker": person.pk == booking.person_id,
        "when": f"{local:%A %-d %B %Y, %H:%M} {zone_label(local)} ({zone.key})",
        "starts_in": relative_when(booking.slot.starts_at, zone),
        "location": window.location, "video_url": window.video_url,
        "office_hours_url": absolute_url(reverse("sessions_app:office_hours",
                                                 kwargs={"organizer_slug": booking.organizer.slug})),
    }


def book_office_hour(*, slot: OfficeHourSlot, person, topic: str = "") -> OfficeHourBooking:
    """Book a slot. The slot row lock serializes bookers; the partial unique index is the guarantee."""
    try:
        with transaction.atomic():
            slot = OfficeHourSlot.objects.select_for_update().select_related("window__host").get(id=slot.id)
            if slot.starts_at <= timezone.now():
                raise SessionsError("This slot has already started; choose a later one.")
            if not selectors.may_book_office_hours(person, slot.window):
                raise SessionsError("These office hours are for participants of the organizer's programs.")
            if OfficeHourBooking.objects.filter(slot=slot, status=OfficeHourBooking.Status.BOOKED).exists():
                raise SessionsError(SLOT_TAKEN)
            if slot.window.host_id == person.id:
                raise SessionsError("You host these office hours.")
            booking = OfficeHourBooking.objects.create(
                organizer_id=slot.organizer_id, slot=slot, person=person, topic=topic.strip()[:300]
            )
            _booking_messages(booking, template="sessions/booking_confirmed", key="office-hours-booked")
            return booking
    except IntegrityError:
        raise SessionsError(SLOT_TAKEN) from None


@transaction.atomic
def cancel_booking(*, booking: OfficeHourBooking) -> OfficeHourBooking:
    booking = OfficeHourBooking.objects.select_for_update().get(id=booking.id)
    if booking.status != OfficeHourBooking.Status.BOOKED:
        raise SessionsError("This booking is already cancelled.")
    booking.status = OfficeHourBooking.Status.CANCELLED
    booking.cancelled_at = timezone.now()
    booking.save(update_fields=["status", "cancelled_at"])
    _booking_messages(booking, template="sessions/booking_cancelled", key="office-hours-cancelled", cancelled=True)
    return booking


def rebook(*, booking: OfficeHourBooking, slot: OfficeHourSlot, person) -> OfficeHourBooking:
    """Move a booking to another slot: both happen or neither (the old slot is kept if the new one is taken)."""
    if booking.slot_id == slot.id:
        raise SessionsError("That is the slot you already have.")
    with transaction.atomic():
        cancel_booking(booking=booking)
        return book_office_hour(slot=slot, person=person, topic=booking.topic)


# --- Technical assistance ------------------------------------------------------------------


@transaction.atomic
def request_assistance(*, requester, cohort: Cohort, topic: str, description: str, preferred_times: str = "",
                       session: Session | None = None, team: Team | None = None) -> AssistanceRequest:
    if not topic.strip() or not description.strip():
        raise SessionsError("Give a topic and describe what you need.")
    if team is not None and team.cohort_id != cohort.id:
        raise SessionsError("That team is not in this cohort.")
    request_obj = AssistanceRequest.objects.create(
        organizer_id=cohort.organizer_id, cohort=cohort, session=session, requester=requester, team=team,
        topic=topic.strip(), description=description.strip(), preferred_times=preferred_times.strip(),
    )
    alert_staff(organizer=cohort.organizer, kind="assistance", key=f"request={request_obj.pk}",
                summary=f"{requester.display_name} ({cohort}): {request_obj.topic}", url=_assistance_url(request_obj))
    return request_obj


def _assistance_url(request_obj: AssistanceRequest) -> str:
    return absolute_url(reverse("sessions_app:assistance_detail", kwargs={
        "organizer_slug": request_obj.organizer.slug, "request_id": request_obj.id}))


@transaction.atomic
def assign_assistance(*, request_obj: AssistanceRequest, assignee) -> AssistanceRequest:
    if request_obj.status == AssistanceRequest.Status.CLOSED:
        raise SessionsError("This request is closed.")
    request_obj.assigned_to = assignee
    if request_obj.status == AssistanceRequest.Status.OPEN:
        request_obj.status = AssistanceRequest.Status.ASSIGNED
    request_obj.save(update_fields=["assigned_to", "status"])
    notify(
        organizer=request_obj.organizer, recipient=assignee, template="sessions/assistance_assigned",
        dedupe_key=f"assistance-assigned:request={request_obj.id}:user={assignee.id}",
        context={"topic": request_obj.topic, "requester_name": request_obj.requester.display_name,
                 "url": _assistance_url(request_obj)},
    )
    return request_obj


@transaction.atomic
def answer_assistance(*, request_obj: AssistanceRequest, by, answer: str) -> AssistanceRequest:
    if not answer.strip():
        raise SessionsError("Write an answer before sending it.")
    if request_obj.status == AssistanceRequest.Status.CLOSED:
        raise SessionsError("This request is closed.")
    request_obj.answer = answer.strip()
    request_obj.status = AssistanceRequest.Status.ANSWERED
    request_obj.answered_at = timezone.now()
    request_obj.assigned_to = request_obj.assigned_to or by
    request_obj.save(update_fields=["answer", "status", "answered_at", "assigned_to"])
    notify(
        organizer=request_obj.organizer, recipient=request_obj.requester, template="sessions/assistance_answered",
        dedupe_key=f"assistance-answered:request={request_obj.id}:{request_obj.answered_at:%Y%m%dT%H%M%S}",
        context={"topic": request_obj.topic, "answer": request_obj.answer, "url": _assistance_url(request_obj),
                 "person_name": request_obj.requester.display_name},
    )
    return request_obj


@transaction.atomic
def close_assistance(*, request_obj: AssistanceRequest) -> AssistanceRequest:
    if request_obj.status == AssistanceRequest.Status.CLOSED:
        raise SessionsError("This request is already closed.")
    request_obj.status = AssistanceRequest.Status.CLOSED
    request_obj.closed_at = timezone.now()
    request_obj.save(update_fields=["status", "closed_at"])
    return request_obj


# --- Affinity groups -----------------------------------------------------------------------


@transaction.atomic
def join_affinity_group(*, group: AffinityGroup, person) -> AffinityMembership:
    if not selectors.is_enrolled(person, group.cohort):
        raise SessionsError("Only participants enrolled in this cohort can join its groups.")
    membership, _ = AffinityMembership.objects.get_or_create(group=group, person=person,
                                                             defaults={"organizer_id": group.organizer_id})
    return membership


@transaction.atomic
def leave_affinity_group(*, group: AffinityGroup, person) -> None:
    deleted, _ = AffinityMembership.objects.filter(group=group, person=person).delete()
    if not deleted:
        raise SessionsError("You are not a member of this group.")


# --- Calendar feeds ------------------------------------------------------------------------


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def create_calendar_feed(*, user, cohort: Cohort | None = None) -> str:
    """Make a new private feed (revoking the previous one of the same kind); returns the token once."""
    if cohort is not None and not (
        selectors.is_enrolled(user, cohort) or is_staff_at(user, cohort.organizer_id)
        or selectors.facilitates_cohort(user, cohort)
    ):
        raise SessionsError("Cohort feeds are for people enrolled in the cohort and its staff.")
    revoke_calendar_feed(user=user, cohort=cohort)
    token = secrets.token_urlsafe(32)
    CalendarFeed.objects.create(user=user, cohort=cohort, token_hash=hash_token(token))
    return token


def revoke_calendar_feed(*, user, cohort: Cohort | None = None) -> int:
    return CalendarFeed.objects.filter(user=user, cohort=cohort, revoked_at__isnull=True).update(revoked_at=timezone.now())


def feed_by_token(token: str) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(token_hash=hash_token(token), revoked_at__isnull=True).select_related("user").first()


def feed_calendar(feed: CalendarFeed) -> bytes | None:
    """The feed's ICS, or None when it no longer grants anything (e.g. left the cohort)."""
    user = feed.user
    with scopes_disabled():
        sessions = selectors.visible_sessions(user).select_related("cohort__program", "organizer")
        if feed.cohort_id:
            cohort = feed.cohort
            allowed = (selectors.is_enrolled(user, cohort) or is_staff_at(user, cohort.organizer_id)
                       or selectors.facilitates_cohort(user, cohort))
            if not allowed:
                return None
            sessions = sessions.filter(cohort=cohort)
            name = f"{cohort.program.title}: {cohort.title}"
            bookings = []
        else:
            name = f"Praxis schedule of {user.display_name}"
            bookings = selectors.booked_office_hours(user)
        sessions = sessions.order_by("starts_at")
        return ics.sessions_calendar(name, sessions, show_video=lambda s: selectors.may_join_session(user, s),
                                     bookings=bookings)


# --- Reminders and after-session messages --------------------------------------------------


UNSUBSCRIBE_SALT = "sessions.unsubscribe"
UNSUBSCRIBE_MAX_AGE = OPT_OUT_MAX_AGE  # a link in an email older than this asks the person to sign in


def unsubscribe_url(*, organizer, user) -> str:
    token = opt_out_token(salt=UNSUBSCRIBE_SALT, organizer_id=organizer.id, u=user.id)
    return absolute_url(reverse("sessions_app:unsubscribe", kwargs={"organizer_slug": organizer.slug, "token": token}))


def read_unsubscribe_token(token: str, *, organizer_id: int) -> int | None:
    """The user id in a valid token of this organizer, else None.
    Raises ExpiredLink for a genuine token older than UNSUBSCRIBE_MAX_AGE."""
    data = read_opt_out_token(token, salt=UNSUBSCRIBE_SALT, organizer_id=organizer_id, max_age=UNSUBSCRIBE_MAX_AGE)
    return data.get("u") if data else None


def set_optional_messages(*, user, opted_out: bool) -> None:
    type(user).objects.filter(id=user.id).update(opted_out_of_optional_messages=opted_out)
    user.opted_out_of_optional_messages = opted_out


def _optional_context(organizer, person) -> dict:
    url = unsubscribe_url(organizer=organizer, user=person)
    # list_unsubscribe: notifications.services adds the RFC 8058 one-click headers.
    return {"unsubscribe_url": url, "list_unsubscribe": url}


@dataclass(frozen=True)
class DueReminder:
    session_id: int
    organizer_id: int
    hours_before: int


def due_session_reminders(*, now: dt.datetime | None = None) -> list[DueReminder]:
    """Sessions starting within their organizer's reminder window whose round has not gone out.

    One indexed range query on starts_at (at most 48 hours ahead) across organizers,
    then a check against the rounds already sent.
    """
    from .models import MAX_REMINDER_HOURS

    now = now or timezone.now()
    with scopes_disabled():
        upcoming = list(
            Session.objects.filter(starts_at__gt=now, starts_at__lte=now + dt.timedelta(hours=MAX_REMINDER_HOURS))
            .exclude(kind=Session.Kind.OFFICE_HOURS)
            .values_list("id", "organizer_id", "starts_at")
        )
        sent = set(
            SessionReminder.objects.filter(session_id__in=[s[0] for s in upcoming]).values_list("session_id", "hours_before")
        )
    due = []
    hours_of: dict[int, list[int]] = {}
    for session_id, organizer_id, starts_at in upcoming:
        if organizer_id not in hours_of:
            hours_of[organizer_id] = selectors.reminder_hours(organizer_id)
        windows = [h for h in hours_of[organizer_id] if starts_at - dt.timedelta(hours=h) <= now]
        if not windows:
            continue
        # Only the nearest window is worth a message; a late sweep skips the stale ones.
        nearest = min(windows)
        if (session_id, nearest) not in sent:
            due.append(DueReminder(session_id, organizer_id, nearest))
    return due


def send_session_reminder(*, session_id: int, hours_before: int) -> int:
    """Send one reminder round; returns how many messages were queued (0 when already done).

    The session row lock serializes two workers holding the same round; the round row
    and the outbox rows commit together, so a worker killed halfway leaves nothing.
    """
    with transaction.atomic():
        session = Session.objects.select_for_update().select_related("cohort__program", "organizer").get(id=session_id)
        if SessionReminder.objects.filter(session=session, hours_before=hours_before).exists():
            return 0
        if session.starts_at <= timezone.now():
            return 0
        with batched_sends():  # one send task per 200 reminders, not one per reminder
            queued = _queue_reminders(session, hours_before)
        SessionReminder.objects.create(organizer_id=session.organizer_id, session=session, hours_before=hours_before,
                                       recipients=queued)
    return queued


def _queue_reminders(session: Session, hours_before: int) -> int:
    queued = 0
    label = f"{hours_before}h"
    enrolled = selectors.enrolled_for_session_ids(session)
    for person in session_recipients(session):
        may_join = person.id in enrolled or selectors.may_join_session(person, session)
        _, created = notify(
            organizer=session.organizer, recipient=person, template="sessions/reminder",
            dedupe_key=f"reminder:session={session.id}:user={person.id}:{label}",
            context={**_session_context(session, person), **_optional_context(session.organizer, person),
                     "hours_before": hours_before,
                     "video_url": session.video_url if may_join else ""},
            essential=False,
        )
        queued += created
    return queued


def due_after_session_messages(*, now: dt.datetime | None = None) -> list[tuple[int, int]]:
    """Sessions that ended in the last two days and have had no after-session message."""
    now = now or timezone.now()
    with scopes_disabled():
        return list(
            Session.objects.filter(ends_at__lte=now, ends_at__gt=now - dt.timedelta(days=2), after_message__isnull=True)
            .exclude(kind=Session.Kind.OFFICE_HOURS)
            .values_list("id", "organizer_id")
        )


def send_after_session_message(*, session_id: int) -> int:
    """Offer technical assistance and ask for feedback, to those who attended (or everyone if nobody was marked)."""
    with transaction.atomic():
        session = Session.objects.select_for_update().select_related("cohort__program", "organizer").get(id=session_id)
        if SessionFollowUpMessage.objects.filter(session=session).exists():
            return 0
        SessionFollowUpMessage.objects.create(organizer_id=session.organizer_id, session=session)
        if not selectors.after_session_message_enabled(session.organizer_id):
            return 0
        roster = selectors.roster_for(session)
        marked = [e for e in roster if e.attendance]
        people = [e.person for e in marked if e.status in Attendance.ATTENDED] if marked else [e.person for e in roster]
        slug = session.organizer.slug
        queued = 0
        for person in people:
            _, created = notify(
                organizer=session.organizer, recipient=person, template="sessions/after_session",
                dedupe_key=f"after-session:session={session.id}:user={person.id}",
                context={
                    **_session_context(session, person), **_optional_context(session.organizer, person),
                    "assistance_url": absolute_url(reverse("sessions_app:assistance_new", kwargs={
                        "organizer_slug": slug, "session_id": session.id})),
                    "feedback_url": absolute_url(reverse("sessions_app:session_feedback", kwargs={
                        "organizer_slug": slug, "session_id": session.id})),
                },
                essential=False,
            )
            queued += created
    return queued


@transaction.atomic
def leave_feedback(*, session: Session, person, rating: int, comment: str = "") -> SessionFeedback:
    if session.starts_at > timezone.now():
        raise SessionsError("Feedback opens once the session has started.")
    feedback, _ = SessionFeedback.objects.update_or_create(
        session=session, person=person,
        defaults={"organizer_id": session.organizer_id, "rating": rating, "comment": comment.strip()},
    )
    return feedback


def due_office_hour_reminders(*, now: dt.datetime | None = None) -> list[tuple[int, int, int]]:
    from .models import MAX_REMINDER_HOURS

    now = now or timezone.now()
    with scopes_disabled():
        bookings = list(
            OfficeHourBooking.objects.filter(
                status=OfficeHourBooking.Status.BOOKED, slot__starts_at__gt=now,
                slot__starts_at__lte=now + dt.timedelta(hours=MAX_REMINDER_HOURS),
            ).values_list("id", "organizer_id", "slot__starts_at")
        )
        sent = set(OfficeHourReminder.objects.filter(booking_id__in=[b[0] for b in bookings])
                   .values_list("booking_id", "hours_before"))
    due = []
    for booking_id, organizer_id, starts_at in bookings:
        windows = [h for h in selectors.reminder_hours(organizer_id, office_hours=True)
                   if starts_at - dt.timedelta(hours=h) <= now]
        if windows and (booking_id, min(windows)) not in sent:
            due.append((booking_id, organizer_id, min(windows)))
    return due


def send_office_hour_reminder(*, booking_id: int, hours_before: int) -> int:
    with transaction.atomic():
        booking = OfficeHourBooking.objects.select_for_update().select_related("slot__window__host", "person").get(id=booking_id)
        if booking.status != OfficeHourBooking.Status.BOOKED or booking.slot.starts_at <= timezone.now():
            return 0
        if OfficeHourReminder.objects.filter(booking=booking, hours_before=hours_before).exists():
            return 0
        window = booking.slot.window
        queued = 0
        for person in {booking.person, window.host}:
            _, created = notify(
                organizer=booking.organizer, recipient=person, template="sessions/office_hour_reminder",
                dedupe_key=f"reminder:booking={booking.id}:user={person.id}:{hours_before}h",
                context={**_booking_context(booking, person), **_optional_context(booking.organizer, person)},
                essential=False,
            )
            queued += created
        OfficeHourReminder.objects.create(organizer_id=booking.organizer_id, booking=booking, hours_before=hours_before)
    return queued


# --- Check-ins after a cohort ends ---------------------------------------------------------


def add_months(day: dt.date, months: int) -> dt.date:
    from dateutil.relativedelta import relativedelta

    return day + relativedelta(months=months)


CHECKIN_REMINDER_AFTER = dt.timedelta(days=7)


def open_due_checkin_rounds(*, today: dt.date | None = None) -> list[tuple[int, int]]:
    """Create the rounds that are due (cohorts that ended up to 13 months ago) and return unsent ones."""
    today = today or timezone.localdate()
    with scopes_disabled():
        cohorts = Cohort.objects.filter(ends_on__lt=today, ends_on__gte=today - dt.timedelta(days=400)).select_related(
            "session_settings"
        )
        for cohort in cohorts:
            settings_ = selectors.cohort_settings(cohort)
            for months in parse_numbers(settings_.checkin_months):
                due_on = add_months(cohort.ends_on, months)
                if due_on <= today and due_on > today - dt.timedelta(days=31):
                    CheckInRound.objects.get_or_create(
                        cohort=cohort, months_after=months,
                        defaults={"organizer_id": cohort.organizer_id, "due_on": due_on,
                                  "questions": settings_.question_list},
                    )
        return list(CheckInRound.objects.filter(sent_at__isnull=True).values_list("id", "organizer_id"))


def _checkin_url(round_: CheckInRound) -> str:
    return absolute_url(reverse("sessions_app:checkin", kwargs={"organizer_slug": round_.organizer.slug,
                                                               "round_id": round_.id}))


def _checkin_messages(round_: CheckInRound, people, *, template: str, key: str) -> int:
    queued = 0
    for person in people:
        _, created = notify(
            organizer=round_.organizer, recipient=person, template=template,
            dedupe_key=f"{key}:round={round_.id}:user={person.id}",
            context={"person_name": person.display_name, "program_title": round_.cohort.program.title,
                     "months": round_.months_after, "url": _checkin_url(round_),
                     **_optional_context(round_.organizer, person)},
            essential=False,
        )
        queued += created
    return queued


def _locked_round(round_id: int) -> CheckInRound:
    return CheckInRound.objects.select_for_update().select_related("cohort__program", "organizer").get(id=round_id)


def send_checkin_round(*, round_id: int) -> int:
    with transaction.atomic():
        round_ = _locked_round(round_id)
        if round_.sent_at:
            return 0
        people = [enrollment.person for enrollment in selectors.checkin_recipients(round_)]
        queued = _checkin_messages(round_, people, template="sessions/checkin", key="checkin")
        round_.sent_at = timezone.now()
        round_.save(update_fields=["sent_at"])
    return queued


def due_checkin_reminders(*, now: dt.datetime | None = None) -> list[tuple[int, int]]:
    now = now or timezone.now()
    with scopes_disabled():
        return list(
            CheckInRound.objects.filter(reminded_at__isnull=True, sent_at__lte=now - CHECKIN_REMINDER_AFTER)
            .values_list("id", "organizer_id")
        )


def remind_checkin_nonresponders(*, round_id: int) -> int:
    """The one reminder a round gets, to those who have not answered."""
    with transaction.atomic():
        round_ = _locked_round(round_id)
        if round_.reminded_at or not round_.sent_at:
            return 0
        queued = _checkin_messages(round_, selectors.checkin_nonresponders(round_),
                                   template="sessions/checkin_reminder", key="checkin-reminder")
        round_.reminded_at = timezone.now()
        round_.save(update_fields=["reminded_at"])
    return queued


@transaction.atomic
def submit_checkin(*, round_: CheckInRound, person, answers: list[str]) -> CheckInResponse:
    if not any(a.strip() for a in answers):
        raise SessionsError("Answer at least one question.")
    if CheckInResponse.objects.filter(round=round_, person=person).exists():
        raise SessionsError("You have already answered this check-in. Thank you!")
    try:
        with transaction.atomic():
            return CheckInResponse.objects.create(organizer_id=round_.organizer_id, round=round_, person=person,
                                                  answers=[a.strip() for a in answers])
    except IntegrityError:
        raise SessionsError("You have already answered this check-in. Thank you!") from None
