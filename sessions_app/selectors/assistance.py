"""Reads of technical assistance: the queue and who may handle a request."""

from django.db.models import QuerySet

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
