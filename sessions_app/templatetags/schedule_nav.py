from django import template

from sessions_app.selectors.sessions import knows_organizer

register = template.Library()


@register.simple_tag
def has_schedule_at(user, organizer) -> bool:
    """Whether the nav offers "Schedule": the page answers 404 to people with no tie to the organizer."""
    return knows_organizer(user, organizer)
