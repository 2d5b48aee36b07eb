"""Reminders for overdue invoices: one message per order per week overdue (dedupe key)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from core.urls import absolute_url
from notifications.services import notify

from .models import ZERO, Order


def send_overdue_reminders(*, today: dt.date | None = None) -> int:
    today = today or timezone.now().date()
    sent = 0
    overdue = (
        Order.objects.filter(status=Order.Status.OPEN, due_on__lt=today)
        .select_related("organizer", "cohort__program")
        .annotate(paid_sum=Sum("payments__amount"))
    )
    for order in overdue:
        owed = order.gross - (order.paid_sum or ZERO)
        if owed <= ZERO or not order.invoices.exists():
            continue
        week = (today - order.due_on).days // 7
        _, created = notify(
            organizer=order.organizer,
            template="billing/overdue",
            dedupe_key=f"billing:overdue:order={order.pk}:week={week}",
            to_email=order.billing_email,
            recipient=order.placed_by if order.placed_by.email == order.billing_email else None,
            context={
                "buyer_name": order.billing_name, "owed": f"{order.currency} {owed}",
                "due_on": order.due_on.isoformat(), "reference": order.reference,
                "program_title": order.cohort.program.title, "cohort_title": order.cohort.title,
                "order_url": absolute_url(reverse("billing:order", kwargs={
                    "organizer_slug": order.organizer.slug, "order_id": order.pk})),
            },
        )
        if created:
            Order.objects.filter(pk=order.pk).update(last_reminder_on=today)
            sent += 1
    return sent
