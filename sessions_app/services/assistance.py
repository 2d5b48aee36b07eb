"""Writes of technical assistance: requests, assignment, answers, closing."""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from cohorts.models import Cohort, Team
from core.urls import absolute_url
from notifications.alerts import alert_staff
from notifications.services import notify

from ..models import AssistanceRequest, Session
from . import SessionsError


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
