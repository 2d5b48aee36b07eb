"""One way to write a moment for people: in a named zone, the zone always said.

`format_when(dt, zone)` -> "Tue 3 Dec 2024, 10:00 CET". `zone` is a ZoneInfo, a zone
name, or None for the active zone (the viewer's on pages, see OrganizerMiddleware).
Abbreviations that are only an offset ("+03") are replaced by the zone's name.

`relative_when(dt, zone, now=...)` says how far away a moment is, counted on the
reader's calendar ("today at 16:30 CET, in 6 hours 30 minutes", "tomorrow, Tue 3 Dec
at 10:00 CET", "in 55 minutes, at 10:00 CET"): reminders use it, never a fixed label.
"""

import datetime as dt
import zoneinfo

from django.utils import timezone

DATE_TIME = "%a %-d %b %Y, %H:%M"


def as_zone(zone) -> dt.tzinfo:
    if zone is None or zone == "":
        return timezone.get_current_timezone()
    if isinstance(zone, dt.tzinfo):
        return zone
    return zoneinfo.ZoneInfo(str(zone))


def zone_label(local: dt.datetime) -> str:
    """The abbreviation readers know (CET, CDT) or, where a zone has none, its name."""
    abbreviation = local.tzname() or ""
    if abbreviation.isalpha():
        return abbreviation
    key = getattr(local.tzinfo, "key", None)
    return key or f"UTC{abbreviation}"


def localize(moment: dt.datetime, zone) -> dt.datetime:
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=dt.timezone.utc)
    return moment.astimezone(as_zone(zone))


def format_when(moment, zone=None, *, with_zone: bool = True, fmt: str = DATE_TIME) -> str:
    if moment is None or moment == "":
        return ""
    if not isinstance(moment, dt.datetime):  # a plain date has no zone to name
        return moment.strftime("%a %-d %b %Y")
    local = localize(moment, zone)
    text = local.strftime(fmt)
    return f"{text} {zone_label(local)}" if with_zone else text


def format_time(moment, zone=None, *, with_zone: bool = True) -> str:
    """Only the clock time: "10:00 CET"."""
    return format_when(moment, zone, with_zone=with_zone, fmt="%H:%M")


def format_span(starts_at, ends_at, zone=None) -> str:
    """"Tue 3 Dec 2024, 10:00–11:30 CET" (the end's date is given when it differs)."""
    start, end = localize(starts_at, zone), localize(ends_at, zone)
    if start.date() == end.date():
        return f"{start:{DATE_TIME}}–{end:%H:%M} {zone_label(end)}"
    return f"{format_when(start, zone)} – {format_when(end, zone)}"


def _duration(delta: dt.timedelta) -> str:
    minutes = max(1, round(delta.total_seconds() / 60))
    if minutes < 60:
        return f"{minutes} minute{'s' if minutes != 1 else ''}"
    minutes = 5 * round(minutes / 5)
    hours, rest = divmod(minutes, 60)
    text = f"{hours} hour{'s' if hours != 1 else ''}"
    return f"{text} {rest} minutes" if rest else text


def relative_when(moment: dt.datetime, zone=None, *, now: dt.datetime | None = None) -> str:
    now = now or timezone.now()
    local, local_now = localize(moment, zone), localize(now, zone)
    # In UTC: Python subtracts two datetimes sharing a tzinfo on the wall clock, DST ignored.
    delta = localize(moment, dt.timezone.utc) - localize(now, dt.timezone.utc)
    clock = f"{local:%H:%M} {zone_label(local)}"
    if delta < dt.timedelta(0):
        return f"started {format_when(moment, zone)}"
    days = (local.date() - local_now.date()).days
    if delta < dt.timedelta(hours=3):
        return f"in {_duration(delta)}, at {clock}"
    if days == 0:
        return f"today at {clock}, in {_duration(delta)}"
    if days == 1:
        return f"tomorrow, {local:%a %-d %b} at {clock}"
    if days < 7:
        return f"on {local:%A %-d %b} at {clock}, in {days} days"
    return f"on {local:%a %-d %b %Y} at {clock}"
