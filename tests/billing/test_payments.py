"""Card payments (fake Stripe), invoices as PDFs in the email, offline payments, refunds."""

import base64
import io
import json
import logging
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django_scopes import scope, scopes_disabled
from pypdf import PdfReader

from billing import bank, services, stripe_gateway
from billing.models import BankImport, Invoice, IssuedInvoiceError, Order, Payment, StripeEvent
from notifications.models import OutboundMessage
from organizers.roles import Role
from tests.factories import UserFactory, member

from .fake_stripe import WEBHOOK_SECRET, sign
from .helpers import bare_order, priced_cohort

pytestmark = pytest.mark.django_db


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.fixture
def order(organizer):
    organizer.currency = "EUR"
    organizer.save()
    cohort = priced_cohort(organizer, amount="100.00", tax="21")
    order = bare_order(cohort, gross="121.00")
    with scopes_disabled():
        Order.objects.filter(pk=order.pk).update(net=Decimal("100.00"), tax=Decimal("21.00"), tax_rate=Decimal("21"),
                                                 billing_address="Keizersgracht 1\nAmsterdam", billing_tax_id="NL123B01",
                                                 po_reference="PO-77")
        order.refresh_from_db()
    return order


def test_an_issued_invoice_is_a_pdf_with_number_amounts_and_reference_attached_to_the_email(
    order, django_capture_on_commit_callbacks
):
    with scope(organizer=order.organizer_id), django_capture_on_commit_callbacks(execute=True):
        invoice = services.issue_invoice(order=order)
    assert invoice.number.startswith("IP-") and invoice.number.endswith("-0001")
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert invoice.number in email.subject and email.to == [order.billing_email]
    name, content, mimetype = email.attachments[0]
    assert (name, mimetype) == (f"{invoice.number}.pdf", "application/pdf")
    text = pdf_text(content)
    for expected in (invoice.number, "EUR 121.00", "EUR 21.00", "Tax (21%)", order.reference, "NL123B01", "PO-77",
                     "Amsterdam", order.billing_name):
        assert expected in text, expected


def test_an_issued_invoice_cannot_change_and_a_credit_note_refers_to_it(order):
    with scope(organizer=order.organizer_id):
        invoice = services.issue_invoice(order=order)
        invoice.gross = Decimal("1.00")
        with pytest.raises(IssuedInvoiceError):
            invoice.save()
        with pytest.raises(IssuedInvoiceError):
            Invoice.objects.get(pk=invoice.pk).delete()
        note = services.issue_credit_note(invoice=Invoice.objects.get(pk=invoice.pk), amount=Decimal("121.00"),
                                          reason="Cancelled")
    assert note.sequence == invoice.sequence + 1 and note.gross == Decimal("-121.00") and note.credits == invoice
    text = pdf_text(base64.b64decode(OutboundMessage.objects.with_scope(organizer=order.organizer_id)
                                     .get(dedupe_key=f"billing:invoice={note.pk}").attachments[0]["content"]))
    assert f"Credits invoice {invoice.number}" in text and "EUR -121.00" in text


def test_the_pdf_downloads_for_the_buyer_and_staff_and_is_404_for_others(order, client_for, other_organizer):
    with scope(organizer=order.organizer_id):
        invoice = services.issue_invoice(order=order)
    url = reverse("billing:invoice_pdf", kwargs={"organizer_slug": order.organizer.slug, "invoice_id": invoice.pk})
    buyer = client_for(order.placed_by).get(url)
    assert buyer.status_code == 200 and buyer["Content-Type"] == "application/pdf"
    assert invoice.number in pdf_text(buyer.content)
    assert client_for(member(order.organizer, Role.STAFF)).get(url).status_code == 200
    assert client_for(UserFactory()).get(url).status_code == 404
    assert client_for(member(order.organizer, Role.FACILITATOR)).get(url).status_code == 404
    other = reverse("billing:invoice_pdf", kwargs={"organizer_slug": other_organizer.slug, "invoice_id": invoice.pk})
    assert client_for(member(other_organizer, Role.STAFF)).get(other).status_code == 404


# ---------------------------------------------------------------- Stripe


def test_paying_by_card_goes_through_checkout_and_the_webhook_records_one_payment(order, client_for, fake_stripe):
    client = client_for(order.placed_by)
    response = client.post(reverse("billing:pay", kwargs={"organizer_slug": order.organizer.slug,
                                                          "order_id": order.pk}))
    assert response.status_code == 302 and response["Location"].startswith(fake_stripe.base + "/pay/cs_test_")
    session = next(iter(fake_stripe.sessions.values()))
    assert (session["amount_total"], session["currency"]) == (12100, "eur")
    payload = fake_stripe.completed_event(session["id"])
    for _ in range(3):
        answer = client_for(None).post("/api/stripe/webhook/", payload, content_type="application/json",
                                       HTTP_STRIPE_SIGNATURE=sign(payload))
        assert answer.status_code == 200
    with scopes_disabled():
        assert Payment.objects.filter(order=order).count() == 1
        assert StripeEvent.objects.count() == 1
        order.refresh_from_db()
        assert order.status == Order.Status.PAID
        assert Payment.objects.get(order=order).amount == Decimal("121.00")


def test_a_forged_webhook_is_refused_and_logged(order, client_for, fake_stripe, caplog):
    client_for(order.placed_by).post(reverse("billing:pay", kwargs={"organizer_slug": order.organizer.slug,
                                                                    "order_id": order.pk}))
    payload = fake_stripe.completed_event(next(iter(fake_stripe.sessions)))
    with caplog.at_level(logging.WARNING, logger="praxis.billing.stripe"):
        forged = client_for(None).post("/api/stripe/webhook/", payload, content_type="application/json",
                                       HTTP_STRIPE_SIGNATURE=sign(payload, secret="whsec_someone_else"))
        unsigned = client_for(None).post("/api/stripe/webhook/", payload, content_type="application/json")
    assert forged.status_code == 400 and unsigned.status_code == 400
    assert "Stripe webhook refused" in caplog.text
    with scopes_disabled():
        assert not Payment.objects.exists()
        order.refresh_from_db()
    assert order.status == Order.Status.OPEN


def test_refunds_go_through_the_same_api_and_issue_a_credit_note(order, fake_stripe):
    payload = json.dumps({
        "id": "evt_1", "object": "event", "type": "checkout.session.completed",
        "data": {"object": {"id": "cs_1", "object": "checkout.session", "payment_status": "paid",
                            "amount_total": 12100, "currency": "eur", "payment_intent": "pi_1",
                            "metadata": {"order_id": str(order.pk), "organizer_id": str(order.organizer_id)}}},
    }).encode()
    assert stripe_gateway.handle_webhook(payload=payload, signature=sign(payload, WEBHOOK_SECRET)) == "recorded"
    staff = member(order.organizer, Role.STAFF)
    with scope(organizer=order.organizer_id):
        services.refund(order=order, amount=Decimal("60.50"), by=staff, reason="Cancelled two weeks ahead")
        assert fake_stripe.refunds == [{"id": fake_stripe.refunds[0]["id"], "object": "refund", "status": "succeeded",
                                        "amount": 6050, "payment_intent": "pi_1"}]
        note = Invoice.objects.get(kind=Invoice.Kind.CREDIT_NOTE)
        assert note.gross == Decimal("-60.50") and note.credits.order == order
        assert Payment.objects.filter(order=order, amount=Decimal("-60.50")).exists()


def test_without_stripe_keys_nothing_calls_out(order, client_for):
    response = client_for(order.placed_by).post(
        reverse("billing:pay", kwargs={"organizer_slug": order.organizer.slug, "order_id": order.pk}), follow=True)
    assert b"Card payments are not available" in response.content


# ---------------------------------------------------------------- offline payments


STATEMENT = """date,amount,description
2025-02-03,60.00,Transfer {ref} first half
2025-02-04,"61,00",{ref_lower} rest
2025-02-05,250.00,Donation without reference
2025-02-06,-12.00,Bank fee
"""


def test_a_bank_statement_is_matched_by_reference_and_never_applied_twice(order):
    staff = member(order.organizer, Role.STAFF)
    content = STATEMENT.format(ref=order.reference, ref_lower=order.reference.lower()).encode()
    with scope(organizer=order.organizer_id):
        first = bank.import_statement(organizer=order.organizer, filename="feb.csv", content=content, by=staff)
        assert len(first.applied) == 2 and first.already == 0
        assert [line["why"] for line in first.unmatched] == ["no order reference found", "not a payment received"]
        order.refresh_from_db()
        assert order.status == Order.Status.PAID
        again = bank.import_statement(organizer=order.organizer, filename="feb.csv", content=content, by=staff)
        assert len(again.applied) == 0 and again.already == 2
        assert Payment.objects.filter(order=order).count() == 2
        assert BankImport.objects.count() == 2


def test_staff_record_a_partial_payment_and_see_the_balance_then_an_overpayment(order, client_for):
    client = client_for(member(order.organizer, Role.STAFF))
    url = reverse("billing:staff_order", kwargs={"organizer_slug": order.organizer.slug, "order_id": order.pk})
    page = client.post(url, {"action": "payment", "amount": "100.00", "method": "check", "received_on": "2025-03-01"},
                       follow=True).content.decode()
    assert "balance 21.00" in page
    page = client.post(url, {"action": "payment", "amount": "30.00", "method": "bank_transfer",
                             "received_on": "2025-03-02"}, follow=True).content.decode()
    assert "overpaid by 9.00" in page
    home = client.get(reverse("billing:staff_home", kwargs={"organizer_slug": order.organizer.slug})).content.decode()
    assert "overpaid 9.00" in home
    bad = client.post(url, {"action": "payment", "amount": "lots", "method": "check", "received_on": "2025-03-01"})
    assert bad.status_code == 400 and "Enter a number" in bad.content.decode()


def test_an_organizer_may_issue_invoices_only_when_paid(order):
    from billing.models import BillingSettings

    with scope(organizer=order.organizer_id):
        BillingSettings.objects.filter(organizer=order.organizer).update(
            issue_invoices_on=BillingSettings.IssueOn.PAYMENT)
        services.record_payment(order=order, amount=Decimal("100.00"), method=Payment.Method.CHECK)
        assert not Invoice.objects.exists()  # partly paid: no invoice yet
        services.record_payment(order=order, amount=Decimal("21.00"), method=Payment.Method.CHECK)
        assert Invoice.objects.get(order=order).gross == Decimal("121.00")


def test_saving_a_price_in_the_admin_marks_the_cohort_paid(organizer, client_for):
    from tests.factories import CohortFactory

    cohort = CohortFactory(program__organizer=organizer, is_free=True)
    client = client_for(member(organizer, Role.STAFF))
    response = client.post("/admin/billing/cohortprice/add/", {
        "organizer": organizer.pk, "cohort": cohort.pk, "pricing": "per_person", "amount": "250.00",
        "tax_rate": "0", "partner_discount_percent": "50", "refund_full_until_days": "14",
        "refund_after_percent": "0", "card_hold_hours": "2", "invoice_hold_days": "14",
    })
    assert response.status_code == 302
    with scopes_disabled():
        cohort.refresh_from_db()
    assert cohort.is_free is False


def test_orders_and_invoices_are_read_only_in_the_admin(order, client_for):
    with scope(organizer=order.organizer_id):
        invoice = services.issue_invoice(order=order)
    client = client_for(member(order.organizer, Role.STAFF))
    listing = client.get("/admin/billing/order/").content.decode()
    assert order.reference in listing and "Manage" in listing
    client.post(f"/admin/billing/order/{order.pk}/change/", {"status": "paid"})
    client.post(f"/admin/billing/invoice/{invoice.pk}/delete/", {"post": "yes"})
    with scopes_disabled():
        order.refresh_from_db()
        assert order.status == Order.Status.OPEN and Invoice.objects.filter(pk=invoice.pk).exists()
    assert client.get("/admin/billing/order/add/").status_code == 403
