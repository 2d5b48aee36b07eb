"""Writes for the catalog: registering people and teams, cancelling, offering freed seats.

One function owns each state transition of an enrollment:

    (new) ──register──▶ confirmed | waitlisted
    waitlisted ──seat freed (_offer_free_seats)──▶ offered (expires after cohort.offer_hours)
    offered ──accept_offer──▶ confirmed
    offered ──decline_offer / expire_offer──▶ cancelled, and the seat is offered to the next
    confirmed | waitlisted | offered ──cancel_enrollment──▶ cancelled, and the seat is offered to the next

Seats are counted and taken inside one short transaction that locks the cohort row
(`select_for_update`, a no-op on SQLite, where BEGIN IMMEDIATE already serializes
writers). Everything that can be checked without the lock is checked first, so a
request that is refused holds no lock and changes nothing; availability is checked
again under the lock.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from core.timefmt import format_when
from core.urls import absolute_url
from notifications.services import notify

from .models import Affiliation, Cohort, Enrollment, Organization, Program, Team

Status = Enrollment.Status

# Only the overbooking control test turns the lock off (tests/cohorts/test_concurrency.py):
# it must show that without the lock the same 50 concurrent registrations oversell, so
# the locked run proves something. Without the lock the count→insert window is a few
# milliseconds, and the 50 threads, serialized by the GIL, rarely land inside it; the
# lock-disabled path therefore sleeps for UNLOCKED_RACE_WINDOW seconds between counting
# and inserting, which makes the oversell reliable. The locked path never sleeps.
UNLOCKED_RACE_WINDOW = 0.05


class RegistrationError(Exception):
    """A registration (or offer) refused for a reason the person can act on."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True)
class TeamMember:
    """One other member of a team, named by email on the team form."""

    email: str
    title: str = ""
    is_executive_director: bool = False


@dataclass
class TeamRegistration:
    team: Team
    enrollments: list[Enrollment] = field(default_factory=list)

    @property
    def status(self) -> str:
        return self.enrollments[0].status if self.enrollments else ""


# ---------------------------------------------------------------- eligibility


def registration_problem(cohort: Cohort, *, now: datetime | None = None) -> str | None:
    """Why nobody can register for this cohort right now, or None when registration is open."""
    now = now or timezone.now()
    contact = contact_line(cohort)
    if cohort.program.status != Program.Status.PUBLISHED or not cohort.is_published:
        return "This cohort is not open for registration."
    if cohort.registration_closed:
        message = cohort.closed_message or "Registration is closed."
        email = cohort.contact_email or cohort.organizer.contact_email
        return message if email and email in message else message + contact
    if cohort.enrollment_mode == Cohort.EnrollmentMode.APPLICATION:
        return "This cohort selects participants by application; please apply instead of registering." + contact
    if cohort.enrollment_mode == Cohort.EnrollmentMode.INVITATION:
        return "This cohort is by invitation only." + contact
    if cohort.registration_opens_at and now < cohort.registration_opens_at:
        return f"Registration opens on {_when(cohort.registration_opens_at, cohort.time_zone)}."
    if cohort.registration_closes_at and now >= cohort.registration_closes_at:
        return f"Registration closed on {_when(cohort.registration_closes_at, cohort.time_zone)}." + contact
    return None


def contact_line(cohort: Cohort) -> str:
    name = cohort.contact_name or cohort.organizer.contact_name
    email = cohort.contact_email or cohort.organizer.contact_email
    if not (name or email):
        return ""
    who = f"{name} ({email})" if name and email else (name or email)
    return f" For more information, contact {who}."


def _when(moment: datetime, zone=None) -> str:
    """A moment in the given zone (default: the active one, i.e. the viewer's), zone named."""
    return format_when(moment, zone)


def _already_registered(cohort: Cohort, people) -> str | None:
    existing = (
        Enrollment.objects.filter(cohort=cohort, person__in=people)
        .exclude(status=Status.CANCELLED)
        .select_related("person")
        .first()
    )
    if existing is None:
        return None
    return f"{existing.person.email} is already registered for this cohort ({existing.get_status_display().lower()})."


def _organization_limit_problem(cohort: Cohort, organization: Organization | None, adding: int) -> str | None:
    limit = cohort.per_organization_limit
    if not limit:
        return None
    if organization is None:
        return "This cohort limits participants per organization: name your organization."
    taken = Enrollment.objects.filter(cohort=cohort, organization=organization).exclude(status=Status.CANCELLED).count()
    if taken + adding <= limit:
        return None
    people = "participant" if limit == 1 else "participants"
    rotation = (
        " Your organization can still name a different colleague for each module (rotation)."
        if cohort.rotation_allowed
        else ""
    )
    return f"Only {limit} {people} per organization may register; {organization.name} already has {taken}.{rotation}"


# ---------------------------------------------------------------- seats


def seats_taken(cohort: Cohort) -> int:
    return Enrollment.objects.filter(cohort=cohort, status__in=Enrollment.SEAT_HOLDING).count()


def _free_seats(cohort: Cohort) -> int | None:
    if cohort.capacity is None:
        return None
    return max(cohort.capacity - seats_taken(cohort), 0)


def _locked_cohort(cohort_id: int, *, lock: bool) -> Cohort:
    queryset = Cohort.objects.select_related("program", "organizer")
    if lock:
        queryset = queryset.select_for_update(of=("self",))
    return queryset.get(pk=cohort_id)


def _organization_for(cohort: Cohort, *, name: str) -> Organization | None:
    name = " ".join((name or "").split())
    if not name:
        return None
    found = Organization.objects.filter(organizer=cohort.organizer, name__iexact=name).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return Organization.objects.create(organizer=cohort.organizer, name=name)
    except IntegrityError:  # created by a concurrent registration a moment ago
        return Organization.objects.get(organizer=cohort.organizer, name__iexact=name)


def _affiliate(person, organization: Organization, *, title: str, leader: bool, executive_director: bool) -> None:
    affiliation, created = Affiliation.objects.get_or_create(
        person=person,
        organization=organization,
        defaults=dict(
            organizer=organization.organizer, title=title, is_leader=leader, is_executive_director=executive_director
        ),
    )
    if created:
        return
    changed = []
    if title and affiliation.title != title:
        affiliation.title = title
        changed.append("title")
    if leader and not affiliation.is_leader:
        affiliation.is_leader = True
        changed.append("is_leader")
    if executive_director and not affiliation.is_executive_director:
        affiliation.is_executive_director = True
        changed.append("is_executive_director")
    if changed:
        affiliation.save(update_fields=changed)


# ---------------------------------------------------------------- registering


def register(
    *,
    cohort: Cohort,
    person,
    organization_name: str = "",
    title: str = "",
    lock: bool = True,
    now: datetime | None = None,
) -> Enrollment:
    """A person registers alone: confirmed while seats are free, waitlisted after.

    `lock` exists only for the overbooking control test; leave it on.
    """
    now = now or timezone.now()
    problem = registration_problem(cohort, now=now)
    if problem:
        raise RegistrationError(problem)
    if cohort.is_team_cohort:
        raise RegistrationError("Organizations join this cohort as teams: register your team instead.")
    problem = _already_registered(cohort, [person])
    if problem:
        raise RegistrationError("You are already registered for this cohort.")
    organization = None
    if organization_name.strip():
        organization = Organization.objects.filter(
            organizer=cohort.organizer, name__iexact=" ".join(organization_name.split())
        ).first()
    if cohort.per_organization_limit and not organization_name.strip():
        raise RegistrationError(
            "This cohort limits participants per organization: name your organization.", field="organization_name"
        )
    problem = _organization_limit_problem(cohort, organization, 1) if organization else None
    if problem:
        raise RegistrationError(problem, field="organization_name")

    try:
        return _register_locked(
            cohort, person=person, organization=organization, organization_name=organization_name,
            title=title, lock=lock, now=now,
        )
    except IntegrityError:  # the same person's second request, a moment after the first
        raise RegistrationError("You are already registered for this cohort.") from None


def _register_locked(cohort, *, person, organization, organization_name, title, lock, now) -> Enrollment:
    with transaction.atomic():
        if organization is None and organization_name.strip():
            organization = _organization_for(cohort, name=organization_name)
        if organization is not None:
            _affiliate(person, organization, title=title, leader=False, executive_director=False)
        cohort = _locked_cohort(cohort.pk, lock=lock)
        # Re-checked under the lock: another request may have filled the seat, or the
        # organization's place, since the checks above.
        problem = _already_registered(cohort, [person]) or _organization_limit_problem(cohort, organization, 1)
        if problem:
            raise RegistrationError(problem)
        free = _free_seats(cohort)
        if not lock:
            time.sleep(UNLOCKED_RACE_WINDOW)  # see UNLOCKED_RACE_WINDOW
        status = Status.CONFIRMED if free is None or free >= 1 else Status.WAITLISTED
        enrollment = _create_enrollment(
            cohort, person=person, organization=organization, role=Enrollment.Role.PARTICIPANT, status=status, now=now
        )
        _notify_registered(enrollment)
    return enrollment


def register_team(
    *,
    cohort: Cohort,
    lead,
    organization_name: str,
    lead_title: str = "",
    lead_is_executive_director: bool = False,
    members: list[TeamMember],
    team_name: str = "",
    lock: bool = True,
    now: datetime | None = None,
) -> TeamRegistration:
    """A leader registers their organization's team; the whole team is confirmed or waitlisted together.

    Other members are named by email and must already have an account (they sign up
    first): registering someone creates their affiliation with the organization, never
    an account, so nobody gets an account they did not ask for.
    """
    now = now or timezone.now()
    problem = registration_problem(cohort, now=now)
    if problem:
        raise RegistrationError(problem)
    if not cohort.is_team_cohort:
        raise RegistrationError("This cohort takes individual registrations: register yourself instead.")
    if not " ".join((organization_name or "").split()):
        raise RegistrationError("Name the organization your team comes from.", field="organization_name")

    User = get_user_model()
    emails = [m.email.strip().lower() for m in members if m.email.strip()]
    if lead.email.lower() in emails:
        raise RegistrationError("List the other members of your team; you are already on it.", field="members")
    if len(set(emails)) != len(emails):
        raise RegistrationError("Each member may be named only once.", field="members")
    found = {u.email.lower(): u for u in User.objects.filter(email__in=emails)}
    missing = [e for e in emails if e not in found]
    if missing:
        raise RegistrationError(
            "No account uses " + ", ".join(missing) + ". Ask them to create an account first, then register the team.",
            field="members",
        )
    size = 1 + len(emails)
    if cohort.team_size_min and size < cohort.team_size_min:
        raise RegistrationError(
            f"Teams in this cohort have at least {cohort.team_size_min} people; yours has {size}.", field="members"
        )
    if cohort.team_size_max and size > cohort.team_size_max:
        raise RegistrationError(
            f"Teams in this cohort have at most {cohort.team_size_max} people; yours has {size}.", field="members"
        )
    named = [m for m in members if m.email.strip()]
    if cohort.team_requires_executive_director and not (
        lead_is_executive_director or any(m.is_executive_director for m in named)
    ):
        raise RegistrationError(
            "This cohort asks every team to include its executive director: mark who it is.", field="members"
        )
    people = [lead] + [found[m.email.strip().lower()] for m in named]
    problem = _already_registered(cohort, people)
    if problem:
        raise RegistrationError(problem, field="members")
    organization = Organization.objects.filter(
        organizer=cohort.organizer, name__iexact=" ".join(organization_name.split())
    ).first()
    if organization is not None and Team.objects.filter(cohort=cohort, organization=organization).exists():
        raise RegistrationError(f"{organization.name} already has a team in this cohort.", field="organization_name")
    problem = _organization_limit_problem(cohort, organization, size) if organization else None
    if problem:
        raise RegistrationError(problem, field="organization_name")

    with transaction.atomic():
        organization = organization or _organization_for(cohort, name=organization_name)
        _affiliate(lead, organization, title=lead_title, leader=True, executive_director=lead_is_executive_director)
        for member, person in zip(named, people[1:]):
            _affiliate(
                person, organization, title=member.title, leader=True, executive_director=member.is_executive_director
            )
        cohort = _locked_cohort(cohort.pk, lock=lock)
        problem = (
            _already_registered(cohort, people)
            or _organization_limit_problem(cohort, organization, size)
            or (
                f"{organization.name} already has a team in this cohort."
                if Team.objects.filter(cohort=cohort, organization=organization).exists()
                else None
            )
        )
        if problem:
            raise RegistrationError(problem)
        free = _free_seats(cohort)
        status = Status.CONFIRMED if free is None or free >= size else Status.WAITLISTED
        team = Team.objects.create(
            organizer=cohort.organizer, cohort=cohort, organization=organization, name=team_name or organization.name
        )
        result = TeamRegistration(team=team)
        roles = [Enrollment.Role.EXECUTIVE_DIRECTOR if lead_is_executive_director else Enrollment.Role.TEAM_LEAD]
        roles += [
            Enrollment.Role.EXECUTIVE_DIRECTOR if m.is_executive_director else Enrollment.Role.PARTICIPANT for m in named
        ]
        for person, role in zip(people, roles):
            enrollment = _create_enrollment(
                cohort, person=person, organization=organization, role=role, status=status, now=now, team=team
            )
            result.enrollments.append(enrollment)
            _notify_registered(enrollment)
    return result


def staff_enrollment_problem(*, cohort: Cohort, person, organization: Organization | None) -> str | None:
    """Why staff cannot add this person to this cohort, or None. Reads only: the admin
    form shows it, and enroll_by_staff asks again under the cohort's lock."""
    return _already_registered(cohort, [person]) or _organization_limit_problem(cohort, organization, 1)


def enroll_by_staff(
    *,
    cohort: Cohort,
    person,
    organization: Organization | None = None,
    team: Team | None = None,
    role: str = Enrollment.Role.PARTICIPANT,
    now: datetime | None = None,
) -> Enrollment:
    """Staff add someone (invitation-only cohorts, late additions, a team's new member).

    Staff are not bound by the enrollment mode or the registration window, but they are
    by the seats: confirmed while one is free, waitlisted after, as for everyone.
    """
    now = now or timezone.now()
    with transaction.atomic():
        cohort = _locked_cohort(cohort.pk, lock=True)
        problem = staff_enrollment_problem(cohort=cohort, person=person, organization=organization)
        if problem:
            raise RegistrationError(problem)
        free = _free_seats(cohort)
        status = Status.CONFIRMED if free is None or free >= 1 else Status.WAITLISTED
        enrollment = _create_enrollment(
            cohort, person=person, organization=organization, role=role, status=status, now=now, team=team
        )
        _notify_registered(enrollment)
    return enrollment


def complete_enrollment(*, enrollment: Enrollment, now: datetime | None = None) -> Enrollment:
    """Staff mark that a confirmed participant finished the cohort (the seat stays counted)."""
    now = now or timezone.now()
    with transaction.atomic():
        enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
        if enrollment.status != Status.CONFIRMED:
            raise RegistrationError("Only confirmed registrations can be marked completed.")
        enrollment.status = Status.COMPLETED
        enrollment.completed_at = now
        enrollment.save(update_fields=["status", "completed_at"])
    return enrollment


def _create_enrollment(cohort, *, person, organization, role, status, now, team=None) -> Enrollment:
    return Enrollment.objects.create(
        organizer=cohort.organizer,
        cohort=cohort,
        person=person,
        organization=organization,
        team=team,
        role=role,
        status=status,
        confirmed_at=now if status == Status.CONFIRMED else None,
        waitlisted_at=now if status == Status.WAITLISTED else None,
    )


# ---------------------------------------------------------------- cancelling and offers


def cancel_enrollment(*, enrollment: Enrollment, now: datetime | None = None) -> Enrollment:
    """The person (or staff) cancels; a held seat goes to the next on the waitlist."""
    now = now or timezone.now()
    with transaction.atomic():
        cohort = _locked_cohort(enrollment.cohort_id, lock=True)
        enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
        if enrollment.status not in (Status.CONFIRMED, Status.WAITLISTED, Status.OFFERED):
            raise RegistrationError("This registration cannot be cancelled any more.")
        enrollment.status = Status.CANCELLED
        enrollment.cancelled_at = now
        enrollment.offer_expires_at = None
        enrollment.save(update_fields=["status", "cancelled_at", "offer_expires_at"])
        _notify(enrollment, "cancelled", key=f"cancelled:{now.isoformat()}")
        _offer_free_seats(cohort, now=now)
    return enrollment


def accept_offer(*, enrollment: Enrollment, now: datetime | None = None) -> Enrollment:
    now = now or timezone.now()
    with transaction.atomic():
        _locked_cohort(enrollment.cohort_id, lock=True)
        enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
        if enrollment.status != Status.OFFERED:
            raise RegistrationError("There is no open offer on this registration.")
        if enrollment.offer_expires_at and enrollment.offer_expires_at <= now:
            raise RegistrationError("This offer has expired; the seat has passed to the next person on the waitlist.")
        enrollment.status = Status.CONFIRMED
        enrollment.confirmed_at = now
        enrollment.offer_expires_at = None
        enrollment.save(update_fields=["status", "confirmed_at", "offer_expires_at"])
        _notify(enrollment, "confirmed", key="confirmed")
    return enrollment


def decline_offer(*, enrollment: Enrollment, now: datetime | None = None) -> Enrollment:
    now = now or timezone.now()
    with transaction.atomic():
        cohort = _locked_cohort(enrollment.cohort_id, lock=True)
        enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
        if enrollment.status != Status.OFFERED:
            raise RegistrationError("There is no open offer on this registration.")
        enrollment.status = Status.CANCELLED
        enrollment.cancelled_at = now
        enrollment.save(update_fields=["status", "cancelled_at"])
        _offer_free_seats(cohort, now=now)
    return enrollment


def expire_offer(*, enrollment_id: int, now: datetime | None = None) -> bool:
    """Let one due offer lapse and pass the seat on. False when it was accepted or handled meanwhile."""
    now = now or timezone.now()
    with transaction.atomic():
        cohort_id = Enrollment.objects.filter(pk=enrollment_id).values_list("cohort_id", flat=True).first()
        if cohort_id is None:
            return False
        cohort = _locked_cohort(cohort_id, lock=True)
        enrollment = Enrollment.objects.select_for_update().get(pk=enrollment_id)
        if enrollment.status != Status.OFFERED or not enrollment.offer_expires_at or enrollment.offer_expires_at > now:
            return False
        enrollment.status = Status.CANCELLED
        enrollment.cancelled_at = now
        enrollment.save(update_fields=["status", "cancelled_at"])
        _notify(enrollment, "offer_expired", key=f"offer_expired:{enrollment.offer_expires_at.isoformat()}")
        _offer_free_seats(cohort, now=now)
    return True


def _offer_free_seats(cohort: Cohort, *, now: datetime) -> list[Enrollment]:
    """Offer freed seats to the waitlist in order; the caller holds the cohort lock.

    A waitlisted team moves as one: the head of the line is offered seats only when
    all of its members fit, and nobody behind it jumps ahead (first come, first served).
    """
    free = _free_seats(cohort)
    offered: list[Enrollment] = []
    waiting = list(
        Enrollment.objects.filter(cohort=cohort, status=Status.WAITLISTED)
        .select_related("person")
        .order_by("waitlisted_at", "id")
    )
    units: list[list[Enrollment]] = []
    by_team: dict[int, list[Enrollment]] = {}
    for enrollment in waiting:
        if enrollment.team_id is None:
            units.append([enrollment])
        elif enrollment.team_id in by_team:
            by_team[enrollment.team_id].append(enrollment)
        else:
            by_team[enrollment.team_id] = [enrollment]
            units.append(by_team[enrollment.team_id])
    expires = now + timedelta(hours=cohort.offer_hours)
    for unit in units:
        if free is not None and len(unit) > free:
            break
        for enrollment in unit:
            enrollment.status = Status.OFFERED
            enrollment.offer_expires_at = expires
            enrollment.save(update_fields=["status", "offer_expires_at"])
            _notify(enrollment, "seat_offered", key=f"offered:{expires.isoformat()}")
            offered.append(enrollment)
        if free is not None:
            free -= len(unit)
    return offered


def due_offers(*, now: datetime | None = None):
    """(id, organizer_id) of offers past their deadline, through enrollment_offer_expiry_idx.

    Call it with scopes disabled: it sweeps every organizer, filtered by status and deadline.
    """
    now = now or timezone.now()
    return Enrollment.objects.filter(status=Status.OFFERED, offer_expires_at__lte=now).values_list(
        "id", "organizer_id"
    )


# ---------------------------------------------------------------- messages


def _notify_registered(enrollment: Enrollment) -> None:
    what = "confirmed" if enrollment.status == Status.CONFIRMED else "waitlisted"
    _notify(enrollment, what, key=what)


def _notify(enrollment: Enrollment, what: str, *, key: str) -> None:
    cohort = enrollment.cohort
    context = {
        "person_name": enrollment.person.display_name,
        "program_title": cohort.program.title,
        "cohort_title": cohort.title,
        "starts_on": cohort.starts_on.strftime("%A %-d %B %Y") if cohort.starts_on else "",
        "commitment": cohort.commitment,
        "status": enrollment.get_status_display(),
        "enrollment_url": absolute_url(reverse("me:enrollment", kwargs={"enrollment_id": enrollment.pk})),
        "offer_url": absolute_url(reverse("me:offer", kwargs={"enrollment_id": enrollment.pk})),
        "offer_expires_at": _when(enrollment.offer_expires_at, cohort.time_zone) if enrollment.offer_expires_at else "",
        "contact": contact_line(cohort).strip(),
    }
    attachments = []
    if what == "confirmed":  # the schedule (times and an ICS) goes with a confirmed seat
        from sessions_app.schedule import schedule_parts

        schedule, attachments = schedule_parts(cohort, enrollment.person)
        context.update(schedule)
    notify(
        organizer=cohort.organizer,
        template=f"cohorts/{what}",
        dedupe_key=f"cohorts:{key}:enrollment={enrollment.pk}",
        recipient=enrollment.person,
        context=context,
        attachments=attachments,
    )


# ---------------------------------------------------------------- rotation (seed 004)


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
    if enrollment.status not in (Status.CONFIRMED, Status.COMPLETED):
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
    with transaction.atomic():
        _affiliate(person, organization, title="", leader=False, executive_director=False)
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
