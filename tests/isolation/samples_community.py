"""Isolation samples for community spaces: every object belongs to a space of organizer A
that only A's people may open (organizer B's roles and anonymous visitors get 404 or the
login page). Members of A who may not open a space are tested in tests/community/test_membership.py."""

from django.core.files.base import ContentFile
from django_scopes import scopes_disabled

from community import services
from tests.community.factories import cohort_space, participant, program_space, start
from tests.factories import CohortFactory, ProgramFactory, UserFactory

from . import no_arguments, sample

sample("community:index")(no_arguments)


def _space(organizer) -> dict:
    return {"space_id": cohort_space(CohortFactory(program__organizer=organizer)).pk}


for _name in ("community:space", "community:new_thread", "community:leave", "community:settings",
              "community:directory", "community:reports", "community:summary"):
    sample(_name)(_space)


@sample("community:join")
def joinable(organizer):
    return {"space_id": program_space(ProgramFactory(organizer=organizer)).pk}


def _thread(organizer):
    space = cohort_space(CohortFactory(program__organizer=organizer))
    return start(space, participant(space.cohort))


for _name in ("community:thread", "community:reply", "community:moderate"):
    sample(_name)(lambda organizer: {"thread_id": _thread(organizer).pk})


def _post(organizer) -> dict:
    thread = _thread(organizer)
    with scopes_disabled():
        post = thread.posts.get()
        post.attachment.save("notes.txt", ContentFile(b"notes"), save=False)
        post.attachment_name = "notes.txt"
        post.save()
    return {"post_id": post.pk}


for _name in ("community:edit_post", "community:delete_post", "community:report_post", "community:hide_post",
              "community:attachment"):
    sample(_name)(_post)


@sample("community:unsubscribe", public=True)
def unsubscribe(organizer):
    space = cohort_space(CohortFactory(program__organizer=organizer))
    return {"token": services.unsubscribe_token(space=space, person=UserFactory())}
