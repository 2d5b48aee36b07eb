"""Program page prices, overdue reminders, the bookkeeper's export, scholarship decisions."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from billing import reminders, services
from billing.models import Order, ScholarshipRequest
from cohorts.models import Program
from notifications.models import OutboundMessage
from organizers.roles import Role
from tests.factories import member

from .helpers import bare_order, priced_cohort, scholarship_request

pytestmark = pytest.mark.django_db


def test_the_program_page_shows_price_partner_price_and_how_to_ask_for_a_scholarship(organizer, client):
    cohort = priced_cohort(organizer, amount="300.00", scholarship_places=4,
                           scholarship_info="For individuals not employed or sponsored by an organization.")
    with scopes_disabled():
        Program.objects.filter(pk=cohort.program_id).update(status=Program.Status.PUBLISHED)
    page = client.get(reverse("cohorts:program_detail", kwargs={"organizer_slug": organizer.slug,
                                                                "program_slug": cohort.program.slug})).content.decode()
    assert "USD 300.00 per person" in page
    assert "USD 150.00 (50% off) when a financially contributing partner sponsors you" in page
    assert "For individuals not employed or sponsored by an organization." in page
    assert "Ask for one when you register" in page


def test_overdue_invoices_get_one_reminder_a_week(organizer, django_capture_on_commit_callbacks):
    cohort = priced_cohort(organizer)
    order = bare_order(cohort, gross="200.00")
    with scope(organizer=organizer.id), django_capture_on_commit_callbacks(execute=True):
        Order.objects.filter(pk=order.pk).update(due_on=dt.date(2025, 3, 1))
        services.issue_invoice(order=order)
        services.record_payment(order=order, amount=Decimal("50"), method="check")
    mail.outbox.clear()
    with scopes_disabled(), django_capture_on_commit_callbacks(execute=True):
        assert reminders.send_overdue_reminders(today=dt.date(2025, 3, 1)) == 0  # due today: not overdue yet
        assert reminders.send_overdue_reminders(today=dt.date(2025, 3, 2)) == 1
        assert reminders.send_overdue_reminders(today=dt.date(2025, 3, 5)) == 0  # same week: deduplicated
        assert reminders.send_overdue_reminders(today=dt.date(2025, 3, 9)) == 1
    assert len(mail.outbox) == 2
    assert "USD 150.00 overdue" in mail.outbox[0].subject and order.reference in mail.outbox[0].body


def test_the_export_lists_invoices_credit_notes_and_payments_with_formulas_neutralised(organizer, client_for):
    cohort = priced_cohort(organizer)
    order = bare_order(cohort, gross="200.00")
    with scope(organizer=organizer.id):
        Order.objects.filter(pk=order.pk).update(billing_name="=HYPERLINK(\"http://x\")")
        order.refresh_from_db()
        invoice = services.issue_invoice(order=order)
        services.record_payment(order=order, amount=Decimal("200.00"), method="bank_transfer")
        services.issue_credit_note(invoice=invoice, amount=Decimal("50.00"), reason="Goodwill")
    today = dt.date.today()
    response = client_for(member(organizer, Role.STAFF)).get(
        reverse("billing:export", kwargs={"organizer_slug": organizer.slug}),
        {"start": (today - dt.timedelta(days=1)).isoformat(), "end": (today + dt.timedelta(days=1)).isoformat()})
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:4] == ["type", "number", "date", "due"]
    kinds = [(r[0], r[1], r[10], r[12]) for r in rows[1:]]
    assert ("invoice", invoice.number, "200.00", "credited") in kinds
    assert any(k[0] == "credit note" and k[2] == "-50.00" for k in kinds)
    assert any(k[0] == "payment" and k[2] == "200.00" for k in kinds)
    assert all(r[4].startswith("'=") for r in rows[1:])
    bad = client_for(member(organizer, Role.STAFF)).get(
        reverse("billing:export", kwargs={"organizer_slug": organizer.slug}), {"start": "soon"}, follow=True)
    assert "Choose a period to export" in bad.content.decode()


def test_staff_decide_a_scholarship_from_the_queue_and_the_person_is_told(organizer, client_for,
                                                                          django_capture_on_commit_callbacks):
    cohort = priced_cohort(organizer, scholarship_places=1)
    request = scholarship_request(cohort)
    order = request.order
    client = client_for(member(organizer, Role.STAFF))
    queue = client.get(reverse("billing:scholarships", kwargs={"organizer_slug": organizer.slug})).content.decode()
    assert order.placed_by.display_name in queue
    url = reverse("billing:scholarship_decide", kwargs={"organizer_slug": organizer.slug, "request_id": request.pk})
    assert client.post(url, {"decision": "partly"}).status_code == 400  # no amount: said on the page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"decision": "partly", "amount": "120.00"})
    with scopes_disabled():
        request.refresh_from_db()
        order.refresh_from_db()
        message = OutboundMessage.objects.get(dedupe_key=f"billing:scholarship={request.pk}:decided")
    assert request.status == ScholarshipRequest.Status.PARTLY and order.gross == Decimal("80.00")
    assert message.recipient == order.placed_by
    assert any("approved in part: USD 120.00" in m.body and "USD 80.00 is due" in m.body for m in mail.outbox)
