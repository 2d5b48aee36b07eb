from django.urls import path

from . import views

app_name = "feeds"

# Calendar feeds under /feeds/: a private token is the credential (no login).
urlpatterns = [
    path("<str:token>.ics", views.calendar_feed, name="calendar"),
]
