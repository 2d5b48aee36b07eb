from django.shortcuts import render

from .selectors import published_organizers
from .permissions import organizer_view


def home(request):
    return render(request, "organizers/home.html", {"organizers": published_organizers()})


@organizer_view(login=False)
def landing(request, organizer_slug: str):
    return render(request, "organizers/landing.html", {"organizer": request.organizer})
