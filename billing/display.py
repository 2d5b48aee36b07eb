"""What the program page says about a cohort's price (one query for all its cohorts)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from . import selectors
from .models import CohortPrice, percent


@dataclass(frozen=True)
class PriceNote:
    price: str
    per: str
    regular: str
    early_until: dt.date | None
    partner_price: str
    partner_percent: str
    tax_rate: str
    scholarships: bool
    scholarship_info: str
    refund: str


def _amount(value: Decimal, currency: str) -> str:
    return f"{currency} {value:,.2f}"


def price_notes(cohorts, *, on: dt.date) -> dict[int, PriceNote]:
    notes = selectors.prices_for(cohorts)
    result = {}
    for cohort in cohorts:
        price = notes.get(cohort.pk)
        if price is None:
            continue
        currency = cohort.organizer.currency
        unit, early = selectors.unit_price(price, on=on)
        partner = selectors.partner_price(price, on=on)
        refund = (f"Full refund until {price.refund_full_until_days} days before the start"
                  + (f", {percent(price.refund_after_percent)}% after that." if price.refund_after_percent
                     else ", none after that."))
        result[cohort.pk] = PriceNote(
            price=_amount(unit, currency),
            per="per team" if price.pricing == CohortPrice.Pricing.PER_TEAM else "per person",
            regular=_amount(price.amount, currency) if early else "",
            early_until=price.early_bird_until if early else None,
            partner_price=_amount(partner, currency) if partner is not None else "",
            partner_percent=percent(price.partner_discount_percent),
            tax_rate=percent(price.tax_rate) if price.tax_rate else "",  # no "plus 0% tax"
            scholarships=price.offers_scholarships,
            scholarship_info=price.scholarship_info,
            refund=refund,
        )
    return result


def attach_prices(rows: list[dict], *, on: dt.date) -> None:
    """Add `price` (a PriceNote or None) to the program page's cohort rows."""
    notes = price_notes([row["cohort"] for row in rows], on=on)
    for row in rows:
        row["price"] = notes.get(row["cohort"].pk)
