"""Reminders, after-session messages, check-ins after a cohort ends, and the one-click
opt-out from these optional messages.

Messages go through `notifications.services.notify` inside the transaction that makes
them true; the dedupe keys make a retried task or a second sweep harmless."""

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from cohorts.models import Cohort
from core.urls import absolute_url
from notifications.optout import OPT_OUT_MAX_AGE, opt_out_token, read_opt_out_token
from notifications.services import Notice, batched_sends, notify, notify_many

from ..models import (
    Attendance,
    CheckInResponse,
    CheckInRound,
    OfficeHourBooking,
    OfficeHourReminder,
    parse_numbers,
    Session,
    SessionFollowUpMessage,
    SessionReminder,
)
from ..selectors.attendance import cohort_settings, roster_for
from ..selectors.reminders import (
    after_session_message_enabled,
    checkin_nonresponders,
    checkin_recipients,
    reminder_hours,
)
from ..selectors.sessions import enrolled_for_session_ids, may_join_session
from . import SessionsError
from .office_hours import booking_context
from .sessions import session_context, session_recipients


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
    from ..models import MAX_REMINDER_HOURS

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
            hours_of[organizer_id] = reminder_hours(organizer_id)
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
    label = f"{hours_before}h"
    enrolled = enrolled_for_session_ids(session)
    notices = []
    for person in session_recipients(session):
        may_join = person.id in enrolled or may_join_session(person, session)
        notices.append(Notice(
            recipient=person,
            dedupe_key=f"reminder:session={session.id}:user={person.id}:{label}",
            context={**session_context(session, person), **_optional_context(session.organizer, person),
                     "hours_before": hours_before,
                     "video_url": session.video_url if may_join else ""},
        ))
    # One insert per thousand reminders, not four queries each (bench/fanout.py).
    return notify_many(organizer=session.organizer, template="sessions/reminder", notices=notices, essential=False)



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
        if not after_session_message_enabled(session.organizer_id):
            return 0
        roster = roster_for(session)
        marked = [e for e in roster if e.attendance]
        people = [e.person for e in marked if e.status in Attendance.ATTENDED] if marked else [e.person for e in roster]
        slug = session.organizer.slug
        queued = 0
        for person in people:
            _, created = notify(
                organizer=session.organizer, recipient=person, template="sessions/after_session",
                dedupe_key=f"after-session:session={session.id}:user={person.id}",
                context={
                    **session_context(session, person), **_optional_context(session.organizer, person),
                    "assistance_url": absolute_url(reverse("sessions_app:assistance_new", kwargs={
                        "organizer_slug": slug, "session_id": session.id})),
                    "feedback_url": absolute_url(reverse("sessions_app:session_feedback", kwargs={
                        "organizer_slug": slug, "session_id": session.id})),
                },
                essential=False,
            )
            queued += created
    return queued



def due_office_hour_reminders(*, now: dt.datetime | None = None) -> list[tuple[int, int, int]]:
    from ..models import MAX_REMINDER_HOURS

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
        windows = [h for h in reminder_hours(organizer_id, office_hours=True)
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
                context={**booking_context(booking, person), **_optional_context(booking.organizer, person)},
                essential=False,
            )
            queued += created
        OfficeHourReminder.objects.create(organizer_id=booking.organizer_id, booking=booking, hours_before=hours_before)
    return queued



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
            settings_ = cohort_settings(cohort)
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
        people = [enrollment.person for enrollment in checkin_recipients(round_)]
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
        queued = _checkin_messages(round_, checkin_nonresponders(round_),
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
