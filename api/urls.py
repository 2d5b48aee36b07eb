from django.urls import path

from . import token_views

app_name = "api_tokens"

# Mounted under /<organizer_slug>/ by config/urls.py.
urlpatterns = [
    path("api-tokens/", token_views.tokens, name="tokens"),
    path("api-tokens/<int:token_id>/revoke/", token_views.revoke, name="revoke"),
]
