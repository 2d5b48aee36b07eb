"""Writes and reads of private calendar feeds (/feeds/<token>.ics): the token is the credential."""

import hashlib
import secrets

from django.db import transaction
from django.utils import timezone
from django_scopes import scopes_disabled

from cohorts.models import Cohort
from organizers.selectors import is_staff_at

from .. import ics
from ..models import CalendarFeed
from ..selectors.assistance import appointments_for
from ..selectors.office_hours import booked_office_hours
from ..selectors.sessions import facilitates_cohort, is_enrolled, may_join_session, visible_sessions
from . import SessionsError


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()



@transaction.atomic
def create_calendar_feed(*, user, cohort: Cohort | None = None) -> str:
    """Make a new private feed (revoking the previous one of the same kind); returns the token once."""
    if cohort is not None and not (
        is_enrolled(user, cohort) or is_staff_at(user, cohort.organizer_id)
        or facilitates_cohort(user, cohort)
    ):
        raise SessionsError("Cohort feeds are for people enrolled in the cohort and its staff.")
    revoke_calendar_feed(user=user, cohort=cohort)
    token = secrets.token_urlsafe(32)
    CalendarFeed.objects.create(user=user, cohort=cohort, token_hash=hash_token(token))
    return token



def revoke_calendar_feed(*, user, cohort: Cohort | None = None) -> int:
    return CalendarFeed.objects.filter(user=user, cohort=cohort, revoked_at__isnull=True).update(revoked_at=timezone.now())



def feed_by_token(token: str) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(token_hash=hash_token(token), revoked_at__isnull=True).select_related("user").first()



def feed_calendar(feed: CalendarFeed) -> bytes | None:
    """The feed's ICS, or None when it no longer grants anything (e.g. left the cohort)."""
    user = feed.user
    with scopes_disabled():
        sessions = visible_sessions(user).select_related("cohort__program", "organizer")
        if feed.cohort_id:
            cohort = feed.cohort
            allowed = (is_enrolled(user, cohort) or is_staff_at(user, cohort.organizer_id)
                       or facilitates_cohort(user, cohort))
            if not allowed:
                return None
            sessions = sessions.filter(cohort=cohort)
            name = f"{cohort.program.title}: {cohort.title}"
            bookings, appointments = [], []
        else:
            name = f"Praxis schedule of {user.display_name}"
            bookings, appointments = booked_office_hours(user), appointments_for(user)
        sessions = sessions.order_by("starts_at")
        return ics.sessions_calendar(name, sessions, show_video=lambda s: may_join_session(user, s),
                                     bookings=bookings, appointments=appointments)
