"""Billing: prices, partner status, discount codes, scholarships, orders, invoices, payments.

Amounts are `Decimal` in the organizer's currency (never float), two decimals.
State changes (placing an order, issuing an invoice, recording a payment, deciding a
scholarship) happen only in `billing.services`; the admin shows these rows and edits
configuration (prices, partnerships, codes), never state.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from cohorts.models import Cohort, Enrollment, Organization, Team
from organizers.models import Organizer, TenantModel

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
PERCENT = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]


def money(value) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def percent(value: Decimal) -> str:
    """50.00 -> "50", 12.50 -> "12.5" (Decimal.normalize would give "5E+1")."""
    text = f"{Decimal(value):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def money_field(**kwargs) -> models.DecimalField:
    return models.DecimalField(max_digits=12, decimal_places=2, **kwargs)


class BillingSettings(TenantModel):
    """An organizer's invoicing details: prefix, when invoices are issued, bank details."""

    class IssueOn(models.TextChoices):
        ORDER = "order", "When the order is placed"
        PAYMENT = "payment", "When the payment arrives"

    organizer = models.OneToOneField(Organizer, on_delete=models.CASCADE, related_name="billing_settings")
    invoice_prefix = models.CharField(
        max_length=10, default="INV", help_text='Invoices are numbered PREFIX-YEAR-0001, e.g. "IP" gives IP-2025-0001.'
    )
    issue_invoices_on = models.CharField(max_length=10, choices=IssueOn.choices, default=IssueOn.ORDER)
    seller_address = models.TextField(blank=True, help_text="Printed on invoices under the organizer's name.")
    seller_tax_id = models.CharField(max_length=60, blank=True)
    bank_details = models.TextField(
        blank=True, help_text="How to pay by bank transfer or check; printed on invoices with the payment reference."
    )
    payment_terms_days = models.PositiveSmallIntegerField(default=14, help_text="Invoices are due after this many days.")

    class Meta:
        verbose_name_plural = "billing settings"

    def __str__(self) -> str:
        return f"Billing settings of {self.organizer}"


class CohortPrice(TenantModel):
    """What a cohort costs. A cohort without one (or with `FREE`) is free."""

    class Pricing(models.TextChoices):
        FREE = "free", "Free"
        PER_PERSON = "per_person", "Per person"
        PER_TEAM = "per_team", "Per team / organization"

    cohort = models.OneToOneField(Cohort, on_delete=models.CASCADE, related_name="price")
    pricing = models.CharField(max_length=20, choices=Pricing.choices, default=Pricing.PER_PERSON)
    amount = money_field(default=ZERO, validators=[MinValueValidator(ZERO)], help_text="Net price, before tax.")
    early_bird_amount = money_field(null=True, blank=True, validators=[MinValueValidator(ZERO)])
    early_bird_until = models.DateField(null=True, blank=True, help_text="The early-bird price applies until this day.")
    tax_rate = models.DecimalField(
        max_digits=5, decimal_places=2, default=ZERO, validators=PERCENT, help_text="Percent, e.g. 21.00. 0 allowed."
    )
    partner_discount_percent = models.DecimalField(
        max_digits=5, decimal_places=2, default=ZERO, validators=PERCENT,
        help_text="Discount for registrations sponsored by a contributing partner during its partnership.",
    )
    refund_full_until_days = models.PositiveSmallIntegerField(
        default=14, help_text="Full refund until this many days before the start."
    )
    refund_after_percent = models.DecimalField(
        max_digits=5, decimal_places=2, default=ZERO, validators=PERCENT,
        help_text="Refunded percentage after that (0: no refund).",
    )
    card_hold_hours = models.PositiveSmallIntegerField(
        default=2, validators=[MinValueValidator(1)], help_text="How long a seat is held for a card payment."
    )
    invoice_hold_days = models.PositiveSmallIntegerField(
        default=14, validators=[MinValueValidator(1)],
        help_text="How long a seat is held for an invoice (bank transfer or check), or a scholarship decision.",
    )
    scholarship_places = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Scholarships available (places). Empty: no limit on places."
    )
    scholarship_budget = money_field(
        null=True, blank=True, validators=[MinValueValidator(ZERO)],
        help_text="Total amount available for scholarships. Empty: no limit on the amount.",
    )
    scholarship_info = models.TextField(
        blank=True, help_text="Who may ask for a scholarship; shown on the program page."
    )

    class Meta:
        ordering = ["cohort"]

    def __str__(self) -> str:
        return f"Price of {self.cohort}"

    def clean(self):
        super().clean()  # TenantModel: one organizer per row
        if self.early_bird_amount is not None and not self.early_bird_until:
            raise ValidationError({"early_bird_until": "Say until when the early-bird price applies."})
        if self.early_bird_amount is not None and self.early_bird_amount > self.amount:
            raise ValidationError({"early_bird_amount": "The early-bird price should be below the regular price."})

    @property
    def is_free(self) -> bool:
        return self.pricing == self.Pricing.FREE or self.amount == ZERO

    @property
    def offers_scholarships(self) -> bool:
        return self.scholarship_places != 0 and self.scholarship_budget != ZERO and not self.is_free


class Partnership(TenantModel):
    """A contributing partner's partnership year: the partner discount applies within it."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="partnerships")
    valid_from = models.DateField()
    valid_until = models.DateField()
    note = models.CharField(max_length=200, blank=True, help_text='e.g. "2025 contribution received"')

    class Meta:
        ordering = ["organization", "-valid_from"]

    def __str__(self) -> str:
        return f"{self.organization}: partner {self.valid_from} – {self.valid_until}"

    def clean(self):
        super().clean()  # TenantModel: one organizer per row
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            raise ValidationError({"valid_until": "The partnership cannot end before it starts."})


class DiscountCode(TenantModel):
    class Kind(models.TextChoices):
        PERCENT = "percent", "Percentage"
        AMOUNT = "amount", "Amount"

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="discount_codes")
    code = models.CharField(max_length=40, help_text="What people type; not case-sensitive.")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.PERCENT)
    value = models.DecimalField(max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))])
    max_uses = models.PositiveIntegerField(validators=[MinValueValidator(1)], help_text="How many orders may use it.")
    times_used = models.PositiveIntegerField(default=0, editable=False)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["cohort", "code"]
        constraints = [
            models.UniqueConstraint(fields=["cohort", "code"], name="unique_discount_code"),
            models.CheckConstraint(condition=Q(times_used__lte=models.F("max_uses")), name="discount_code_within_limit"),
        ]

    def __str__(self) -> str:
        return self.code

    def clean(self):
        super().clean()  # TenantModel: one organizer per row
        if self.kind == self.Kind.PERCENT and self.value is not None and self.value > 100:
            raise ValidationError({"value": "A percentage cannot exceed 100."})

    def save(self, *args, **kwargs):
        self.code = self.code.strip().upper()
        super().save(*args, **kwargs)


class Order(TenantModel):
    """What one buyer owes for seats in one cohort: the person, or their organization as sponsor."""

    class Status(models.TextChoices):
        OPEN = "open", "Awaiting payment"
        PAID = "paid", "Paid"
        CANCELLED = "cancelled", "Cancelled"

    class Method(models.TextChoices):
        CARD = "card", "Card (online)"
        INVOICE = "invoice", "Invoice (bank transfer or check)"

    cohort = models.ForeignKey(Cohort, on_delete=models.PROTECT, related_name="orders")
    placed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="orders_placed")
    sponsor = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="orders",
        help_text="The organization that pays; empty when the person pays.",
    )
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="orders")
    enrollments = models.ManyToManyField(Enrollment, related_name="orders", blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    method = models.CharField(max_length=20, choices=Method.choices, default=Method.CARD)
    currency = models.CharField(max_length=3)
    reference = models.CharField(max_length=20, help_text="Payment reference for bank transfers and checks.")
    billing_name = models.CharField(max_length=200)
    billing_email = models.EmailField()
    billing_address = models.TextField(blank=True)
    billing_tax_id = models.CharField(max_length=60, blank=True)
    po_reference = models.CharField("purchase-order reference", max_length=100, blank=True)
    tax_rate = models.DecimalField(max_digits=5, decimal_places=2, default=ZERO)
    net = money_field(default=ZERO)
    tax = money_field(default=ZERO)
    gross = money_field(default=ZERO)
    due_on = models.DateField(null=True, blank=True)
    stripe_session_id = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    last_reminder_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["organizer", "reference"], name="unique_order_reference")]
        indexes = [models.Index(fields=["status", "due_on"], name="order_due_idx")]

    def __str__(self) -> str:
        return f"Order {self.reference} ({self.billing_name})"


class OrderLine(TenantModel):
    class Kind(models.TextChoices):
        SEAT = "seat", "Seat"
        PARTNER_DISCOUNT = "partner_discount", "Partner discount"
        DISCOUNT_CODE = "discount_code", "Discount code"
        SCHOLARSHIP = "scholarship", "Scholarship"

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    description = models.CharField(max_length=300)
    quantity = models.PositiveSmallIntegerField(default=1)
    unit_price = money_field()
    amount = money_field(help_text="Net; negative for discounts.")

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.description


class InvoiceCounter(TenantModel):
    """The last invoice number used by one organizer in one year; locked while issuing."""

    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organizer", "year"], name="unique_invoice_counter")]


class IssuedInvoiceError(Exception):
    pass


class Invoice(TenantModel):
    """An issued invoice or credit note: numbered, frozen, never changed afterwards."""

    class Kind(models.TextChoices):
        INVOICE = "invoice", "Invoice"
        CREDIT_NOTE = "credit_note", "Credit note"

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="invoices")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.INVOICE)
    credits = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="credit_notes",
        help_text="The invoice this credit note corrects.",
    )
    year = models.PositiveSmallIntegerField()
    sequence = models.PositiveIntegerField()
    number = models.CharField(max_length=40)
    issued_at = models.DateTimeField()
    due_on = models.DateField(null=True, blank=True)
    # A frozen copy of what was billed, so later edits elsewhere never change an issued invoice.
    seller = models.JSONField(default=dict)
    buyer = models.JSONField(default=dict)
    lines = models.JSONField(default=list)
    currency = models.CharField(max_length=3)
    tax_rate = models.DecimalField(max_digits=5, decimal_places=2)
    net = money_field()
    tax = money_field()
    gross = money_field()
    payment_reference = models.CharField(max_length=20, blank=True)

    class Meta:
        ordering = ["-issued_at", "-sequence"]
        constraints = [
            models.UniqueConstraint(fields=["organizer", "year", "sequence"], name="unique_invoice_sequence"),
            models.UniqueConstraint(fields=["organizer", "number"], name="unique_invoice_number"),
        ]

    def __str__(self) -> str:
        return self.number

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise IssuedInvoiceError("An issued invoice cannot be changed; issue a credit note instead.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise IssuedInvoiceError("An issued invoice cannot be deleted; issue a credit note instead.")


class Payment(TenantModel):
    """Money received (positive) or refunded (negative) for an order."""

    class Method(models.TextChoices):
        CARD = "card", "Card (Stripe)"
        BANK_TRANSFER = "bank_transfer", "Bank transfer"
        CHECK = "check", "Check"
        OTHER = "other", "Other"

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="payments")
    method = models.CharField(max_length=20, choices=Method.choices)
    amount = money_field(help_text="Negative for a refund.")
    received_on = models.DateField()
    external_id = models.CharField(
        max_length=255, blank=True, help_text="Stripe payment or refund id, or the bank statement line's fingerprint."
    )
    note = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organizer", "external_id"], condition=~Q(external_id=""), name="payment_applied_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.amount} {self.order.currency} on {self.received_on}"


class StripeEvent(TenantModel):
    """A Stripe webhook event handled once: a redelivery finds its id here and does nothing."""

    event_id = models.CharField(max_length=255, unique=True)
    type = models.CharField(max_length=100)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"{self.type} {self.event_id}"


class ScholarshipRequest(TenantModel):
    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for a decision"
        APPROVED = "approved", "Approved in full"
        PARTLY = "partly", "Partly approved"
        DECLINED = "declined", "Declined"
        WITHDRAWN = "withdrawn", "Withdrawn"

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="scholarship_requests")
    order = models.OneToOneField(Order, on_delete=models.CASCADE, related_name="scholarship_request")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="scholarship_requests")
    statement = models.TextField()
    amount_requested = money_field()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    amount_granted = money_field(default=ZERO)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"Scholarship request of {self.person} ({self.get_status_display()})"


class BankImport(TenantModel):
    """One uploaded bank statement and what came of it."""

    filename = models.CharField(max_length=255)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    imported_at = models.DateTimeField(auto_now_add=True)
    applied = models.PositiveIntegerField(default=0)
    already_applied = models.PositiveIntegerField(default=0)
    unmatched = models.JSONField(default=list, help_text="Lines no order reference matched.")

    class Meta:
        ordering = ["-imported_at"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.imported_at:%Y-%m-%d})"
