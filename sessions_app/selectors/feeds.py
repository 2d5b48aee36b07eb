"""Reads of private calendar feeds."""

from ..models import CalendarFeed


def live_feed(user, cohort=None) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(user=user, cohort=cohort, revoked_at__isnull=True).first()
