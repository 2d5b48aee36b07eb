"""Demo sessions for the seed programs; run by `manage.py load_demo` after the catalog loader.

Finds cohorts by what the seeds say about them (the organizer, the program kind, the
start month) rather than by one exact slug, and skips an organizer whose cohort the
catalog loader has not made. Every write is get-or-create / update-or-create on a
natural key, so re-running changes nothing.
"""

import datetime as dt
import logging

from cohorts.demo import partos_trajectory
from cohorts.models import Cohort, Enrollment, Facilitator, Module, Program

from .services.office_hours import publish_office_hours
from .services.reminders import add_months
from .services.sessions import grant_facilitation, series_starts
from .models import (
    AffinityGroup,
    AffinityMembership,
    AssistanceRequest,
    Attendance,
    CheckInResponse,
    CheckInRound,
    CohortSessionSettings,
    OfficeHourWindow,
    OrganizerMessagingSettings,
    Session,
)

log = logging.getLogger(__name__)

ILLINOIS_TRAININGS = [
    ("Racial Healing & Relationship Building",
     "Facilitated by skilled Racial Healing Practitioners: racial healing is at the heart of racial equity, and "
     "relationship building is critical to sustaining racial equity work."),
    ("Introduction to Systemic Racism",
     "How policies and practices create and sustain racial disparities in institutions such as education, "
     "healthcare, the criminal legal system and the economy, and strategies to challenge these inequities."),
    ("Race and Power in the Human Service Sector",
     "How the sector is addressing longstanding racial disparities, including how power is held, decisions are "
     "made and resources are distributed, and what changes are needed."),
    ("Systems Change Strategies & Frameworks to Confront Systemic Racism",
     "Approaches and tools that explicitly address racial disparities and lead to long-term changes in policies "
     "and practices."),
]

ALLIANCE_SESSIONS = [
    "Where we are: our racial justice, equity, diversity and inclusion journey",
    "Deepening relationships within the cohort",
    "Centering racial justice in policy pursuits (with the Center for Law and Social Policy)",
    "Shared language, allyship and authentic partnership",
    "Engaging broad audiences (with TOPOS Partnership)",
    "Taking it back to the full state team",
]

CHECKIN_QUESTIONS = (
    "What have you put into practice from your workplan since the cohort ended?\n"
    "What is getting in the way?\n"
    "What support from the Alliance or the planning team would help now?"
)


def _cohort(organizer, *kinds, slugs: tuple[str, str] | None = None, month: tuple[int, int] | None = None):
    """The catalog loader's cohort by (program slug, cohort slug); else the first one the seed describes."""
    if slugs:
        exact = Cohort.objects.filter(organizer=organizer, program__slug=slugs[0], slug=slugs[1]).first()
        if exact:
            return exact
    cohorts = Cohort.objects.filter(organizer=organizer, program__kind__in=kinds).order_by("starts_on", "id")
    if month:
        in_month = cohorts.filter(starts_on__year=month[0], starts_on__month=month[1]).first()
        if in_month:
            return in_month
    return cohorts.first()


def _upsert_session(cohort, *, title, starts_at, minutes, **fields) -> Session:
    session, _ = Session.objects.update_or_create(
        cohort=cohort, title=title,
        defaults={"organizer_id": cohort.organizer_id, "starts_at": starts_at,
                  "ends_at": starts_at + dt.timedelta(minutes=minutes), **fields},
    )
    facilitators = list(Facilitator.objects.filter(organizer_id=cohort.organizer_id)[:2])
    if facilitators and not session.facilitators.exists():
        session.facilitators.set(facilitators)
    return session


def _grant_demo_facilitator(ctx, key: str, cohort: Cohort) -> None:
    user = ctx.users.get(f"facilitator@{key}.example")
    if user is not None:
        grant_facilitation(cohort=cohort, user=user)


def _series(cohort, **rule):
    return series_starts(time_zone=str(cohort.time_zone), **rule)


def load_illinois(ctx) -> None:
    organizer = ctx.organizers["illinois"]
    cohort = _cohort(organizer, Program.Kind.TRAINING_SERIES, month=(2024, 10),
                     slugs=("advancing-racial-equity", "inaugural-series-october-2024"))
    if cohort is None:
        log.warning("sessions demo: no Illinois Partners training cohort yet; skipped")
        return
    starts = _series(cohort, first_date=dt.date(2024, 10, 1), start_time=dt.time(10, 0), frequency="weekly",
                     count=4, weekday=1)  # four Tuesdays in October 2024, 10:00 Chicago time
    modules = {m.title: m for m in Module.objects.filter(program=cohort.program)}
    for (title, description), starts_at in zip(ILLINOIS_TRAININGS, starts):
        _upsert_session(cohort, title=title, starts_at=starts_at, minutes=150, kind=Session.Kind.TRAINING,
                        module=modules.get(title), description=description,
                        video_url="https://meet.example/illinois-partners-training")
    _grant_demo_facilitator(ctx, "illinois", cohort)
    _enroll_demo_participant(ctx, cohort, confirmed_on=dt.date(2024, 9, 20))
    _completed_with_attendance(cohort, ctx.users.get("participant@praxis.example"))
    _illinois_next_series(cohort.program, modules)

    host = ctx.users.get("staff@illinois.example")
    if host is not None:
        # Upcoming weekly office hours (Thursdays at noon, Chicago), so booking can be tried in the demo.
        today = dt.date.today()
        next_thursday = today + dt.timedelta(days=(3 - today.weekday()) % 7 or 7)
        window, _ = OfficeHourWindow.objects.get_or_create(
            organizer=organizer, title="Open office hours",
            defaults={"host": host, "time_zone": "America/Chicago", "first_date": next_thursday,
                      "start_time": dt.time(12, 0), "slot_minutes": 20, "slots_per_window": 3,
                      "repeat_weekly_until": next_thursday + dt.timedelta(weeks=7), "program": cohort.program,
                      "video_url": "https://meet.example/illinois-office-hours"},
        )
        publish_office_hours(window=window)


def _completed_with_attendance(cohort, person) -> None:
    """The inaugural series is over: the demo participant attended every session and completed it."""
    if person is None or cohort.ends_on is None or cohort.ends_on >= dt.date.today():
        return
    for session in Session.objects.filter(cohort=cohort, affinity_group__isnull=True):
        Attendance.objects.get_or_create(session=session, person=person,
                                         defaults={"organizer_id": cohort.organizer_id, "status": "present"})
    Enrollment.objects.filter(cohort=cohort, person=person, status=Enrollment.Status.CONFIRMED).update(
        status=Enrollment.Status.COMPLETED,
        completed_at=dt.datetime.combine(cohort.ends_on, dt.time(23), tzinfo=dt.timezone.utc))


def _illinois_next_series(program, modules) -> None:
    """The upcoming fee-based series meets on four Tuesdays from its start, 10:00 Chicago time."""
    cohort = Cohort.objects.filter(program=program, slug="next-series").first()
    if cohort is None or cohort.starts_on is None:
        return
    starts = _series(cohort, first_date=cohort.starts_on, start_time=dt.time(10, 0), frequency="weekly",
                     count=4, weekday=1)
    for (title, description), starts_at in zip(ILLINOIS_TRAININGS, starts):
        _upsert_session(cohort, title=title, starts_at=starts_at, minutes=150, kind=Session.Kind.TRAINING,
                        module=modules.get(title), description=description,
                        video_url="https://meet.example/illinois-partners-training")


def load_partos(ctx) -> None:
    organizer = ctx.organizers["partos"]
    year, cohort_slug = partos_trajectory(dt.date.today())
    cohort = _cohort(organizer, Program.Kind.LEARNING_TRAJECTORY, month=(year, 9),
                     slugs=("dei-learning-trajectory", cohort_slug))
    if cohort is None:
        log.warning("sessions demo: no Partos trajectory cohort yet; skipped")
        return
    modules = list(Module.objects.filter(program=cohort.program).order_by("order", "id"))
    starts = _series(cohort, first_date=cohort.starts_on, start_time=dt.time(10, 0), frequency="monthly",
                     count=4, weekday=1, setpos=2)  # second Tuesday, September to December
    titles = ["Designing & Championing DEI", "Leveraging DEI in times of resistance and solidarity",
              "Racial Justice", "Mental Health & Wellbeing"]
    for index, (title, starts_at) in enumerate(zip(titles, starts)):
        module = modules[index] if index < len(modules) else None
        _upsert_session(cohort, title=title, starts_at=starts_at, minutes=360, module=module,
                        kind=Session.Kind.MASTERCLASS if index == 0 else Session.Kind.TRAINING,
                        location="Partos, Ellermanstraat 18B, Amsterdam")
    _grant_demo_facilitator(ctx, "partos", cohort)

    racial_justice = modules[2] if len(modules) > 2 else None
    for name, description in [
        ("Black, Indigenous and People of Colour", "An affinity group for colleagues who are Black, Indigenous or people of colour."),
        ("White colleagues", "An affinity group for white colleagues working on their racial justice practice."),
    ]:
        group, _ = AffinityGroup.objects.get_or_create(cohort=cohort, name=name,
                                                       defaults={"organizer": organizer, "description": description})
        if name.startswith("Black"):
            person = ctx.users.get("participant@praxis.example")
            if person is not None:
                _enroll_demo_participant(ctx, cohort, confirmed_on=cohort.starts_on - dt.timedelta(days=12))
                AffinityMembership.objects.get_or_create(group=group, person=person, defaults={"organizer": organizer})
        _upsert_session(cohort, title=f"Racial justice affinity session: {name}", affinity_group=group,
                        module=racial_justice, kind=Session.Kind.AFFINITY, starts_at=starts[2] + dt.timedelta(days=14),
                        minutes=120, video_url="https://meet.example/partos-affinity")


def load_alliance(ctx) -> None:
    organizer = ctx.organizers["alliance"]
    cohort = _cohort(organizer, Program.Kind.COHORT, slugs=("operationalizing-equity", "cohort-1"))
    if cohort is None:
        log.warning("sessions demo: no Alliance cohort yet; skipped")
        return
    first = cohort.starts_on or dt.date(2024, 9, 1)
    starts = _series(cohort, first_date=first, start_time=dt.time(13, 0), frequency="monthly", count=6,
                     weekday=2, setpos=1)  # first Wednesday of each month
    for title, starts_at in zip(ALLIANCE_SESSIONS, starts):
        _upsert_session(cohort, title=title, starts_at=starts_at, minutes=120, kind=Session.Kind.TRAINING,
                        video_url="https://meet.example/operationalizing-equity")
    CohortSessionSettings.objects.update_or_create(
        cohort=cohort, defaults={"organizer": organizer, "checkin_months": "1, 3, 6, 12",
                                 "checkin_questions": CHECKIN_QUESTIONS, "completion_min_attendance": 75},
    )
    _grant_demo_facilitator(ctx, "alliance", cohort)
    _alliance_checkins(cohort)
    _alliance_assistance(ctx, cohort)


def _alliance_checkins(cohort) -> None:
    """Check-in rounds that are already due after the cohort ended, with a few answers, for the staff list."""
    if cohort.ends_on is None:
        return
    questions = [q for q in CHECKIN_QUESTIONS.splitlines() if q]
    today = dt.date.today()
    enrollments = list(Enrollment.objects.filter(cohort=cohort, status__in=Enrollment.PARTICIPATING)
                       .select_related("person").order_by("id"))
    for months in (1, 3, 6, 12):
        due_on = add_months(cohort.ends_on, months)
        if due_on > today:
            continue
        sent_at = dt.datetime.combine(due_on, dt.time(15, 0), tzinfo=dt.timezone.utc)
        round_, _ = CheckInRound.objects.get_or_create(
            cohort=cohort, months_after=months,
            defaults={"organizer_id": cohort.organizer_id, "due_on": due_on, "questions": questions,
                      "sent_at": sent_at, "reminded_at": sent_at + dt.timedelta(days=7)},
        )
        # Roughly two in three answer; the rest show up on the staff's "not answered yet" list.
        for index, enrollment in enumerate(enrollments):
            if index % 3 != 2:
                CheckInResponse.objects.get_or_create(
                    round=round_, person=enrollment.person,
                    defaults={"organizer_id": cohort.organizer_id, "answers": [
                        "We shared our equity workplan with the board and began tracking two indicators.",
                        "Staff turnover slowed us down.",
                        "A peer call with another state team on messaging.",
                    ]},
                )


def _alliance_assistance(ctx, cohort) -> None:
    """A state team asked for help after the first session; the facilitator agreed a call in
    about ten days (in My schedule and the feed of both). A second request waits for a call."""
    import zoneinfo

    from django.utils import timezone

    facilitator = ctx.users.get("facilitator@alliance.example")
    now = timezone.now()
    held = Session.objects.filter(cohort=cohort, ends_at__lt=now).order_by("starts_at").first()
    people = list(Enrollment.objects.filter(cohort=cohort, status__in=Enrollment.PARTICIPATING, team__isnull=False)
                  .select_related("person", "team").order_by("id")[:2])
    if facilitator is None or held is None or len(people) < 2:
        return
    zone = zoneinfo.ZoneInfo(str(cohort.time_zone))
    day = timezone.localdate() + dt.timedelta(days=10)
    if day.weekday() >= 5:
        day += dt.timedelta(days=7 - day.weekday())  # a weekday: Monday rather than the weekend
    starts_at = dt.datetime.combine(day, dt.time(14, 0), tzinfo=zone)
    asked, waiting = people
    AssistanceRequest.objects.get_or_create(
        cohort=cohort, requester=asked.person, topic="Disaggregating our state's early childhood data",
        defaults={"organizer_id": cohort.organizer_id, "session": held, "team": asked.team,
                  "description": "We want to break our fact sheet down by race and ethnicity but the state's "
                                 "tables are inconsistent. Can we talk it through?",
                  "preferred_times": "Afternoons", "status": AssistanceRequest.Status.ASSIGNED,
                  "assigned_to": facilitator, "appointment_starts_at": starts_at,
                  "appointment_ends_at": starts_at + dt.timedelta(minutes=45),
                  "appointment_where": "https://meet.example/alliance-technical-assistance",
                  "appointment_sequence": 1, "appointment_changed_at": now})
    AssistanceRequest.objects.get_or_create(
        cohort=cohort, requester=waiting.person, topic="Framing equity for our legislators",
        defaults={"organizer_id": cohort.organizer_id, "session": held, "team": waiting.team,
                  "description": "Our board is nervous about the word equity. How have other states framed it?",
                  "preferred_times": "Tuesday or Wednesday mornings"})


def _enroll_demo_participant(ctx, cohort, *, confirmed_on: dt.date) -> None:
    person = ctx.users.get("participant@praxis.example")
    if person is not None:
        Enrollment.objects.get_or_create(
            cohort=cohort, person=person,
            defaults={"organizer_id": cohort.organizer_id, "status": Enrollment.Status.CONFIRMED,
                      "confirmed_at": dt.datetime.combine(min(confirmed_on, dt.date.today()), dt.time(15, 0),
                                                          tzinfo=dt.timezone.utc)},
        )


def load(ctx) -> None:
    for key in ctx.organizers:
        OrganizerMessagingSettings.objects.get_or_create(organizer=ctx.organizers[key])
    load_illinois(ctx)
    load_partos(ctx)
    load_alliance(ctx)
