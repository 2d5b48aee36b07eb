"""allauth's emails in Praxis's voice: signed with the site's name, never a bare host."""

from types import SimpleNamespace
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.utils.http import url_has_allowed_host_and_scheme, urlencode

from core.urls import base_url


def site_identity(request=None) -> SimpleNamespace:
    """What allauth calls `current_site`: the organizer's name on an organizer's page,
    otherwise the site's (PRAXIS_SITE_NAME); the domain is the site's address."""
    organizer = getattr(request, "organizer", None) if request is not None else None
    name = organizer.name if organizer is not None else settings.PRAXIS_SITE_NAME
    return SimpleNamespace(name=name, domain=urlsplit(base_url()).netloc)


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        from allauth.core import context as allauth_context

        request = allauth_context.request
        user = context.get("user")
        msg = self.render_mail(template_prefix, email, {
            "request": request, "email": email, "current_site": site_identity(request),
            "person_name": getattr(user, "display_name", "") if user is not None else "",
            **context,
        })
        msg.send()

    def get_email_confirmation_url(self, request, emailconfirmation) -> str:
        """The emailed link carries the page the person set out for (the `next` of the
        sign-up or sign-in form), so confirming leads back there in any browser: the
        confirmation page keeps it in its form, and allauth follows it once confirmed."""
        url = super().get_email_confirmation_url(request, emailconfirmation)
        going_to = _next_of(request)
        return f"{url}?{urlencode({'next': going_to})}" if going_to else url


def _next_of(request) -> str:
    """The request's `next`, when it is a path on this site (never another host)."""
    if request is None:
        return ""
    going_to = request.POST.get("next") or request.GET.get("next") or ""
    if not going_to.startswith("/") or going_to.startswith("//"):
        return ""
    return going_to if url_has_allowed_host_and_scheme(going_to, allowed_hosts=None) else ""
