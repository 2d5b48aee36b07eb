from django.urls import path  # noqa: F401

app_name = "sessions_app"

# Mounted under /<organizer_slug>/ by config/urls.py.
urlpatterns: list = []
