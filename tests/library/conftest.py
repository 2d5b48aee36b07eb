"""A small world for the library's audience rules: two programs, an affinity group, one
resource per audience, and a person for each kind of viewer."""

from dataclasses import dataclass, field

import pytest
from django.core.files.base import ContentFile
from django_scopes import scopes_disabled

from cohorts.models import Enrollment
from library import services
from library.models import Resource
from organizers.roles import Role
from tests.factories import (
    AffinityGroupFactory,
    AffinityMembershipFactory,
    CohortFactory,
    EnrollmentFactory,
    FacilitatorFactory,
    ProgramFactory,
    member,
)
from tests.library.factories import (
    CollectionFactory,
    CollectionItemFactory,
    ResourceFactory,
)

AUDIENCES = ["public", "enrolled", "program", "cohort", "affinity", "staff"]

# Which resources each kind of viewer may see (the rule under test, written out by hand).
EXPECTED = {
    "anonymous": {"public"},
    "other organizer's staff": {"public"},
    "waitlisted person": {"public"},
    "participant of another program": {"public", "enrolled"},
    "participant of the chosen program": {"public", "enrolled", "program", "cohort"},
    "affinity group member": {"public", "enrolled", "program", "cohort", "affinity"},
    "enrolled non-member of the group": {"public", "enrolled", "program", "cohort"},
    "affinity group facilitator": {"public", "affinity"},
    "staff": set(AUDIENCES),
}
# People who keep a library (bookmarks) at the organizer: its members and participants.
HAS_LIBRARY = {
    "participant of another program", "participant of the chosen program", "affinity group member",
    "enrolled non-member of the group", "affinity group facilitator", "staff",
}


@dataclass
class World:
    organizer: object
    other: object
    viewers: dict = field(default_factory=dict)
    resources: dict = field(default_factory=dict)
    collection: object = None


def _with_file(resource: Resource, text: bytes) -> Resource:
    with scopes_disabled():
        resource.file.save("handout.txt", ContentFile(text), save=False)
        resource.original_filename = "handout.txt"
        resource.content_type = "text/plain"
        resource.file_size = len(text)
        resource.save()
    return resource


@pytest.fixture
def world(organizer, other_organizer, staff_user):
    program, other_program = ProgramFactory(organizer=organizer), ProgramFactory(organizer=organizer)
    cohort = CohortFactory(program=program)
    other_cohort = CohortFactory(program=other_program)
    group = AffinityGroupFactory(cohort=cohort, name="People of colour caucus")

    def enrolled(cohort, status=Enrollment.Status.CONFIRMED):
        return EnrollmentFactory(cohort=cohort, status=status).person

    group_member = enrolled(cohort, Enrollment.Status.COMPLETED)
    AffinityMembershipFactory(group=group, person=group_member)
    facilitator_user = member(organizer, Role.FACILITATOR)
    facilitator = FacilitatorFactory(organizer=organizer, user=facilitator_user)
    with scopes_disabled():
        group.facilitators.add(facilitator)
    w = World(organizer=organizer, other=other_organizer)
    w.viewers = {
        "anonymous": None,
        "other organizer's staff": member(other_organizer, Role.STAFF),
        "waitlisted person": enrolled(cohort, Enrollment.Status.WAITLISTED),
        "participant of another program": enrolled(other_cohort),
        "participant of the chosen program": enrolled(cohort),
        "affinity group member": group_member,
        "enrolled non-member of the group": enrolled(cohort),
        "affinity group facilitator": facilitator_user,
        "staff": staff_user,
    }
    audience = {
        "public": Resource.Audience.PUBLIC, "enrolled": Resource.Audience.ENROLLED,
        "program": Resource.Audience.PROGRAMS, "cohort": Resource.Audience.PROGRAMS,
        "affinity": Resource.Audience.AFFINITY_GROUP, "staff": Resource.Audience.STAFF,
    }
    w.collection = CollectionFactory(organizer=organizer, title="Reading list for session 1", program=program)
    for position, name in enumerate(AUDIENCES):
        resource = ResourceFactory(
            organizer=organizer, title=f"Healing handout for {name} audience", audience=audience[name],
            audience_affinity_group=group if name == "affinity" else None,
        )
        with scopes_disabled():
            if name == "program":
                resource.audience_programs.add(program)
            if name == "cohort":
                resource.audience_cohorts.add(cohort)
        w.resources[name] = _with_file(resource, f"Handout text for {name}.\n".encode())
        CollectionItemFactory(collection=w.collection, resource=resource, position=position)
    # The same title in another organizer, public: never part of A's pages.
    ResourceFactory(organizer=other_organizer, title="Healing handout for another organizer")
    services.refresh_search_vectors(resource_ids=[r.pk for r in w.resources.values()])
    return w
