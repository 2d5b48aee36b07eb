from django.contrib import admin
from django.http import HttpResponse
from django.urls import include, path

from billing import views as billing_views
from api.views import api as api_v1
from organizers import views as organizer_views


def healthz(request):
    return HttpResponse("ok", content_type="text/plain")


# Everything under /<organizer_slug>/ belongs to one organizer; the slug is resolved
# (or 404s) in organizers.middleware.OrganizerMiddleware before any view runs.
tenant_patterns = [
    path("", include("organizers.urls")),
    path("", include("cohorts.urls")),
    path("", include("applications.urls")),
    path("", include("sessions_app.urls")),
    path("library/", include("library.urls")),
    path("billing/", include("billing.urls")),
    path("", include("reports.urls")),
    path("", include("api.urls")),
    path("community/", include("community.urls")),
    path("", include("frameworks.urls")),
]

urlpatterns = [
    path("", organizer_views.home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/v1/", api_v1.urls),
    path("accounts/", include("allauth.urls")),
    path("account/", include("accounts.urls")),
    path("me/", include("cohorts.me_urls")),
    path("me/", include("reports.me_urls")),
    path("me/", include("privacy.me_urls")),
    path("api/stripe/webhook/", billing_views.stripe_webhook, name="stripe_webhook"),
    path("feeds/", include("sessions_app.feed_urls")),
    path("<slug:organizer_slug>/", include(tenant_patterns)),
]
