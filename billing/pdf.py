"""Invoice and credit-note PDFs, written with fpdf2 from the invoice's frozen copy.

The built-in Helvetica font covers Latin-1; other characters are replaced rather than
failing, and amounts carry the ISO currency code (EUR 120.00), which every font has.
"""

from __future__ import annotations

import base64

from django.utils import timezone
from fpdf import FPDF

from .models import Invoice, percent


def _t(value) -> str:
    return str(value or "").encode("latin-1", "replace").decode("latin-1")


def render(invoice: Invoice) -> bytes:
    credit = invoice.kind == Invoice.Kind.CREDIT_NOTE
    pdf = FPDF(format="A4")
    pdf.set_title(_t(f"{'Credit note' if credit else 'Invoice'} {invoice.number}"))
    pdf.set_author(_t(invoice.seller.get("name")))
    pdf.add_page()
    pdf.set_auto_page_break(True, margin=20)
    width = pdf.epw

    pdf.set_font("Helvetica", "B", 18)
    pdf.cell(width, 10, _t(f"{'Credit note' if credit else 'Invoice'} {invoice.number}"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)
    issued = timezone.localtime(invoice.issued_at, invoice.organizer.time_zone).date()
    pdf.cell(width, 6, _t(f"Issued on {issued.isoformat()}"), new_x="LMARGIN", new_y="NEXT")
    if invoice.credits_id:
        pdf.cell(width, 6, _t(f"Credits invoice {invoice.credits.number}"), new_x="LMARGIN", new_y="NEXT")
    if invoice.due_on:
        pdf.cell(width, 6, _t(f"Due on {invoice.due_on.isoformat()}"), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)

    half = width / 2
    top = pdf.get_y()
    seller = invoice.seller
    pdf.set_font("Helvetica", "B", 10)
    pdf.cell(half, 6, "From", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)
    pdf.multi_cell(half, 5, _t("\n".join(filter(None, [
        seller.get("name"), seller.get("address"),
        f"Tax id: {seller['tax_id']}" if seller.get("tax_id") else "", seller.get("email"),
    ]))), new_x="LMARGIN", new_y="NEXT")
    left_bottom = pdf.get_y()
    buyer = invoice.buyer
    pdf.set_xy(pdf.l_margin + half, top)
    pdf.set_font("Helvetica", "B", 10)
    pdf.cell(half, 6, "Bill to", new_x="LEFT", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)
    pdf.multi_cell(half, 5, _t("\n".join(filter(None, [
        buyer.get("name"), buyer.get("address"),
        f"Tax id: {buyer['tax_id']}" if buyer.get("tax_id") else "",
        f"Purchase order: {buyer['po_reference']}" if buyer.get("po_reference") else "", buyer.get("email"),
    ]))), new_x="LMARGIN", new_y="NEXT")
    pdf.set_y(max(left_bottom, pdf.get_y()) + 6)

    columns = (width * 0.55, width * 0.1, width * 0.17, width * 0.18)
    pdf.set_font("Helvetica", "B", 10)
    for heading, w, align in zip(("Description", "Qty", "Unit price", "Amount"), columns, "LRRR"):
        pdf.cell(w, 7, heading, border="B", align=align)
    pdf.ln()
    pdf.set_font("Helvetica", "", 10)
    currency = invoice.currency
    for line in invoice.lines:
        y = pdf.get_y()
        pdf.multi_cell(columns[0], 6, _t(line["description"]), new_x="RIGHT", new_y="TOP")
        height = max(pdf.get_y(), y + 6)
        pdf.set_xy(pdf.l_margin + columns[0], y)
        pdf.cell(columns[1], 6, str(line["quantity"]), align="R")
        pdf.cell(columns[2], 6, f"{currency} {line['unit_price']}", align="R")
        pdf.cell(columns[3], 6, f"{currency} {line['amount']}", align="R")
        pdf.set_y(max(height, y + 6))
    pdf.ln(2)
    label_width = columns[0] + columns[1] + columns[2]
    for label, value, bold in (
        ("Net", invoice.net, False),
        (f"Tax ({percent(invoice.tax_rate)}%)", invoice.tax, False),
        ("Total", invoice.gross, True),
    ):
        pdf.set_font("Helvetica", "B" if bold else "", 10)
        pdf.cell(label_width, 6, _t(label), align="R")
        pdf.cell(columns[3], 6, f"{currency} {value}", align="R", new_x="LMARGIN", new_y="NEXT")

    if not credit:
        pdf.ln(6)
        pdf.set_font("Helvetica", "B", 10)
        pdf.cell(width, 6, _t(f"Payment reference: {invoice.payment_reference}"), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "", 10)
        how = seller.get("bank_details") or "Pay online from your order page, or ask us for bank details."
        pdf.multi_cell(width, 5, _t(f"Please quote the payment reference with your transfer or check.\n{how}"))
    return bytes(pdf.output())


def filename(invoice: Invoice) -> str:
    return f"{invoice.number}.pdf"


def invoice_attachment(invoice: Invoice) -> dict[str, str]:
    """An outbox attachment (JSON-safe: the PDF's bytes in base64)."""
    return {
        "filename": filename(invoice),
        "content": base64.b64encode(render(invoice)).decode("ascii"),
        "mimetype": "application/pdf",
        "encoding": "base64",
    }
