"""Reads of technical assistance: the queue and who may handle a request."""

from django.db.models import Q, QuerySet
from django_scopes import scopes_disabled

from ..models import AssistanceRequest
from .sessions import facilitates_cohort


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


def appointments_for(user, organizer=None, *, since=None) -> list[AssistanceRequest]:
    """Agreed TA calls a person takes part in (as the requester or the helper), across
    organizers unless one is given: for My schedule and the personal calendar feed."""
    if not user.is_authenticated:
        return []
    with scopes_disabled():
        rows = (AssistanceRequest.objects.filter(appointment_starts_at__isnull=False)
                .filter(Q(requester=user) | Q(assigned_to=user))
                .select_related("cohort__program", "organizer", "requester", "assigned_to")
                .order_by("appointment_starts_at"))
        if organizer is not None:
            rows = rows.filter(organizer=organizer)
        if since is not None:
            rows = rows.filter(appointment_ends_at__gte=since)
        return list(rows)
