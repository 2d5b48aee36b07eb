"""Reminders with a real Celery worker on Redis and PostgreSQL: no duplicate, no lost reminder."""

import datetime as dt

import pytest
from django.db import connection, transaction
from django.utils import timezone
from django_scopes import scopes_disabled

from notifications.models import OutboundMessage
from sessions_app import tasks
from sessions_app.models import Session, SessionReminder
from tests.factories import CohortFactory, OrganizerFactory
from tests.realworker import RealWorker

from .factories import SessionFactory, enroll

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]

REMINDER_TASK = "sessions_app.tasks.send_session_reminder"


def _setup(slug):
    organizer = OrganizerFactory(slug=slug)
    cohort = CohortFactory(program__organizer=organizer)
    session = SessionFactory(cohort=cohort, starts_at=timezone.now() + dt.timedelta(minutes=45))
    people = [enroll(cohort).person for _ in range(3)]
    return organizer, session, people


def _reminders():
    with scopes_disabled():
        return list(OutboundMessage.objects.filter(template="sessions/reminder").values_list("dedupe_key", "status"))


def _all_sent(expected):
    rows = _reminders()
    return len(rows) == expected and all(status == OutboundMessage.Status.SENT for _, status in rows)


def _other_database_sessions() -> set[int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")
        return {row[0] for row in cursor.fetchall()}


def test_a_reminder_delivered_twice_and_swept_twice_is_sent_once(real_worker):
    organizer, session, people = _setup("worker-twice")
    tasks.send_session_reminder.delay(session.id, organizer.id, 1)
    tasks.send_session_reminder.delay(session.id, organizer.id, 1)  # the broker delivers it again
    tasks.sweep_session_reminders.delay()
    tasks.sweep_session_reminders.delay()

    real_worker.wait_for(lambda: _all_sent(len(people)), what="three reminders sent")
    real_worker.wait_for(lambda: len(real_worker.task_results("sessions_app.tasks.sweep_session_reminders")) == 2,
                         what="both sweeps")
    results = real_worker.task_results(REMINDER_TASK)
    assert results.count("3") == 1 and set(results) <= {"3", "0"}
    assert real_worker.sent_mail_count() == len(people)
    assert sorted(key for key, _ in _reminders()) == sorted(
        f"reminder:session={session.id}:user={p.id}:1h" for p in people)


def test_a_worker_killed_mid_task_loses_nothing_and_duplicates_nothing(real_worker):
    organizer, session, people = _setup("worker-killed")
    with transaction.atomic():
        # The running worker's connection (and any connection another test left open) may stay; new ones must end.
        earlier = _other_database_sessions()
        # Hold the session's row lock so the worker stops inside its transaction, halfway through the task.
        with scopes_disabled():
            list(Session.objects.select_for_update().filter(id=session.id))
        tasks.send_session_reminder.delay(session.id, organizer.id, 1)

        def worker_is_waiting_on_the_lock():
            with connection.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")
                return cursor.fetchone()[0] > 0

        real_worker.wait_for(worker_is_waiting_on_the_lock, what="the worker to block inside the task")
        real_worker.kill()
    # The killed task's transaction never committed: nothing was queued or recorded.
    assert _reminders() == []
    with scopes_disabled():
        assert not SessionReminder.objects.exists()

    replacement = RealWorker(queue=real_worker.queue, mail_dir=real_worker.mail_dir)
    replacement.start()
    try:
        tasks.sweep_session_reminders.delay()  # the next periodic sweep finds the round still due
        replacement.wait_for(lambda: _all_sent(len(people)), what="the reminders after the restart")
        # Should the broker later hand out the killed worker's message again, it changes nothing.
        tasks.send_session_reminder.delay(session.id, organizer.id, 1)
        replacement.wait_for(lambda: "0" in replacement.task_results(REMINDER_TASK), what="the late redelivery")
    finally:
        replacement.stop()
        real_worker.stop()
        # Let the stopped workers' database sessions end before the test database is dropped.
        real_worker.wait_for(lambda: _other_database_sessions() <= earlier, timeout=20,
                             what="the workers' connections to close")
    assert real_worker.sent_mail_count() == len(people)
    with scopes_disabled():
        assert SessionReminder.objects.get().recipients == len(people)
