"""Confirmed people get the schedule: with their confirmation, and when sessions are added."""

import datetime as dt

import pytest
from django.core import mail
from django_scopes import scope, scopes_disabled

from cohorts import services as cohort_services
from notifications.models import OutboundMessage
from sessions_app.services.sessions import create_session_series
from sessions_app.schedule import announce_schedule
from tests.factories import CohortFactory, UserFactory

from .factories import SessionFactory, enroll

pytestmark = pytest.mark.django_db
UTC = dt.UTC


def _schedule_messages():
    with scopes_disabled():
        return list(OutboundMessage.objects.filter(template="sessions/schedule_changed").order_by("id"))


def test_the_confirmation_email_lists_the_sessions_and_attaches_them(organizer, django_capture_on_commit_callbacks):
    cohort = CohortFactory(program__organizer=organizer, time_zone="America/Chicago", capacity=5)
    SessionFactory(cohort=cohort, title="Orientation", starts_at=dt.datetime(2099, 1, 15, 16, 0, tzinfo=UTC),
                   ends_at=dt.datetime(2099, 1, 15, 17, 30, tzinfo=UTC))
    person = UserFactory(full_name="Dana Reyes", time_zone=None)
    with django_capture_on_commit_callbacks(execute=True), scope(organizer=organizer.id):
        cohort_services.register(cohort=cohort, person=person)
    message = mail.outbox[-1]
    assert "Thu 15 Jan 2099, 10:00–11:30 CST: Orientation" in message.body
    assert "America/Chicago" in message.body
    (name, content, mimetype), = message.attachments
    assert mimetype == "text/calendar" and name.endswith(".ics") and "DTSTART:20990115T160000Z" in content


def test_adding_sessions_after_people_are_confirmed_announces_the_schedule_once(organizer, django_capture_on_commit_callbacks):
    cohort = CohortFactory(program__organizer=organizer, time_zone="Europe/Amsterdam")
    people = [enroll(cohort).person for _ in range(2)]
    with django_capture_on_commit_callbacks(execute=True), scope(organizer=organizer.id):
        create_session_series(
            cohort=cohort, title="Module", kind="training", duration_minutes=90,
            starts=[dt.datetime(2099, 3, 3, 9, 0, tzinfo=UTC), dt.datetime(2099, 4, 7, 8, 0, tzinfo=UTC)])
    messages = _schedule_messages()
    assert sorted(m.recipient_id for m in messages) == sorted(p.id for p in people)
    body = [m for m in mail.outbox if m.to == [people[0].email]][-1].body
    assert "Tue 3 Mar 2099, 10:00–11:30 CET: Module (1 of 2)" in body
    assert "Tue 7 Apr 2099, 10:00–11:30 CEST: Module (2 of 2)" in body

    # The same schedule is never announced twice (a redelivered task, a second sweep).
    with django_capture_on_commit_callbacks(execute=True), scope(organizer=organizer.id):
        assert announce_schedule(cohort=cohort) == 0
    assert len(_schedule_messages()) == 2

    # A new session is a new schedule: one more message each.
    with django_capture_on_commit_callbacks(execute=True), scope(organizer=organizer.id):
        create_session_series(cohort=cohort, title="Closing", kind="training", duration_minutes=60,
                                       starts=[dt.datetime(2099, 5, 5, 8, 0, tzinfo=UTC)])
    assert len(_schedule_messages()) == 4


def test_no_schedule_message_without_confirmed_people(organizer, django_capture_on_commit_callbacks):
    cohort = CohortFactory(program__organizer=organizer)
    with django_capture_on_commit_callbacks(execute=True), scope(organizer=organizer.id):
        create_session_series(cohort=cohort, title="Module", kind="training", duration_minutes=60,
                                       starts=[dt.datetime(2099, 3, 3, 9, 0, tzinfo=UTC)])
    assert _schedule_messages() == []
