"""Background work of the community: fan-out of a new post, and the daily digests.

Tasks take ids, re-enter the organizer's scope and call a service; the services
record what they did in the same transaction as the outbox rows, and dedupe keys do
the rest, so a task delivered twice or a second sweep sends nothing twice.
"""

import datetime as dt

from celery import shared_task
from django.db import transaction
from django_scopes import scope

from . import services


@shared_task(acks_late=True)
def fan_out_post(post_id: int, organizer_id: int) -> int:
    with scope(organizer=organizer_id):
        return services.fan_out_post(post_id=post_id)


@shared_task(acks_late=True)
def send_digest(organizer_id: int, day: str) -> int:
    with scope(organizer=organizer_id):
        return services.send_digest(organizer_id=organizer_id, day=dt.date.fromisoformat(day))


@shared_task
def sweep_digests() -> int:
    """Hourly from beat: each organizer's digest for its yesterday, once."""
    with transaction.atomic():
        due = services.due_digests()
        for organizer_id, day in due:
            transaction.on_commit(lambda o=organizer_id, d=day: send_digest.delay(o, d))
    return len(due)
