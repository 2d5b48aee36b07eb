"""Isolation samples for the read API (api/views.py) and its token page.

Private endpoints answer 401 without a live token of their own organizer; tests/api/
checks every endpoint with no token, the right token and another organizer's token.
"""

from django_scopes import scopes_disabled

from api import services
from tests.factories import CohortFactory, ProgramFactory, member
from organizers.roles import Role

from . import no_arguments, sample

for _name in ("list_enrollments", "list_attendance", "list_applications"):
    sample(f"api:{_name}")(no_arguments)
for _name in ("list_programs", "list_cohorts", "list_library"):
    sample(f"api:{_name}", public=True)(no_arguments)


@sample("api:get_program", public=True)
def program(organizer):
    return {"program_id": ProgramFactory(organizer=organizer).id}


@sample("api:list_sessions", public=True)
def sessions(organizer):
    return {"cohort_id": CohortFactory(program__organizer=organizer).id}


sample("api_tokens:tokens")(no_arguments)


@sample("api_tokens:revoke")
def token(organizer):
    with scopes_disabled():
        created, _ = services.create_token(organizer=organizer, name="CRM", by=member(organizer, Role.ADMIN))
    return {"token_id": created.id}
