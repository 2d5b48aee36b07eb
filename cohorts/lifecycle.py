"""The one owner of `Enrollment.status`: every seat, offer, payment hold and completion.

Nothing else writes an enrollment's status (tests/cohorts/test_lifecycle_owner.py reads
the source to prove it). Each transition below takes the cohort lock through
`locked_cohort`, re-checks what it depends on, saves, writes an `EnrollmentEvent`
(who, when, from, to, why) and notifies through the outbox, all in one short
transaction. Errors the person can act on raise `LifecycleError`.

    (new) ──register / register_team / enroll_by_staff / enroll_selected──▶ seat | waitlisted
    seat = confirmed, or awaiting_payment when the cohort is paid and billing asks for a deadline
    waitlisted ──a seat frees (offer_free_seats)──▶ offered (expires after cohort.offer_hours)
    (new) | waitlisted ──offer_seat (a selection, a replacement)──▶ offered
    offered ──accept_offer──▶ seat
    offered ──decline_offer / expire_offer──▶ cancelled, and the seat is refilled
    awaiting_payment ──confirm_payment──▶ confirmed
    awaiting_payment ──lapse_payment_hold (past payment_due_at)──▶ cancelled, and the seat is refilled
    awaiting_payment ──extend_payment_hold──▶ awaiting_payment (a later payment_due_at)
    confirmed | waitlisted | offered | awaiting_payment ──cancel──▶ cancelled, and the seat is refilled
    confirmed ──complete / complete_many──▶ completed

Team members an open cohort's lead names are invitations (TeamInvitation), not
enrollments, until they answer through their signed link:

    invitation pending (holds a seat while the lead holds one) ──confirm_team_invitation──▶
        (new) enrollment as the lead's: seat | offered (the lead's deadline) | waitlisted (the team's place)
    invitation pending ──decline_team_invitation──▶ declined, and the held seat is refilled
    invitation pending ──the lead's registration is cancelled──▶ withdrawn

A freed seat is refilled under the same lock: in a cohort whose enrollment mode has a
vacancy handler (applications registers one for application cohorts: the call's
quota-keeping replacement) the handler runs; otherwise the waitlist is offered the seat
in order. Apps that keep their own records in step with an enrollment (an application's
status) register a transition listener; both hooks keep this module free of imports
from the apps built on it.

Seats are counted and taken inside one short transaction that locks the cohort row
(`select_for_update`, a no-op on SQLite, where BEGIN IMMEDIATE already serializes
writers). Everything that can be checked without the lock is checked first, so a
request that is refused holds no lock and changes nothing.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from accounts import invitations
from core.urls import absolute_url
from notifications.services import notify

from . import selectors
from .models import Affiliation, Cohort, Enrollment, EnrollmentEvent, Organization, Team, TeamInvitation

Status = Enrollment.Status

# Only the control tests switch locking off (tests/cohorts/test_concurrency.py): they must
# show that without the lock the same concurrent requests oversell, so the locked run
# proves something. Without the lock the count→write window is a few milliseconds and
# threads serialized by the GIL rarely land inside it, so the unlocked path sleeps for
# UNLOCKED_RACE_WINDOW seconds between counting and writing. The locked path never sleeps.
UNLOCKED_RACE_WINDOW = 0.05
LOCKING = True

# The reason an expired offer's audit entry gives (listeners tell an expiry from a decline by it).
OFFER_EXPIRED = "the offer expired"


class LifecycleError(Exception):
    """A transition refused for a reason the person can act on; nothing was changed."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


RegistrationError = LifecycleError


@dataclass(frozen=True)
class TeamMemberInvite:
    """One other member of a team, named on the team form (by name and email)."""

    email: str
    name: str = ""
    title: str = ""
    is_executive_director: bool = False


TeamMember = TeamMemberInvite  # the name the forms used first


@dataclass(frozen=True)
class SelectedMember:
    """A team member chosen in a selection: an account and the role they take."""

    person: object
    role: str = Enrollment.Role.PARTICIPANT


@dataclass
class TeamRegistration:
    team: Team
    enrollments: list[Enrollment] = field(default_factory=list)  # the lead's (members enroll when they confirm)
    invitations: list[TeamInvitation] = field(default_factory=list)

    @property
    def status(self) -> str:
        return self.enrollments[0].status if self.enrollments else ""


# ---------------------------------------------------------------- hooks

PaymentPolicy = Callable[[Enrollment, datetime], "datetime | None"]
_payment_policy: PaymentPolicy | None = None
_vacancy_handlers: dict[str, Callable[..., None]] = {}
_listeners: list[Callable[..., None]] = []


def set_payment_policy(policy: PaymentPolicy | None) -> None:
    """Billing registers how long a seat in a paid cohort is held before it must be paid.

    The policy is called inside the lifecycle's transaction, under the cohort lock, with
    the enrollment about to take its seat (a new registration is not saved yet: its pk
    is None, its cohort, person, organization and team are set) and returns the
    deadline, or None to confirm the seat at once. Without a policy seats are confirmed.
    """
    global _payment_policy
    _payment_policy = policy


def payment_deadline_for(enrollment: Enrollment, now: datetime) -> datetime | None:
    if _payment_policy is None:
        return None
    return _payment_policy(enrollment, now)


def set_vacancy_handler(enrollment_mode: str, handler: Callable[..., None] | None) -> None:
    """`handler(cohort=, now=)` refills freed seats in cohorts of this enrollment mode.

    It runs under the cohort lock inside the transaction that freed the seat (it may
    defer slow work with `transaction.on_commit`). Without one, the waitlist is offered.
    """
    if handler is None:
        _vacancy_handlers.pop(enrollment_mode, None)
    else:
        _vacancy_handlers[enrollment_mode] = handler


def add_transition_listener(listener: Callable[..., None]) -> None:
    """`listener(enrollment=, from_status=, to_status=, by=, now=, reason=)` after every
    transition, in its transaction (the applications app keeps Application status in step)."""
    if listener not in _listeners:
        _listeners.append(listener)


# ---------------------------------------------------------------- the lock and the record


def locked_cohort(cohort_id: int, *, lock: bool = True) -> Cohort:
    """The cohort row, locked until the transaction ends: every transition takes it first."""
    queryset = Cohort.objects.select_related("program", "organizer")
    if lock and LOCKING:
        queryset = queryset.select_for_update(of=("self",))
    return queryset.get(pk=cohort_id)


def _race_window(lock: bool) -> None:
    if not (lock and LOCKING):
        time.sleep(UNLOCKED_RACE_WINDOW)  # see UNLOCKED_RACE_WINDOW


def _locked_enrollment(enrollment_id: int) -> Enrollment:
    return Enrollment.objects.select_for_update().select_related("person").get(pk=enrollment_id)


def _locked_by_id(enrollment_id: int) -> tuple[Cohort | None, Enrollment | None]:
    """For the beat tasks, which know only the id: the cohort locked first, then the row."""
    cohort_id = Enrollment.objects.filter(pk=enrollment_id).values_list("cohort_id", flat=True).first()
    if cohort_id is None:
        return None, None
    return locked_cohort(cohort_id), _locked_enrollment(enrollment_id)


def _move(enrollment: Enrollment, to: str, *, by, now: datetime, reason: str, fields: Sequence[str] = ()) -> None:
    """Save a status change with its timestamps and write the audit entry."""
    from_status = enrollment.status if enrollment.pk else ""
    enrollment.status = to
    stamp = {
        Status.CONFIRMED: "confirmed_at", Status.WAITLISTED: "waitlisted_at",
        Status.CANCELLED: "cancelled_at", Status.COMPLETED: "completed_at",
    }.get(to)
    if stamp:
        setattr(enrollment, stamp, now)
    if to != Status.OFFERED:
        enrollment.offer_expires_at = None
    if to != Status.AWAITING_PAYMENT:
        enrollment.payment_due_at = None
    if enrollment.pk is None:
        enrollment.save()
    else:
        changed = {"status", "offer_expires_at", "payment_due_at", *fields}
        if stamp:
            changed.add(stamp)
        enrollment.save(update_fields=sorted(changed))
        if to == Status.CANCELLED:
            _withdraw_invitations(enrollment, now)
    _record(enrollment, from_status, by=by, now=now, reason=reason)


def _record(enrollment: Enrollment, from_status: str, *, by, now: datetime, reason: str) -> None:
    actor = by if by is not None and getattr(by, "is_authenticated", False) else None
    EnrollmentEvent.objects.create(
        organizer_id=enrollment.organizer_id, enrollment=enrollment, actor=actor, at=now,
        from_status=from_status, to_status=enrollment.status, reason=reason[:300],
    )
    for listener in list(_listeners):
        listener(enrollment=enrollment, from_status=from_status, to_status=enrollment.status, by=actor, now=now,
                 reason=reason)


def _take_seat(enrollment: Enrollment, *, by, now: datetime, reason: str, payment_due_at=None,
               fields: Sequence[str] = ()) -> None:
    """Give the enrollment its seat: confirmed, or held until payment in a paid cohort."""
    due = None
    if not enrollment.cohort.is_free:
        due = payment_due_at or payment_deadline_for(enrollment, now)
    if due is None:
        _move(enrollment, Status.CONFIRMED, by=by, now=now, reason=reason, fields=fields)
        return
    enrollment.payment_due_at = due
    _move(enrollment, Status.AWAITING_PAYMENT, by=by, now=now, reason=reason, fields=fields)


def _new_enrollment(cohort: Cohort, *, person, organization, role, team=None) -> Enrollment:
    return Enrollment(
        organizer=cohort.organizer, cohort=cohort, person=person, organization=organization, team=team, role=role,
    )


def _seat_or_waitlist(enrollment: Enrollment, *, fits: bool, by, now, reason: str, payment_due_at=None) -> None:
    if fits:
        _take_seat(enrollment, by=by, now=now, reason=reason, payment_due_at=payment_due_at)
    else:
        _move(enrollment, Status.WAITLISTED, by=by, now=now, reason=reason + "; the cohort is full")
    _notify_registered(enrollment)


# ---------------------------------------------------------------- organizations


def organization_named(cohort: Cohort, *, name: str, create: bool = True) -> Organization | None:
    """The organizer's organization of this name (any case), created if missing.

    The one lookup by name: spaces are normalised, case is ignored, and a concurrent
    creation of the same name is caught (the unique constraint) and read back.
    """
    name = " ".join((name or "").split())
    if not name:
        return None
    found = Organization.objects.filter(organizer=cohort.organizer, name__iexact=name).first()
    if found is not None or not create:
        return found
    try:
        with transaction.atomic():
            return Organization.objects.create(organizer=cohort.organizer, name=name)
    except IntegrityError:  # created by a concurrent registration a moment ago
        return Organization.objects.get(organizer=cohort.organizer, name__iexact=name)


def affiliate(person, organization: Organization, *, title: str = "", leader: bool = False,
              executive_director: bool = False) -> None:
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
    by=None,
    payment_due_at: datetime | None = None,
    now: datetime | None = None,
    lock: bool = True,
) -> Enrollment:
    """A person registers alone: a seat while one is free, the waitlist after.

    `lock` exists only for the overbooking control test; leave it on.
    """
    now = now or timezone.now()
    by = by if by is not None else person
    problem = selectors.registration_problem(cohort, now=now)
    if problem:
        raise LifecycleError(problem)
    if cohort.is_team_cohort:
        raise LifecycleError("Organizations join this cohort as teams: register your team instead.")
    if selectors.already_registered(cohort, [person]):
        raise LifecycleError("You are already registered for this cohort.")
    organization = organization_named(cohort, name=organization_name, create=False)
    if cohort.per_organization_limit and not organization_name.strip():
        raise LifecycleError(
            "This cohort limits participants per organization: name your organization.", field="organization_name"
        )
    problem = selectors.organization_limit_problem(cohort, organization, 1) if organization else None
    if problem:
        raise LifecycleError(problem, field="organization_name")
    try:
        with transaction.atomic():
            if organization is None and organization_name.strip():
                organization = organization_named(cohort, name=organization_name)
            if organization is not None:
                affiliate(person, organization, title=title)
            cohort = locked_cohort(cohort.pk, lock=lock)
            # Re-checked under the lock: another request may have filled the seat, or the
            # organization's place, since the checks above.
            problem = selectors.already_registered(cohort, [person]) or selectors.organization_limit_problem(
                cohort, organization, 1
            )
            if problem:
                raise LifecycleError(problem)
            free = selectors.free_seats(cohort)
            _race_window(lock)
            enrollment = _new_enrollment(cohort, person=person, organization=organization,
                                         role=Enrollment.Role.PARTICIPANT)
            _seat_or_waitlist(enrollment, fits=free is None or free >= 1, by=by, now=now, reason="registered",
                              payment_due_at=payment_due_at)
        return enrollment
    except IntegrityError:  # the same person's second request, a moment after the first
        raise LifecycleError("You are already registered for this cohort.") from None


def register_team(
    *,
    cohort: Cohort,
    lead,
    organization_name: str,
    members: list[TeamMemberInvite],
    team_name: str = "",
    lead_title: str = "",
    lead_is_executive_director: bool = False,
    by=None,
    now: datetime | None = None,
    lock: bool = True,
) -> TeamRegistration:
    """A lead registers their organization's team; the whole team is seated or waitlisted together.

    The other members are named by name and email, whether or not they have an account,
    and the answer never depends on it (the form reveals no accounts). Each gets an
    email with a signed link (`TeamInvitation`); nobody but the lead is enrolled, and no
    account or affiliation is created, until they confirm. Their seats are held for the
    team meanwhile (see TeamInvitation).
    """
    now = now or timezone.now()
    by = by if by is not None else lead
    problem = selectors.registration_problem(cohort, now=now)
    if problem:
        raise LifecycleError(problem)
    if not cohort.is_team_cohort:
        raise LifecycleError("This cohort takes individual registrations: register yourself instead.")
    if not " ".join((organization_name or "").split()):
        raise LifecycleError("Name the organization your team comes from.", field="organization_name")

    named = [m for m in members if m.email.strip()]
    emails = [m.email.strip().lower() for m in named]
    if lead.email.lower() in emails:
        raise LifecycleError("List the other members of your team; you are already on it.", field="members")
    if len(set(emails)) != len(emails):
        raise LifecycleError("Each member may be named only once.", field="members")
    if any(not " ".join(m.name.split()) for m in named):
        raise LifecycleError("Give each member's name as well as their email.", field="members")
    size = 1 + len(emails)
    problem = cohort.team_composition_problem(
        size=size, executive_directors=int(lead_is_executive_director) + sum(m.is_executive_director for m in named)
    )
    if problem:
        raise LifecycleError(problem, field="members")
    # Only the lead's own registration is checked here: whether a member's address has an
    # account, or a registration, is theirs to know (it is checked when they confirm).
    if selectors.already_registered(cohort, [lead]):
        raise LifecycleError("You are already registered for this cohort.")
    organization = organization_named(cohort, name=organization_name, create=False)
    if organization is not None and Team.objects.filter(cohort=cohort, organization=organization).exists():
        raise LifecycleError(f"{organization.name} already has a team in this cohort.", field="organization_name")
    problem = selectors.organization_limit_problem(cohort, organization, size) if organization else None
    if problem:
        raise LifecycleError(problem, field="organization_name")

    try:
        with transaction.atomic():
            organization = organization or organization_named(cohort, name=organization_name)
            affiliate(lead, organization, title=lead_title, leader=True,
                      executive_director=lead_is_executive_director)
            cohort = locked_cohort(cohort.pk, lock=lock)
            problem = (
                selectors.already_registered(cohort, [lead])
                or selectors.organization_limit_problem(cohort, organization, size)
                or (
                    f"{organization.name} already has a team in this cohort."
                    if Team.objects.filter(cohort=cohort, organization=organization).exists()
                    else None
                )
            )
            if problem:
                raise LifecycleError(problem)
            free = selectors.free_seats(cohort)
            _race_window(lock)
            team = Team.objects.create(
                organizer=cohort.organizer, cohort=cohort, organization=organization,
                name=team_name or organization.name,
            )
            result = TeamRegistration(team=team)
            role = Enrollment.Role.EXECUTIVE_DIRECTOR if lead_is_executive_director else Enrollment.Role.TEAM_LEAD
            enrollment = _new_enrollment(cohort, person=lead, organization=organization, role=role, team=team)
            waiting = ", ".join(" ".join(m.name.split()) for m in named)
            reason = "registered the team" + (f"; waiting for {waiting} to confirm" if waiting else "")
            _seat_or_waitlist(enrollment, fits=free is None or free >= size, by=by, now=now, reason=reason)
            result.enrollments.append(enrollment)
            for member, email in zip(named, emails):
                invitation = TeamInvitation.objects.create(
                    organizer=cohort.organizer, cohort=cohort, team=team, lead_enrollment=enrollment,
                    full_name=" ".join(member.name.split()), email=email, title=member.title,
                    is_executive_director=member.is_executive_director, invited_at=now, sent_at=now,
                )
                _send_invitation(invitation)
                result.invitations.append(invitation)
        return result
    except IntegrityError:  # the lead's second request, a moment after the first
        raise LifecycleError("You are already registered for this cohort.") from None


# ---------------------------------------------------------------- team members' answers


INVITATION_SALT = "cohorts.team-invitation"
RESEND_AFTER = timedelta(minutes=10)


def invitation_url(invitation: TeamInvitation) -> str:
    token = invitations.invitation_token(salt=INVITATION_SALT, pk=invitation.pk, organizer_id=invitation.organizer_id)
    return absolute_url(reverse("cohorts:team_invitation", kwargs={
        "organizer_slug": invitation.cohort.organizer.slug, "token": token}))


def invitation_from_token(token: str, organizer) -> TeamInvitation:
    """The invitation a signed link names, or InvalidInvitation with a message to show."""
    pk = invitations.invitation_pk(token, salt=INVITATION_SALT, organizer_id=organizer.pk)
    found = selectors.team_invitation(pk)
    if found is None:
        raise invitations.InvalidInvitation(invitations.INVALID)
    return found


def _send_invitation(invitation: TeamInvitation) -> None:
    cohort, lead = invitation.cohort, invitation.lead_enrollment.person
    notify(
        organizer=cohort.organizer,
        template="cohorts/team_invitation",
        dedupe_key=f"cohorts:team-invitation={invitation.pk}:sent={invitation.sent_at.isoformat()}",
        to_email=invitation.email,
        context={
            "member_name": invitation.full_name,
            "lead_name": lead.display_name,
            "organization": invitation.team.organization.name,
            "team_title": str(invitation.team),
            "program_title": cohort.program.title,
            "cohort_title": cohort.title,
            "starts_on": cohort.starts_on.strftime("%A %-d %B %Y") if cohort.starts_on else "",
            "commitment": cohort.commitment,
            "confirm_url": invitation_url(invitation),
        },
    )


def _answered(invitation: TeamInvitation, answer: str) -> None:
    """Tell the lead a member confirmed or declined."""
    lead = invitation.lead_enrollment
    notify(
        organizer=invitation.cohort.organizer,
        template="cohorts/team_member_answered",
        dedupe_key=f"cohorts:team-answer:invitation={invitation.pk}",
        recipient=lead.person,
        context={
            "person_name": lead.person.display_name,
            "member_name": invitation.full_name,
            "answer": answer,
            "cohort_title": str(invitation.cohort),
            "enrollment_url": absolute_url(reverse("me:enrollment", kwargs={"enrollment_id": lead.pk})),
        },
    )


def _locked_invitation(invitation_id: int) -> tuple[Cohort, TeamInvitation, Enrollment]:
    """The cohort locked first, then the invitation and its lead's registration."""
    cohort_id = TeamInvitation.objects.filter(pk=invitation_id).values_list("cohort_id", flat=True).get()
    cohort = locked_cohort(cohort_id)
    invitation = TeamInvitation.objects.select_for_update().select_related("team__organization").get(pk=invitation_id)
    lead = _locked_enrollment(invitation.lead_enrollment_id)
    invitation.cohort, invitation.lead_enrollment = cohort, lead
    return cohort, invitation, lead


def _still_open(invitation: TeamInvitation) -> None:
    if invitation.status == TeamInvitation.Status.CONFIRMED:
        raise LifecycleError("You have already confirmed your place on this team.")
    if invitation.status == TeamInvitation.Status.DECLINED:
        raise LifecycleError("You declined this invitation. Ask the person who named you if you want to join after all.")
    if invitation.status != TeamInvitation.Status.PENDING:
        raise LifecycleError("This team's registration has ended, so there is no place to confirm any more.")


def confirm_team_invitation(*, invitation: TeamInvitation, full_name: str = "", by=None,
                            now: datetime | None = None) -> Enrollment:
    """A named member confirms through their signed link: their account is created on the
    way if the address has none, and only now the seat held for them becomes theirs.

    The member's registration follows the lead's: a seat (confirmed, or held until
    payment) when the lead holds one, an offer with the same deadline when the team is
    offered seats, the waitlist (in the team's place) when the team waits.
    """
    now = now or timezone.now()
    with transaction.atomic():
        cohort, invitation, lead = _locked_invitation(invitation.pk)
        _still_open(invitation)
        if lead.status not in Enrollment.SEAT_HOLDING + (Status.WAITLISTED,):
            raise LifecycleError("This team's registration has ended, so there is no place to confirm any more.")
        person = invitations.account_for(email=invitation.email, full_name=full_name or invitation.full_name)
        if selectors.already_registered(cohort, [person]):
            raise LifecycleError(
                "You already have a registration in this cohort, so you cannot take a second place on this team. "
                "Decline this invitation, or cancel your other registration first."
            )
        organization = invitation.team.organization
        affiliate(person, organization, title=invitation.title, leader=True,
                  executive_director=invitation.is_executive_director)
        role = Enrollment.Role.EXECUTIVE_DIRECTOR if invitation.is_executive_director else Enrollment.Role.PARTICIPANT
        enrollment = _new_enrollment(cohort, person=person, organization=organization, role=role, team=invitation.team)
        reason = f"confirmed their place on {lead.person.display_name}'s team"
        by = by if by is not None and getattr(by, "is_authenticated", False) else person
        if lead.status == Status.WAITLISTED:
            _move(enrollment, Status.WAITLISTED, by=by, now=now, reason=reason + "; the team is on the waitlist")
            enrollment.waitlisted_at = lead.waitlisted_at or now  # the team's place in line, not this moment
            enrollment.save(update_fields=["waitlisted_at"])
            _notify_registered(enrollment)
        elif lead.status == Status.OFFERED:
            enrollment.offer_expires_at = lead.offer_expires_at
            _move(enrollment, Status.OFFERED, by=by, now=now, reason=reason + "; the team is offered seats")
            _notify(enrollment, "seat_offered", key=f"offered:{lead.offer_expires_at.isoformat()}")
        else:
            _take_seat(enrollment, by=by, now=now, reason=reason)
            _notify_registered(enrollment)
        invitation.status, invitation.answered_at, invitation.enrollment = (
            TeamInvitation.Status.CONFIRMED, now, enrollment)
        invitation.save(update_fields=["status", "answered_at", "enrollment"])
        _answered(invitation, "confirmed")
    return enrollment


def decline_team_invitation(*, invitation: TeamInvitation, now: datetime | None = None) -> TeamInvitation:
    """A named member declines: nothing is enrolled, and the seat held for them is refilled."""
    now = now or timezone.now()
    with transaction.atomic():
        cohort, invitation, lead = _locked_invitation(invitation.pk)
        _still_open(invitation)
        held = lead.status in Enrollment.SEAT_HOLDING
        invitation.status, invitation.answered_at = TeamInvitation.Status.DECLINED, now
        invitation.save(update_fields=["status", "answered_at"])
        _record(lead, lead.status, by=None, now=now,
                reason=f"{invitation.full_name} declined to join the team"
                + ("; the seat held for them was freed" if held else ""))
        _answered(invitation, "declined")
        # Refilled even when the team was waiting: a smaller team may fit the seats free now.
        refill(cohort, now=now)
    return invitation


def resend_team_invitation(*, invitation: TeamInvitation, by, now: datetime | None = None) -> TeamInvitation:
    """The lead sends a pending member their link again (a fresh link, the old one still works)."""
    now = now or timezone.now()
    with transaction.atomic():
        invitation = TeamInvitation.objects.select_for_update().select_related(
            "cohort__program", "cohort__organizer", "team__organization", "lead_enrollment__person").get(pk=invitation.pk)
        if invitation.status != TeamInvitation.Status.PENDING:
            raise LifecycleError(f"{invitation.full_name} has already answered.")
        if invitation.sent_at > now - RESEND_AFTER:
            raise LifecycleError(f"The invitation to {invitation.full_name} went out a few minutes ago; "
                                 "give it a little time to arrive.")
        invitation.sent_at = now
        invitation.save(update_fields=["sent_at"])
        _send_invitation(invitation)
    return invitation


def _withdraw_invitations(enrollment: Enrollment, now: datetime) -> None:
    """A lead's registration ended: the members who had not answered have no team place to
    confirm, and each is told so (they were asked to answer, and may be about to)."""
    pending = list(TeamInvitation.objects.filter(lead_enrollment=enrollment, status=TeamInvitation.Status.PENDING))
    TeamInvitation.objects.filter(pk__in=[i.pk for i in pending]).update(
        status=TeamInvitation.Status.WITHDRAWN, answered_at=now
    )
    cohort = enrollment.cohort
    for invitation in pending:
        notify(
            organizer=cohort.organizer,
            template="cohorts/team_invitation_withdrawn",
            dedupe_key=f"cohorts:team-invitation={invitation.pk}:withdrawn",
            to_email=invitation.email,
            context={
                "member_name": invitation.full_name,
                "lead_name": enrollment.person.display_name,
                "cohort_title": str(cohort),
                "contact": cohort.contact_email or cohort.organizer.contact_email,
            },
        )


def due_team_invitations(*, now: datetime | None = None, after: timedelta):
    """(id, organizer_id) of invitations pending for longer than `after` and not reported
    yet; call with scopes disabled (team_invitation_due_idx)."""
    now = now or timezone.now()
    return TeamInvitation.objects.filter(
        status=TeamInvitation.Status.PENDING, invited_at__lte=now - after, reported_at__isnull=True
    ).values_list("id", "organizer_id")


def report_unconfirmed(*, invitation_ids: Sequence[int], now: datetime | None = None) -> int:
    """Tell each lead (one email per lead) and the organizer's staff which members have not
    confirmed yet; each invitation is reported once (reported_at, and the dedupe keys)."""
    from notifications.alerts import alert_staff

    now = now or timezone.now()
    reported = 0
    with transaction.atomic():
        waiting = list(
            TeamInvitation.objects.select_for_update(of=("self",))
            .filter(pk__in=list(invitation_ids), status=TeamInvitation.Status.PENDING, reported_at__isnull=True)
            .select_related("cohort__program", "cohort__organizer", "lead_enrollment__person", "team")
            .order_by("lead_enrollment_id", "id")
        )
        by_lead: dict[int, list[TeamInvitation]] = {}
        for invitation in waiting:
            by_lead.setdefault(invitation.lead_enrollment_id, []).append(invitation)
        for group in by_lead.values():
            first = group[0]
            lead, cohort = first.lead_enrollment, first.cohort
            ids = ",".join(str(i.pk) for i in group)
            names = ", ".join(i.full_name for i in group)
            days = (now - min(i.invited_at for i in group)).days
            notify(
                organizer=cohort.organizer, template="cohorts/team_members_unconfirmed",
                dedupe_key=f"cohorts:team-unconfirmed:lead={lead.pk}:invitations={ids}", recipient=lead.person,
                context={
                    "person_name": lead.person.display_name, "names": names, "days": days,
                    "cohort_title": str(cohort),
                    "enrollment_url": absolute_url(reverse("me:enrollment", kwargs={"enrollment_id": lead.pk})),
                },
            )
            alert_staff(
                organizer=cohort.organizer, kind="unconfirmed_team", key=f"team-invitations={ids}",
                summary=f"{lead.person.display_name}'s team ({first.team}) for {cohort}: {names}",
                url=absolute_url(reverse("admin:cohorts_teaminvitation_changelist")
                                 + f"?status__exact=pending&cohort__id__exact={cohort.pk}"),
            )
            TeamInvitation.objects.filter(pk__in=[i.pk for i in group]).update(reported_at=now)
            reported += len(group)
    return reported


def enroll_by_staff(
    *,
    cohort: Cohort,
    person,
    organization: Organization | None = None,
    team: Team | None = None,
    role: str = Enrollment.Role.PARTICIPANT,
    by=None,
    now: datetime | None = None,
) -> Enrollment:
    """Staff add someone (invitation-only cohorts, late additions, a team's new member).

    Staff are not bound by the enrollment mode or the registration window, but they are
    by the seats: a seat while one is free, the waitlist after, as for everyone.
    """
    now = now or timezone.now()
    with transaction.atomic():
        cohort = locked_cohort(cohort.pk)
        problem = selectors.staff_enrollment_problem(cohort=cohort, person=person, organization=organization)
        if problem:
            raise LifecycleError(problem)
        free = selectors.free_seats(cohort)
        enrollment = _new_enrollment(cohort, person=person, organization=organization, role=role, team=team)
        _seat_or_waitlist(enrollment, fits=free is None or free >= 1, by=by, now=now, reason="added by staff")
    return enrollment


def _selection(cohort: Cohort, *, lead, organization, members: Sequence[SelectedMember], team_name: str,
               lead_role: str | None, what: str) -> tuple[Cohort, list[tuple]]:
    """Lock the cohort and plan the seats of people chosen in a selection: [(person, role,
    team, their active enrollment or None)], refused (changing nothing) when too few seats are free."""
    cohort = locked_cohort(cohort.pk)
    team = None
    if cohort.is_team_cohort and organization is not None:
        team, _ = Team.objects.get_or_create(
            cohort=cohort, organization=organization,
            defaults={"organizer_id": cohort.organizer_id, "name": team_name or organization.name},
        )
    role = lead_role or (Enrollment.Role.TEAM_LEAD if team else Enrollment.Role.PARTICIPANT)
    wanted = [(lead, role)] + [(m.person, m.role) for m in members]
    existing = {
        e.person_id: e
        for e in Enrollment.objects.select_for_update().filter(cohort=cohort, person__in=[p for p, _ in wanted])
        .exclude(status=Status.CANCELLED)
    }
    plan = [(person, role, team, existing.get(person.pk)) for person, role in wanted]
    needed = sum(1 for *_, e in plan if e is None or e.status not in Enrollment.SEAT_HOLDING)
    free = selectors.free_seats(cohort)
    _race_window(True)
    if free is not None and needed > free:
        raise LifecycleError(f"{cohort} has {free} seat(s) left; {what} {needed}.")
    return cohort, plan


def _placed(cohort, enrollment, *, person, role, team, organization) -> Enrollment:
    if enrollment is None:
        return _new_enrollment(cohort, person=person, organization=organization, role=role, team=team)
    enrollment.organization, enrollment.team, enrollment.role = organization, team, role
    return enrollment


def enroll_selected(
    *,
    cohort: Cohort,
    lead,
    organization: Organization | None = None,
    members: Sequence[SelectedMember] = (),
    team_name: str = "",
    lead_role: str | None = None,
    by=None,
    reason: str = "selected",
    now: datetime | None = None,
) -> list[Enrollment]:
    """People chosen in a selection take their seats now (the lead first, then the members).

    Someone already holding a seat keeps it; someone waitlisted or offered is seated;
    the others are added. Refused, changing nothing, when the seats they need are taken.
    """
    now = now or timezone.now()
    result = []
    with transaction.atomic():
        cohort, plan = _selection(cohort, lead=lead, organization=organization, members=members,
                                  team_name=team_name, lead_role=lead_role, what="this selection needs")
        for person, role, team, enrollment in plan:
            if enrollment is not None and enrollment.status in Enrollment.PARTICIPATING + (Status.AWAITING_PAYMENT,):
                result.append(enrollment)
                continue
            enrollment = _placed(cohort, enrollment, person=person, role=role, team=team, organization=organization)
            if organization is not None:
                affiliate(person, organization)
            _take_seat(enrollment, by=by, now=now, reason=reason, fields=["organization", "team", "role"])
            _notify_registered(enrollment)
            result.append(enrollment)
    return result


def offer_seats(
    *,
    cohort: Cohort,
    lead,
    organization: Organization | None = None,
    members: Sequence[SelectedMember] = (),
    team_name: str = "",
    lead_role: str | None = None,
    expires_at: datetime,
    by=None,
    reason: str = "selected",
    notify_people: bool = True,
    now: datetime | None = None,
) -> list[Enrollment]:
    """Offer seats to people chosen in a selection or a replacement: each offer holds its
    seat until it is accepted, declined or expires (one offer concept with the waitlist's).

    Refused, changing nothing, when the seats the offers need are taken.
    """
    now = now or timezone.now()
    result = []
    with transaction.atomic():
        cohort, plan = _selection(cohort, lead=lead, organization=organization, members=members,
                                  team_name=team_name, lead_role=lead_role, what="these offers need")
        for person, role, team, enrollment in plan:
            if enrollment is not None and enrollment.status in Enrollment.SEAT_HOLDING:
                result.append(enrollment)
                continue
            enrollment = _placed(cohort, enrollment, person=person, role=role, team=team, organization=organization)
            enrollment.offer_expires_at = expires_at
            _move(enrollment, Status.OFFERED, by=by, now=now, reason=reason, fields=["organization", "team", "role"])
            if notify_people:
                _notify(enrollment, "seat_offered", key=f"offered:{expires_at.isoformat()}")
            result.append(enrollment)
    return result


# ---------------------------------------------------------------- offers


def accept_offer(*, enrollment: Enrollment, by=None, now: datetime | None = None) -> Enrollment:
    now = now or timezone.now()
    with transaction.atomic():
        locked_cohort(enrollment.cohort_id)
        enrollment = _locked_enrollment(enrollment.pk)
        if enrollment.status != Status.OFFERED:
            raise LifecycleError("There is no open offer on this registration.")
        if enrollment.offer_expires_at and enrollment.offer_expires_at <= now:
            raise LifecycleError("This offer has expired; the seat has passed to the next person.")
        _take_seat(enrollment, by=by, now=now, reason="accepted the offer")
        _notify_registered(enrollment)
    return enrollment


def decline_offer(*, enrollment: Enrollment, by=None, now: datetime | None = None) -> Enrollment:
    now = now or timezone.now()
    with transaction.atomic():
        cohort = locked_cohort(enrollment.cohort_id)
        enrollment = _locked_enrollment(enrollment.pk)
        if enrollment.status != Status.OFFERED:
            raise LifecycleError("There is no open offer on this registration.")
        _move(enrollment, Status.CANCELLED, by=by, now=now, reason="declined the offer")
        _notify(enrollment, "offer_declined", key="offer_declined")
        refill(cohort, now=now)
    return enrollment


def expire_offer(*, enrollment_id: int, now: datetime | None = None) -> bool:
    """Let one due offer lapse and refill the seat. False when it was answered or handled meanwhile."""
    now = now or timezone.now()
    with transaction.atomic():
        cohort, enrollment = _locked_by_id(enrollment_id)
        if enrollment is None:
            return False
        if enrollment.status != Status.OFFERED or not enrollment.offer_expires_at or enrollment.offer_expires_at > now:
            return False
        expired_at = enrollment.offer_expires_at
        _move(enrollment, Status.CANCELLED, by=None, now=now, reason=OFFER_EXPIRED)
        _notify(enrollment, "offer_expired", key=f"offer_expired:{expired_at.isoformat()}")
        refill(cohort, now=now)
    return True


def due_offers(*, now: datetime | None = None):
    """(id, organizer_id) of offers past their deadline, through enrollment_offer_expiry_idx.

    Call it with scopes disabled: it sweeps every organizer, filtered by status and deadline.
    """
    now = now or timezone.now()
    return Enrollment.objects.filter(status=Status.OFFERED, offer_expires_at__lte=now).values_list(
        "id", "organizer_id"
    )


# ---------------------------------------------------------------- cancelling and completing


def cancel(*, enrollment: Enrollment, by=None, reason: str = "", now: datetime | None = None) -> Enrollment:
    """The person (or staff) cancels; a held seat is refilled."""
    now = now or timezone.now()
    with transaction.atomic():
        cohort = locked_cohort(enrollment.cohort_id)
        enrollment = _locked_enrollment(enrollment.pk)
        if enrollment.status not in Enrollment.CANCELLABLE:
            raise LifecycleError("This registration cannot be cancelled any more.")
        held_seat = enrollment.status in Enrollment.SEAT_HOLDING
        was_waiting = enrollment.status == Status.WAITLISTED
        _move(enrollment, Status.CANCELLED, by=by, now=now, reason=reason or "cancelled")
        _notify(enrollment, "cancelled", key=f"cancelled:{now.isoformat()}")
        if held_seat:
            refill(cohort, now=now)
        elif was_waiting and cohort.enrollment_mode not in _vacancy_handlers:
            # A team at the head of the line may be what kept the people behind it waiting
            # for seats that are free: with it gone, the line moves.
            offer_free_seats(cohort, now=now)
    return enrollment


def complete(*, enrollment: Enrollment, by=None, reason: str = "", now: datetime | None = None) -> Enrollment:
    """A confirmed participant finished the cohort (the seat stays counted)."""
    now = now or timezone.now()
    with transaction.atomic():
        locked_cohort(enrollment.cohort_id)
        enrollment = _locked_enrollment(enrollment.pk)
        if enrollment.status != Status.CONFIRMED:
            raise LifecycleError("Only confirmed registrations can be marked completed.")
        _move(enrollment, Status.COMPLETED, by=by, now=now, reason=reason or "completed")
        _notify(enrollment, "completed", key="completed")
    return enrollment


def complete_many(*, cohort: Cohort, enrollment_ids, by=None, reason: str, now: datetime | None = None) -> int:
    """Mark these enrollments of one cohort completed (the attendance rule, the cohort's end).

    Enrollments that are not confirmed (any more) are left alone; returns how many changed.
    """
    now = now or timezone.now()
    with transaction.atomic():
        cohort = locked_cohort(cohort.pk)
        enrollments = list(
            Enrollment.objects.select_for_update().select_related("person")
            .filter(cohort=cohort, pk__in=list(enrollment_ids), status=Status.CONFIRMED).order_by("pk")
        )
        for enrollment in enrollments:
            _move(enrollment, Status.COMPLETED, by=by, now=now, reason=reason)
            _notify(enrollment, "completed", key="completed")
    return len(enrollments)


# ---------------------------------------------------------------- payment holds


def confirm_payment(*, enrollment: Enrollment, by=None, reason: str = "payment received",
                    now: datetime | None = None) -> Enrollment:
    """A held seat was paid for: awaiting_payment → confirmed."""
    now = now or timezone.now()
    with transaction.atomic():
        locked_cohort(enrollment.cohort_id)
        enrollment = _locked_enrollment(enrollment.pk)
        if enrollment.status == Status.CONFIRMED:
            return enrollment  # a second notice of the same payment
        if enrollment.status != Status.AWAITING_PAYMENT:
            raise LifecycleError(
                f"This registration is {enrollment.get_status_display().lower()}; it is not waiting for a payment."
            )
        _move(enrollment, Status.CONFIRMED, by=by, now=now, reason=reason)
        _notify(enrollment, "confirmed", key="confirmed")
    return enrollment


def lapse_payment_hold(*, enrollment_id: int, now: datetime | None = None) -> bool:
    """An unpaid hold past its deadline releases the seat, which is refilled.

    False when it was paid, extended or cancelled meanwhile.
    """
    now = now or timezone.now()
    with transaction.atomic():
        cohort, enrollment = _locked_by_id(enrollment_id)
        if enrollment is None:
            return False
        due = enrollment.payment_due_at
        if enrollment.status != Status.AWAITING_PAYMENT or due is None or due > now:
            return False
        _move(enrollment, Status.CANCELLED, by=None, now=now, reason="not paid by the deadline")
        _notify(enrollment, "payment_lapsed", key=f"payment_lapsed:{due.isoformat()}")
        refill(cohort, now=now)
    return True


def extend_payment_hold(*, enrollment: Enrollment, until: datetime, by=None, reason: str,
                        now: datetime | None = None) -> Enrollment:
    """Hold the seat longer (e.g. while a scholarship request is reviewed)."""
    now = now or timezone.now()
    if until <= now:
        raise LifecycleError("Choose a deadline in the future.", field="until")
    with transaction.atomic():
        locked_cohort(enrollment.cohort_id)
        enrollment = _locked_enrollment(enrollment.pk)
        if enrollment.status != Status.AWAITING_PAYMENT:
            raise LifecycleError("Only a seat held until payment can be held longer.")
        enrollment.payment_due_at = until
        enrollment.save(update_fields=["payment_due_at"])
        _record(enrollment, Status.AWAITING_PAYMENT, by=by, now=now,
                reason=f"{reason or 'payment deadline moved'} (until {selectors.when(until, enrollment.cohort.time_zone)})")
    return enrollment


def due_payment_holds(*, now: datetime | None = None):
    """(id, organizer_id) of payment holds past their deadline; call with scopes disabled."""
    now = now or timezone.now()
    return Enrollment.objects.filter(status=Status.AWAITING_PAYMENT, payment_due_at__lte=now).values_list(
        "id", "organizer_id"
    )


# ---------------------------------------------------------------- refilling freed seats


def refill(cohort: Cohort, *, now: datetime) -> None:
    """A seat was freed; the caller holds the cohort lock. Run the cohort's vacancy
    handler (application cohorts: the call's replacement) or offer the waitlist."""
    handler = _vacancy_handlers.get(cohort.enrollment_mode)
    if handler is not None:
        handler(cohort=cohort, now=now)
    else:
        offer_free_seats(cohort, now=now)


def offer_free_seats(cohort: Cohort, *, now: datetime) -> list[Enrollment]:
    """Offer freed seats to the waitlist in order; the caller holds the cohort lock.

    A waitlisted team moves as one: the head of the line is offered seats only when
    all of its members fit, and nobody behind it jumps ahead (first come, first served).
    """
    free = selectors.free_seats(cohort)
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
    # Members a waitlisted lead named who have not answered yet move with their team: the
    # team needs their seats too (they are held for them once the lead is offered).
    pending = dict(
        TeamInvitation.objects.filter(cohort=cohort, status=TeamInvitation.Status.PENDING,
                                      lead_enrollment__status=Status.WAITLISTED)
        .order_by().values("team_id").annotate(n=Count("pk")).values_list("team_id", "n")
    )
    _race_window(True)  # sleeps only in the control test, with locking switched off
    expires = now + timedelta(hours=cohort.offer_hours)
    for unit in units:
        needed = len(unit) + pending.get(unit[0].team_id, 0)
        if free is not None and needed > free:
            break
        for enrollment in unit:
            enrollment.offer_expires_at = expires
            _move(enrollment, Status.OFFERED, by=None, now=now, reason="a seat freed up")
            _notify(enrollment, "seat_offered", key=f"offered:{expires.isoformat()}")
            offered.append(enrollment)
        if free is not None:
            free -= needed
    return offered


# ---------------------------------------------------------------- messages


def _notify_registered(enrollment: Enrollment) -> None:
    what = {
        Status.CONFIRMED: "confirmed", Status.WAITLISTED: "waitlisted", Status.AWAITING_PAYMENT: "awaiting_payment",
    }[enrollment.status]
    _notify(enrollment, what, key=what)


def _notify(enrollment: Enrollment, what: str, *, key: str) -> None:
    cohort = enrollment.cohort
    # The person's own zone when they chose one (as their /me pages show), else the cohort's.
    zone = enrollment.person.time_zone or cohort.time_zone
    context = {
        "person_name": enrollment.person.display_name,
        "program_title": cohort.program.title,
        "cohort_title": cohort.title,
        "starts_on": cohort.starts_on.strftime("%A %-d %B %Y") if cohort.starts_on else "",
        "commitment": cohort.commitment,
        "status": enrollment.get_status_display(),
        "enrollment_url": absolute_url(reverse("me:enrollment", kwargs={"enrollment_id": enrollment.pk})),
        "offer_url": absolute_url(reverse("me:offer", kwargs={"enrollment_id": enrollment.pk})),
        "offer_expires_at": selectors.when(enrollment.offer_expires_at, zone) if enrollment.offer_expires_at else "",
        "payment_due_at": selectors.when(enrollment.payment_due_at, zone) if enrollment.payment_due_at else "",
        "cost_summary": cohort.cost_summary,
        "contact": selectors.contact_line(cohort).strip(),
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
