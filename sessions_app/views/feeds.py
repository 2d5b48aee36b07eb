"""Calendar feed pages: making and switching off a feed, and the feed itself (no login)."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_POST
from django_scopes import scopes_disabled

from cohorts.models import Cohort
from core.urls import absolute_url
from organizers.permissions import organizer_view

from ..services import SessionsError
from ..services.feeds import create_calendar_feed, feed_by_token, feed_calendar, revoke_calendar_feed
from .base import back, known_or_404
from .sessions import schedule


def _cohort_from_post(request) -> Cohort | None:
    value = request.POST.get("cohort")
    if not value:
        return None
    try:
        return Cohort.objects.get(id=int(value))
    except (ValueError, Cohort.DoesNotExist):
        raise Http404 from None



@require_POST
@organizer_view()
def feed_create(request, organizer_slug: str):
    known_or_404(request)
    cohort = _cohort_from_post(request)
    try:
        token = create_calendar_feed(user=request.user, cohort=cohort)
    except SessionsError as exc:
        messages.error(request, str(exc))
        return back(request, "schedule")
    url = absolute_url(reverse("feeds:calendar", kwargs={"token": token}), request=request)
    messages.success(request, "Your new calendar feed is ready. Copy the address now: it is shown only once. "
                              "Any older address for this feed has stopped working.")
    return schedule(request, organizer_slug, new_feed_url=url, new_feed_cohort=cohort.id if cohort else None)



@require_POST
@organizer_view()
def feed_revoke(request, organizer_slug: str):
    known_or_404(request)
    cohort = _cohort_from_post(request)
    if revoke_calendar_feed(user=request.user, cohort=cohort):
        messages.success(request, "The calendar feed is switched off; calendars using its address get nothing more.")
    else:
        messages.info(request, "There was no calendar feed to switch off.")
    return back(request, "schedule")



def calendar_feed(request, token: str):
    with scopes_disabled():
        feed = feed_by_token(token)
        body = feed_calendar(feed) if feed else None
    if body is None:
        raise Http404
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    return response
