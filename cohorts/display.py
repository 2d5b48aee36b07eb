"""What the catalog and program pages say about each program and cohort.

Computed once per request in Python and handed to the templates as plain dicts: the
template engine tries `row["x"]` before `row.x`, so a dict is its cheapest lookup,
and the catalog prints a card per program and a line per cohort (bench/pages.py
measures what that costs against a bare view).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import NamedTuple

from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString

from core.html import select_options
from core.timefmt import format_when

from . import selectors
from .models import Cohort, Program


def dates(cohort: Cohort) -> str:
    start, end = cohort.starts_on, cohort.ends_on
    if not start:
        return ""
    text = f"{start.day} {start:%b %Y}"
    return f"{text} – {end.day} {end:%b %Y}" if end else text


def _url_for_slug(name: str, slug_kwarg: str, **kwargs) -> Callable[[str], str]:
    """reverse() once per page instead of once per row: `slug_kwarg` is the only part
    of the path that differs between rows, and slugs need no quoting."""
    marker = "slug-of-the-row"
    head, _, tail = reverse(name, kwargs={**kwargs, slug_kwarg: marker}).rpartition(marker)
    return lambda slug: f"{head}{slug}{tail}"


def has_ended(cohort: Cohort, today: date) -> bool:
    return bool(cohort.ends_on and cohort.ends_on < today)


def under_way(cohort: Cohort, today: date) -> bool:
    return bool(cohort.starts_on and cohort.starts_on <= today and not has_ended(cohort, today))


class ApplicationDisplay(NamedTuple):
    """What the applications app says about an application cohort's call (cohorts does
    not import applications: ApplicationsConfig.ready() registers this)."""

    state: Callable[[Cohort, datetime], tuple[str, str]]  # (catalog label, program page sentence)
    apply_url: Callable[[Cohort, datetime, str], str]  # its Apply page while it takes applications, else ""
    # The viewer's own applications, as the program page's "where you stand" card per cohort id.
    my_applications: Callable[[object, list[Cohort], str], dict[int, dict]]


_application_display: ApplicationDisplay | None = None


def set_application_display(display: ApplicationDisplay | None) -> None:
    global _application_display
    _application_display = display


def _application_state(cohort: Cohort, now: datetime) -> tuple[str, str]:
    """(short label for the catalog, sentence for the program page) of an application-mode cohort."""
    if _application_display is None:  # the applications app is not installed
        return "by application", "Applications are not open yet." + selectors.contact_line(cohort)
    return _application_display.state(cohort, now)


def _my_applications(person, cohorts: list[Cohort], organizer_slug: str) -> dict[int, dict]:
    if _application_display is None:
        return {}
    return _application_display.my_applications(person, cohorts, organizer_slug)


def _apply_url(cohort: Cohort, now: datetime, organizer_slug: str) -> str:
    return _application_display.apply_url(cohort, now, organizer_slug) if _application_display is not None else ""


def _status(cohort: Cohort, *, seats_left: int | None, problem: str | None, now: datetime, today: date) -> str:
    """A few words for the catalog: can I still join, and how."""
    if problem is None:
        if seats_left is None:
            return "open for registration"
        if seats_left:
            return f"{seats_left} seat{'s' if seats_left != 1 else ''} left"
        return "full — waitlist open"
    if has_ended(cohort, today):  # over is over, whether or not registration was closed
        return "ended"
    if cohort.registration_closed:
        return "registration closed"
    if under_way(cohort, today):
        return "in progress"
    if cohort.enrollment_mode == Cohort.EnrollmentMode.APPLICATION:
        return _application_state(cohort, now)[0]
    if cohort.enrollment_mode == Cohort.EnrollmentMode.INVITATION:
        return "by invitation only"
    if cohort.registration_opens_at and cohort.registration_opens_at > now:
        return "registration opens soon"
    return "registration closed"


def filter_options(form) -> dict[str, SafeString]:
    """The catalog filter's <option>s with the chosen one selected, for plain <select>s:
    rendering a form widget costs more than the rest of the page's form put together."""
    chosen = form.cleaned_data if form.is_bound and form.is_valid() else {}
    return {name: select_options(field.choices, chosen=str(chosen.get(name, ""))) for name, field in form.fields.items()}


_KIND_LABELS = dict(Program.Kind.choices)  # get_kind_display() flattens the choices on every call


def catalog_cards(programs: list[Program], *, organizer_slug: str, now: datetime) -> list[dict]:
    """A card per program: title, link, kind, summary and a line per cohort."""
    today = timezone.localdate(now)
    program_url = _url_for_slug("cohorts:program_detail", "program_slug", organizer_slug=organizer_slug)
    cards = []
    for program in programs:
        lines = []
        for cohort in program.runs:
            problem = selectors.registration_problem(cohort, now=now)
            status = _status(cohort, seats_left=selectors.seats_left(cohort), problem=problem, now=now, today=today)
            when = dates(cohort)
            lines.append(f"{cohort.title}: {when} · {status}" if when else f"{cohort.title} · {status}")
        cards.append({"title": program.title, "url": program_url(program.slug),
                      "kind": _KIND_LABELS.get(program.kind, program.kind), "summary": program.summary, "lines": lines})
    return cards


def cohort_rows(program: Program, *, organizer_slug: str, now: datetime) -> list[dict]:
    """The program page's "Dates and how to join" card per cohort."""
    here = {"organizer_slug": organizer_slug, "program_slug": program.slug}
    register_url = _url_for_slug("cohorts:register", "cohort_slug", **here)
    team_url = _url_for_slug("cohorts:register_team", "cohort_slug", **here)
    today = timezone.localdate(now)  # the same day the catalog judges by
    rows = []
    for cohort in program.runs:
        seats_left = selectors.seats_left(cohort)
        problem = selectors.registration_problem(cohort, now=now)
        row = {"cohort": cohort, "dates": dates(cohort), "seats_left": seats_left, "can_register": problem is None,
               "registration_problem": problem, "join_url": "", "join_label": "", "apply_url": "",
               # A run that is over shows its dates, not seats, prices and deadlines nobody can use.
               "ended": has_ended(cohort, today)}
        if problem is None:
            row["join_url"] = (team_url if cohort.is_team_cohort else register_url)(cohort.slug)
            row["join_label"] = ("Register your team" if cohort.is_team_cohort
                                 else "Join the waitlist" if seats_left == 0 else "Register")
        elif cohort.enrollment_mode == Cohort.EnrollmentMode.APPLICATION:
            row["registration_problem"] = _application_state(cohort, now)[1]
            row["apply_url"] = _apply_url(cohort, now, organizer_slug)
        rows.append(row)
    return rows


def _place_sentence(enrollment) -> str:
    """Where the viewer stands in a cohort, in words (the program page's card)."""
    Status = enrollment.Status
    if enrollment.status == Status.WAITLISTED:
        position = getattr(enrollment, "waitlist_position", None)
        return (f"You are on the waitlist, number {position} in line." if position
                else "You are on the waitlist.") + " We will email you if a seat frees up."
    if enrollment.status == Status.OFFERED:
        until = f" until {format_when(enrollment.offer_expires_at)}" if enrollment.offer_expires_at else ""
        return f"You have been offered a seat: it is held for you{until}."
    if enrollment.status == Status.AWAITING_PAYMENT:
        until = f" until {format_when(enrollment.payment_due_at)}" if enrollment.payment_due_at else ""
        return f"Your seat is held{until} while you pay."
    if enrollment.status == Status.COMPLETED:
        return "You completed this cohort."
    return "You are registered."


def attach_viewer_places(rows: list[dict], person, *, organizer_slug: str) -> None:
    """Tell a signed-in viewer where they stand instead of offering to register again.

    Sets row["mine"] = {"sentence", "url", "label"} on the cohorts they registered for
    (or applied to); the template shows it in place of the Register / Apply button.
    """
    cohorts = [row["cohort"] for row in rows]
    places = selectors.my_places(person, cohorts)
    applied = _my_applications(person, cohorts, organizer_slug)
    for row in rows:
        cohort = row["cohort"]
        enrollment = places.get(cohort.pk)
        if enrollment is not None:
            if enrollment.status == enrollment.Status.OFFERED:
                url, label = reverse("me:offer", kwargs={"enrollment_id": enrollment.pk}), "Accept or decline the seat"
            elif enrollment.status == enrollment.Status.AWAITING_PAYMENT:
                url = reverse("billing:checkout", kwargs={"organizer_slug": organizer_slug, "enrollment_id": enrollment.pk})
                label = "Pay or see your order"
            else:
                url, label = reverse("me:enrollment", kwargs={"enrollment_id": enrollment.pk}), "View your registration"
            row["mine"] = {"sentence": _place_sentence(enrollment), "url": url, "label": label}
        elif cohort.pk in applied:
            row["mine"] = applied[cohort.pk]
