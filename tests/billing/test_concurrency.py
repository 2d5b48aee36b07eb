"""Locks that keep billing honest under concurrency (PostgreSQL, real threads).

- 50 invoices issued at once for one organizer are numbered 1..50, no gap and no
  duplicate, even when some of the issuing transactions roll back after numbering.
- A discount code with 5 uses, redeemed by 30 orders at once, is used 5 times.
- A scholarship budget of 3 places, approved by 20 staff at once, grants 3.
Each guard has a control run with the guard off that must overrun; otherwise the
guarded run would prove nothing (see services.UNLOCKED_RACE_WINDOW).
"""

import threading
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django_scopes import scope, scopes_disabled

from billing import services
from billing.models import DiscountCode, Invoice, Order, ScholarshipRequest
from tests.factories import OrganizerFactory, UserFactory

from .helpers import bare_order, priced_cohort, scholarship_request

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def all_at_once(organizer_id: int, jobs) -> list[BaseException]:
    barrier = threading.Barrier(len(jobs))
    errors: list[BaseException] = []

    def run(job):
        try:
            with scope(organizer=organizer_id):
                barrier.wait(timeout=30)
                job()
        except BaseException as exc:  # collected and asserted on by the caller
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    return errors


def test_fifty_concurrent_invoices_are_numbered_without_gap_or_duplicate_despite_rollbacks():
    organizer = OrganizerFactory()
    cohort = priced_cohort(organizer)
    orders = [bare_order(cohort) for _ in range(60)]
    # Every sixth issue fails after taking its number and rolls back: 10 of 60.
    failing = {order.pk for order in orders[::6]}

    def issue(order):
        return lambda: services.issue_invoice(order=order, _fail_after_numbering=order.pk in failing)

    errors = all_at_once(organizer.id, [issue(order) for order in orders])

    assert len(errors) == len(failing) and all("failed after numbering" in str(e) for e in errors)
    with scopes_disabled():
        numbers = list(Invoice.objects.filter(organizer=organizer).values_list("sequence", "number"))
    assert sorted(seq for seq, _ in numbers) == list(range(1, 51))
    year = sorted(numbers)[0][1].split("-")[1]
    assert sorted(numbers)[0][1] == f"IP-{year}-0001" and sorted(numbers)[-1][1] == f"IP-{year}-0050"


@pytest.mark.parametrize("lock", [True, False], ids=["locked", "control-without-lock"])
def test_a_code_with_five_uses_redeemed_by_thirty_orders_at_once(lock):
    organizer = OrganizerFactory()
    cohort = priced_cohort(organizer)
    with scopes_disabled():
        code = DiscountCode.objects.create(organizer=organizer, cohort=cohort, code="EARLY", value=Decimal("10"),
                                           max_uses=5)
    redeemed = []

    def redeem():
        with transaction.atomic():
            services.redeem_code(code=code, now=services.timezone.now(), lock=lock)
        redeemed.append(1)

    errors = all_at_once(organizer.id, [redeem for _ in range(30)])

    assert all(isinstance(e, services.BillingError) for e in errors)
    if lock:
        assert len(redeemed) == 5
        with scopes_disabled():
            assert DiscountCode.objects.get(pk=code.pk).times_used == 5
    else:
        assert len(redeemed) > 5  # without the lock the limit is overrun


@pytest.mark.parametrize("lock", [True, False], ids=["locked", "control-without-lock"])
def test_twenty_staff_approving_at_once_never_exceed_three_places(lock):
    organizer = OrganizerFactory()
    cohort = priced_cohort(organizer, scholarship_places=3, scholarship_budget=Decimal("1000.00"))
    requests = [scholarship_request(cohort) for _ in range(20)]
    staff = UserFactory()

    def approve(request):
        return lambda: services.decide_scholarship(request=request, amount=Decimal("100.00"), by=staff, lock=lock)

    errors = all_at_once(organizer.id, [approve(r) for r in requests])

    assert all(isinstance(e, services.BillingError) for e in errors), errors
    with scopes_disabled():
        granted = ScholarshipRequest.objects.filter(cohort=cohort, status=ScholarshipRequest.Status.PARTLY).count()
        assert Order.objects.filter(cohort=cohort).count() == 20
    if lock:
        assert granted == 3
    else:
        assert granted > 3  # without the lock the budget is overspent


def test_the_amount_budget_is_kept_too():
    organizer = OrganizerFactory()
    cohort = priced_cohort(organizer, scholarship_budget=Decimal("250.00"))
    requests = [scholarship_request(cohort) for _ in range(10)]
    staff = UserFactory()
    errors = all_at_once(organizer.id, [
        (lambda r=r: services.decide_scholarship(request=r, amount=Decimal("100.00"), by=staff)) for r in requests
    ])
    assert len(errors) == 8
    with scopes_disabled():
        assert ScholarshipRequest.objects.filter(cohort=cohort, amount_granted=Decimal("100.00")).count() == 2
