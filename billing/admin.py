"""Billing in the admin: configuration is edited here; orders, invoices and payments are
shown read-only (their state changes only through billing.services, from the staff pages)."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from organizers.admin_base import OrganizerScopedAdmin, ScopedTabularInline

from . import services
from .models import (
    BankImport,
    BillingSettings,
    CohortPrice,
    DiscountCode,
    Invoice,
    Order,
    OrderLine,
    Partnership,
    Payment,
    ScholarshipRequest,
)


@admin.register(BillingSettings)
class BillingSettingsAdmin(OrganizerScopedAdmin):
    list_display = ["organizer", "invoice_prefix", "issue_invoices_on", "payment_terms_days"]


@admin.register(CohortPrice)
class CohortPriceAdmin(OrganizerScopedAdmin):
    list_display = ["cohort", "pricing", "amount", "partner_discount_percent", "tax_rate", "early_bird_until"]
    list_filter = ["pricing", "organizer"]
    fieldsets = [
        (None, {"fields": ["organizer", "cohort", "pricing", "amount", "tax_rate"]}),
        ("Early bird", {"fields": ["early_bird_amount", "early_bird_until"]}),
        ("Discounts and refunds", {"fields": ["partner_discount_percent", "refund_full_until_days",
                                              "refund_after_percent"]}),
        ("Seat holds", {"fields": ["card_hold_hours", "invoice_hold_days"]}),
        ("Scholarships", {"fields": ["scholarship_places", "scholarship_budget", "scholarship_info"]}),
    ]

    def save_model(self, request, obj, form, change):
        services.configure_price(price=obj)  # also marks the cohort free or paid


@admin.register(Partnership)
class PartnershipAdmin(OrganizerScopedAdmin):
    list_display = ["organization", "valid_from", "valid_until", "note"]
    list_filter = ["organizer"]
    search_fields = ["organization__name"]


@admin.register(DiscountCode)
class DiscountCodeAdmin(OrganizerScopedAdmin):
    list_display = ["code", "cohort", "kind", "value", "times_used", "max_uses", "expires_at"]
    list_filter = ["kind", "organizer"]
    search_fields = ["code"]
    readonly_fields = ["times_used"]


class ReadOnlyAdmin(OrganizerScopedAdmin):
    """Rows whose state only services change: visible, never added, edited or deleted here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class OrderLineInline(ScopedTabularInline):
    model = OrderLine
    extra = 0
    fields = ["kind", "description", "quantity", "unit_price", "amount"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Order)
class OrderAdmin(ReadOnlyAdmin):
    list_display = ["reference", "billing_name", "cohort", "status", "method", "gross", "currency", "created_at",
                    "staff_page"]
    list_filter = ["status", "method", "organizer"]
    search_fields = ["reference", "billing_name", "billing_email"]
    inlines = [OrderLineInline]

    @admin.display(description="Payments and refunds")
    def staff_page(self, order):
        url = reverse("billing:staff_order", kwargs={"organizer_slug": order.organizer.slug, "order_id": order.pk})
        return format_html('<a href="{}">Manage</a>', url)


@admin.register(Invoice)
class InvoiceAdmin(ReadOnlyAdmin):
    list_display = ["number", "kind", "issued_at", "gross", "currency", "credits"]
    list_filter = ["kind", "organizer"]
    search_fields = ["number", "payment_reference"]


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ["order", "method", "amount", "received_on", "external_id", "recorded_by"]
    list_filter = ["method", "organizer"]
    search_fields = ["order__reference", "external_id", "note"]


@admin.register(ScholarshipRequest)
class ScholarshipRequestAdmin(ReadOnlyAdmin):
    list_display = ["person", "cohort", "status", "amount_requested", "amount_granted", "decided_at"]
    list_filter = ["status", "organizer"]


@admin.register(BankImport)
class BankImportAdmin(ReadOnlyAdmin):
    list_display = ["filename", "imported_at", "applied", "already_applied"]
