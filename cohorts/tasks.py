from celery import shared_task
from django_scopes import scope, scopes_disabled

from . import services


@shared_task
def expire_offers() -> int:
    """Let offers past their deadline lapse and pass each seat on; run every few minutes by beat.

    Only due offers are read (status + deadline, through enrollment_offer_expiry_idx);
    each is then handled in its organizer's scope by the service, which re-checks it
    under the cohort lock, so an offer accepted a moment ago is left alone.
    """
    with scopes_disabled():  # a sweep across organizers, filtered by status and deadline only
        due = list(services.due_offers())
    expired = 0
    for enrollment_id, organizer_id in due:
        with scope(organizer=organizer_id):
            expired += services.expire_offer(enrollment_id=enrollment_id)
    return expired
