"""What a report page shows, independent of where the numbers come from.

A `Section` is a heading, a one-paragraph text summary, an optional chart and the
table(s) whose numbers the chart draws. The dashboard template renders any list of
sections the same way, so other apps add their own through `reports.hooks`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.safestring import SafeString


@dataclass(frozen=True)
class Link:
    text: str
    url: str

    def __str__(self) -> str:
        return self.text


@dataclass
class Table:
    caption: str
    headers: list[str]
    rows: list[list]
    # Columns from this index on hold numbers (right-aligned).
    numeric_from: int = 1


@dataclass
class Section:
    key: str
    title: str
    summary: str
    chart: SafeString | None = None
    tables: list[Table] = field(default_factory=list)
    empty: str = ""  # shown instead of chart and tables when there is nothing to report

    @property
    def has_data(self) -> bool:
        return any(table.rows for table in self.tables)


def shown(value, suffix: str = "") -> str:
    """A number for a table cell; None (nothing to divide by yet) reads as a dash."""
    return "—" if value is None else f"{value}{suffix}"


def plural(count: int, one: str, many: str | None = None) -> str:
    return f"{count} {one if count == 1 else (many or one + 's')}"
