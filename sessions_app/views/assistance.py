"""Technical assistance pages: asking, the queue, answering."""

import zoneinfo

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_POST
from django_scopes import scopes_disabled

from cohorts.models import Team
from organizers.models import Membership
from organizers.permissions import organizer_view
from organizers.roles import Capability, Role

from .. import ics
from ..forms import (
    AssistanceAnswerForm,
    AssistanceAppointmentForm,
    AssistanceAssignForm,
    AssistanceReplyForm,
    AssistanceRequestForm,
)
from ..models import AssistanceRequest
from ..selectors.assistance import assistance_queue, can_handle_assistance
from ..selectors.sessions import facilitated_cohort_ids, may_join_session
from ..services import SessionsError
from ..services.assistance import (
    answer_assistance,
    assign_assistance,
    cancel_appointment,
    close_assistance,
    reply_to_assistance,
    request_assistance,
    schedule_appointment,
)
from .base import back, known_or_404, session_or_404


def _my_teams(user, cohort):
    from cohorts.models import Enrollment

    team_ids = Enrollment.objects.filter(cohort=cohort, person=user, team__isnull=False).values_list("team_id", flat=True)
    return Team.objects.filter(id__in=team_ids)



@organizer_view()
def assistance_new(request, organizer_slug: str, session_id: int):
    session = session_or_404(request, session_id)
    if not may_join_session(request.user, session):
        raise Http404
    teams = _my_teams(request.user, session.cohort)
    form = AssistanceRequestForm(request.POST or None, teams=teams)
    if request.method == "POST" and form.is_valid():
        try:
            created = request_assistance(
                requester=request.user, cohort=session.cohort, session=session,
                team=form.cleaned_data.get("team"), topic=form.cleaned_data["topic"],
                description=form.cleaned_data["description"], preferred_times=form.cleaned_data["preferred_times"],
            )
            messages.success(request, "Your request is in. You can follow its status here.")
            return back(request, "assistance_detail", request_id=created.id)
        except SessionsError as exc:
            form.add_error(None, str(exc))
    return render(request, "sessions_app/assistance_new.html", {"session": session, "form": form})



@organizer_view()
def assistance_list(request, organizer_slug: str):
    known_or_404(request)
    mine = AssistanceRequest.objects.filter(requester=request.user).select_related("assigned_to", "session")
    queue = None
    status = request.GET.get("status") or None
    if status not in (None, *AssistanceRequest.Status.values):
        status = None
    if request.access.is_staff:
        queue = assistance_queue(request.organizer, status=status)
    elif request.access.can(Capability.ANSWER_ASSISTANCE):
        cohort_ids = facilitated_cohort_ids(request.user)
        queue = assistance_queue(request.organizer, status=status).filter(cohort_id__in=cohort_ids)
    return render(request, "sessions_app/assistance_list.html", {
        "mine": mine, "queue": queue, "status": status, "statuses": AssistanceRequest.Status.choices,
    })



def _assistance_candidates(request_obj):
    User = get_user_model()
    with scopes_disabled():
        staff = Membership.objects.filter(organizer_id=request_obj.organizer_id,
                                          role__in=[Role.ADMIN, Role.STAFF]).values_list("user_id", flat=True)
        facilitators = Membership.objects.filter(organizer_id=request_obj.organizer_id,
                                                 role=Role.FACILITATOR).values_list("user_id", flat=True)
    facilitating = [uid for uid in facilitators if uid in _cohort_facilitator_ids(request_obj.cohort)]
    return User.objects.filter(id__in=list(staff) + facilitating).order_by("full_name", "email")



def _cohort_facilitator_ids(cohort) -> set[int]:
    from cohorts.models import CohortUserObjectPermission

    return set(CohortUserObjectPermission.objects.filter(content_object=cohort).values_list("user_id", flat=True))



@organizer_view()
def assistance_detail(request, organizer_slug: str, request_id: int):
    request_obj = get_object_or_404(AssistanceRequest.objects.select_related("cohort", "requester", "assigned_to"),
                                    id=request_id)
    handles = can_handle_assistance(request.user, request.access, request_obj)
    if not handles and request_obj.requester_id != request.user.id:
        raise Http404
    candidates = _assistance_candidates(request_obj) if handles else None
    answer_form = AssistanceAnswerForm()
    assign_form = AssistanceAssignForm(candidates=candidates) if handles else None
    is_requester = request_obj.requester_id == request.user.id
    reply_form = AssistanceReplyForm() if is_requester else None
    if request.method == "POST":
        action = request.POST.get("action")
        if not handles and not (is_requester and action == "reply"):
            raise Http404
        try:
            if action == "reply" and is_requester:
                reply_form = AssistanceReplyForm(request.POST)
                if reply_form.is_valid():
                    reply_to_assistance(request_obj=request_obj, by=request.user, body=reply_form.cleaned_data["body"])
                    messages.success(request, "Your reply is sent.")
                    return back(request, "assistance_detail", request_id=request_obj.id)
            elif action == "assign":
                assign_form = AssistanceAssignForm(request.POST, candidates=candidates)
                if assign_form.is_valid():
                    assign_assistance(request_obj=request_obj, assignee=assign_form.cleaned_data["assignee"])
                    messages.success(request, "Assigned.")
                    return back(request, "assistance_detail", request_id=request_obj.id)
            elif action == "answer":
                answer_form = AssistanceAnswerForm(request.POST)
                if answer_form.is_valid():
                    answer_assistance(request_obj=request_obj, by=request.user,
                                               answer=answer_form.cleaned_data["answer"])
                    messages.success(request, "Answer sent to the requester.")
                    return back(request, "assistance_detail", request_id=request_obj.id)
            elif action == "close":
                close_assistance(request_obj=request_obj)
                messages.success(request, "Request closed.")
                return back(request, "assistance_detail", request_id=request_obj.id)
            else:
                messages.error(request, "Choose assign, answer or close.")
        except SessionsError as exc:
            messages.error(request, str(exc))
    return render(request, "sessions_app/assistance_detail.html", {
        "req": request_obj, "handles": handles, "answer_form": answer_form, "assign_form": assign_form,
        "reply_form": reply_form, "replies": list(request_obj.replies.select_related("author")),
    }, status=400 if request.method == "POST" else 200)



def _request_or_404(request, request_id: int, *, handler: bool) -> AssistanceRequest:
    """The request, for those who handle it (`handler`) or also its requester; 404 for anyone else."""
    request_obj = get_object_or_404(
        AssistanceRequest.objects.select_related("cohort__program", "organizer", "requester", "assigned_to"),
        id=request_id)
    if can_handle_assistance(request.user, request.access, request_obj):
        return request_obj
    if not handler and request_obj.requester_id == request.user.id:
        return request_obj
    raise Http404


@organizer_view()
def assistance_appointment(request, organizer_slug: str, request_id: int):
    """Staff or the facilitator set (or move) the TA call, on the cohort's wall clock."""
    request_obj = _request_or_404(request, request_id, handler=True)
    zone = zoneinfo.ZoneInfo(str(request_obj.cohort.time_zone))
    form = AssistanceAppointmentForm(request.POST or None, zone=zone, instance=request_obj)
    if request.method == "POST":
        if form.is_valid():
            try:
                moved = request_obj.has_appointment
                schedule_appointment(request_obj=request_obj, by=request.user, starts_at=form.cleaned_data["starts_at"],
                                     ends_at=form.cleaned_data["ends_at"], where=form.cleaned_data["where"])
                messages.success(request, f"The call is {'moved' if moved else 'set'}. "
                                          f"{request_obj.requester.display_name} gets the time and a calendar "
                                          "invitation by email.")
                return back(request, "assistance_detail", request_id=request_obj.id)
            except SessionsError as exc:
                form.add_error(None, str(exc))
    return render(request, "sessions_app/assistance_appointment.html", {
        "req": request_obj, "form": form, "zone": zone,
    }, status=400 if request.method == "POST" else 200)


@require_POST
@organizer_view()
def assistance_appointment_cancel(request, organizer_slug: str, request_id: int):
    request_obj = _request_or_404(request, request_id, handler=True)
    try:
        cancel_appointment(request_obj=request_obj, by=request.user)
        messages.success(request, f"The call is cancelled; {request_obj.requester.display_name} is told by email.")
    except SessionsError as exc:
        messages.error(request, str(exc))
    return back(request, "assistance_detail", request_id=request_obj.id)


@organizer_view()
def assistance_appointment_ics(request, organizer_slug: str, request_id: int):
    request_obj = _request_or_404(request, request_id, handler=False)
    if not request_obj.has_appointment:
        raise Http404
    body = ics.appointment_calendar(request_obj, invitation=False)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="technical-assistance-{request_obj.id}.ics"'
    return response
