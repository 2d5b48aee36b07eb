"""End to end in Chromium: a partner-sponsored leader registers for a paid cohort, sees
50% off, pays by card through the fake Stripe Checkout (whose webhook arrives three
times) and receives the invoice PDF; an unpaid hold then lapses and the waitlisted
person is offered the seat. The billing pages pass axe-core."""

import datetime as dt
import io

import pytest
from django.core import mail
from django.utils import timezone
from django_scopes import scope, scopes_disabled
from pypdf import PdfReader

from billing.models import Invoice, Order, Partnership, Payment, StripeEvent
from cohorts.models import Enrollment, Program
from tests.browser import assert_accessible, sign_in
from organizers.roles import Role
from tests.factories import OrganizationFactory, UserFactory, member

from .helpers import priced_cohort

lifecycle = pytest.importorskip("cohorts.lifecycle", reason="needs the enrollment lifecycle (issue 10)")
Status = Enrollment.Status


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_partner_leader_pays_by_card_and_an_unpaid_hold_goes_to_the_waitlist(page, live_server, organizer,
                                                                             fake_stripe):
    fake_stripe.webhook_url = live_server.url + "/api/stripe/webhook/"
    fake_stripe.deliveries = 3  # Stripe may deliver an event more than once
    cohort = priced_cohort(organizer, amount="400.00", card_hold_hours=2)
    with scopes_disabled():
        Program.objects.filter(pk=cohort.program_id).update(status=Program.Status.PUBLISHED, title="Advancing Racial Equity")
        cohort.title, cohort.capacity = "Spring series", 2
        cohort.save(update_fields=["title", "capacity"])
    partner = OrganizationFactory(organizer=organizer, name="Heartland Family Services", is_contributing_partner=True)
    today = timezone.localdate()
    with scopes_disabled():
        Partnership.objects.create(organizer=organizer, organization=partner, valid_from=today - dt.timedelta(days=1),
                                   valid_until=today + dt.timedelta(days=364))
    leader = UserFactory(email="leader@heartland.example", full_name="Denise Carter")

    sign_in(page, leader.email)
    page.goto(f"/{organizer.slug}/programs/{cohort.program.slug}/")
    assert "USD 200.00 (50% off) when a financially contributing partner sponsors you" in page.content()
    page.get_by_role("link", name="Register for Spring series").click()
    page.get_by_label("Your organization").fill(partner.name)
    page.get_by_role("button", name="Register").click()
    page.wait_for_url("**/billing/checkout/**")
    assert "Contributing-partner discount (50%, Heartland Family Services)" in page.content()
    assert_accessible(page)

    page.get_by_label("Heartland Family Services pays (sponsor)").check()
    page.get_by_label("Card (online)").check()
    page.get_by_label("Email for the invoice").fill("finance@heartland.example")
    page.get_by_label("Purchase-order reference").fill("PO-2025-7")
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(fake_stripe.base + "/pay/**")
    assert page.get_by_role("heading", level=1).inner_text() == "Pay 200.00 USD"
    page.get_by_role("button", name="Pay").click()
    page.wait_for_url(f"**/{organizer.slug}/billing/orders/**")
    assert "Paid" in page.locator("main").inner_text()
    assert_accessible(page)

    with scopes_disabled():
        order = Order.objects.get(cohort=cohort)
        invoice = Invoice.objects.get(order=order)
        assert Payment.objects.filter(order=order).count() == 1 and StripeEvent.objects.count() == 1
        assert Enrollment.objects.get(person=leader).status == Status.CONFIRMED
    page.get_by_role("link", name=f"Invoice {invoice.number} (PDF)").is_visible()
    emailed = [m for m in mail.outbox if invoice.number in m.subject]
    assert emailed and emailed[0].to == ["finance@heartland.example"]
    text = PdfReader(io.BytesIO(emailed[0].attachments[0][1])).pages[0].extract_text()
    assert "Contributing-partner discount" in text and "USD 200.00" in text and "PO-2025-7" in text

    # The last seat is held for someone who never pays; the next person waits.
    holder, waiting = UserFactory(), UserFactory(email="next@example.org", full_name="Marcus Lee")
    with scope(organizer=organizer.id):
        held = lifecycle.register(cohort=cohort, person=holder)
        queued = lifecycle.register(cohort=cohort, person=waiting)
    assert (held.status, queued.status) == (Status.AWAITING_PAYMENT, Status.WAITLISTED)
    with scopes_disabled():
        assert lifecycle.lapse_payment_hold(enrollment_id=held.pk, now=held.payment_due_at + dt.timedelta(minutes=1))
        queued.refresh_from_db()
    assert queued.status == Status.OFFERED
    assert any(m.to == [waiting.email] for m in mail.outbox)

    page.context.clear_cookies()
    sign_in(page, waiting.email)
    page.goto(f"/me/enrollments/{queued.pk}/offer/")
    page.get_by_role("button", name="Accept").click()
    page.wait_for_url("**/billing/checkout/**")  # the offered seat is held until it is paid
    with scopes_disabled():
        queued.refresh_from_db()
    assert queued.status == Status.AWAITING_PAYMENT

    # Staff see the paid order and the outstanding hold on accessible pages.
    page.context.clear_cookies()
    sign_in(page, member(organizer, Role.STAFF).email)
    page.goto(f"/{organizer.slug}/billing/staff/")
    assert "Revenue and scholarships per cohort" in page.content()
    assert_accessible(page)
    page.goto(f"/{organizer.slug}/billing/staff/orders/{order.pk}/")
    assert "Refund" in page.content()
    assert_accessible(page)
    page.goto(f"/{organizer.slug}/billing/staff/bank-import/")
    assert_accessible(page)
