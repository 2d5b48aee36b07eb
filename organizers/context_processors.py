from .selectors import organizers_of, staff_organizer_ids


def organizer_context(request):
    """The current organizer and, lazily, the viewer's organizers and admin access, for the nav."""
    user = getattr(request, "user", None)
    signed_in = bool(user and user.is_authenticated)
    return {
        "current_organizer": getattr(request, "organizer", None),
        "access": getattr(request, "access", None),
        "my_organizers": lambda: organizers_of(user) if signed_in else [],
        "can_use_admin": lambda: signed_in and (user.is_superuser or bool(staff_organizer_ids(user))),
    }
