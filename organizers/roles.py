"""What each role may do, decided in this one place.

Views and templates ask `request.access.can(Capability.X)`; the access object is
computed once per request by `OrganizerMiddleware`.
"""

from dataclasses import dataclass, field
from enum import StrEnum

from django.db import models


class Role(models.TextChoices):
    ADMIN = "admin", "Administrator"
    STAFF = "staff", "Staff"
    FACILITATOR = "facilitator", "Facilitator"
    REVIEWER = "reviewer", "Reviewer"
    # A planning-team partner's person (seed 001: Child Trends, CLASP, ...). Which teams
    # they support is decided per team in frameworks.selectors (support requests).
    PARTNER = "partner", "Planning-team partner"


class Capability(StrEnum):
    USE_ADMIN = "use_admin"  # configure the organizer's data in the Django admin
    MANAGE_ORGANIZER = "manage_organizer"  # settings and memberships
    MANAGE_PROGRAMS = "manage_programs"  # programs, cohorts, modules, sessions, fees
    MANAGE_PARTICIPANTS = "manage_participants"  # enrollments, waitlists, teams
    MANAGE_APPLICATIONS = "manage_applications"  # quotas, selection runs, offers
    REVIEW_APPLICATIONS = "review_applications"
    VIEW_DEMOGRAPHICS = "view_demographics"  # individual answers; only with the dedicated grant
    FACILITATE = "facilitate"  # rosters and notes; per cohort for facilitators (object grants)
    ANSWER_ASSISTANCE = "answer_assistance"
    MANAGE_LIBRARY = "manage_library"
    MANAGE_BILLING = "manage_billing"
    SUPPORT_TEAMS = "support_teams"  # partners: workplans of the teams they support (object scope in frameworks)


_STAFF_CAPABILITIES = frozenset(Capability) - {Capability.MANAGE_ORGANIZER, Capability.VIEW_DEMOGRAPHICS}
# Staff (the community lead) see every team's workplan through SUPPORT_TEAMS as well.

ROLE_CAPABILITIES: dict[str, frozenset[Capability]] = {
    Role.ADMIN: _STAFF_CAPABILITIES | {Capability.MANAGE_ORGANIZER},
    Role.STAFF: _STAFF_CAPABILITIES,
    Role.FACILITATOR: frozenset({Capability.FACILITATE, Capability.ANSWER_ASSISTANCE}),
    Role.REVIEWER: frozenset({Capability.REVIEW_APPLICATIONS}),
    Role.PARTNER: frozenset({Capability.SUPPORT_TEAMS}),
}

STAFF_ROLES = frozenset({Role.ADMIN, Role.STAFF})


@dataclass(frozen=True)
class OrganizerAccess:
    """What the current viewer may do at the current organizer."""

    organizer_id: int | None = None
    roles: frozenset[str] = field(default_factory=frozenset)
    capabilities: frozenset[Capability] = field(default_factory=frozenset)

    @property
    def is_member(self) -> bool:
        return bool(self.roles)

    @property
    def is_staff(self) -> bool:
        return bool(self.roles & STAFF_ROLES)

    def can(self, capability: Capability | str) -> bool:
        return Capability(capability) in self.capabilities

    def has_role(self, role: Role | str) -> bool:
        return role in self.roles


NO_ACCESS = OrganizerAccess()


def access_for(*, organizer_id: int, roles: set[str], superuser: bool, demographics_grant: bool) -> OrganizerAccess:
    capabilities: set[Capability] = set()
    for role in roles:
        capabilities |= ROLE_CAPABILITIES.get(role, frozenset())
    if superuser:
        capabilities |= set(Capability) - {Capability.VIEW_DEMOGRAPHICS}
        roles = set(roles) | {Role.ADMIN}
    if demographics_grant:
        capabilities.add(Capability.VIEW_DEMOGRAPHICS)
    return OrganizerAccess(organizer_id=organizer_id, roles=frozenset(roles), capabilities=frozenset(capabilities))
