"""When a cohort ends: its completion rule is applied and everyone hears the outcome.

`close_ended_cohort` marks completed (through the enrollment lifecycle, which sends
"you completed …") everyone confirmed who met the cohort's attendance rule (default
75%, in its completion settings) and tells each one below the rule which sessions
they missed, once (outbox dedupe key). The beat task `sessions_app.tasks.close_ended_cohorts`
runs it hourly for cohorts whose last day (on the cohort's clock) passed in the last
two weeks; a cohort with no sessions held is left to staff.
"""

import datetime as dt
import zoneinfo

from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from cohorts import lifecycle
from cohorts.models import Cohort, Enrollment
from core.timefmt import format_span
from core.urls import absolute_url
from notifications.services import notify

from .selectors.attendance import attendance_report, cohort_settings
from .models import Attendance

LOOK_BACK = dt.timedelta(days=14)


def ended_cohorts(*, now: dt.datetime | None = None) -> list[tuple[int, int]]:
    """(cohort id, organizer id) of cohorts that ended recently and still have confirmed people."""
    now = now or timezone.now()
    today = now.date()
    with scopes_disabled():
        rows = (Cohort.objects.filter(ends_on__lte=today + dt.timedelta(days=1), ends_on__gte=today - LOOK_BACK,
                                      enrollments__status=Enrollment.Status.CONFIRMED)
                .distinct().values_list("id", "organizer_id", "ends_on", "time_zone"))
        return [(cohort_id, organizer_id) for cohort_id, organizer_id, ends_on, zone in rows
                if ends_on < now.astimezone(zoneinfo.ZoneInfo(str(zone))).date()]


def close_ended_cohort(*, cohort: Cohort, now: dt.datetime | None = None) -> tuple[int, int]:
    """Returns (completed, told what they missed)."""
    threshold = cohort_settings(cohort).completion_min_attendance
    report = attendance_report(cohort)
    if not report.held_sessions:
        return 0, 0
    confirmed = [r for r in report.people if r.extra["enrollment"].status == Enrollment.Status.CONFIRMED]
    met = [r.extra["enrollment"].id for r in confirmed if r.percent is not None and r.percent >= threshold]
    completed = lifecycle.complete_many(cohort=cohort, enrollment_ids=met, by=None, now=now,
                                        reason=f"the cohort ended; attended at least {threshold}% of the sessions")
    below = [r for r in confirmed if r.extra["enrollment"].id not in set(met)]
    held = report.held_sessions
    marks: dict[int, dict[int, str]] = {}
    for person_id, session_id, status in Attendance.objects.filter(
            session__in=held, person_id__in=[r.extra["enrollment"].person_id for r in below]
    ).values_list("person_id", "session_id", "status"):
        marks.setdefault(person_id, {})[session_id] = status
    told = 0
    for rate in below:
        enrollment = rate.extra["enrollment"]
        person = enrollment.person
        zone = person.time_zone or cohort.time_zone
        mine = marks.get(person.id, {})
        missed = [f"{format_span(s.starts_at, s.ends_at, zone)}: {s.title}" for s in held
                  if mine.get(s.id) not in (*Attendance.ATTENDED, Attendance.Status.EXCUSED)]
        _, created = notify(
            organizer=cohort.organizer, template="sessions/below_completion", recipient=person,
            dedupe_key=f"cohort-end:below-rule:cohort={cohort.pk}:user={person.pk}",
            context={"person_name": person.display_name, "program_title": cohort.program.title,
                     "cohort_title": cohort.title, "percent": rate.percent or 0, "threshold": threshold,
                     "attended": rate.attended, "possible": rate.possible, "missed": missed,
                     "enrollment_url": absolute_url(reverse("me:enrollment", kwargs={"enrollment_id": enrollment.pk})),
                     "contact": cohort.contact_email or cohort.organizer.contact_email},
        )
        told += created
    return completed, told
