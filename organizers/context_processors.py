from functools import lru_cache

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

from core.assets import page_assets

from .selectors import organizers_of, staff_organizer_ids

_SITE_LINKS = {"home": "home", "my_programs": "me:programs", "profile": "accounts:profile",
               "login": "account_login", "signup": "account_signup", "logout": "account_logout", "admin": "admin:index"}
_ORGANIZER_LINKS = {"landing": "organizers:landing", "catalog": "cohorts:catalog", "applications": "applications:home",
                    "library": "library:index", "schedule": "sessions_app:schedule",
                    "dashboard": "reports:dashboard",
                    "community": "community:index",
                    "assessments": "frameworks:my_assessments", "workplans": "frameworks:workplans"}


@lru_cache(maxsize=1024)
def _links(script_prefix: str, urlconf: str, organizer_slug: str | None) -> dict[str, str]:
    # The same URLs on every page: reversed once per organizer and URLconf, not a
    # dozen times per page (each reverse() costs about as much as a bare view).
    links = {key: reverse(name, urlconf=urlconf) for key, name in _SITE_LINKS.items()}
    if organizer_slug is not None:
        kwargs = {"organizer_slug": organizer_slug}
        links.update({key: reverse(name, urlconf=urlconf, kwargs=kwargs) for key, name in _ORGANIZER_LINKS.items()})
    return links


def return_to(request) -> str:
    """Where "Sign in" and "Create account" bring the person back to: this page, or on
    the sign-in and sign-up pages themselves, the page those were opened for (their `next`)."""
    links = _links(get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF, None)
    if request.path in (links["login"], links["signup"]):
        return request.GET.get("next", "")
    return request.get_full_path()


def organizer_context(request):
    """The current organizer, the nav's links and, lazily, the viewer's organizers and admin access."""
    user = getattr(request, "user", None)
    signed_in = bool(user and user.is_authenticated)
    organizer = getattr(request, "organizer", None)
    return {
        "current_organizer": organizer,
        "assets": page_assets(),
        "links": _links(get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF,
                        organizer.slug if organizer is not None else None),
        "access": getattr(request, "access", None),
        "return_to": lambda: return_to(request),
        "my_organizers": lambda: organizers_of(user) if signed_in else [],
        "can_use_admin": lambda: signed_in and (user.is_superuser or bool(staff_organizer_ids(user))),
    }
