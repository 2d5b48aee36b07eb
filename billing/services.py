"""Billing writes: orders, discount codes, invoices and credit notes, payments, scholarships.

One function owns each transition:

    place_order ──▶ order open (seats held as "awaiting payment" by the lifecycle)
    record_payment ──▶ order paid once fully paid: invoice (if issued on payment), seats confirmed
    decide_scholarship ──▶ approved (paid by the scholarship) | partly (pay the rest) | declined (pay in full)
    cancel_order ──▶ cancelled, with a credit note for an issued invoice
    refund ──▶ negative payment (through Stripe for card payments) and a credit note

Enrollment status is never written here: seats are confirmed through
`cohorts.lifecycle.confirm_payment` and holds moved through `extend_payment_hold`;
unpaid holds lapse through the lifecycle's own beat task.

Locks are taken late and the condition re-checked under them: the invoice counter row
(numbers without gaps), the discount code row (its usage limit) and the cohort price
row (the scholarship budget). The `lock` arguments exist only for the control tests
that show the unguarded path overruns; leave them on.
"""

from __future__ import annotations

import datetime as dt
import secrets
import time
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from cohorts.models import Cohort, Enrollment, Organization
from core.urls import absolute_url
from notifications.services import notify

from . import selectors
from .models import (
    ZERO,
    BillingSettings,
    CohortPrice,
    DiscountCode,
    Invoice,
    InvoiceCounter,
    Order,
    OrderLine,
    Payment,
    ScholarshipRequest,
    money,
    percent,
)

# Only the control tests turn the locks off; that path waits this long between reading
# and writing so the race they demonstrate happens reliably (the locked path never sleeps).
UNLOCKED_RACE_WINDOW = 0.05


class BillingError(Exception):
    """Refused for a reason the person can act on."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True)
class BillingDetails:
    name: str
    email: str
    address: str = ""
    tax_id: str = ""
    po_reference: str = ""


@dataclass
class QuoteLine:
    kind: str
    description: str
    quantity: int
    unit_price: Decimal

    @property
    def amount(self) -> Decimal:
        return money(self.unit_price * self.quantity)


@dataclass
class Quote:
    currency: str
    tax_rate: Decimal
    lines: list[QuoteLine] = field(default_factory=list)
    partner: bool = False
    code: DiscountCode | None = None

    @property
    def net(self) -> Decimal:
        return money(sum((line.amount for line in self.lines), ZERO))

    @property
    def tax(self) -> Decimal:
        return money(self.net * self.tax_rate / 100)

    @property
    def gross(self) -> Decimal:
        return self.net + self.tax


# ---------------------------------------------------------------- lifecycle (cohorts owns enrollment status)


def _lifecycle():
    from cohorts import lifecycle

    return lifecycle


def awaiting_payment() -> str:
    return getattr(Enrollment.Status, "AWAITING_PAYMENT", "awaiting_payment")


def settings_for(organizer) -> BillingSettings:
    found = BillingSettings.objects.filter(organizer=organizer).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return BillingSettings.objects.create(organizer=organizer, invoice_prefix=_default_prefix(organizer))
    except IntegrityError:
        return BillingSettings.objects.get(organizer=organizer)


def _default_prefix(organizer) -> str:
    letters = "".join(word[0] for word in organizer.name.split() if word[:1].isalpha()).upper()
    return (letters or "INV")[:4]


def configure_price(*, price: CohortPrice) -> CohortPrice:
    """Save a cohort's price and keep `Cohort.is_free` (what the lifecycle asks) in step with it."""
    with transaction.atomic():
        price.save()
        Cohort.objects.filter(pk=price.cohort_id).update(is_free=price.is_free)
    return price


# ---------------------------------------------------------------- quotes and discount codes


def quote(
    *, cohort: Cohort, seats: int = 1, sponsor: Organization | None = None, code: str = "", now: dt.datetime | None = None
) -> Quote:
    """What an order would contain today; raises BillingError for an unusable code."""
    now = now or timezone.now()
    price = selectors.price_of(cohort)
    if price is None:
        raise BillingError("This cohort is free: there is nothing to pay.")
    today = timezone.localdate(now, cohort.time_zone)
    unit, early = selectors.unit_price(price, on=today)
    result = Quote(currency=cohort.organizer.currency, tax_rate=price.tax_rate)
    per_team = price.pricing == CohortPrice.Pricing.PER_TEAM
    quantity = 1 if per_team else seats
    what = "Team registration" if per_team else "Registration"
    label = f"{what}: {cohort.program.title}, {cohort.title}" + (" (early-bird price)" if early else "")
    result.lines.append(QuoteLine(OrderLine.Kind.SEAT, label, quantity, unit))
    if price.partner_discount_percent and selectors.is_partner(sponsor, on=today):
        result.partner = True
        cut = money(unit * price.partner_discount_percent / 100)
        result.lines.append(
            QuoteLine(
                OrderLine.Kind.PARTNER_DISCOUNT,
                f"Contributing-partner discount ({percent(price.partner_discount_percent)}%, {sponsor.name})",
                quantity,
                -cut,
            )
        )
    if code.strip():
        found = usable_code(cohort=cohort, code=code, now=now)
        result.code = found
        left = result.net
        cut = money(left * found.value / 100) if found.kind == DiscountCode.Kind.PERCENT else min(found.value, left)
        result.lines.append(QuoteLine(OrderLine.Kind.DISCOUNT_CODE, f"Discount code {found.code}", 1, -cut))
    return result


def usable_code(*, cohort: Cohort, code: str, now: dt.datetime) -> DiscountCode:
    found = DiscountCode.objects.filter(cohort=cohort, code=code.strip().upper()).first()
    if found is None:
        raise BillingError("This discount code does not exist for this cohort.", field="discount_code")
    if found.expires_at and found.expires_at <= now:
        raise BillingError("This discount code has expired.", field="discount_code")
    if found.times_used >= found.max_uses:
        raise BillingError("This discount code has been used as often as it may be.", field="discount_code")
    return found


def redeem_code(*, code: DiscountCode, now: dt.datetime, lock: bool = True) -> DiscountCode:
    """Count one use of a code inside the caller's transaction, never past its limit."""
    queryset = DiscountCode.objects.all()
    if lock:
        queryset = queryset.select_for_update()
    current = queryset.get(pk=code.pk)
    if current.expires_at and current.expires_at <= now:
        raise BillingError("This discount code has expired.", field="discount_code")
    if current.times_used >= current.max_uses:
        raise BillingError("This discount code has been used as often as it may be.", field="discount_code")
    if not lock:
        time.sleep(UNLOCKED_RACE_WINDOW)  # see UNLOCKED_RACE_WINDOW
        DiscountCode.objects.filter(pk=code.pk).update(times_used=current.times_used + 1)
    else:
        DiscountCode.objects.filter(pk=code.pk).update(times_used=F("times_used") + 1)
    return current


# ---------------------------------------------------------------- orders


def new_reference(organizer) -> str:
    """A payment reference people copy onto a bank transfer: prefix and 6 unambiguous characters."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    prefix = settings_for(organizer).invoice_prefix
    while True:
        reference = f"{prefix}-{''.join(secrets.choice(alphabet) for _ in range(6))}"
        if not Order.objects.filter(organizer=organizer, reference=reference).exists():
            return reference


def place_order(
    *,
    cohort: Cohort,
    placed_by,
    enrollments: list[Enrollment],
    billing: BillingDetails,
    method: str = Order.Method.CARD,
    sponsor: Organization | None = None,
    discount_code: str = "",
    scholarship_statement: str = "",
    scholarship_amount: Decimal | None = None,
    now: dt.datetime | None = None,
    lock: bool = True,
) -> Order:
    """Bill held seats: one order (and invoice) for a person, a team, or several people of a sponsor.

    The partner discount is decided here, on the day the order is placed. A scholarship
    request holds the seat until staff decide; nothing is invoiced before then.
    """
    now = now or timezone.now()
    price = selectors.price_of(cohort)
    if price is None:
        raise BillingError("This cohort is free: there is nothing to pay.")
    if not enrollments:
        raise BillingError("Choose whose registration this order pays for.")
    if not billing.name.strip() or not billing.email.strip():
        raise BillingError("Give the name and email the invoice goes to.", field="billing_name")
    held = awaiting_payment()
    for enrollment in enrollments:
        if enrollment.cohort_id != cohort.pk or enrollment.status != held:
            raise BillingError(f"The registration of {enrollment.person.display_name} is not waiting for payment.")
        if sponsor is not None and enrollment.organization_id not in (None, sponsor.pk):
            raise BillingError(f"{enrollment.person.display_name} registered with another organization.")
    teams = {e.team_id for e in enrollments}
    if price.pricing == CohortPrice.Pricing.PER_TEAM and (len(teams) != 1 or None in teams):
        raise BillingError("This cohort is invoiced per team: bill one team's registrations together.")
    scholarship = bool(scholarship_statement.strip())
    if scholarship:
        if sponsor is not None:
            raise BillingError(
                "Scholarships are for people who are not employed or sponsored by an organization.",
                field="scholarship_statement",
            )
        if not price.offers_scholarships:
            raise BillingError("This cohort offers no scholarships.", field="scholarship_statement")
        if len(enrollments) != 1:
            raise BillingError("A scholarship is asked for one person at a time.", field="scholarship_statement")
    offer = quote(cohort=cohort, seats=len(enrollments), sponsor=sponsor, code=discount_code, now=now)

    with transaction.atomic():
        if Order.objects.filter(enrollments__in=[e.pk for e in enrollments]).exclude(
            status=Order.Status.CANCELLED
        ).exists():
            raise BillingError("These registrations already have an order.")
        if offer.code is not None:
            redeem_code(code=offer.code, now=now, lock=lock)
        organizer = cohort.organizer
        terms = settings_for(organizer).payment_terms_days
        order = Order.objects.create(
            organizer=organizer,
            cohort=cohort,
            placed_by=placed_by,
            sponsor=sponsor,
            team_id=next(iter(teams)) if price.pricing == CohortPrice.Pricing.PER_TEAM else None,
            method=method,
            currency=offer.currency,
            reference=new_reference(organizer),
            billing_name=billing.name.strip(),
            billing_email=billing.email.strip(),
            billing_address=billing.address.strip(),
            billing_tax_id=billing.tax_id.strip(),
            po_reference=billing.po_reference.strip(),
            tax_rate=offer.tax_rate,
            due_on=timezone.localdate(now, cohort.time_zone) + dt.timedelta(days=terms),
        )
        order.enrollments.set(enrollments)
        _write_lines(order, offer.lines)
        if scholarship:
            requested = offer.gross if scholarship_amount is None else money(min(scholarship_amount, offer.gross))
            ScholarshipRequest.objects.create(
                organizer=organizer, cohort=cohort, order=order, person=enrollments[0].person,
                statement=scholarship_statement.strip(), amount_requested=requested,
            )
        if scholarship or method == Order.Method.INVOICE:
            until = now + dt.timedelta(days=price.invoice_hold_days)
            reason = "scholarship under review" if scholarship else "paying by invoice"
            for enrollment in enrollments:
                _lifecycle().extend_payment_hold(enrollment=enrollment, until=until, by=placed_by, reason=reason)
        if not scholarship and order.gross == ZERO:
            _mark_paid(order, by=placed_by, now=now)
        elif not scholarship and settings_for(organizer).issue_invoices_on == BillingSettings.IssueOn.ORDER:
            issue_invoice(order=order, now=now)
        _notify_order(order, "order_placed", key="placed")
    return order


def _write_lines(order: Order, lines: list[QuoteLine]) -> None:
    OrderLine.objects.bulk_create(
        [
            OrderLine(
                organizer_id=order.organizer_id, order=order, kind=line.kind, description=line.description,
                quantity=line.quantity, unit_price=line.unit_price, amount=line.amount,
            )
            for line in lines
        ]
    )
    _retotal(order)


def _retotal(order: Order) -> None:
    net = money(sum((line.amount for line in order.lines.all()), ZERO))
    order.net = net
    order.tax = money(net * order.tax_rate / 100)
    order.gross = order.net + order.tax
    order.save(update_fields=["net", "tax", "gross"])


def cancel_order(*, order: Order, by, reason: str = "", now: dt.datetime | None = None) -> Order:
    """Cancel an unpaid order; an issued invoice gets a credit note. Seats are released by the lifecycle."""
    now = now or timezone.now()
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order.pk)
        if order.status != Order.Status.OPEN:
            raise BillingError("Only an order waiting for payment can be cancelled; refund a paid one.")
        order.status = Order.Status.CANCELLED
        order.save(update_fields=["status"])
        for invoice in order.invoices.filter(kind=Invoice.Kind.INVOICE, credit_notes__isnull=True):
            issue_credit_note(invoice=invoice, amount=invoice.gross, reason=reason or "Order cancelled", now=now)
        for enrollment in order.enrollments.filter(status=awaiting_payment()):
            _lifecycle().cancel(enrollment=enrollment, by=by, reason=reason or "order cancelled", now=now)
    return order


def on_enrollment_transition(*, enrollment, from_status, to_status, by, now, reason) -> None:
    """Lifecycle listener: when the last seat an open order pays for is released (an unpaid
    hold lapsed, the person cancelled), the order is cancelled and its invoice credited,
    so nobody is reminded to pay for a seat they no longer have. A payment arriving later
    shows as an overpayment to refund."""
    if to_status != Enrollment.Status.CANCELLED:
        return
    for order in Order.objects.filter(enrollments=enrollment, status=Order.Status.OPEN):
        if order.enrollments.exclude(status=Enrollment.Status.CANCELLED).exists():
            continue
        order.status = Order.Status.CANCELLED
        order.save(update_fields=["status"])
        for invoice in order.invoices.filter(kind=Invoice.Kind.INVOICE, credit_notes__isnull=True):
            issue_credit_note(invoice=invoice, amount=invoice.gross, reason=f"Seat released ({reason})", now=now)


# ---------------------------------------------------------------- invoices


def issue_invoice(*, order: Order, now: dt.datetime | None = None, _fail_after_numbering: bool = False) -> Invoice:
    """Number and freeze an invoice for the order (numbers without gaps per organizer and year)."""
    now = now or timezone.now()
    lines = [
        {"description": line.description, "quantity": line.quantity, "unit_price": str(line.unit_price),
         "amount": str(line.amount)}
        for line in order.lines.all()
    ]
    return _issue(
        order=order, kind=Invoice.Kind.INVOICE, lines=lines, net=order.net, tax=order.tax, gross=order.gross,
        now=now, fail=_fail_after_numbering,
    )


def issue_credit_note(*, invoice: Invoice, amount: Decimal, reason: str, now: dt.datetime | None = None) -> Invoice:
    """A credit note for (part of) an invoice's gross amount, referring to it by number."""
    now = now or timezone.now()
    amount = money(amount)
    if amount <= ZERO or amount > invoice.gross:
        raise BillingError("A credit note is for a positive amount up to the invoice's total.")
    share = amount / invoice.gross if invoice.gross else Decimal(1)
    net = money(invoice.net * share)
    lines = [{"description": f"{reason} (credit for invoice {invoice.number})", "quantity": 1,
              "unit_price": str(-net), "amount": str(-net)}]
    return _issue(
        order=invoice.order, kind=Invoice.Kind.CREDIT_NOTE, lines=lines, net=-net, tax=-(amount - net),
        gross=-amount, now=now, credits=invoice,
    )


def _issue(*, order, kind, lines, net, tax, gross, now, credits=None, fail=False) -> Invoice:
    organizer = order.organizer
    year = timezone.localdate(now, organizer.time_zone).year
    billing = settings_for(organizer)
    with transaction.atomic():
        # The counter row is created once (a concurrent creator is ignored), then locked:
        # every issuer of this organizer and year waits here, in turn, until the other commits
        # or rolls back, so a rolled-back number is handed out again and none is skipped.
        InvoiceCounter.objects.bulk_create(
            [InvoiceCounter(organizer=organizer, year=year)], ignore_conflicts=True
        )
        counter = InvoiceCounter.objects.select_for_update().get(organizer=organizer, year=year)
        counter.last_number += 1
        counter.save(update_fields=["last_number"])
        if fail:
            raise RuntimeError("failed after numbering (test)")
        invoice = Invoice.objects.create(
            organizer=organizer, order=order, kind=kind, credits=credits, year=year, sequence=counter.last_number,
            number=f"{billing.invoice_prefix}-{year}-{counter.last_number:04d}", issued_at=now,
            due_on=order.due_on if kind == Invoice.Kind.INVOICE else None,
            seller={"name": organizer.name, "address": billing.seller_address, "tax_id": billing.seller_tax_id,
                    "bank_details": billing.bank_details, "email": organizer.contact_email},
            buyer={"name": order.billing_name, "email": order.billing_email, "address": order.billing_address,
                   "tax_id": order.billing_tax_id, "po_reference": order.po_reference},
            lines=lines, currency=order.currency, tax_rate=order.tax_rate, net=net, tax=tax, gross=gross,
            payment_reference=order.reference,
        )
    _send_invoice(invoice)
    return invoice


def _send_invoice(invoice: Invoice) -> None:
    from .pdf import invoice_attachment

    order = invoice.order
    what = "credit note" if invoice.kind == Invoice.Kind.CREDIT_NOTE else "invoice"
    notify(
        organizer=order.organizer,
        template="billing/invoice",
        dedupe_key=f"billing:invoice={invoice.pk}",
        recipient=order.placed_by if order.placed_by.email == order.billing_email else None,
        to_email=order.billing_email,
        context={
            "buyer_name": order.billing_name, "what": what, "number": invoice.number,
            "gross": f"{invoice.currency} {invoice.gross}", "program_title": order.cohort.program.title,
            "cohort_title": order.cohort.title, "reference": order.reference,
            "due_on": invoice.due_on.isoformat() if invoice.due_on else "",
            "order_url": _absolute(reverse("billing:order", kwargs={"organizer_slug": order.organizer.slug,
                                                                    "order_id": order.pk})),
            "is_paid": order.status == Order.Status.PAID,
        },
        attachments=[invoice_attachment(invoice)],
    )


# ---------------------------------------------------------------- payments


def record_payment(
    *,
    order: Order,
    amount: Decimal,
    method: str,
    received_on: dt.date | None = None,
    external_id: str = "",
    note: str = "",
    by=None,
    now: dt.datetime | None = None,
) -> tuple[Payment, bool]:
    """Record money received (or refunded, negative). Returns (payment, created).

    A payment with an `external_id` already recorded (a redelivered webhook, a bank
    line imported again) is not applied twice. A fully paid order is confirmed.
    """
    now = now or timezone.now()
    amount = money(amount)
    if amount == ZERO:
        raise BillingError("Enter the amount received.", field="amount")
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order.pk)
        if external_id:
            existing = Payment.objects.filter(organizer_id=order.organizer_id, external_id=external_id).first()
            if existing is not None:
                return existing, False
        payment = Payment.objects.create(
            organizer_id=order.organizer_id, order=order, method=method, amount=amount,
            received_on=received_on or timezone.localdate(now, order.organizer.time_zone),
            external_id=external_id, note=note[:300], recorded_by=by,
        )
        if order.status == Order.Status.OPEN and selectors.balance(order) <= ZERO:
            _mark_paid(order, by=by, now=now)
    return payment, True


def _mark_paid(order: Order, *, by, now: dt.datetime) -> None:
    order.status = Order.Status.PAID
    order.paid_at = now
    order.save(update_fields=["status", "paid_at"])
    if order.gross > ZERO and not order.invoices.filter(kind=Invoice.Kind.INVOICE).exists():
        issue_invoice(order=order, now=now)
    for enrollment in order.enrollments.filter(status=awaiting_payment()):
        _lifecycle().confirm_payment(enrollment=enrollment, by=by, now=now)
    _notify_order(order, "order_paid", key="paid")


def refund(*, order: Order, amount: Decimal, by, reason: str = "", now: dt.datetime | None = None) -> Payment:
    """Give money back: through Stripe for a card payment, by hand otherwise; a credit note follows."""
    from . import stripe_gateway

    now = now or timezone.now()
    amount = money(amount)
    paid = selectors.paid_total(order)
    if amount <= ZERO or amount > paid:
        raise BillingError(f"Refund a positive amount up to what was paid ({order.currency} {paid}).", field="amount")
    card = order.payments.filter(method=Payment.Method.CARD, amount__gt=0).exclude(external_id="").first()
    external_id = ""
    if card is not None:
        external_id = stripe_gateway.refund(payment_intent=card.external_id, amount=amount, currency=order.currency)
    payment, _ = record_payment(
        order=order, amount=-amount, method=card.method if card else Payment.Method.OTHER, external_id=external_id,
        note=reason or "Refund", by=by, now=now,
    )
    invoice = order.invoices.filter(kind=Invoice.Kind.INVOICE).first()
    if invoice is not None and invoice.gross > ZERO:
        issue_credit_note(invoice=invoice, amount=min(amount, invoice.gross), reason=reason or "Refund", now=now)
    return payment


def refund_due(*, order: Order, today: dt.date) -> Decimal:
    """What the cohort's refund policy returns for a paid order cancelled today."""
    price = CohortPrice.objects.filter(cohort=order.cohort).first()
    paid = selectors.paid_total(order)
    start = order.cohort.starts_on
    if price is None or start is None or (start - today).days >= price.refund_full_until_days:
        return paid
    return money(paid * price.refund_after_percent / 100)


# ---------------------------------------------------------------- scholarships


def decide_scholarship(
    *,
    request: ScholarshipRequest,
    amount: Decimal,
    by,
    now: dt.datetime | None = None,
    lock: bool = True,
) -> ScholarshipRequest:
    """Staff grant `amount` (the full request, part of it, or 0 to decline), within the cohort's budget."""
    now = now or timezone.now()
    amount = money(amount)
    if amount < ZERO:
        raise BillingError("The amount granted cannot be negative.", field="amount")
    with transaction.atomic():
        prices = CohortPrice.objects.all()
        if lock:
            prices = prices.select_for_update()
        price = prices.get(cohort_id=request.cohort_id)
        request = ScholarshipRequest.objects.select_related("order").get(pk=request.pk)
        if request.status != ScholarshipRequest.Status.PENDING:
            raise BillingError("This request has already been decided.")
        order = request.order
        if amount > order.gross:
            raise BillingError(f"The order comes to {order.currency} {order.gross}; grant at most that.", field="amount")
        if amount > ZERO:
            places, spent = selectors.scholarship_use(price)
            if not lock:
                time.sleep(UNLOCKED_RACE_WINDOW)  # see UNLOCKED_RACE_WINDOW
            if price.scholarship_places is not None and places + 1 > price.scholarship_places:
                raise BillingError(f"All {price.scholarship_places} scholarship places of this cohort are granted.")
            if price.scholarship_budget is not None and spent + amount > price.scholarship_budget:
                left = price.scholarship_budget - spent
                raise BillingError(
                    f"Only {order.currency} {left} of the scholarship budget is left.", field="amount"
                )
        status = (
            ScholarshipRequest.Status.DECLINED if amount == ZERO
            else ScholarshipRequest.Status.APPROVED if amount >= order.gross
            else ScholarshipRequest.Status.PARTLY
        )
        request.status, request.amount_granted, request.decided_by, request.decided_at = status, amount, by, now
        request.save(update_fields=["status", "amount_granted", "decided_by", "decided_at"])
        if amount > ZERO:
            net_cut = money(amount * 100 / (100 + order.tax_rate)) if order.tax_rate else amount
            _write_lines(order, [QuoteLine(OrderLine.Kind.SCHOLARSHIP, "Scholarship", 1, -net_cut)])
        # The hold (a scholarship review) becomes a payment hold for what is left.
        until = now + dt.timedelta(days=price.invoice_hold_days)
        if order.gross <= ZERO:
            _mark_paid(order, by=by, now=now)
        else:
            for enrollment in order.enrollments.filter(status=awaiting_payment()):
                _lifecycle().extend_payment_hold(enrollment=enrollment, until=until, by=by,
                                                 reason=f"scholarship {status}: pay the remainder")
            if settings_for(order.organizer).issue_invoices_on == BillingSettings.IssueOn.ORDER:
                issue_invoice(order=order, now=now)
        _notify_scholarship(request, order, until=until)
    return request


# ---------------------------------------------------------------- messages


def _notify_order(order: Order, template: str, *, key: str) -> None:
    person = order.placed_by
    notify(
        organizer=order.organizer,
        template=f"billing/{template}",
        dedupe_key=f"billing:{key}:order={order.pk}",
        recipient=person,
        context={
            "person_name": person.display_name, "program_title": order.cohort.program.title,
            "cohort_title": order.cohort.title, "gross": f"{order.currency} {order.gross}",
            "reference": order.reference, "method": order.get_method_display(),
            "people": ", ".join(e.person.display_name for e in order.enrollments.select_related("person")),
            "order_url": _absolute(reverse("billing:order", kwargs={"organizer_slug": order.organizer.slug,
                                                                    "order_id": order.pk})),
            "scholarship": hasattr(order, "scholarship_request"),
        },
    )


def _notify_scholarship(request: ScholarshipRequest, order: Order, *, until: dt.datetime) -> None:
    notify(
        organizer=order.organizer,
        template="billing/scholarship_decided",
        dedupe_key=f"billing:scholarship={request.pk}:decided",
        recipient=request.person,
        context={
            "person_name": request.person.display_name, "program_title": order.cohort.program.title,
            "cohort_title": order.cohort.title, "status": request.status,
            "granted": f"{order.currency} {request.amount_granted}", "remainder": f"{order.currency} {order.gross}",
            "pay_by": timezone.localtime(until, order.cohort.time_zone).strftime("%a %-d %b %Y"),
            "order_url": _absolute(reverse("billing:order", kwargs={"organizer_slug": order.organizer.slug,
                                                                    "order_id": order.pk})),
        },
    )


def _absolute(path: str) -> str:
    return absolute_url(path)
