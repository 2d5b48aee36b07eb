from django.shortcuts import render

from core.page_cache import cache_anonymous_page

from .selectors import published_organizers
from .permissions import organizer_view


def home(request):
    return render(request, "organizers/home.html", {"organizers": published_organizers()})


@organizer_view(login=False)
@cache_anonymous_page
def landing(request, organizer_slug: str):
    return render(request, "organizers/landing.html", {"organizer": request.organizer})
