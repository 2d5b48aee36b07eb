"""A cohort's schedule in messages: the lines an email lists, the ICS it attaches, and the
"schedule published / changed" message to confirmed participants.

Registration and acceptance emails carry `schedule_parts(cohort, person)`; adding
sessions to a cohort with confirmed participants calls `schedule_changed(cohort)`,
which sends (after a short pause, so a series or a few edits make one message) the
current schedule to each confirmed participant. The dedupe key holds a fingerprint of
the schedule, so the same schedule is never announced twice to anyone.
"""

import hashlib
import zoneinfo

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from cohorts.models import Cohort, Enrollment
from core.timefmt import format_span
from notifications.services import notify

from . import ics
from .models import Session

ANNOUNCE_AFTER_SECONDS = 300


def _sessions(cohort: Cohort, now=None):
    now = now or timezone.now()
    return list(Session.objects.filter(cohort=cohort, affinity_group__isnull=True, ends_at__gt=now)
                .select_related("cohort__program", "organizer").order_by("starts_at", "id"))


def schedule_parts(cohort: Cohort, person, *, now=None) -> tuple[dict, list[dict]]:
    """(context, attachments) for an email about this cohort to this person: the upcoming
    sessions in the person's zone (else the cohort's), zone named, and an ICS of them."""
    sessions = _sessions(cohort, now)
    zone = zoneinfo.ZoneInfo(str(getattr(person, "time_zone", None) or cohort.time_zone))
    context = {"schedule": [f"{format_span(s.starts_at, s.ends_at, zone)}: {s.title}" for s in sessions],
               "schedule_zone": zone.key}
    if not sessions:
        return context, []
    calendar = ics.sessions_calendar(f"{cohort.program.title}: {cohort.title}", sessions, show_video=lambda s: False)
    attachment = {"filename": f"{slugify(cohort.title) or 'schedule'}.ics", "content": calendar.decode(),
                  "mimetype": "text/calendar"}
    return context, [attachment]


def fingerprint(sessions) -> str:
    raw = "|".join(f"{s.id}:{s.starts_at.isoformat()}:{s.ends_at.isoformat()}:{s.title}" for s in sessions)
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


def schedule_changed(cohort: Cohort) -> None:
    """Sessions were added to this cohort: announce the schedule shortly after commit."""
    from .tasks import announce_schedule

    cohort_id, organizer_id = cohort.pk, cohort.organizer_id
    transaction.on_commit(lambda: announce_schedule.apply_async(
        args=[cohort_id, organizer_id], countdown=ANNOUNCE_AFTER_SECONDS))


def announce_schedule(*, cohort: Cohort, now=None) -> int:
    """Send the current schedule to every confirmed participant who has not had this one."""
    sessions = _sessions(cohort, now)
    if not sessions:
        return 0
    version = fingerprint(sessions)
    sent = 0
    with transaction.atomic():
        for enrollment in (Enrollment.objects.filter(cohort=cohort, status=Enrollment.Status.CONFIRMED)
                           .select_related("person")):
            person = enrollment.person
            context, attachments = schedule_parts(cohort, person, now=now)
            _, created = notify(
                organizer=cohort.organizer, template="sessions/schedule_changed", recipient=person,
                dedupe_key=f"schedule:cohort={cohort.pk}:user={person.pk}:v={version}",
                context={**context, "person_name": person.display_name, "program_title": cohort.program.title,
                         "cohort_title": cohort.title, "zone": str(person.time_zone or cohort.time_zone)},
                attachments=attachments, essential=True,
            )
            sent += created
    return sent
