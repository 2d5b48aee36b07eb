"""Pieces other apps' pages show: a program's frameworks, and a team's workplan in a check-in."""

from django import template

from .. import selectors

register = template.Library()


@register.simple_tag
def program_frameworks(program) -> list[dict]:
    return selectors.frameworks_for_program(program)


@register.inclusion_tag("frameworks/_checkin_workplans.html", takes_context=True)
def checkin_workplans(context, round_):
    """On a check-in page: the viewer's team workplans in that cohort, their progress and whether the team answered."""
    request = context["request"]
    rows = [row for row in selectors.checkin_workplans(round_)
            if selectors.can_edit_workplan(request.user, request.access, row["workplan"])]
    return {"rows": rows, "round": round_, "current_organizer": context.get("current_organizer")}
