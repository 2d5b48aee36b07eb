"""Helpers for the community tests: spaces, people in every relation to them, posts through the services."""

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django_scopes import scope, scopes_disabled

from cohorts.models import Enrollment
from community import selectors, services
from community.models import Space
from library.uploads import check_upload
from tests.factories import (
    AffinityGroupFactory,
    AffinityMembershipFactory,
    CohortFactory,
    EnrollmentFactory,
    FacilitatorFactory,
    ProgramFactory,
    ScopedFactory,
    UserFactory,
)


class SpaceFactory(ScopedFactory):
    class Meta:
        model = Space

    cohort = factory.SubFactory(CohortFactory)
    organizer = factory.SelfAttribute("cohort.organizer")
    kind = Space.Kind.COHORT
    title = factory.Sequence(lambda n: f"Cohort space {n}")


def cohort_space(cohort=None, **fields) -> Space:
    return SpaceFactory(cohort=cohort or CohortFactory(), **fields)


def group_space(group=None, **fields) -> Space:
    group = group or AffinityGroupFactory()
    return SpaceFactory(kind=Space.Kind.AFFINITY_GROUP, affinity_group=group, cohort=group.cohort, **fields)


def program_space(program=None, **fields) -> Space:
    program = program or ProgramFactory()
    return SpaceFactory(kind=Space.Kind.PROGRAM, program=program, cohort=None, organizer=program.organizer, **fields)


def participant(cohort, status=Enrollment.Status.CONFIRMED, person=None, **user_fields):
    return EnrollmentFactory(cohort=cohort, status=status, person=person or UserFactory(**user_fields)).person


def group_member(group, **user_fields):
    person = participant(group.cohort, **user_fields)
    AffinityMembershipFactory(group=group, person=person)
    return person


def program_facilitator(program, **user_fields):
    person = UserFactory(**user_fields)
    profile = FacilitatorFactory(organizer=program.organizer, user=person)
    with scopes_disabled():
        program.facilitators.add(profile)
    return person


def access(space, user):
    with scope(organizer=space.organizer_id):
        return selectors.access_to(space_id=space.pk, organizer=space.organizer, user=user)


def start(space, author, title="A question", body="What worked for you?", **kwargs):
    with scope(organizer=space.organizer_id):
        return services.start_thread(access=access(space, author), author=author, title=title, body=body,
                                     accept_guidelines=True, **kwargs)


def reply(thread, author, body="Here is what we did.", **kwargs):
    with scope(organizer=thread.organizer_id):
        return services.reply(thread=thread, access=access(thread.space, author), author=author, body=body,
                              accept_guidelines=True, **kwargs)


def text_file(name="notes.txt", content=b"Our agreements, in plain text.\n"):
    upload = SimpleUploadedFile(name, content, content_type="text/plain")
    return upload, check_upload(upload)


def cancel(enrollment):
    """Cancel through the enrollment lifecycle, the only writer of Enrollment.status."""
    from cohorts import lifecycle

    with scope(organizer=enrollment.organizer_id):
        return lifecycle.cancel(enrollment=enrollment, by=None)
