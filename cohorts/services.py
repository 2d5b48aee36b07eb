"""Writes for the catalog that are not enrollment transitions (rotation delegates).

Every change of an enrollment's status lives in `cohorts/lifecycle.py`; the reads the
registration pages share live in `cohorts/selectors.py`. The names below are kept
importable from here for callers written before the lifecycle module existed.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from notifications.services import notify

from .lifecycle import (  # noqa: F401  (re-exported for older callers)
    UNLOCKED_RACE_WINDOW,
    LifecycleError,
    RegistrationError,
    TeamMember,
    TeamMemberInvite,
    TeamRegistration,
    accept_offer,
    affiliate,
    decline_offer,
    due_offers,
    enroll_by_staff,
    expire_offer,
    register,
    register_team,
)
from .lifecycle import cancel as cancel_enrollment  # noqa: F401
from .lifecycle import complete as complete_enrollment  # noqa: F401
from .models import Affiliation, Enrollment
from .selectors import (  # noqa: F401
    contact_line,
    registration_problem,
    seats_taken,
    staff_enrollment_problem,
)

Status = Enrollment.Status


# ---------------------------------------------------------------- rotation (seed 004)


def not_a_colleague(email: str, organization) -> str:
    """The one answer for an address that is not a colleague, whether or not it has an
    account (so the page reveals no accounts)."""
    return (
        f"{email} is not a current colleague at {organization.name} on Praxis. Delegates need an account "
        f"affiliated with {organization.name}: ask them to sign up, and staff to add the affiliation."
    )


def name_module_delegate(*, enrollment: Enrollment, module, person, now: datetime | None = None):
    """The registered participant names who attends one module for their organization.

    With rotation an organization keeps its one seat but may send a different colleague
    to each module; the delegate replaces whoever was named for that module before.
    Attendance later credits both the delegate and the organization.
    """
    from .models import ModuleDelegate

    cohort = enrollment.cohort
    if not cohort.rotation_allowed:
        raise RegistrationError("This cohort does not rotate participants between modules.")
    if enrollment.status not in Enrollment.PARTICIPATING:
        raise RegistrationError("Only a confirmed registration can name who attends each module.")
    if enrollment.organization_id is None:
        raise RegistrationError("Rotation is between colleagues of one organization; this registration names none.")
    if module.program_id != cohort.program_id or (module.cohort_id and module.cohort_id != cohort.pk):
        raise RegistrationError("This module is not part of the cohort.")
    organization = enrollment.organization
    elsewhere = (
        ModuleDelegate.objects.filter(cohort=cohort, module=module, person=person)
        .exclude(organization=organization)
        .exists()
    )
    if elsewhere:
        raise RegistrationError(f"{person.email} already attends this module for another organization.")
    if person.pk != enrollment.person_id and not Affiliation.objects.filter(
        person=person, organization=organization, is_current=True
    ).exists():
        raise RegistrationError(not_a_colleague(person.email, organization))
    with transaction.atomic():
        ModuleDelegate.objects.filter(cohort=cohort, module=module, organization=organization).exclude(
            person=person
        ).delete()
        delegate, created = ModuleDelegate.objects.get_or_create(
            cohort=cohort, module=module, organization=organization, person=person,
            defaults={"organizer": cohort.organizer},
        )
        if created and person.pk != enrollment.person_id:
            notify(
                organizer=cohort.organizer,
                template="cohorts/module_delegate",
                dedupe_key=f"cohorts:delegate:cohort={cohort.pk}:module={module.pk}:person={person.pk}:{delegate.pk}",
                recipient=person,
                context={
                    "person_name": person.display_name,
                    "named_by": enrollment.person.display_name,
                    "organization": organization.name,
                    "program_title": cohort.program.title,
                    "cohort_title": cohort.title,
                    "module_title": module.title,
                    "module_period": module.period,
                    "commitment": cohort.commitment,
                },
            )
    return delegate
