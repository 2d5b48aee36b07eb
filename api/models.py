"""Organizer API tokens: created and revoked by the organizer's admins, stored only as a SHA-256."""

from django.conf import settings
from django.db import models

from organizers.models import TenantModel


class ApiToken(TenantModel):
    name = models.CharField(max_length=100, help_text="What the token is for, e.g. 'CRM sync'.")
    token_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8, help_text="The first characters, to tell tokens apart.")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        # The throttle keys its counter on this: one counter per token, never the secret.
        return f"api-token-{self.pk}"
