from .selectors import organizers_of


def organizer_context(request):
    """The current organizer and the viewer's organizers, for the nav."""
    return {
        "current_organizer": getattr(request, "organizer", None),
        "access": getattr(request, "access", None),
        "my_organizers": lambda: organizers_of(request.user) if hasattr(request, "user") else [],
    }
