"""Billing's section of the organizer dashboard: revenue, outstanding, discounts and scholarships per cohort.

Registered in `BillingConfig.ready()` through `reports.hooks`. Six queries whatever the
number of cohorts (each one aggregate over the dashboard's cohorts, grouped in Python),
so the dashboard's query count stays constant (tests/reports/test_revenue.py).

Amounts include tax: invoiced is the issued invoices' totals less their credit notes,
paid is what arrived less refunds, outstanding is what open orders still owe.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.urls import reverse

from organizers.roles import Capability

from .models import ZERO, CohortPrice, Invoice, Order, OrderLine, Payment, ScholarshipRequest, money
from .selectors import GRANTED


@dataclass
class CohortMoney:
    cohort: object
    invoiced: Decimal = ZERO
    paid: Decimal = ZERO
    outstanding: Decimal = ZERO
    open_orders: int = 0
    partner_discounts: Decimal = ZERO
    code_discounts: Decimal = ZERO
    scholarships: int = 0
    scholarship_amount: Decimal = ZERO
    scholarship_places: int | None = None
    scholarship_budget: Decimal | None = None
    priced: bool = False

    @property
    def has_activity(self) -> bool:
        return self.priced or any((self.invoiced, self.paid, self.outstanding, self.scholarships))


def revenue_per_cohort(cohorts) -> list[CohortMoney]:
    """Money per cohort, in the order given (the dashboard's cohorts)."""
    rows = {c.id: CohortMoney(cohort=c) for c in cohorts}
    ids = list(rows)
    for price in CohortPrice.objects.filter(cohort_id__in=ids):
        row = rows[price.cohort_id]
        row.priced = not price.is_free
        row.scholarship_places, row.scholarship_budget = price.scholarship_places, price.scholarship_budget
    for cohort_id, total in Invoice.objects.filter(order__cohort_id__in=ids).values_list("order__cohort_id") \
            .annotate(t=Sum("gross")).order_by():
        rows[cohort_id].invoiced = money(total or ZERO)
    for cohort_id, total in Payment.objects.filter(order__cohort_id__in=ids).values_list("order__cohort_id") \
            .annotate(t=Sum("amount")).order_by():
        rows[cohort_id].paid = money(total or ZERO)
    for order in Order.objects.filter(cohort_id__in=ids, status=Order.Status.OPEN).values("id", "cohort_id", "gross") \
            .annotate(received=Sum("payments__amount")).order_by():
        owed = order["gross"] - (order["received"] or ZERO)
        if owed > ZERO:
            rows[order["cohort_id"]].outstanding = money(rows[order["cohort_id"]].outstanding + owed)
            rows[order["cohort_id"]].open_orders += 1
    discounts: dict[tuple[int, str], Decimal] = defaultdict(lambda: ZERO)
    for cohort_id, kind, total in OrderLine.objects.filter(
        order__cohort_id__in=ids, kind__in=(OrderLine.Kind.PARTNER_DISCOUNT, OrderLine.Kind.DISCOUNT_CODE),
    ).exclude(order__status=Order.Status.CANCELLED).values_list("order__cohort_id", "kind").annotate(t=Sum("amount")) \
            .order_by():
        discounts[cohort_id, kind] = money(ZERO - (total or ZERO))  # lines are negative; shown as amounts given
    for row in rows.values():
        row.partner_discounts = discounts[row.cohort.id, OrderLine.Kind.PARTNER_DISCOUNT]
        row.code_discounts = discounts[row.cohort.id, OrderLine.Kind.DISCOUNT_CODE]
    for granted in ScholarshipRequest.objects.filter(cohort_id__in=ids, status__in=GRANTED).values("cohort_id") \
            .annotate(places=Count("id"), amount=Sum("amount_granted")).order_by():
        rows[granted["cohort_id"]].scholarships = granted["places"]
        rows[granted["cohort_id"]].scholarship_amount = money(granted["amount"] or ZERO)
    return [row for row in rows.values() if row.has_activity]


def _amount(value: Decimal) -> str:
    return f"{value:,.2f}"


def billing_section(*, organizer, numbers, access):
    if not access.can(Capability.MANAGE_BILLING):
        return None
    from reports import charts
    from reports.sections import Link, Section, Table, plural

    currency = organizer.currency
    rows = revenue_per_cohort([entry.cohort for entry in numbers.cohorts])

    def label(cohort) -> str:
        return f"{cohort.program.title}: {cohort.title}"

    def of(limit) -> str:
        return "" if limit is None else f" of {_amount(limit) if isinstance(limit, Decimal) else limit}"

    table_rows = [
        [Link(label(r.cohort), reverse("reports:cohort_report", kwargs={
            "organizer_slug": organizer.slug, "cohort_id": r.cohort.id})),
         _amount(r.invoiced), _amount(r.paid), _amount(r.outstanding), _amount(r.partner_discounts),
         _amount(r.code_discounts), f"{r.scholarships}{of(r.scholarship_places)}",
         f"{_amount(r.scholarship_amount)}{of(r.scholarship_budget)}"]
        for r in rows
    ]
    total = {name: sum((getattr(r, name) for r in rows), ZERO) for name in (
        "invoiced", "paid", "outstanding", "partner_discounts", "code_discounts", "scholarship_amount")}
    places = sum(r.scholarships for r in rows)
    if len(rows) > 1:
        table_rows.append(["All cohorts", _amount(total["invoiced"]), _amount(total["paid"]),
                           _amount(total["outstanding"]), _amount(total["partner_discounts"]),
                           _amount(total["code_discounts"]), str(places), _amount(total["scholarship_amount"])])
    summary = (
        f"{currency} {_amount(total['invoiced'])} invoiced across {plural(len(rows), 'cohort')}, "
        f"{_amount(total['paid'])} paid and {_amount(total['outstanding'])} still owed on "
        f"{plural(sum(r.open_orders for r in rows), 'open order')}. Discounts given: "
        f"{_amount(total['partner_discounts'])} to partners, {_amount(total['code_discounts'])} through codes; "
        f"{plural(places, 'scholarship')} granted, worth {_amount(total['scholarship_amount'])}. "
        f"Amounts include tax; invoiced is net of credit notes."
    ) if rows else ""
    chart = charts.grouped_bar_chart(
        title=f"Invoiced, paid and outstanding per cohort ({currency})",
        groups=[(label(r.cohort), [float(r.invoiced), float(r.paid), float(r.outstanding)]) for r in rows],
        series=["Invoiced", "Paid", "Outstanding"],
    ) if rows else None
    return Section(
        "revenue", "Revenue, outstanding and scholarships", summary, chart,
        [Table(f"Money per cohort ({currency}, including tax)",
               ["Cohort", "Invoiced", "Paid", "Outstanding", "Partner discounts", "Discount codes",
                "Scholarships granted", "Scholarship amount"], table_rows)],
        empty="No cohort on this dashboard has a price or any payment yet.",
    )
