"""Background work of the sessions area.

Sweeps run every few minutes from beat, select only what is due through indexed
queries and enqueue one task per item after commit; each task takes ids, re-enters
the organizer's scope and calls a service. A second sweep, a task delivered twice or
a worker killed halfway never duplicates or loses a message: the service records
the round in the same transaction as the outbox rows, and dedupe keys do the rest.
"""

from celery import shared_task
from django.db import transaction
from django_scopes import scope

from .services import reminders as reminder_services


def _enqueue(task, *args) -> None:
    transaction.on_commit(lambda: task.delay(*args))


@shared_task(acks_late=True)
def send_session_reminder(session_id: int, organizer_id: int, hours_before: int) -> int:
    with scope(organizer=organizer_id):
        return reminder_services.send_session_reminder(session_id=session_id, hours_before=hours_before)


@shared_task(acks_late=True)
def send_after_session_message(session_id: int, organizer_id: int) -> int:
    with scope(organizer=organizer_id):
        return reminder_services.send_after_session_message(session_id=session_id)


@shared_task(acks_late=True)
def send_office_hour_reminder(booking_id: int, organizer_id: int, hours_before: int) -> int:
    with scope(organizer=organizer_id):
        return reminder_services.send_office_hour_reminder(booking_id=booking_id, hours_before=hours_before)


@shared_task(acks_late=True)
def send_checkin_round(round_id: int, organizer_id: int) -> int:
    with scope(organizer=organizer_id):
        return reminder_services.send_checkin_round(round_id=round_id)


@shared_task(acks_late=True)
def remind_checkin_nonresponders(round_id: int, organizer_id: int) -> int:
    with scope(organizer=organizer_id):
        return reminder_services.remind_checkin_nonresponders(round_id=round_id)


@shared_task
def sweep_session_reminders() -> int:
    """Every few minutes: session reminders, office-hour reminders, after-session messages."""
    with transaction.atomic():
        due = reminder_services.due_session_reminders()
        for item in due:
            _enqueue(send_session_reminder, item.session_id, item.organizer_id, item.hours_before)
        office = reminder_services.due_office_hour_reminders()
        for booking_id, organizer_id, hours in office:
            _enqueue(send_office_hour_reminder, booking_id, organizer_id, hours)
        after = reminder_services.due_after_session_messages()
        for session_id, organizer_id in after:
            _enqueue(send_after_session_message, session_id, organizer_id)
    return len(due) + len(office) + len(after)


@shared_task
def sweep_checkins() -> int:
    """Daily-ish: open check-in rounds that are due, send them, and remind non-responders once."""
    with transaction.atomic():
        rounds = reminder_services.open_due_checkin_rounds()
        for round_id, organizer_id in rounds:
            _enqueue(send_checkin_round, round_id, organizer_id)
        reminders = reminder_services.due_checkin_reminders()
        for round_id, organizer_id in reminders:
            _enqueue(remind_checkin_nonresponders, round_id, organizer_id)
    return len(rounds) + len(reminders)


@shared_task(acks_late=True)
def announce_schedule(cohort_id: int, organizer_id: int) -> int:
    from cohorts.models import Cohort

    from .schedule import announce_schedule as announce

    with scope(organizer=organizer_id):
        cohort = Cohort.objects.filter(pk=cohort_id).select_related("program", "organizer").first()
        return announce(cohort=cohort) if cohort is not None else 0


@shared_task(acks_late=True)
def close_ended_cohort(cohort_id: int, organizer_id: int) -> int:
    from cohorts.models import Cohort

    from .completion import close_ended_cohort as close

    with scope(organizer=organizer_id):
        cohort = Cohort.objects.filter(pk=cohort_id).select_related("program", "organizer").first()
        return sum(close(cohort=cohort)) if cohort is not None else 0


@shared_task
def close_ended_cohorts() -> int:
    """Hourly: cohorts whose last day has passed get their completion rule applied."""
    from .completion import ended_cohorts

    due = ended_cohorts()
    for cohort_id, organizer_id in due:
        close_ended_cohort.delay(cohort_id, organizer_id)
    return len(due)
