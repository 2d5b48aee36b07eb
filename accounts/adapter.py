"""allauth's emails in Praxis's voice: signed with the site's name, never a bare host."""

from types import SimpleNamespace
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings

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
