from django.contrib import admin, messages
from django.shortcuts import redirect

from .models import Organizer
from .permissions import user_has_totp
from .selectors import staff_organizer_ids


class PraxisAdminSite(admin.AdminSite):
    """The admin, open to organizer admins and staff as well as superusers.

    What each person sees is limited by the organizer scope the middleware enters.
    """

    site_header = "Praxis administration"
    site_title = "Praxis admin"
    index_title = "Your organizers' data"

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
            return inner(request, *args, **kwargs)

        guarded.admin_site = self
        return guarded

    @staticmethod
    def _mfa_missing(request) -> bool:
        if request.user.is_superuser:
            return False
        ids = staff_organizer_ids(request.user)
        requires = Organizer.objects.filter(id__in=ids, require_staff_mfa=True).exists()
        return requires and not user_has_totp(request.user)
