from celery import shared_task
from django_scopes import scope, scopes_disabled

from . import lifecycle


@shared_task
def expire_offers() -> int:
    """Let offers past their deadline lapse and refill each seat; run every few minutes by beat.

    Only due offers are read (status + deadline, through enrollment_offer_expiry_idx);
    each is then handled in its organizer's scope by the lifecycle, which re-checks it
    under the cohort lock, so an offer accepted a moment ago is left alone.
    """
    with scopes_disabled():  # a sweep across organizers, filtered by status and deadline only
        due = list(lifecycle.due_offers())
    expired = 0
    for enrollment_id, organizer_id in due:
        with scope(organizer=organizer_id):
            expired += lifecycle.expire_offer(enrollment_id=enrollment_id)
    return expired


@shared_task
def lapse_payment_holds() -> int:
    """Release seats held for a payment that did not come by its deadline; run by beat.

    Same shape as expire_offers: due holds are read across organizers, each is re-checked
    under its cohort's lock, so a payment recorded a moment ago keeps its seat.
    """
    with scopes_disabled():
        due = list(lifecycle.due_payment_holds())
    lapsed = 0
    for enrollment_id, organizer_id in due:
        with scope(organizer=organizer_id):
            lapsed += lifecycle.lapse_payment_hold(enrollment_id=enrollment_id)
    return lapsed


@shared_task
def report_unconfirmed_team_members() -> int:
    """Members a lead named who have not confirmed after PRAXIS_TEAM_CONFIRMATION_DAYS (default 7)
    are reported to the lead and to the organizer's staff, once each; run daily by beat.

    Due invitations are read across organizers (status, date, not reported yet); each
    organizer's are reported in its own scope, and marked reported in the transaction
    that queues the messages, so a second run (or a redelivered task) sends nothing.
    """
    from datetime import timedelta

    from django.conf import settings

    after = timedelta(days=getattr(settings, "PRAXIS_TEAM_CONFIRMATION_DAYS", 7))
    with scopes_disabled():
        due = list(lifecycle.due_team_invitations(after=after))
    by_organizer: dict[int, list[int]] = {}
    for invitation_id, organizer_id in due:
        by_organizer.setdefault(organizer_id, []).append(invitation_id)
    reported = 0
    for organizer_id, ids in by_organizer.items():
        with scope(organizer=organizer_id):
            reported += lifecycle.report_unconfirmed(invitation_ids=ids)
    return reported
