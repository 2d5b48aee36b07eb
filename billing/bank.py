"""Bank statement import: lines matched to orders by the payment reference they quote.

The CSV needs a date, an amount and a text column where the reference appears
(column names are recognised in English and Dutch: date/datum, amount/bedrag,
reference/description/omschrijving...). Each line gets a fingerprint from its
content (and its place among identical lines), stored on the payment, so the same
statement imported again applies nothing twice. Lines without a known reference,
and debits, are listed for staff.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import transaction

from .models import BankImport, Order, Payment
from .services import BillingError, record_payment

DATE_COLUMNS = ("date", "booking date", "value date", "datum", "boekdatum")
AMOUNT_COLUMNS = ("amount", "credit", "bedrag")
TEXT_COLUMNS = ("reference", "description", "details", "memo", "omschrijving", "mededelingen", "payment reference")
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%m/%d/%Y", "%d-%m-%Y", "%Y%m%d")
MAX_BYTES = 2 * 1024 * 1024


@dataclass
class ImportResult:
    record: BankImport
    applied: list[tuple[str, Order, Decimal]] = field(default_factory=list)
    already: int = 0
    unmatched: list[dict] = field(default_factory=list)


def _column(header: list[str], names: tuple[str, ...]) -> int | None:
    lowered = [h.strip().lower() for h in header]
    for name in names:
        if name in lowered:
            return lowered.index(name)
    return None


def _amount(text: str) -> Decimal:
    cleaned = text.strip().replace(" ", "")
    if "," in cleaned and "." in cleaned:
        cleaned = cleaned.replace(",", "") if cleaned.rfind(".") > cleaned.rfind(",") else cleaned.replace(".", "").replace(",", ".")
    elif "," in cleaned:
        cleaned = cleaned.replace(",", ".")
    return Decimal(cleaned)


def _date(text: str) -> dt.date:
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


def import_statement(*, organizer, filename: str, content: bytes, by) -> ImportResult:
    if len(content) > MAX_BYTES:
        raise BillingError("The statement is larger than 2 MB; split it.")
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = content.decode("latin-1")
    rows = list(csv.reader(io.StringIO(text), delimiter=";" if text.count(";") > text.count(",") else ","))
    if not rows:
        raise BillingError("The file is empty.")
    header, lines = rows[0], rows[1:]
    date_col, amount_col = _column(header, DATE_COLUMNS), _column(header, AMOUNT_COLUMNS)
    text_cols = [i for i, h in enumerate(header) if h.strip().lower() in TEXT_COLUMNS]
    if date_col is None or amount_col is None or not text_cols:
        raise BillingError("The statement needs a date, an amount and a reference or description column.")

    references = dict(
        Order.objects.filter(organizer=organizer).values_list("reference", "id")
    )
    pattern = re.compile("|".join(sorted((re.escape(r) for r in references), key=len, reverse=True)) or "(?!)",
                         re.IGNORECASE)
    record = BankImport.objects.create(organizer=organizer, filename=filename[:255], imported_by=by)
    result = ImportResult(record=record)
    seen: dict[str, int] = {}
    for number, row in enumerate(lines, start=2):
        if not any(cell.strip() for cell in row):
            continue
        described = " ".join(row[i] for i in text_cols if i < len(row))
        line = {"line": number, "text": " | ".join(row)[:300]}
        try:
            amount, day = _amount(row[amount_col]), _date(row[date_col])
        except (IndexError, InvalidOperation, ValueError):
            result.unmatched.append({**line, "why": "unreadable date or amount"})
            continue
        found = pattern.search(described)
        if amount <= 0:
            result.unmatched.append({**line, "why": "not a payment received"})
            continue
        if found is None:
            result.unmatched.append({**line, "why": "no order reference found"})
            continue
        content_key = "|".join(cell.strip() for cell in row)
        seen[content_key] = seen.get(content_key, 0) + 1
        fingerprint = "bank:" + hashlib.sha256(f"{content_key}#{seen[content_key]}".encode()).hexdigest()[:40]
        order = Order.objects.get(pk=references[found.group(0).upper()])
        with transaction.atomic():
            payment, created = record_payment(
                order=order, amount=amount, method=Payment.Method.BANK_TRANSFER, received_on=day,
                external_id=fingerprint, note=f"Bank statement {filename}, line {number}"[:300], by=by,
            )
        if created:
            result.applied.append((found.group(0).upper(), order, amount))
        else:
            result.already += 1
    record.applied, record.already_applied, record.unmatched = len(result.applied), result.already, result.unmatched
    record.save(update_fields=["applied", "already_applied", "unmatched"])
    return result
