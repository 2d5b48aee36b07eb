"""Creating and revoking organizer API tokens; the secret is returned once and never stored."""

import hashlib
import secrets

from django.utils import timezone

from .models import ApiToken

PREFIX = "prx_"


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def create_token(*, organizer, name: str, by) -> tuple[ApiToken, str]:
    raw = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        organizer=organizer, name=name.strip()[:100] or "API token", token_hash=token_hash(raw),
        prefix=raw[: len(PREFIX) + 4], created_by=by,
    )
    return token, raw


def revoke_token(*, token: ApiToken, now=None) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = now or timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def authenticate(*, organizer, raw: str) -> ApiToken | None:
    """The live token of this organizer with this secret, or None (another organizer's token is None too)."""
    found = ApiToken.objects.filter(
        organizer=organizer, token_hash=token_hash(raw), revoked_at__isnull=True
    ).first()
    if found is not None:
        now = timezone.now()
        if found.last_used_at is None or (now - found.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
    return found
