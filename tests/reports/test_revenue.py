"""Billing's section of the dashboard: known numbers, chart beside its table, access, constant query count."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from billing import services as billing
from billing.models import Order, OrderLine, ScholarshipRequest
from organizers.roles import Role
from tests.billing.helpers import bare_order, priced_cohort
from tests.factories import CohortFactory, member

from .test_dashboard import _queries, sections_of, url

pytestmark = pytest.mark.django_db


def discount(order, kind, amount):
    with scopes_disabled():
        OrderLine.objects.create(organizer=order.organizer, order=order, kind=kind, description=str(kind),
                                 unit_price=Decimal(amount), amount=Decimal(amount))


def activity(organizer, cohort):
    """Paid 100 (partner discount 50, a scholarship of 150); invoiced 80 open (code discount 20); invoiced 60,
    10 paid, 10 credited. Invoiced 230, paid 110, outstanding 130 on two open orders."""
    paid, open_, partly = (bare_order(cohort, gross=g) for g in ("100.00", "80.00", "60.00"))
    discount(paid, OrderLine.Kind.PARTNER_DISCOUNT, "-50.00")
    discount(open_, OrderLine.Kind.DISCOUNT_CODE, "-20.00")
    with scope(organizer=organizer.id):
        for order in (paid, open_, partly):
            billing.issue_invoice(order=order)
        billing.record_payment(order=paid, amount=Decimal("100.00"), method="bank_transfer")
        billing.record_payment(order=partly, amount=Decimal("10.00"), method="check")
        billing.issue_credit_note(invoice=partly.invoices.get(), amount=Decimal("10.00"), reason="Goodwill")
        ScholarshipRequest.objects.create(
            organizer=organizer, cohort=cohort, order=paid, person=paid.placed_by, statement="Between jobs",
            amount_requested=Decimal("150.00"), amount_granted=Decimal("150.00"),
            status=ScholarshipRequest.Status.APPROVED)
    with scopes_disabled():
        assert Order.objects.get(pk=paid.pk).status == Order.Status.PAID


def test_revenue_section_with_known_numbers(organizer, staff_user, client_for):
    busy = priced_cohort(organizer, scholarship_places=3, scholarship_budget=Decimal("500.00"))
    quiet = priced_cohort(organizer)
    CohortFactory(program__organizer=organizer, title="Free one")  # free and idle: not listed
    activity(organizer, busy)
    response = client_for(staff_user).get(url(organizer))
    section = sections_of(response)["revenue"]
    [table] = section.tables
    rows = {str(row[0]): row[1:] for row in table.rows}
    label = f"{busy.program.title}: {busy.title}"
    assert rows[label] == ["230.00", "110.00", "130.00", "50.00", "20.00", "1 of 3", "150.00 of 500.00"]
    assert rows[f"{quiet.program.title}: {quiet.title}"] == ["0.00", "0.00", "0.00", "0.00", "0.00", "0", "0.00"]
    assert rows["All cohorts"] == ["230.00", "110.00", "130.00", "50.00", "20.00", "1", "150.00"]
    assert not any("Free one" in key for key in rows)
    currency = organizer.currency
    assert section.summary.startswith(f"{currency} 230.00 invoiced across 2 cohorts, 110.00 paid and 130.00 "
                                      "still owed on 2 open orders.")
    assert "50.00 to partners, 20.00 through codes; 1 scholarship granted, worth 150.00." in section.summary
    # The chart draws the table's numbers, and says them in words.
    chart = str(section.chart)
    assert f"{label}, Invoiced: 230; {label}, Paid: 110; {label}, Outstanding: 130" in chart
    html = re.sub(r">\s+<", "><", response.content.decode())
    assert '<h2 id="section-revenue">Revenue, outstanding and scholarships</h2>' in html


def test_revenue_stays_within_the_organizer(organizer, other_organizer, staff_user,
                                                                     client_for):
    activity(other_organizer, priced_cohort(other_organizer))
    section = sections_of(client_for(staff_user).get(url(organizer)))["revenue"]
    assert not section.has_data and section.empty.startswith("No cohort on this dashboard has a price")


def test_dashboard_queries_stay_constant_with_billing(organizer, other_organizer, client_for):
    activity(organizer, priced_cohort(organizer))
    for _ in range(12):
        activity(other_organizer, priced_cohort(other_organizer))
    small, large = client_for(member(organizer, Role.STAFF)), client_for(member(other_organizer, Role.STAFF))
    _queries(small, organizer), _queries(large, other_organizer)  # warm per-process caches
    assert _queries(small, organizer) == _queries(large, other_organizer)
    assert len(sections_of(large.get(url(other_organizer)))["revenue"].tables[0].rows) == 13
