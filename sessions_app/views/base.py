"""What every page of the sessions area shares: finding the object or answering 404, going back."""

from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse

from ..models import Session
from ..selectors.sessions import can_run_session, can_see_session, knows_organizer


def session_or_404(request, session_id: int) -> Session:
    session = get_object_or_404(
        Session.objects.select_related("cohort__program", "module", "affinity_group"), id=session_id
    )
    if not can_see_session(request.user, session):
        raise Http404
    return session



def runnable_session_or_404(request, session_id: int) -> Session:
    session = get_object_or_404(Session.objects.select_related("cohort__program", "module", "affinity_group"), id=session_id)
    if not can_run_session(request.user, session):
        raise Http404
    return session



def known_or_404(request) -> None:
    if not knows_organizer(request.user, request.organizer):
        raise Http404



def back(request, name: str, **kwargs):
    return redirect(reverse(f"sessions_app:{name}", kwargs={"organizer_slug": request.organizer.slug, **kwargs}))
