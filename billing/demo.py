"""Billing demo (seed 000): the inaugural series stays free; the next series is fee-based,
with 50% off for a contributing partner, a sponsored invoice for two people of one
organization, a pending scholarship request and an order paid by card.
Partos (seed 004) bills in euros (set by the organizer loader). Safe to re-run."""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone

from cohorts.models import Cohort, Organization

from . import services
from .models import BillingSettings, CohortPrice, Order, Partnership, Payment

FEE = Decimal("400.00")


def load(ctx) -> None:
    organizer = ctx.organizers["illinois"]
    BillingSettings.objects.update_or_create(organizer=organizer, defaults={
        "invoice_prefix": "IP",
        "seller_address": "Illinois Partners for Human Service\nChicago, Illinois",
        "bank_details": "Bank transfer to Illinois Partners for Human Service, account 000123456 (demo), "
                        "or a check payable to Illinois Partners.",
    })
    series = Cohort.objects.filter(organizer=organizer, program__slug="advancing-racial-equity")
    for cohort in series.filter(slug__in=["2025-series", "next-series"]):
        CohortPrice.objects.update_or_create(cohort=cohort, defaults={
            "organizer": organizer, "pricing": CohortPrice.Pricing.PER_PERSON, "amount": FEE,
            "partner_discount_percent": Decimal("50"), "tax_rate": Decimal("0"), "card_hold_hours": 2,
            "invoice_hold_days": 21, "scholarship_places": 3, "scholarship_budget": Decimal("1200.00"),
            "scholarship_info": "A limited number of scholarships are available for individuals who are not "
                                "employed or sponsored by an organization.",
        })
    today = timezone.localdate()
    partner = Organization.objects.get(organizer=organizer, name="Heartland Family Services")
    Partnership.objects.update_or_create(organization=partner, valid_from=today.replace(month=1, day=1), defaults={
        "organizer": organizer, "valid_until": today.replace(month=12, day=31), "note": "Partnership year (demo)",
    })
    cohort = series.get(slug="next-series")
    if Order.objects.filter(cohort=cohort).exists():
        return
    _orders(ctx, organizer, cohort, partner)


def _orders(ctx, organizer, cohort, partner) -> None:
    try:
        from cohorts import lifecycle
    except ImportError:  # the enrollment lifecycle is not installed: prices only
        return
    now = timezone.now()
    southside = Organization.objects.get(organizer=organizer, name="Southside Community Center")

    def held(email, name, organization=""):
        person = ctx.user(email, full_name=name)
        return person, lifecycle.register(cohort=cohort, person=person, organization_name=organization, now=now)

    # A sponsored invoice from a contributing partner for two of its people: 50% off each seat.
    lead, first = held("director@heartland.illinois.example", "Denise Carter", partner.name)
    _, second = held("manager@heartland.illinois.example", "Marcus Lee", partner.name)
    services.place_order(
        cohort=cohort, placed_by=lead, enrollments=[first, second], sponsor=partner, method=Order.Method.INVOICE,
        billing=services.BillingDetails(name=partner.name, email="finance@heartland.illinois.example",
                                        address="100 Main Street\nPeoria, IL 61602", tax_id="36-0000000",
                                        po_reference="PO-2025-014"),
        now=now,
    )
    # A pending scholarship request from someone not employed or sponsored by an organization.
    person, enrollment = held("scholar@illinois.example", "Renee Jackson")
    services.place_order(
        cohort=cohort, placed_by=person, enrollments=[enrollment], method=Order.Method.CARD,
        billing=services.BillingDetails(name=person.display_name, email=person.email),
        scholarship_statement="I am between jobs after ten years in youth services and want to keep learning "
                              "with this community.",
        now=now,
    )
    # An order paid by card (recorded as Stripe would report it).
    payer, enrollment = held("leader@southside.illinois.example", "Angela Brooks", southside.name)
    order = services.place_order(
        cohort=cohort, placed_by=payer, enrollments=[enrollment], method=Order.Method.CARD,
        billing=services.BillingDetails(name=payer.display_name, email=payer.email), now=now,
    )
    services.record_payment(order=order, amount=order.gross, method=Payment.Method.CARD,
                            external_id="pi_demo_southside", note="Stripe Checkout (demo)",
                            now=now)
