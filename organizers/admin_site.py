import re

from django.contrib import admin, messages
from django.contrib.admin.views.main import SEARCH_VAR
from django.shortcuts import redirect

from .models import Organizer
from .permissions import user_has_totp
from .selectors import staff_organizer_ids

MAX_SEARCH_CHARS = 200
MAX_SEARCH_WORDS = 20
DATE_PART = re.compile(r"__(year|iso_year|quarter|month|week|week_day|iso_week_day|day|hour|minute|second)$")


class PraxisAdminSite(admin.AdminSite):
    """The admin, open to organizer admins and staff as well as superusers.

    What each person sees is limited by the organizer scope the middleware enters.
    """

    site_header = "Praxis administration"
    site_title = "Praxis admin"
    index_title = "Your organizers' data"
    index_template = "workplace/admin_index.html"

    def index(self, request, extra_context=None):
        from workplace.selectors import needs_attention  # the home reads every app; they import this site

        organizer_ids = None if request.user.is_superuser else staff_organizer_ids(request.user)
        extra_context = {**(extra_context or {}), "attention": needs_attention(organizer_ids=organizer_ids)}
        return super().index(request, extra_context)

    def has_permission(self, request) -> bool:
        user = request.user
        if not (user.is_active and user.is_authenticated):
            return False
        return user.is_superuser or bool(staff_organizer_ids(user))

    def admin_view(self, view, cacheable=False):
        inner = super().admin_view(view, cacheable)

        def guarded(request, *args, **kwargs):
            if self.has_permission(request) and self._mfa_missing(request):
                messages.warning(request, "Your organizer requires two-factor authentication for staff. Set it up first.")
                return redirect("mfa_activate_totp")
            refused = self._refused_list_params(request)
            if refused:
                return refused
            return inner(request, *args, **kwargs)

        guarded.admin_site = self
        return guarded

    @staticmethod
    def _refused_list_params(request):
        """A search or a date filter the database cannot run is a message, not a 500.

        A 50,000-character search is a pattern too complex for SQLite's LIKE, 25,000
        words an expression tree too deep; a 40-digit year overflows the date
        arithmetic. Such parameters are dropped and the person is told why.
        """
        if request.method != "GET":
            return None
        problems, keep = [], request.GET.copy()
        search = request.GET.get(SEARCH_VAR, "")
        if len(search) > MAX_SEARCH_CHARS or len(search.split()) > MAX_SEARCH_WORDS:
            problems.append(f"Search for at most {MAX_SEARCH_WORDS} words and {MAX_SEARCH_CHARS} characters.")
            keep.pop(SEARCH_VAR)
        for key in list(keep):
            part = DATE_PART.search(key)
            if part and not all(re.fullmatch(r"\d{1,4}" if part[1] in ("year", "iso_year") else r"\d{1,2}", v)
                                for v in keep.getlist(key)):
                problems.append("That date is not one the list can show.")
                keep.pop(key)
        if not problems:
            return None
        for problem in dict.fromkeys(problems):
            messages.error(request, problem)
        return redirect(f"{request.path}?{keep.urlencode()}" if keep else request.path)

    @staticmethod
    def _mfa_missing(request) -> bool:
        if request.user.is_superuser:
            return False
        ids = staff_organizer_ids(request.user)
        requires = Organizer.objects.filter(id__in=ids, require_staff_mfa=True).exists()
        return requires and not user_has_totp(request.user)
