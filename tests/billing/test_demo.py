"""The billing demo (seed 000): a free inaugural series, a fee-based series with the orders it promises."""

from decimal import Decimal

import pytest
from django.core.management import call_command
from django_scopes import scopes_disabled

from billing.models import CohortPrice, Order, ScholarshipRequest
from organizers.models import Organizer

pytestmark = pytest.mark.django_db


def test_the_demo_shows_free_and_paid_series_and_each_kind_of_order():
    call_command("load_demo", verbosity=0)
    call_command("load_demo", verbosity=0)  # re-running adds nothing
    with scopes_disabled():
        assert Organizer.objects.get(slug="partos").currency == "EUR"
        assert not CohortPrice.objects.filter(cohort__slug="inaugural-series-october-2024").exists()
        orders = Order.objects.filter(cohort__slug="next-series")
        assert orders.count() == 3
        sponsored = orders.get(sponsor__name="Heartland Family Services")
        assert sponsored.enrollments.count() == 2 and sponsored.gross == Decimal("400.00")  # 2 × 400 at 50%
        assert sponsored.lines.filter(kind="partner_discount").exists() and sponsored.invoices.exists()
        assert ScholarshipRequest.objects.get(cohort__slug="next-series").status == "pending"
        paid = orders.get(status=Order.Status.PAID)
        assert paid.payments.get().method == "card"
        assert {e.status for e in paid.enrollments.all()} == {"confirmed"}
