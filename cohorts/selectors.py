"""Reads the catalog pages share. Each runs a fixed number of queries, however many rows."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone
from django_scopes import scopes_disabled

from .models import Cohort, Enrollment, Module, Program

WHEN_CHOICES = {"upcoming": "Upcoming", "open": "Open for registration"}


def _seat_counts() -> dict:
    return {
        "seats_taken": Count("enrollments", filter=Q(enrollments__status__in=Enrollment.SEAT_HOLDING)),
        "waitlisted": Count("enrollments", filter=Q(enrollments__status=Enrollment.Status.WAITLISTED)),
    }


def _open_now(now: datetime) -> Q:
    return (
        Q(enrollment_mode=Cohort.EnrollmentMode.OPEN, registration_closed=False)
        & (Q(registration_opens_at__isnull=True) | Q(registration_opens_at__lte=now))
        & (Q(registration_closes_at__isnull=True) | Q(registration_closes_at__gt=now))
    )


def published_cohorts(organizer) -> QuerySet[Cohort]:
    return Cohort.objects.filter(organizer=organizer, is_published=True)


def catalog(organizer, *, kind: str = "", when: str = "", now: datetime | None = None) -> list[Program]:
    """Published programs of one organizer, each with its published cohorts (and their seats taken).

    `kind`: one of Program.Kind; `when`: "upcoming" (a cohort starts today or later)
    or "open" (a cohort takes registrations now). Two queries.
    """
    now = now or timezone.now()
    programs = Program.objects.filter(organizer=organizer, status=Program.Status.PUBLISHED)
    if kind in Program.Kind.values:
        programs = programs.filter(kind=kind)
    cohorts = published_cohorts(organizer)
    if when == "upcoming":
        upcoming = cohorts.filter(starts_on__gte=timezone.localdate(now))
        programs = programs.filter(Exists(upcoming.filter(program=OuterRef("pk"))))
    elif when == "open":
        programs = programs.filter(Exists(cohorts.filter(_open_now(now), program=OuterRef("pk"))))
    cohort_rows = cohorts.annotate(**_seat_counts()).order_by("starts_on", "title")
    result = list(programs.order_by("title").prefetch_related(Prefetch("cohorts", queryset=cohort_rows, to_attr="runs")))
    _same_organizer(organizer, [cohort for program in result for cohort in program.runs])
    return result


def _same_organizer(organizer, cohorts) -> None:
    # Every row here belongs to `organizer`; setting it saves a join of its many columns.
    for cohort in cohorts:
        cohort.organizer = organizer


def program_page(organizer, *, slug: str) -> Program | None:
    """One published program with everything its page shows, in a fixed number of queries.

    `program.module_list` holds the program's shared modules and those of its published
    cohorts (each with `cohort_title`); `program.runs` its published cohorts with seats taken.
    """
    cohort_rows = (
        published_cohorts(organizer).annotate(**_seat_counts()).order_by("starts_on", "title")
    )
    modules = Module.objects.filter(organizer=organizer).prefetch_related("facilitators").order_by("order", "id")
    program = (
        Program.objects.filter(organizer=organizer, slug=slug, status=Program.Status.PUBLISHED)
        .prefetch_related(
            "facilitators",
            "planning_partners",
            Prefetch("modules", queryset=modules, to_attr="all_modules"),
            Prefetch("cohorts", queryset=cohort_rows, to_attr="runs"),
        )
        .first()
    )
    if program is None:
        return None
    _same_organizer(organizer, program.runs)
    titles = {cohort.pk: cohort.title for cohort in program.runs}
    program.module_list = []
    for module in program.all_modules:
        if module.cohort_id is None or module.cohort_id in titles:
            module.cohort_title = titles.get(module.cohort_id, "")
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


def seats_left(cohort: Cohort) -> int | None:
    """From a cohort annotated by these selectors; None means no limit."""
    if cohort.capacity is None:
        return None
    return max(cohort.capacity - cohort.seats_taken, 0)


def is_open_now(cohort: Cohort, now: datetime | None = None) -> bool:
    from .services import registration_problem

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
