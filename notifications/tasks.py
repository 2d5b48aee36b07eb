from celery import shared_task
from django_scopes import scope, scopes_disabled

from . import services


@shared_task(bind=True, acks_late=True, max_retries=4, default_retry_delay=60)
def send_outbound_message(self, message_id: int, organizer_id: int) -> str:
    with scope(organizer=organizer_id):
        message = services.claim(message_id)
        if message is None:
            return "skipped"  # sent already, or another worker holds it
        try:
            services.deliver(message)
        except Exception as exc:
            raise self.retry(exc=exc)
    return "sent"


@shared_task(acks_late=True)
def send_outbound_batch(message_ids: list[int], organizer_id: int) -> int:
    """Send a batch over one SMTP connection; returns how many were sent. Failures stay
    failed on their rows and the outbox sweep retries them one by one."""
    with scope(organizer=organizer_id):
        messages = services.claim_batch(message_ids)
        failed = services.deliver_batch(messages)
    return len(messages) - failed


@shared_task
def sweep_outbox() -> int:
    """Re-enqueue what was never enqueued or whose worker died; run every minute by beat."""
    with scopes_disabled():  # a sweep across organizers, filtered by due status only
        due = list(services.due_for_sending())
    for message_id, organizer_id in due:
        send_outbound_message.delay(message_id, organizer_id)
    return len(due)


@shared_task
def send_staff_digests() -> int:
    """Daily (beat): unconfirmed team members become alerts, then each digest goes out."""
    from . import alerts

    alerts.alert_unconfirmed_teams()
    return alerts.send_digests()
