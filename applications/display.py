"""What the catalog and program pages say about an application cohort's call.

cohorts/display.py asks through the hook that ApplicationsConfig.ready() registers
(`cohorts.display.set_application_display`): applications builds on cohorts, never
the other way round.
"""

from __future__ import annotations

from datetime import datetime

from django.urls import reverse
from django.utils import timezone

from cohorts import selectors
from cohorts.display import under_way
from cohorts.models import Cohort
from core.timefmt import format_when

from .models import ApplicationCall
from .selectors import applications_of


def _application_call(cohort: Cohort) -> ApplicationCall | None:
    """The cohort's call, from the columns the selectors annotate (no query)."""
    if cohort.enrollment_mode != Cohort.EnrollmentMode.APPLICATION or cohort.call_id is None:
        return None
    return ApplicationCall(id=cohort.call_id, cohort=cohort, opens_at=cohort.call_opens_at,
                           deadline=cohort.call_deadline, open_for_applications=cohort.call_is_open_for_applications,
                           selection_confirmed_at=cohort.call_selection_confirmed_at)


def application_state(cohort: Cohort, now: datetime) -> tuple[str, str]:
    """(short label for the catalog, sentence for the program page) of an application-mode cohort."""
    if cohort.registration_closed:
        return "applications closed", selectors.registration_problem(cohort, now=now) or ""
    call = _application_call(cohort)
    if (call is None or not call.is_open(now)) and under_way(cohort, timezone.localdate(now)):
        return "in progress", "This cohort is under way; its participants were selected." + selectors.contact_line(cohort)
    if call is None:
        return "by application", "Applications are not open yet." + selectors.contact_line(cohort)
    if call.selection_confirmed_at:
        return "applications closed", (
            "Applications are closed: the participants have been selected." + selectors.contact_line(cohort)
        )
    if not call.open_for_applications and not (call.deadline and now > call.deadline):
        return "by application", "Applications are not open yet." + selectors.contact_line(cohort)
    if call.is_open(now):
        closes = f" Applications close {format_when(call.deadline, cohort.time_zone)}." if call.deadline else ""
        return "applications open", "Participants are selected from the applications received." + closes
    if call.opens_at and now < call.opens_at:
        return "applications open soon", f"Applications open {format_when(call.opens_at, cohort.time_zone)}."
    return "applications closed", (
        f"Applications closed {format_when(call.deadline, cohort.time_zone)}." if call.deadline else "Applications are closed."
    ) + selectors.contact_line(cohort)


def apply_url(cohort: Cohort, now: datetime, organizer_slug: str) -> str:
    """The program page's Apply link while the cohort's call takes applications, else ""."""
    call = _application_call(cohort)
    if call is None or cohort.registration_closed or not call.is_open(now):
        return ""
    return reverse("applications:apply", kwargs={"organizer_slug": organizer_slug, "call_id": call.id})


def my_applications(person, cohorts: list[Cohort], organizer_slug: str) -> dict[int, dict]:
    """The program page's "where you stand" card for each cohort the person applied to
    (a draft to continue, or the application's status), by cohort id."""
    applications = applications_of(person, [c.call_id for c in cohorts if getattr(c, "call_id", None)])
    cards = {}
    for cohort in cohorts:
        application = applications.get(getattr(cohort, "call_id", None))
        if application is None or application.status == application.Status.WITHDRAWN:
            continue
        if application.status == application.Status.DRAFT:
            cards[cohort.pk] = {"sentence": "You have started an application; it is not submitted yet.",
                                "url": reverse("applications:apply", kwargs={"organizer_slug": organizer_slug,
                                                                             "call_id": application.call_id}),
                                "label": "Continue your application"}
        else:
            cards[cohort.pk] = {
                "sentence": f"You applied. Your application: {application.get_status_display().lower()}.",
                "url": reverse("applications:application_status",
                               kwargs={"organizer_slug": organizer_slug, "application_id": application.pk}),
                "label": "View your application",
            }
    return cards
