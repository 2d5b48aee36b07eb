"""Writes of technical assistance: requests, assignment, answers, appointments, closing."""

import datetime as dt

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from cohorts.models import Cohort, Team
from core.timefmt import format_span, relative_when
from core.urls import absolute_url
from notifications.alerts import alert_staff
from notifications.services import notify
from organizers.selectors import person_zone

from .. import ics
from ..models import AssistanceReply, AssistanceRequest, Session
from . import SessionsError

APPOINTMENT_MIN = dt.timedelta(minutes=10)
APPOINTMENT_MAX = dt.timedelta(hours=8)


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
    # The thread keeps every answer; `answer` holds the latest (emails, older pages).
    AssistanceReply.objects.create(organizer_id=request_obj.organizer_id, request=request_obj, author=by,
                                   body=request_obj.answer)
    notify(
        organizer=request_obj.organizer, recipient=request_obj.requester, template="sessions/assistance_answered",
        dedupe_key=f"assistance-answered:request={request_obj.id}:{request_obj.answered_at:%Y%m%dT%H%M%S}",
        context={"topic": request_obj.topic, "answer": request_obj.answer, "url": _assistance_url(request_obj),
                 "person_name": request_obj.requester.display_name},
    )
    return request_obj



def reply_to_assistance(*, request_obj: AssistanceRequest, by, body: str) -> AssistanceReply:
    """The requester replies in the request's thread. An answered or closed request opens
    again (assigned when someone has it); the helper is emailed, or staff alerted when
    nobody has it yet."""
    if not body.strip():
        raise SessionsError("Write your reply before sending it.")
    with transaction.atomic():
        request_obj = (AssistanceRequest.objects.select_for_update(of=("self",))
                       .select_related("organizer", "requester", "assigned_to", "cohort")
                       .get(id=request_obj.id))
        if request_obj.requester_id != by.id:
            raise SessionsError("Only the person who asked can reply here.")
        reply = AssistanceReply.objects.create(organizer_id=request_obj.organizer_id, request=request_obj, author=by,
                                               body=body.strip())
        reopened = request_obj.status in (AssistanceRequest.Status.ANSWERED, AssistanceRequest.Status.CLOSED)
        if reopened:
            request_obj.status = (AssistanceRequest.Status.ASSIGNED if request_obj.assigned_to_id
                                  else AssistanceRequest.Status.OPEN)
            request_obj.closed_at = None
            request_obj.save(update_fields=["status", "closed_at"])
        url = _assistance_url(request_obj)
        helper = request_obj.assigned_to
        if helper is not None and helper.pk != by.pk:
            notify(
                organizer=request_obj.organizer, recipient=helper, template="sessions/assistance_reply",
                dedupe_key=f"assistance-reply:reply={reply.id}:user={helper.id}",
                context={"person_name": helper.display_name, "topic": request_obj.topic, "reopened": reopened,
                         "requester_name": by.display_name, "reply": reply.body, "url": url},
            )
        else:  # nobody has it yet: staff hear of it as they hear of new requests
            alert_staff(organizer=request_obj.organizer, kind="assistance_reply", key=f"reply={reply.id}",
                        summary=f"{by.display_name} ({request_obj.cohort}): {request_obj.topic}", url=url)
    return reply


@transaction.atomic
def close_assistance(*, request_obj: AssistanceRequest) -> AssistanceRequest:
    request_obj = AssistanceRequest.objects.select_for_update().get(id=request_obj.id)
    if request_obj.status == AssistanceRequest.Status.CLOSED:
        raise SessionsError("This request is already closed.")
    if request_obj.has_appointment and request_obj.appointment_starts_at > timezone.now():
        # A closed request keeps no call in anyone's calendar.
        _cancel_appointment(request_obj)
    request_obj.status = AssistanceRequest.Status.CLOSED
    request_obj.closed_at = timezone.now()
    request_obj.save(update_fields=["status", "closed_at"])
    return request_obj


# --- The agreed TA call --------------------------------------------------------------------


def appointment_problem(*, starts_at: dt.datetime, ends_at: dt.datetime, where: str,
                        now: dt.datetime | None = None) -> str | None:
    """Why these are not a usable appointment, in the words shown on the form, or None."""
    now = now or timezone.now()
    if not where.strip():
        return "Say where or how to join: a room, a phone number or a video link."
    if starts_at <= now:
        return "Choose a time that has not passed yet."
    if ends_at - starts_at < APPOINTMENT_MIN:
        return "An appointment lasts at least 10 minutes."
    if ends_at - starts_at > APPOINTMENT_MAX:
        return "An appointment lasts at most 8 hours."
    return None


def schedule_appointment(*, request_obj: AssistanceRequest, by, starts_at: dt.datetime, ends_at: dt.datetime,
                         where: str) -> AssistanceRequest:
    """Set or move the TA call. The participant (and the helper, when someone else set it)
    get the time in their own zone with a calendar invitation; the personal feed follows."""
    problem = appointment_problem(starts_at=starts_at, ends_at=ends_at, where=where)
    if problem:
        raise SessionsError(problem)
    with transaction.atomic():
        request_obj = (AssistanceRequest.objects.select_for_update(of=("self",))
                       .select_related("cohort__program", "organizer", "requester", "assigned_to")
                       .get(id=request_obj.id))
        if request_obj.status == AssistanceRequest.Status.CLOSED:
            raise SessionsError("This request is closed.")
        previous = (request_obj.appointment_starts_at, request_obj.appointment_ends_at, request_obj.appointment_where)
        if previous == (starts_at, ends_at, where.strip()):
            return request_obj  # nothing changed: no message, no new calendar revision
        moved = request_obj.has_appointment
        request_obj.appointment_starts_at, request_obj.appointment_ends_at = starts_at, ends_at
        request_obj.appointment_where = where.strip()
        request_obj.appointment_sequence += 1
        request_obj.appointment_changed_at = timezone.now()
        request_obj.assigned_to = request_obj.assigned_to or by
        if request_obj.status == AssistanceRequest.Status.OPEN:
            request_obj.status = AssistanceRequest.Status.ASSIGNED
        request_obj.save(update_fields=[
            "appointment_starts_at", "appointment_ends_at", "appointment_where", "appointment_sequence",
            "appointment_changed_at", "assigned_to", "status"])
        _appointment_messages(request_obj, by=by, template="sessions/assistance_appointment",
                              was=previous[:2] if moved else None)
    return request_obj


def cancel_appointment(*, request_obj: AssistanceRequest, by) -> AssistanceRequest:
    with transaction.atomic():
        request_obj = (AssistanceRequest.objects.select_for_update(of=("self",))
                       .select_related("cohort__program", "organizer", "requester", "assigned_to")
                       .get(id=request_obj.id))
        if not request_obj.has_appointment:
            raise SessionsError("This request has no appointment to cancel.")
        _cancel_appointment(request_obj, by=by)
    return request_obj


def _cancel_appointment(request_obj: AssistanceRequest, *, by=None) -> None:
    """Clear the call (row already locked) and send the cancellation with its calendar file."""
    starts_at, ends_at = request_obj.appointment_starts_at, request_obj.appointment_ends_at
    request_obj.appointment_sequence += 1
    request_obj.appointment_changed_at = timezone.now()
    # The cancellation names the time it removes: build its messages before the fields are cleared.
    _appointment_messages(request_obj, by=by, template="sessions/assistance_appointment_cancelled",
                          starts_at=starts_at, ends_at=ends_at, cancelled=True)
    request_obj.appointment_starts_at = request_obj.appointment_ends_at = None
    request_obj.save(update_fields=["appointment_starts_at", "appointment_ends_at", "appointment_sequence",
                                    "appointment_changed_at"])


def _span(starts_at, ends_at, zone) -> str:
    """"Tue 3 Dec 2030, 10:00–11:00 CST (America/Chicago)": the reader's zone, named twice over."""
    return f"{format_span(starts_at, ends_at, zone)} ({zone})"


def _appointment_messages(request_obj: AssistanceRequest, *, by, template: str, starts_at=None, ends_at=None,
                          cancelled: bool = False, was: tuple | None = None) -> None:
    starts_at = starts_at or request_obj.appointment_starts_at
    ends_at = ends_at or request_obj.appointment_ends_at
    attachment = {"filename": "technical-assistance.ics", "mimetype": "text/calendar",
                  "content": ics.appointment_calendar(request_obj, starts_at=starts_at, ends_at=ends_at,
                                                      cancelled=cancelled)}
    people = [request_obj.requester]
    helper = request_obj.assigned_to
    if helper is not None and helper.pk != request_obj.requester_id and (by is None or helper.pk != by.pk):
        people.append(helper)
    for person in people:
        zone = person_zone(person, default=str(request_obj.cohort.time_zone))
        notify(
            organizer=request_obj.organizer, recipient=person, template=template, essential=True,
            dedupe_key=(f"assistance-appointment:request={request_obj.id}:v={request_obj.appointment_sequence}"
                        f":user={person.id}"),
            context={
                "person_name": person.display_name, "topic": request_obj.topic,
                "is_requester": person.pk == request_obj.requester_id,
                "requester_name": request_obj.requester.display_name,
                "helper_name": helper.display_name if helper else "",
                "when": _span(starts_at, ends_at, zone),
                # "tomorrow, Tue 3 Dec at 10:00 CET": said only while it adds to the date itself.
                "starts_in": relative_when(starts_at, zone) if starts_at - timezone.now() < dt.timedelta(days=7) else "",
                "was": _span(was[0], was[1], zone) if was else "",
                "where": request_obj.appointment_where, "url": _assistance_url(request_obj),
            },
            attachments=[attachment],
        )
