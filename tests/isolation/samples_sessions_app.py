"""Isolation samples for the sessions area (schedule, rosters, office hours, TA, groups, check-ins, feeds)."""

import datetime as dt

from django.utils import timezone
from django_scopes import scopes_disabled

from sessions_app.models import AffinityGroup
from organizers.roles import Role
from sessions_app.services.feeds import create_calendar_feed
from sessions_app.services.office_hours import publish_office_hours
from sessions_app.services.reminders import unsubscribe_url
from sessions_app.models import (
    AssistanceRequest,
    CheckInRound,
    FollowUpAction,
    OfficeHourBooking,
    OfficeHourSlot,
    OfficeHourWindow,
    Session,
)
from tests.factories import CohortFactory, EnrollmentFactory, UserFactory, member

from . import no_arguments, sample

for _name in ("schedule", "feed_create", "feed_revoke", "assistance_list", "office_hours", "groups"):
    sample(f"sessions_app:{_name}")(no_arguments)


def _session(organizer, **extra) -> Session:
    with scopes_disabled():
        cohort = CohortFactory(program__organizer=organizer)
        start = timezone.now() - dt.timedelta(hours=1)
        return Session.objects.create(organizer=organizer, cohort=cohort, title="Race and Power", starts_at=start,
                                      ends_at=start + dt.timedelta(hours=2), video_url="https://video.example/x", **extra)


def _session_kwargs(organizer):
    return {"session_id": _session(organizer).id}


for _name in ("session_detail", "session_ics", "roster", "roster_all_present", "session_notes", "follow_up_add",
              "session_feedback", "assistance_new"):
    sample(f"sessions_app:{_name}")(_session_kwargs)


@sample("sessions_app:follow_up_done")
def follow_up(organizer):
    session = _session(organizer)
    person = EnrollmentFactory(cohort=session.cohort).person
    with scopes_disabled():
        action = FollowUpAction.objects.create(organizer=organizer, session=session, person=person, description="Slides")
    return {"session_id": session.id, "action_id": action.id}


@sample("sessions_app:attendance_report")
def attendance_report(organizer):
    return {"cohort_id": CohortFactory(program__organizer=organizer).id}


@sample("sessions_app:assistance_detail")
def assistance(organizer):
    session = _session(organizer)
    person = EnrollmentFactory(cohort=session.cohort).person
    with scopes_disabled():
        request_obj = AssistanceRequest.objects.create(organizer=organizer, cohort=session.cohort, session=session,
                                                       requester=person, topic="Help", description="Please")
    return {"request_id": request_obj.id}


@sample("sessions_app:assistance_appointment")
@sample("sessions_app:assistance_appointment_cancel")
@sample("sessions_app:assistance_appointment_ics")
def assistance_with_a_call(organizer):
    kwargs = assistance(organizer)
    start = timezone.now() + dt.timedelta(days=2)
    with scopes_disabled():
        AssistanceRequest.objects.filter(id=kwargs["request_id"]).update(
            appointment_starts_at=start, appointment_ends_at=start + dt.timedelta(hours=1),
            appointment_where="https://video.example/ta")
    return kwargs


def _slot(organizer) -> OfficeHourSlot:
    with scopes_disabled():
        window = OfficeHourWindow.objects.create(
            organizer=organizer, host=member(organizer, Role.STAFF), first_date=timezone.localdate() + dt.timedelta(days=3),
            start_time=dt.time(10), time_zone="UTC", slots_per_window=2,
        )
        return publish_office_hours(window=window)[0]


@sample("sessions_app:book_slot")
def slot(organizer):
    return {"slot_id": _slot(organizer).id}


def _booking(organizer):
    slot_ = _slot(organizer)
    person = EnrollmentFactory(cohort=CohortFactory(program__organizer=organizer)).person
    with scopes_disabled():
        return {"booking_id": OfficeHourBooking.objects.create(organizer=organizer, slot=slot_, person=person).id}


sample("sessions_app:cancel_booking")(_booking)
sample("sessions_app:rebook_booking")(_booking)


def _group(organizer):
    with scopes_disabled():
        cohort = CohortFactory(program__organizer=organizer)
        group = AffinityGroup.objects.create(organizer=organizer, cohort=cohort, name="Caucus")
    return {"group_id": group.id}


for _name in ("group_detail", "group_join", "group_leave"):
    sample(f"sessions_app:{_name}")(_group)


def _round(organizer):
    with scopes_disabled():
        cohort = CohortFactory(program__organizer=organizer)
        EnrollmentFactory(cohort=cohort)
        round_ = CheckInRound.objects.create(organizer=organizer, cohort=cohort, months_after=1,
                                             due_on=timezone.localdate(), questions=["How is it going?"])
    return {"round_id": round_.id}


sample("sessions_app:checkin")(_round)
sample("sessions_app:checkin_responses")(_round)


@sample("sessions_app:unsubscribe", public=True)
def unsubscribe(organizer):
    """The signed token is the credential; under another organizer's address it is refused."""
    return {"token": unsubscribe_url(organizer=organizer, user=UserFactory()).rsplit("/", 2)[-2]}


@sample("feeds:calendar", public=True)
def calendar_feed(organizer):
    """The token is the credential; tests/sessions/test_feeds.py covers wrong, revoked and other people's tokens."""
    session = _session(organizer)
    person = EnrollmentFactory(cohort=session.cohort).person
    with scopes_disabled():
        return {"token": create_calendar_feed(user=person)}
