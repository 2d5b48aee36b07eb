"""The organizer admins' page for API tokens: create (the secret is shown once), list, revoke."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from core.urls import absolute_url
from organizers.permissions import organizer_view
from organizers.roles import Capability

from . import services
from .models import ApiToken


@organizer_view(capability=Capability.MANAGE_ORGANIZER)
def tokens(request, organizer_slug: str):
    created = None
    error = ""
    if request.method == "POST":
        name = request.POST.get("name", "").strip()
        if not name:
            error = "Name the token, e.g. after the system that will use it."
        elif len(name) > 100:
            error = "Keep the name under 100 characters."
        else:
            token, raw = services.create_token(organizer=request.organizer, name=name, by=request.user)
            created = {"token": token, "raw": raw}
    base = absolute_url(reverse("api:list_programs", kwargs={"organizer_slug": organizer_slug}), request=request)
    return render(request, "api/tokens.html", {
        "tokens": ApiToken.objects.filter(organizer=request.organizer).select_related("created_by"),
        "created": created, "error": error, "name": request.POST.get("name", "") if error else "",
        "api_base": base.rsplit("/programs", 1)[0], "docs": reverse("api:openapi-view"),
    }, status=400 if error else 200)


@require_POST
@organizer_view(capability=Capability.MANAGE_ORGANIZER)
def revoke(request, organizer_slug: str, token_id: int):
    token = get_object_or_404(ApiToken, id=token_id)
    services.revoke_token(token=token)
    messages.success(request, f"The token “{token.name}” no longer works.")
    return redirect("api_tokens:tokens", organizer_slug=organizer_slug)
