"""Signed links for people someone else named (team members), and the account they get
when they accept.

One mechanism for both places a lead names other people: a team application
(`applications`) and an open cohort's team registration (`cohorts`). The link carries
the row's id and its organizer, signed with a salt of the caller's own, so a link for
one kind of row, one row or one organizer never opens another; it expires after
`MAX_AGE`. Accepting creates the account on the way when the address has none: the
link reached that mailbox, so the address is verified.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.core import signing
from django.db import transaction

MAX_AGE = dt.timedelta(days=60)

EXPIRED = "This link has expired. Ask the person who named you to send it again."
INVALID = "This link is not valid. Open the link from your email as it is, or ask for a new one."


class InvalidInvitation(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def invitation_token(*, salt: str, pk: int, organizer_id: int) -> str:
    return signing.dumps({"m": pk, "o": organizer_id}, salt=salt)


def invitation_pk(token: str, *, salt: str, organizer_id: int, max_age: dt.timedelta = MAX_AGE) -> int:
    """The row id a link names, or InvalidInvitation (expired, tampered, another organizer's)."""
    try:
        payload = signing.loads(token, salt=salt, max_age=max_age)
    except signing.SignatureExpired:
        raise InvalidInvitation(EXPIRED) from None
    except signing.BadSignature:
        raise InvalidInvitation(INVALID) from None
    if not isinstance(payload, dict) or payload.get("o") != organizer_id or not isinstance(payload.get("m"), int):
        raise InvalidInvitation(INVALID)
    return payload["m"]


def account_for(*, email: str, full_name: str = ""):
    """The account with this email (any case), created, with the address verified, if missing."""
    users = get_user_model().objects
    found = users.filter(email__iexact=email).first()
    if found is not None:
        return found
    from allauth.account.models import EmailAddress

    with transaction.atomic():
        user = users.create_user(email=email, full_name=full_name)
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user
