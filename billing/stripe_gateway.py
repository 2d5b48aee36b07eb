"""Card payments through Stripe Checkout, with the official `stripe` library.

Settings (environment): STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET and, only for tests,
STRIPE_API_BASE (the test suite points it at a fake Stripe served on 127.0.0.1).
The webhook verifies Stripe's signature and handles each event once (`StripeEvent`).
"""

from __future__ import annotations

import json
import logging
from decimal import Decimal

import stripe
from django.conf import settings
from django.db import IntegrityError, transaction
from django_scopes import scope

from .models import Order, Payment, StripeEvent

logger = logging.getLogger("praxis.billing.stripe")

# Currencies Stripe counts in whole units (no cents); all others are in hundredths.
ZERO_DECIMAL = {"BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA", "PYG", "RWF", "UGX", "VND", "VUV", "XAF",
                "XOF", "XPF"}


class StripeNotConfigured(Exception):
    pass


class SignatureRefused(Exception):
    pass


def is_configured() -> bool:
    return bool(settings.STRIPE_SECRET_KEY)


def client() -> stripe.StripeClient:
    if not is_configured():
        raise StripeNotConfigured("Card payments are not set up (STRIPE_SECRET_KEY).")
    options = {"max_network_retries": 0}
    if settings.STRIPE_API_BASE:
        options["base_addresses"] = {"api": settings.STRIPE_API_BASE}
    return stripe.StripeClient(settings.STRIPE_SECRET_KEY, **options)


def to_minor(amount: Decimal, currency: str) -> int:
    return int(amount if currency.upper() in ZERO_DECIMAL else amount * 100)


def from_minor(amount: int, currency: str) -> Decimal:
    return Decimal(amount) if currency.upper() in ZERO_DECIMAL else Decimal(amount) / 100


def create_checkout(*, order: Order, amount: Decimal, success_url: str, cancel_url: str) -> str:
    """Start a Checkout session for what is owed; returns the URL to send the buyer to."""
    session = client().v1.checkout.sessions.create(
        params={
            "mode": "payment",
            "customer_email": order.billing_email,
            "client_reference_id": order.reference,
            "success_url": success_url,
            "cancel_url": cancel_url,
            "line_items": [{
                "quantity": 1,
                "price_data": {
                    "currency": order.currency.lower(),
                    "unit_amount": to_minor(amount, order.currency),
                    "product_data": {"name": f"{order.cohort.program.title}: {order.cohort.title} ({order.reference})"},
                },
            }],
            "metadata": {"order_id": str(order.pk), "organizer_id": str(order.organizer_id)},
        },
        options={"idempotency_key": f"checkout-{order.pk}-{to_minor(amount, order.currency)}-{order.payments.count()}"},
    )
    Order.objects.filter(pk=order.pk).update(stripe_session_id=session.id)
    return session.url


def refund(*, payment_intent: str, amount: Decimal, currency: str) -> str:
    """Refund (part of) a card payment; returns the refund's id."""
    result = client().v1.refunds.create(
        params={"payment_intent": payment_intent, "amount": to_minor(amount, currency)}
    )
    return result.id


def handle_webhook(*, payload: bytes, signature: str | None) -> str:
    """Verify and apply one webhook delivery; returns what happened (for the log and tests)."""
    from . import services

    try:
        event = stripe.Webhook.construct_event(payload, signature, settings.STRIPE_WEBHOOK_SECRET)
    except (ValueError, stripe.SignatureVerificationError) as exc:
        logger.warning("Stripe webhook refused: %s", exc)
        raise SignatureRefused(str(exc)) from exc
    if event.type != "checkout.session.completed":
        return "ignored"
    session = json.loads(payload)["data"]["object"]  # verified above; plain dicts from here on
    metadata = session.get("metadata") or {}
    try:
        order_id, organizer_id = int(metadata["order_id"]), int(metadata["organizer_id"])
    except (KeyError, TypeError, ValueError):
        logger.warning("Stripe event %s names no Praxis order; ignored", event.id)
        return "ignored"
    if session.get("payment_status") != "paid":
        return "ignored"
    with scope(organizer=organizer_id):
        order = Order.objects.filter(pk=order_id, organizer_id=organizer_id).first()
        if order is None:
            logger.warning("Stripe event %s names order %s, which does not exist", event.id, order_id)
            return "ignored"
        try:
            with transaction.atomic():
                StripeEvent.objects.create(organizer_id=organizer_id, event_id=event.id, type=event.type)
                currency = (session.get("currency") or order.currency).upper()
                services.record_payment(
                    order=order, amount=from_minor(session["amount_total"], currency), method=Payment.Method.CARD,
                    external_id=session.get("payment_intent") or session["id"], note=f"Stripe Checkout {session['id']}",
                )
        except IntegrityError:  # the same event, delivered again (or concurrently)
            return "duplicate"
    return "recorded"
