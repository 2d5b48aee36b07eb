"""Tenant resolution: /<organizer-slug>/... selects the organizer and its scope.

Everything a tenant page runs (views, template rendering, selectors) happens inside
`scope(organizer=...)`. The admin runs inside a scope of the organizers the person
is staff of (all of them for superusers). Pages outside both run with no scope, so
a query on a tenant model there raises instead of leaking.
"""

import zoneinfo

from django.http import Http404
from django.urls import Resolver404, resolve
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from core.prepared import PreparedQuery

from .models import Organizer
from .roles import NO_ACCESS
from .selectors import access_of, person_zone, staff_organizer_ids


# Every organizer page starts with this lookup; prepared once per process (core.prepared).
_organizer_by_slug = PreparedQuery(lambda slug: Organizer.objects.filter(slug=slug)[:1], params={"slug": str})


class OrganizerMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.organizer = None
        request.access = NO_ACCESS
        try:
            match = resolve(request.path_info)
        except Resolver404:
            match = None

        slug = match.kwargs.get("organizer_slug") if match else None
        if slug is not None:
            found = _organizer_by_slug.run(slug=slug)
            if not found:
                raise Http404("No such organizer.")
            organizer = found[0]
            request.organizer = organizer
            request.access = access_of(request.user, organizer)
            if not organizer.is_published and not request.access.is_member:
                raise Http404("No such organizer.")
            with self._viewer_time_zone(request, organizer.time_zone), scope(organizer=organizer.id):
                return self.get_response(request)

        if match is not None and match.app_name == "admin":
            return self._admin(request)
        with self._viewer_time_zone(request, None):
            return self.get_response(request)

    def _admin(self, request):
        user = request.user
        if user.is_authenticated and user.is_superuser:
            with scopes_disabled():
                return self.get_response(request)
        # A list, even an empty one, filters; None would switch the filter off.
        allowed = staff_organizer_ids(user) if user.is_authenticated else []
        with scope(organizer=allowed):
            return self.get_response(request)

    @staticmethod
    def _viewer_time_zone(request, fallback):
        # Organizer pages: the viewer's own zone, else the organizer's. Personal pages
        # (/me/, /account/): the viewer's zone, else the one their cohorts run in.
        user = request.user
        if getattr(user, "time_zone", None) or fallback:
            zone = user.time_zone if user.is_authenticated and user.time_zone else fallback
        else:
            zone = person_zone(user) if user.is_authenticated else zoneinfo.ZoneInfo("UTC")
        return timezone.override(zone)
