from django.urls import path

from .views import feeds

app_name = "feeds"

# Calendar feeds under /feeds/: a private token is the credential (no login).
urlpatterns = [
    path("<str:token>.ics", feeds.calendar_feed, name="calendar"),
]
