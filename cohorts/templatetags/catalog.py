from django import template

from cohorts.selectors import published_programs as _published_programs

register = template.Library()


@register.simple_tag
def published_programs(organizer):
    """The organizer's published programs, for its landing page."""
    return _published_programs(organizer)
