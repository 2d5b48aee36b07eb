"""Signed one-click links that turn optional emails off (sessions' reminders, community posts).

The token is the credential (RFC 8058 clients POST without cookies), so it names its
organizer and expires: a link older than `max_age` asks the person to sign in instead.
"""

import datetime as dt

from django.core import signing

OPT_OUT_MAX_AGE = dt.timedelta(days=60)


class ExpiredLink(Exception):
    """A genuine link of this organizer, too old to act on."""


def opt_out_token(*, salt: str, organizer_id: int, **payload) -> str:
    return signing.dumps({**payload, "o": organizer_id}, salt=salt, compress=True)


def read_opt_out_token(token: str, *, salt: str, organizer_id: int, max_age: dt.timedelta = OPT_OUT_MAX_AGE) -> dict | None:
    """The payload of a valid token of this organizer; None for a forged or foreign one.
    Raises ExpiredLink for a genuine one older than `max_age`."""
    try:
        data = signing.loads(token, salt=salt, max_age=max_age)
    except signing.SignatureExpired:
        data = signing.loads(token, salt=salt)
        if isinstance(data, dict) and data.get("o") == organizer_id:
            raise ExpiredLink
        return None
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("o") != organizer_id:
        return None
    return data
