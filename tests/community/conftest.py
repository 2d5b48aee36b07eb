"""A small world: an organizer with a program (two cohorts, one with an affinity group),
another program, each kind of space, and a person for every relation to them."""

from dataclasses import dataclass, field

import pytest

from cohorts.models import Enrollment
from organizers.roles import Role
from tests.factories import AffinityGroupFactory, CohortFactory, FacilitatorFactory, ProgramFactory, UserFactory, member

from .factories import cohort_space, group_member, group_space, participant, program_facilitator, program_space

S = Enrollment.Status


@dataclass
class World:
    organizer: object
    spaces: dict = field(default_factory=dict)
    people: dict = field(default_factory=dict)


@pytest.fixture
def world(organizer, other_organizer, staff_user):
    from django_scopes import scopes_disabled

    from community import services
    from sessions_app.services.sessions import grant_facilitation

    program, other_program = ProgramFactory(organizer=organizer), ProgramFactory(organizer=organizer)
    cohort, later_cohort = CohortFactory(program=program), CohortFactory(program=program)
    other_cohort = CohortFactory(program=other_program)
    group = AffinityGroupFactory(cohort=cohort, name="People of colour caucus")
    w = World(organizer=organizer)
    w.spaces = {
        "cohort": cohort_space(cohort, title="Cohort space"),
        "group": group_space(group, title="Caucus space"),
        "program": program_space(program, title="Community of practice"),
        "other program": program_space(other_program, title="Other community"),
    }
    cohort_facilitator = member(organizer, Role.FACILITATOR)
    with scopes_disabled():
        grant_facilitation(cohort=cohort, user=cohort_facilitator)
    group_facilitator = member(organizer, Role.FACILITATOR)
    with scopes_disabled():
        group.facilitators.add(FacilitatorFactory(organizer=organizer, user=group_facilitator))
    alumnus = participant(cohort, S.COMPLETED)
    joined_alumnus = participant(cohort, S.COMPLETED)
    later = participant(later_cohort)
    for person in (joined_alumnus, later):
        services.join(space=w.spaces["program"], person=person)
    other_alumnus = participant(other_cohort, S.COMPLETED)
    services.join(space=w.spaces["other program"], person=other_alumnus)
    invited = UserFactory()
    services.invite(space=w.spaces["cohort"], person=invited, by=staff_user)
    w.people = {
        "participant": participant(cohort),
        "caucus member": group_member(group),
        "alumnus (not joined)": alumnus,
        "alumnus (joined)": joined_alumnus,
        "later cohort (joined)": later,
        "cancelled participant": participant(cohort, S.CANCELLED),
        "waitlisted person": participant(cohort, S.WAITLISTED),
        "offered a seat": participant(cohort, S.OFFERED),
        "alumnus of another program": other_alumnus,
        "invited guest": invited,
        "cohort facilitator": cohort_facilitator,
        "group facilitator": group_facilitator,
        "program facilitator": program_facilitator(program),
        "staff": staff_user,
        "other organizer's staff": member(other_organizer, Role.STAFF),
        "stranger": UserFactory(),
    }
    return w


# Which spaces each person may open (the rule, written out by hand).
EXPECTED = {
    "participant": {"cohort"},
    "caucus member": {"cohort", "group"},
    "alumnus (not joined)": {"cohort"},
    "alumnus (joined)": {"cohort", "program"},
    "later cohort (joined)": {"program"},
    "cancelled participant": set(),
    "waitlisted person": set(),
    "offered a seat": set(),
    "alumnus of another program": {"other program"},
    "invited guest": {"cohort"},
    "cohort facilitator": {"cohort", "program"},
    "group facilitator": {"group"},
    "program facilitator": {"cohort", "program"},
    "staff": {"cohort", "group", "program", "other program"},
    "other organizer's staff": set(),
    "stranger": set(),
}
MODERATES = {
    "cohort facilitator": {"cohort", "program"},
    "group facilitator": {"group"},
    "program facilitator": {"cohort", "program"},
    "staff": {"cohort", "group", "program", "other program"},
}
