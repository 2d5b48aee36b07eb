"""The bookkeeper's CSV: invoices, credit notes and payments of a period."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from core.spreadsheet import csv_response

from . import selectors
from .models import Invoice, Payment

HEADER = ["type", "number", "date", "due", "buyer", "buyer tax id", "po reference", "order reference", "net", "tax",
          "gross", "currency", "status", "credits invoice", "method"]


def invoices_and_payments(organizer, *, start: dt.date, end: dt.date):
    zone = organizer.time_zone
    invoices = (
        Invoice.objects.filter(organizer=organizer)
        .select_related("order", "credits")
        .order_by("year", "sequence")
    )
    rows = []
    for invoice in invoices:
        issued = timezone.localtime(invoice.issued_at, zone).date()
        if not start <= issued <= end:
            continue
        if invoice.kind == Invoice.Kind.CREDIT_NOTE:
            status = "credit note"
        elif invoice.credit_notes.exists():
            status = "credited"
        else:
            status = "paid" if selectors.balance(invoice.order) <= 0 else "unpaid"
        rows.append([
            invoice.get_kind_display().lower(), invoice.number, issued, invoice.due_on or "", invoice.buyer.get("name"),
            invoice.buyer.get("tax_id"), invoice.buyer.get("po_reference"), invoice.payment_reference, invoice.net,
            invoice.tax, invoice.gross, invoice.currency, status, invoice.credits.number if invoice.credits else "", "",
        ])
    payments = (
        Payment.objects.filter(organizer=organizer, received_on__gte=start, received_on__lte=end)
        .select_related("order")
        .order_by("received_on", "id")
    )
    for payment in payments:
        order = payment.order
        rows.append([
            "refund" if payment.amount < 0 else "payment", "", payment.received_on, "", order.billing_name,
            order.billing_tax_id, order.po_reference, order.reference, "", "", payment.amount, order.currency,
            "recorded", "", payment.get_method_display(),
        ])
    return csv_response(f"billing-{start.isoformat()}-{end.isoformat()}.csv", HEADER, rows)
