"""Affinity group pages: the list, a group, joining and leaving."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_POST

from ..models import AffinityGroup
from organizers.permissions import organizer_view

from ..models import Session
from ..selectors.groups import can_see_affinity_group
from ..selectors.sessions import enrolled_cohort_ids, is_enrolled
from ..services import SessionsError
from ..services.groups import join_affinity_group, leave_affinity_group
from .base import back, known_or_404


@organizer_view()
def groups(request, organizer_slug: str):
    known_or_404(request)
    cohort_ids = enrolled_cohort_ids(request.user)
    available = AffinityGroup.objects.filter(cohort_id__in=cohort_ids).select_related("cohort__program")
    if request.access.is_staff:
        available = AffinityGroup.objects.select_related("cohort__program")
    mine = set(request.user.affinity_memberships.values_list("group_id", flat=True))
    return render(request, "sessions_app/groups.html", {"groups": available, "mine": mine})



def _group_or_404(request, group_id: int) -> AffinityGroup:
    group = get_object_or_404(AffinityGroup.objects.select_related("cohort__program"), id=group_id)
    if not (can_see_affinity_group(request.user, group) or is_enrolled(request.user, group.cohort)):
        raise Http404
    return group



@organizer_view()
def group_detail(request, organizer_slug: str, group_id: int):
    group = _group_or_404(request, group_id)
    inside = can_see_affinity_group(request.user, group)
    context = {"group": group, "inside": inside,
               "is_member": group.members.filter(id=request.user.id).exists()}
    if inside:
        context["members"] = group.members.order_by("full_name")
        context["sessions"] = Session.objects.filter(affinity_group=group).select_related("note")
    return render(request, "sessions_app/group_detail.html", context)



@require_POST
@organizer_view()
def group_join(request, organizer_slug: str, group_id: int):
    group = _group_or_404(request, group_id)
    try:
        join_affinity_group(group=group, person=request.user)
        messages.success(request, f"You joined {group.name}.")
    except SessionsError as exc:
        messages.error(request, str(exc))
    return back(request, "group_detail", group_id=group.id)



@require_POST
@organizer_view()
def group_leave(request, organizer_slug: str, group_id: int):
    group = _group_or_404(request, group_id)
    try:
        leave_affinity_group(group=group, person=request.user)
        messages.success(request, f"You left {group.name}.")
    except SessionsError as exc:
        messages.error(request, str(exc))
    return back(request, "groups")
