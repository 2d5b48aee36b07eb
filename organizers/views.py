from django.contrib import messages
from django.shortcuts import redirect, render

from core.page_cache import cache_anonymous_page

from .selectors import published_organizers
from .permissions import organizer_view
from .roles import Capability


def home(request):
    return render(request, "organizers/home.html", {"organizers": published_organizers()})


@organizer_view(login=False)
@cache_anonymous_page
def landing(request, organizer_slug: str):
    return render(request, "organizers/landing.html", {"organizer": request.organizer})


@organizer_view(capability=Capability.USE_ADMIN)
def staff_alerts(request, organizer_slug: str):
    """Each staff member chooses how they hear of new requests, proposals and applications."""
    from notifications import alerts
    from notifications.models import StaffAlertPreference

    modes = StaffAlertPreference.Mode
    error = ""
    if request.method == "POST":
        mode = request.POST.get("mode", "")
        if mode in modes.values:
            alerts.set_mode(organizer=request.organizer, user=request.user, mode=mode)
            messages.success(request, "Saved: " + modes(mode).label + ".")
            return redirect("organizers:staff_alerts", organizer_slug=organizer_slug)
        error = "Choose one of the options."
    current = alerts.mode_of(request.organizer, request.user)
    return render(request, "organizers/staff_alerts.html", {
        "choices": [{"value": value, "label": label, "checked": value == current} for value, label in modes.choices],
        "kinds": list(alerts.KINDS.values()), "error": error,
    }, status=400 if error else 200)
