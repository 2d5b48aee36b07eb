from celery import shared_task
from django_scopes import scopes_disabled

from . import reminders


@shared_task
def send_overdue_reminders() -> int:
    """Daily: remind buyers of overdue invoices (at most once a week per order, deduplicated)."""
    with scopes_disabled():
        return reminders.send_overdue_reminders()
