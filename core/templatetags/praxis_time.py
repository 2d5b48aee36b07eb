"""`{% load praxis_time %}{{ session.starts_at|when:cohort.time_zone }}`: see core.timefmt."""

from django import template

from core import timefmt

register = template.Library()


@register.filter
def when(value, zone=None):
    """A moment in `zone` (empty: the viewer's zone), the zone named."""
    return timefmt.format_when(value, zone or None)


@register.filter
def when_time(value, zone=None):
    return timefmt.format_time(value, zone or None) if value else ""


@register.filter
def when_span(starts_at, ends_at):
    """`{{ starts|when_span:ends }}` in the active zone."""
    return timefmt.format_span(starts_at, ends_at) if starts_at and ends_at else ""


@register.filter
def span(item, zone=None):
    """`{{ session|span:cohort.time_zone }}`: "Tue 3 Dec 2024, 10:00–11:30 CET" (anything with starts_at/ends_at)."""
    return timefmt.format_span(item.starts_at, item.ends_at, zone or None) if item else ""


@register.filter
def when_relative(value, zone=None):
    return timefmt.relative_when(value, zone or None) if value else ""


@register.filter
def webcal(url: str) -> str:
    """A feed address as calendar apps subscribe to it: webcal:// instead of http(s)://."""
    for scheme in ("https://", "http://"):
        if url and url.startswith(scheme):
            return "webcal://" + url[len(scheme):]
    return url
