"""View guards for tenant pages.

An outsider gets 404, never 403: a 403 would confirm that the object exists.
Anonymous visitors to member pages are sent to the login page first.
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import redirect

from .roles import Capability


def needs_mfa_setup(request) -> bool:
    """True when the organizer requires two-factor for staff and this staff member has none."""
    organizer = getattr(request, "organizer", None)
    if organizer is None or not organizer.require_staff_mfa or not request.access.is_staff:
        return False
    return not user_has_totp(request.user)


def user_has_totp(user) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def organizer_view(*, capability: Capability | None = None, login: bool = True):
    """Guard a view under /<organizer-slug>/.

    `login`: the page is for signed-in people. `capability`: the page needs this
    capability at the current organizer (the view may check object grants too).
    """

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.organizer is None:
                raise Http404
            if (login or capability) and not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if capability is not None:
                if not request.access.can(capability):
                    raise Http404
                if needs_mfa_setup(request):
                    messages.warning(request, f"{request.organizer.name} asks staff to set up two-factor authentication first.")
                    return redirect("mfa_activate_totp")
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
