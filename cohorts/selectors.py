"""Reads the catalog pages share. Each runs a fixed number of queries, however many rows."""

from __future__ import annotations

from datetime import datetime

from django.core.paginator import Page, Paginator
from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django_scopes import scopes_disabled

from core.prepared import PreparedQuery
from core.timefmt import format_when

from .models import Cohort, Enrollment, Facilitator, Module, Organization, PlanningPartner, Program, TeamInvitation

WHEN_CHOICES = {"upcoming": "Upcoming", "open": "Open for registration"}


def held_invitations() -> QuerySet[TeamInvitation]:
    """Team members who have not answered yet, whose seat is held: their lead holds one."""
    return TeamInvitation.objects.filter(
        status=TeamInvitation.Status.PENDING, lead_enrollment__status__in=Enrollment.SEAT_HOLDING
    )


def _held_for_invited():
    held = (
        held_invitations().filter(cohort=OuterRef("pk")).order_by().values("cohort")
        .annotate(n=Count("pk")).values("n")
    )
    return Coalesce(Subquery(held), 0)


def seats_taken_count():
    """A Cohort annotation: the seats its enrollments hold plus those held for team members
    who have not answered yet (the one count of seats taken; seats_taken() for one cohort)."""
    return Count("enrollments", filter=Q(enrollments__status__in=Enrollment.SEAT_HOLDING)) + _held_for_invited()


def _seat_counts() -> dict:
    return {
        "seats_taken": seats_taken_count(),
        "waitlisted": Count("enrollments", filter=Q(enrollments__status=Enrollment.Status.WAITLISTED)),
    }


def published_cohorts(organizer) -> QuerySet[Cohort]:
    return Cohort.objects.filter(organizer=organizer, is_published=True)


# The catalog and program pages are the busiest public pages, so their reads are
# prepared once per process (core.prepared): each costs one round trip, not the
# building of a queryset. Each filters by organizer and is checked against the scope.
_published_programs = PreparedQuery(  # for the catalog's cards: the columns they show, and status for registering
    lambda organizer_id: Program.objects.filter(organizer_id=organizer_id, status=Program.Status.PUBLISHED)
    .only("organizer_id", "kind", "title", "slug", "summary", "status").order_by("title", "id"),
    params={"organizer_id": int}, tenant="organizer_id",
)
_published_program = PreparedQuery(
    lambda organizer_id, slug: Program.objects.filter(
        organizer_id=organizer_id, slug=slug, status=Program.Status.PUBLISHED
    ).order_by("id")[:1],
    params={"organizer_id": int, "slug": str}, tenant="organizer_id",
)


def _runs(**where) -> QuerySet[Cohort]:
    """Published cohorts with their seats taken and, for application-mode ones, their call."""
    return (
        Cohort.objects.filter(is_published=True, **where)
        .annotate(
            **_seat_counts(),
            call_id=F("application_call__id"),
            call_opens_at=F("application_call__opens_at"),
            call_deadline=F("application_call__deadline"),
            call_is_open_for_applications=F("application_call__open_for_applications"),
            call_selection_confirmed_at=F("application_call__selection_confirmed_at"),
        )
        .order_by("starts_on", "title", "id")
    )


_runs_of_published_programs = PreparedQuery(
    lambda organizer_id: _runs(organizer_id=organizer_id, program__status=Program.Status.PUBLISHED),
    params={"organizer_id": int}, tenant="organizer_id",
)
_runs_of_program = PreparedQuery(
    lambda organizer_id, program_id: _runs(organizer_id=organizer_id, program_id=program_id),
    params={"organizer_id": int, "program_id": int}, tenant="organizer_id",
)
_modules_of_program = PreparedQuery(
    lambda organizer_id, program_id: Module.objects.filter(organizer_id=organizer_id, program_id=program_id)
    .order_by("order", "id"),
    params={"organizer_id": int, "program_id": int}, tenant="organizer_id",
)
_facilitators_of_program = PreparedQuery(
    lambda organizer_id, program_id: Facilitator.objects.filter(organizer_id=organizer_id, programs__id=program_id)
    .order_by("name", "id"),
    params={"organizer_id": int, "program_id": int}, tenant="organizer_id",
)
_module_facilitator_names = PreparedQuery(
    lambda organizer_id, program_id: Module.facilitators.through.objects.filter(
        module__organizer_id=organizer_id, module__program_id=program_id
    ).order_by("facilitator__name", "facilitator_id").values_list("module_id", "facilitator__name"),
    params={"organizer_id": int, "program_id": int}, tenant="organizer_id",
)
_partners_of_program = PreparedQuery(
    lambda organizer_id, program_id: PlanningPartner.objects.filter(organizer_id=organizer_id, program_id=program_id),
    params={"organizer_id": int, "program_id": int}, tenant="organizer_id",
)


_COHORT_ORGANIZER = Cohort._meta.get_field("organizer")
_COHORT_PROGRAM = Cohort._meta.get_field("program")


def _attach(organizer, program: Program, runs: list[Cohort]) -> None:
    # Every row here belongs to `organizer` and `program`; setting them saves joins.
    # Cached as prefetch_related caches them: the ids are already these (the reads
    # filter by them), so the descriptors' checks and id writes have nothing to do.
    program.runs = runs
    for cohort in runs:
        _COHORT_ORGANIZER.set_cached_value(cohort, organizer)
        _COHORT_PROGRAM.set_cached_value(cohort, program)


def catalog_page(
    organizer, *, kind: str = "", when: str = "", page: str | int | None = None, per_page: int,
    now: datetime | None = None,
) -> Page:
    """One page of an organizer's published programs, each with its published cohorts
    (and their seats taken) in `program.runs`.

    `kind`: one of Program.Kind; `when`: "upcoming" (a cohort starts today or later)
    or "open" (a cohort takes registrations now); `page`: as typed in the address
    (Paginator.get_page forgives a bad one). Two queries, whatever the filters and the
    page: an organizer publishes tens of programs, so filtering them here costs less than
    a query per filter combination; rows become model instances only where needed (a
    200-program catalog builds 25 programs, not 200).
    """
    now = now or timezone.now()
    programs = _published_programs.rows(organizer_id=organizer.id)
    program_id, program_kind = _published_programs.column("id"), _published_programs.column("kind")
    if kind in Program.Kind.values:
        programs = [row for row in programs if row[program_kind] == kind]
    cohort_rows: dict[int, list] = {row[program_id]: [] for row in programs}
    cohort_program = _runs_of_published_programs.column("program_id")
    for row in _runs_of_published_programs.rows(organizer_id=organizer.id):
        if row[cohort_program] in cohort_rows:  # a program the kind filter left out otherwise
            cohort_rows[row[cohort_program]].append(row)
    built: dict[int, Program] = {}

    def program_of(row) -> Program:
        key = row[program_id]
        if key not in built:
            (program,) = _published_programs.instances([row])
            _attach(organizer, program, _runs_of_published_programs.instances(cohort_rows[key]))
            built[key] = program
        return built[key]

    if when == "upcoming":
        today = timezone.localdate(now)
        programs = [row for row in programs if any(c.starts_on and c.starts_on >= today for c in program_of(row).runs)]
    elif when == "open":
        programs = [row for row in programs if any(is_open_now(c, now) for c in program_of(row).runs)]
    result = Paginator(programs, per_page).get_page(page)
    result.object_list = [program_of(row) for row in result.object_list]
    return result


def program_page(organizer, *, slug: str) -> Program | None:
    """One published program with everything its page shows, in a fixed number of queries.

    `program.runs`: its published cohorts with seats taken; `program.module_list`: its
    shared modules and those of its published cohorts (each with `cohort_title` and
    `facilitator_names`); `program.facilitator_list`, `program.partner_list`.
    """
    found = _published_program.run(organizer_id=organizer.id, slug=slug)
    if not found:
        return None
    program = found[0]
    ids = {"organizer_id": organizer.id, "program_id": program.id}
    _attach(organizer, program, _runs_of_program.run(**ids))
    program.facilitator_list = _facilitators_of_program.run(**ids)
    program.partner_list = _partners_of_program.run(**ids)
    names: dict[int, list[str]] = {}
    for module_id, name in _module_facilitator_names.run(**ids):
        names.setdefault(module_id, []).append(name)
    titles = {cohort.pk: cohort.title for cohort in program.runs}
    program.module_list = []
    for module in _modules_of_program.run(**ids):
        if module.cohort_id is None or module.cohort_id in titles:
            module.cohort_title = titles.get(module.cohort_id, "")
            module.facilitator_names = names.get(module.id, [])
            program.module_list.append(module)
    return program


def cohort_for_registration(organizer, *, program_slug: str, cohort_slug: str) -> Cohort | None:
    return (
        published_cohorts(organizer)
        .filter(program__slug=program_slug, program__status=Program.Status.PUBLISHED, slug=cohort_slug)
        .select_related("program", "organizer")
        .annotate(**_seat_counts())
        .first()
    )


def active_enrollment(cohort: Cohort, person) -> Enrollment | None:
    return Enrollment.objects.filter(cohort=cohort, person=person).exclude(status=Enrollment.Status.CANCELLED).first()


def my_places(person, cohorts: list[Cohort]) -> dict[int, Enrollment]:
    """The viewer's live registration per cohort (program page): cancelled ones do not count.

    A waitlisted registration carries `waitlist_position` (1 = next in line, counted in
    people, in the order offers go out: waitlisted_at, then id). Two queries at most.
    """
    if not getattr(person, "is_authenticated", False) or not cohorts:
        return {}
    mine = {
        e.cohort_id: e
        for e in Enrollment.objects.filter(cohort__in=cohorts, person=person)
        .exclude(status=Enrollment.Status.CANCELLED)
        .order_by("created_at")
    }
    waiting = [e for e in mine.values() if e.status == Enrollment.Status.WAITLISTED]
    if waiting:
        line = (
            Enrollment.objects.filter(cohort_id__in=[e.cohort_id for e in waiting], status=Enrollment.Status.WAITLISTED)
            .order_by("waitlisted_at", "id")
            .values_list("cohort_id", "id")
        )
        ahead: dict[int, int] = {}
        for cohort_id, enrollment_id in line:
            ahead[cohort_id] = ahead.get(cohort_id, 0) + 1
            if enrollment_id == mine[cohort_id].pk:
                mine[cohort_id].waitlist_position = ahead[cohort_id]
    return mine


def seats_left(cohort: Cohort) -> int | None:
    """From a cohort annotated by these selectors; None means no limit."""
    if cohort.capacity is None:
        return None
    return max(cohort.capacity - cohort.seats_taken, 0)


def is_open_now(cohort: Cohort, now: datetime | None = None) -> bool:
    return registration_problem(cohort, now=now) is None


def enrollments_of(person) -> list[Enrollment]:
    """One person's registrations across every organizer (the /me/ pages).

    Filtering by the person explicitly is what makes leaving the organizer scope safe.
    """
    with scopes_disabled():
        return list(
            Enrollment.objects.filter(person=person)
            .select_related("cohort__program", "organizer", "organization", "team")
            .order_by("-cohort__starts_on", "-created_at")
        )


def enrollment_of(person, enrollment_id: int) -> Enrollment | None:
    with scopes_disabled():
        return (
            Enrollment.objects.filter(person=person, pk=enrollment_id)
            .select_related("cohort__program", "cohort__organizer", "organizer", "organization", "team")
            .first()
        )


def published_programs(organizer) -> list[Program]:
    """For the organizer's landing page."""
    with scopes_disabled():  # filtered by organizer explicitly; the landing page may render outside a scope
        return list(
            Program.objects.filter(organizer=organizer, status=Program.Status.PUBLISHED).order_by("title")
        )


def modules_of(cohort: Cohort) -> list[Module]:
    """The cohort's modules in order: the program's shared modules and the cohort's own."""
    return list(
        Module.objects.filter(program_id=cohort.program_id)
        .filter(Q(cohort__isnull=True) | Q(cohort=cohort))
        .order_by("order", "id")
    )


def delegate_emails(enrollment: Enrollment) -> dict[int, str]:
    """module id -> email of whom the enrollment's organization sends to it."""
    from .models import ModuleDelegate

    if enrollment.organization_id is None:
        return {}
    rows = ModuleDelegate.objects.filter(
        cohort_id=enrollment.cohort_id, organization_id=enrollment.organization_id
    ).values_list("module_id", "person__email")
    return dict(rows)


def accounts_by_email(emails: list[str]) -> dict:
    from django.contrib.auth import get_user_model

    wanted = {e.lower() for e in emails}
    return {u.email.lower(): u for u in get_user_model().objects.filter(email__in=wanted)}


# ---------------------------------------------------------------- registration rules (reads)
# The lifecycle (cohorts/lifecycle.py) asks these before and again under the cohort lock.


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
        return f"Registration opens on {when(cohort.registration_opens_at, cohort.time_zone)}."
    if cohort.registration_closes_at and now >= cohort.registration_closes_at:
        return f"Registration closed on {when(cohort.registration_closes_at, cohort.time_zone)}." + contact
    return None


def contact_line(cohort: Cohort) -> str:
    """" For more information, contact <name> (<email>)." or "" when nobody is named."""
    name = cohort.contact_name or cohort.organizer.contact_name
    email = cohort.contact_email or cohort.organizer.contact_email
    if not (name or email):
        return ""
    who = f"{name} ({email})" if name and email else (name or email)
    return f" For more information, contact {who}."


def when(moment: datetime, zone=None) -> str:
    """A moment in the given zone (default: the active one, i.e. the viewer's), zone named."""
    return format_when(moment, zone)


def already_registered(cohort: Cohort, people) -> str | None:
    existing = (
        Enrollment.objects.filter(cohort=cohort, person__in=people)
        .exclude(status=Enrollment.Status.CANCELLED)
        .select_related("person")
        .first()
    )
    if existing is None:
        return None
    return f"{existing.person.email} is already registered for this cohort ({existing.get_status_display().lower()})."


def organization_limit_problem(cohort: Cohort, organization: Organization | None, adding: int) -> str | None:
    limit = cohort.per_organization_limit
    if not limit:
        return None
    if organization is None:
        return "This cohort limits participants per organization: name your organization."
    taken = (
        Enrollment.objects.filter(cohort=cohort, organization=organization)
        .exclude(status=Enrollment.Status.CANCELLED)
        .count()
    ) + TeamInvitation.objects.filter(
        cohort=cohort, team__organization=organization, status=TeamInvitation.Status.PENDING
    ).count()
    if taken + adding <= limit:
        return None
    people = "participant" if limit == 1 else "participants"
    rotation = (
        " Your organization can still name a different colleague for each module (rotation)."
        if cohort.rotation_allowed
        else ""
    )
    return f"Only {limit} {people} per organization may register; {organization.name} already has {taken}.{rotation}"


def staff_enrollment_problem(*, cohort: Cohort, person, organization: Organization | None) -> str | None:
    """Why staff cannot add this person to this cohort, or None. Reads only: the admin
    form shows it, and enroll_by_staff asks again under the cohort's lock."""
    return already_registered(cohort, [person]) or organization_limit_problem(cohort, organization, 1)


def seats_taken(cohort: Cohort) -> int:
    """Seats held now: confirmed, completed, offered, or held while payment is due, and
    the seats held for team members who have not answered yet (models.TeamInvitation)."""
    return (
        Enrollment.objects.filter(cohort=cohort, status__in=Enrollment.SEAT_HOLDING).count()
        + held_invitations().filter(cohort=cohort).count()
    )


def free_seats(cohort: Cohort) -> int | None:
    """Seats nobody holds; None means no limit."""
    if cohort.capacity is None:
        return None
    return max(cohort.capacity - seats_taken(cohort), 0)


def participations(*, organizer_id: int, person_id: int) -> QuerySet[Enrollment]:
    """A person's enrollments at one organizer that make them a participant
    (`Enrollment.PARTICIPATING`: confirmed or completed; an offer not yet accepted, a
    seat awaiting payment or a waitlist place do not). The one definition the library's
    and the community's audience rules start from."""
    return Enrollment.objects.filter(organizer_id=organizer_id, person_id=person_id,
                                     status__in=Enrollment.PARTICIPATING)


def is_participant(cohort: Cohort, person) -> bool:
    """Whether the person takes part in the cohort (confirmed or completed)."""
    if person is None or not getattr(person, "is_authenticated", False):
        return False
    return Enrollment.objects.filter(cohort=cohort, person=person, status__in=Enrollment.PARTICIPATING).exists()


def history_of(enrollment: Enrollment) -> list:
    """The enrollment's audit entries, oldest first (its page shows them)."""
    from .models import EnrollmentEvent

    return list(EnrollmentEvent.objects.filter(enrollment=enrollment).select_related("actor").order_by("at", "id"))


# ---------------------------------------------------------------- team invitations (open cohorts)


def team_invitations_of(enrollment: Enrollment) -> list[TeamInvitation]:
    """The members a lead named, in the order named (the lead's registration page)."""
    return list(TeamInvitation.objects.filter(lead_enrollment=enrollment).order_by("id"))


def team_invitation(pk: int) -> TeamInvitation | None:
    return (
        TeamInvitation.objects.filter(pk=pk)
        .select_related("cohort__program", "cohort__organizer", "team__organization", "lead_enrollment__person")
        .first()
    )


def unconfirmed_team_invitations():
    """Pending invitations whose team still holds or waits for a place (the admin home's line)."""
    return TeamInvitation.objects.filter(status=TeamInvitation.Status.PENDING)
