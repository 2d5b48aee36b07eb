from django.urls import path

from . import views

app_name = "organizers"

# Mounted under /<organizer_slug>/ by config/urls.py.
urlpatterns = [
    path("", views.landing, name="landing"),
    path("alerts/", views.staff_alerts, name="staff_alerts"),
]
