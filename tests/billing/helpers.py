"""Billing test helpers: priced cohorts and orders made directly (test setup, not a user action)."""

from decimal import Decimal

from django_scopes import scopes_disabled

from billing.models import BillingSettings, CohortPrice, Order, OrderLine
from tests.factories import CohortFactory, UserFactory


def priced_cohort(organizer, *, amount="200.00", partner="50", tax="0", **price_fields):
    cohort = CohortFactory(program__organizer=organizer, is_free=False)
    with scopes_disabled():
        BillingSettings.objects.get_or_create(organizer=organizer, defaults={"invoice_prefix": "IP"})
        CohortPrice.objects.create(
            organizer=organizer, cohort=cohort, amount=Decimal(amount), partner_discount_percent=Decimal(partner),
            tax_rate=Decimal(tax), **price_fields,
        )
    return cohort


def bare_order(cohort, *, gross="100.00", buyer=None, method=Order.Method.INVOICE, reference=None) -> Order:
    """An open order with one seat line and no enrollment (for invoice and payment tests)."""
    buyer = buyer or UserFactory()
    with scopes_disabled():
        order = Order.objects.create(
            organizer=cohort.organizer, cohort=cohort, placed_by=buyer, currency=cohort.organizer.currency,
            reference=reference or f"IP-T{Order.objects.count() + 1:05d}", billing_name=buyer.display_name,
            billing_email=buyer.email, method=method, net=Decimal(gross), gross=Decimal(gross),
        )
        OrderLine.objects.create(organizer=cohort.organizer, order=order, kind=OrderLine.Kind.SEAT,
                                 description="Registration", unit_price=Decimal(gross), amount=Decimal(gross))
    return order


def scholarship_request(cohort, *, gross="200.00", statement="Between jobs this year."):
    """A pending scholarship request on a fresh order of `gross`."""
    from billing.models import ScholarshipRequest

    order = bare_order(cohort, gross=gross)
    with scopes_disabled():
        return ScholarshipRequest.objects.create(
            organizer=cohort.organizer, cohort=cohort, order=order, person=order.placed_by, statement=statement,
            amount_requested=Decimal(gross),
        )
