"""Reads billing pages share: prices, partner status, balances, revenue per cohort."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, Sum

from cohorts.models import Cohort, Organization

from .models import ZERO, CohortPrice, Invoice, Order, OrderLine, Partnership, Payment, ScholarshipRequest, money


def price_of(cohort: Cohort) -> CohortPrice | None:
    """The cohort's price, or None when it is free (no price, or priced at nothing)."""
    price = CohortPrice.objects.filter(cohort=cohort).first()
    return None if price is None or price.is_free else price


def prices_for(cohorts) -> dict[int, CohortPrice]:
    ids = [c.pk for c in cohorts if not c.is_free]
    if not ids:
        return {}
    return {p.cohort_id: p for p in CohortPrice.objects.filter(cohort_id__in=ids) if not p.is_free}


def unit_price(price: CohortPrice, *, on: dt.date) -> tuple[Decimal, bool]:
    """(net price per seat or team, whether the early-bird price applies) on a day."""
    if price.early_bird_amount is not None and price.early_bird_until and on <= price.early_bird_until:
        return price.early_bird_amount, True
    return price.amount, False


def is_partner(organization: Organization | None, *, on: dt.date) -> bool:
    """A contributing partner with a partnership year covering the day."""
    if organization is None or not organization.is_contributing_partner:
        return False
    return Partnership.objects.filter(organization=organization, valid_from__lte=on, valid_until__gte=on).exists()


def partner_price(price: CohortPrice, *, on: dt.date) -> Decimal | None:
    if not price.partner_discount_percent:
        return None
    amount, _ = unit_price(price, on=on)
    return money(amount * (100 - price.partner_discount_percent) / 100)


def paid_total(order: Order) -> Decimal:
    return order.payments.aggregate(total=Sum("amount"))["total"] or ZERO


def balance(order: Order) -> Decimal:
    """What is still owed: negative when the buyer paid too much."""
    if order.status == Order.Status.CANCELLED:
        return ZERO - paid_total(order)
    return order.gross - paid_total(order)


@dataclass
class Outstanding:
    order: Order
    paid: Decimal
    balance: Decimal
    overdue: bool


def outstanding(organizer, *, today: dt.date) -> list[Outstanding]:
    """Open orders with money owed, and every order paid too much (overpayments to refund)."""
    orders = (
        Order.objects.filter(organizer=organizer)
        .select_related("cohort__program", "sponsor")
        .annotate(paid_sum=Sum("payments__amount"))
        .order_by("due_on", "id")
    )
    rows = []
    for order in orders:
        paid = order.paid_sum or ZERO
        owed = (ZERO if order.status == Order.Status.CANCELLED else order.gross) - paid
        if owed == ZERO:
            continue
        overdue = owed > 0 and order.due_on is not None and order.due_on < today
        rows.append(Outstanding(order=order, paid=paid, balance=owed, overdue=overdue))
    return rows


@dataclass
class CohortRevenue:
    cohort: Cohort
    invoiced: Decimal
    received: Decimal
    scholarships_granted: int
    scholarship_amount: Decimal
    scholarship_places: int | None
    scholarship_budget: Decimal | None
    pending_requests: int


def revenue_by_cohort(organizer) -> list[CohortRevenue]:
    prices = {p.cohort_id: p for p in CohortPrice.objects.filter(organizer=organizer).select_related("cohort__program")}
    invoiced = dict(
        Invoice.objects.filter(organizer=organizer).values_list("order__cohort_id").annotate(t=Sum("net"))
    )
    received = dict(Payment.objects.filter(organizer=organizer).values_list("order__cohort_id").annotate(t=Sum("amount")))
    granted = {
        row["cohort_id"]: row
        for row in ScholarshipRequest.objects.filter(organizer=organizer)
        .values("cohort_id")
        .annotate(
            places=Count("id", filter=Q(status__in=GRANTED)),
            amount=Sum("amount_granted", filter=Q(status__in=GRANTED)),
            pending=Count("id", filter=Q(status=ScholarshipRequest.Status.PENDING)),
        )
    }
    rows = []
    for cohort_id, price in prices.items():
        g = granted.get(cohort_id, {})
        rows.append(
            CohortRevenue(
                cohort=price.cohort,
                invoiced=invoiced.get(cohort_id) or ZERO,
                received=received.get(cohort_id) or ZERO,
                scholarships_granted=g.get("places", 0),
                scholarship_amount=g.get("amount") or ZERO,
                scholarship_places=price.scholarship_places,
                scholarship_budget=price.scholarship_budget,
                pending_requests=g.get("pending", 0),
            )
        )
    return sorted(rows, key=lambda r: (r.cohort.starts_on or dt.date.min, r.cohort.title))


GRANTED = (ScholarshipRequest.Status.APPROVED, ScholarshipRequest.Status.PARTLY)


def scholarship_use(price: CohortPrice) -> tuple[int, Decimal]:
    """(places granted, amount granted) for the cohort of this price."""
    row = ScholarshipRequest.objects.filter(cohort_id=price.cohort_id, status__in=GRANTED).aggregate(
        places=Count("id"), amount=Sum("amount_granted")
    )
    return row["places"], row["amount"] or ZERO


def order_for_buyer(user, order_id: int) -> Order | None:
    """An order the signed-in person placed (any organizer scope is already active)."""
    return Order.objects.filter(pk=order_id, placed_by=user).select_related("cohort__program").first()


def order_lines(order: Order) -> list[OrderLine]:
    return list(order.lines.all())
