"""Spreadsheet exports that a spreadsheet program cannot turn into formulas.

Every CSV (or XLSX) cell that comes from user input goes through :func:`safe_cell`:
a text value starting with ``= + - @``, a tab or a carriage return is prefixed with
``'`` so Excel, LibreOffice and Google Sheets show it as text instead of evaluating it
(OWASP "CSV injection"). Numbers are written as numbers: they cannot carry a formula.
:func:`csv_response` is the one way views answer with a CSV file.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.http import HttpResponse

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> str:
    """The text of one cell, neutralised if a spreadsheet would read it as a formula."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float, Decimal)):
        return str(value)
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    text = str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def safe_row(values: Iterable[Any]) -> list[str]:
    return [safe_cell(v) for v in values]


def csv_response(
    filename: str,
    header: Sequence[Any] | None,
    rows: Iterable[Sequence[Any]],
    *,
    preamble: Iterable[Sequence[Any]] = (),
) -> HttpResponse:
    """An attachment ``filename`` with optional ``preamble`` rows, the ``header`` row, then ``rows``.

    Every cell goes through :func:`safe_cell`.
    """
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = _attachment(filename, "export.csv")
    writer = csv.writer(response)
    for row in preamble:
        writer.writerow(safe_row(row))
    if header is not None:
        writer.writerow(safe_row(header))
    for row in rows:
        writer.writerow(safe_row(row))
    return response


def _attachment(filename: str, default: str) -> str:
    safe_name = "".join(c for c in filename if c.isalnum() or c in "-_.") or default
    return f'attachment; filename="{safe_name}"'


XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_cell(value: Any) -> Any:
    """Numbers stay numbers; everything else is the neutralised text of :func:`safe_cell`."""
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return value
    return safe_cell(value)


def xlsx_response(filename: str, header: Sequence[Any], rows: Iterable[Sequence[Any]], *, title: str = "Export") -> HttpResponse:
    """An .xlsx attachment (openpyxl, one sheet) with every text cell neutralised like the CSV."""
    from io import BytesIO

    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title="".join(c for c in title if c not in "[]:*?/\\")[:31] or "Export")
    sheet.append([xlsx_cell(v) for v in header])
    for row in rows:
        sheet.append([xlsx_cell(v) for v in row])
    buffer = BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = _attachment(filename, "export.xlsx")
    return response
