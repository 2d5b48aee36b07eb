"""The registration journey for a paid cohort, through the enrollment lifecycle.

Registering holds the seat as awaiting payment; paying confirms it; an unpaid hold
lapses and the seat goes to the waitlist; scholarships hold the seat until staff decide.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from billing import services
from billing.models import Invoice, Order, Partnership, Payment, ScholarshipRequest
from cohorts.models import Enrollment, Program
from organizers.roles import Role
from tests.factories import OrganizationFactory, UserFactory, member

from .fake_stripe import sign
from .helpers import priced_cohort
from .test_payments import pdf_text

lifecycle = pytest.importorskip("cohorts.lifecycle", reason="needs the enrollment lifecycle (issue 10)")

pytestmark = pytest.mark.django_db
Status = Enrollment.Status


@pytest.fixture
def cohort(organizer):
    cohort = priced_cohort(organizer, amount="400.00", scholarship_places=2, card_hold_hours=2, invoice_hold_days=21)
    with scopes_disabled():
        Program.objects.filter(pk=cohort.program_id).update(status=Program.Status.PUBLISHED)
    return cohort


@pytest.fixture
def partner(organizer):
    organization = OrganizationFactory(organizer=organizer, name="Heartland Family Services",
                                       is_contributing_partner=True)
    today = timezone.localdate()
    with scopes_disabled():
        Partnership.objects.create(organizer=organizer, organization=organization,
                                   valid_from=today - dt.timedelta(days=30), valid_until=today + dt.timedelta(days=300))
    return organization


def register(client, cohort, **data):
    return client.post(reverse("cohorts:register", kwargs={
        "organizer_slug": cohort.organizer.slug, "program_slug": cohort.program.slug, "cohort_slug": cohort.slug,
    }), {"organization_name": "", "title": "", **data})


def test_a_partner_sponsored_leader_sees_half_price_pays_by_card_and_is_confirmed(
    cohort, partner, client_for, fake_stripe, django_capture_on_commit_callbacks
):
    leader = UserFactory(full_name="Denise Carter")
    client = client_for(leader)
    response = register(client, cohort, organization_name=partner.name, title="Director")
    with scopes_disabled():
        enrollment = Enrollment.objects.get(cohort=cohort, person=leader)
    assert enrollment.status == Status.AWAITING_PAYMENT
    checkout_url = reverse("billing:checkout", kwargs={"organizer_slug": cohort.organizer.slug,
                                                       "enrollment_id": enrollment.pk})
    assert response["Location"] == checkout_url
    page = client.get(checkout_url).content.decode()
    assert "Contributing-partner discount (50%, Heartland Family Services)" in page
    assert "USD 200.00" in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(checkout_url, {
            "payer": "organization", "method": "card", "billing_name": partner.name,
            "billing_email": "finance@heartland.example", "billing_address": "100 Main St", "po_reference": "PO-9",
        })
    assert response.status_code == 302 and response["Location"].startswith(fake_stripe.base + "/pay/")
    session = next(iter(fake_stripe.sessions.values()))
    assert session["amount_total"] == 20000
    payload = fake_stripe.completed_event(session["id"])
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            assert client_for(None).post("/api/stripe/webhook/", payload, content_type="application/json",
                                         HTTP_STRIPE_SIGNATURE=sign(payload)).status_code == 200
    with scopes_disabled():
        enrollment.refresh_from_db()
        order = Order.objects.get(cohort=cohort)
        assert Payment.objects.filter(order=order).count() == 1
        invoice = Invoice.objects.get(order=order)
    assert enrollment.status == Status.CONFIRMED and order.status == Order.Status.PAID
    sent = [m for m in mail.outbox if invoice.number in m.subject]
    assert sent and sent[0].to == ["finance@heartland.example"]
    text = pdf_text(sent[0].attachments[0][1])
    assert "Contributing-partner discount" in text and "USD 200.00" in text and "PO-9" in text


def test_an_unpaid_hold_lapses_and_the_waitlisted_person_is_offered_the_seat(
    organizer, client_for, django_capture_on_commit_callbacks
):
    cohort = priced_cohort(organizer, amount="400.00", card_hold_hours=2)
    with scopes_disabled():
        Program.objects.filter(pk=cohort.program_id).update(status=Program.Status.PUBLISHED)
        cohort.capacity = 1
        cohort.save(update_fields=["capacity"])
    first, second = UserFactory(), UserFactory(full_name="Marcus Lee")
    register(client_for(first), cohort)
    register(client_for(second), cohort)
    with scopes_disabled():
        held = Enrollment.objects.get(cohort=cohort, person=first)
        waiting = Enrollment.objects.get(cohort=cohort, person=second)
    assert (held.status, waiting.status) == (Status.AWAITING_PAYMENT, Status.WAITLISTED)
    assert held.payment_due_at is not None
    mail.outbox.clear()
    with scope(organizer=organizer.id), django_capture_on_commit_callbacks(execute=True):
        assert not lifecycle.lapse_payment_hold(enrollment_id=held.pk, now=held.payment_due_at - dt.timedelta(minutes=1))
        assert lifecycle.lapse_payment_hold(enrollment_id=held.pk, now=held.payment_due_at + dt.timedelta(minutes=1))
        held.refresh_from_db()
        waiting.refresh_from_db()
    assert (held.status, waiting.status) == (Status.CANCELLED, Status.OFFERED)
    assert any(m.to == [second.email] for m in mail.outbox)


def test_choosing_an_invoice_holds_the_seat_longer_and_a_bank_transfer_confirms_it(cohort, client_for):
    person = UserFactory()
    client = client_for(person)
    register(client, cohort)
    with scopes_disabled():
        enrollment = Enrollment.objects.get(cohort=cohort, person=person)
    short = enrollment.payment_due_at
    client.post(reverse("billing:checkout", kwargs={"organizer_slug": cohort.organizer.slug,
                                                    "enrollment_id": enrollment.pk}),
                {"payer": "me", "method": "invoice", "billing_name": "Pat Doe", "billing_email": person.email})
    with scope(organizer=cohort.organizer_id):
        enrollment.refresh_from_db()
        order = Order.objects.get(cohort=cohort)
        assert enrollment.payment_due_at > short + dt.timedelta(days=20)
        assert order.invoices.count() == 1 and order.gross == Decimal("400.00")
        services.record_payment(order=order, amount=Decimal("400.00"), method=Payment.Method.BANK_TRANSFER)
        enrollment.refresh_from_db()
    assert enrollment.status == Status.CONFIRMED


def test_a_scholarship_request_holds_the_seat_and_a_full_approval_confirms_it(
    cohort, client_for, django_capture_on_commit_callbacks
):
    person = UserFactory(full_name="Renee Jackson")
    client = client_for(person)
    register(client, cohort)
    with scopes_disabled():
        enrollment = Enrollment.objects.get(cohort=cohort, person=person)
    url = reverse("billing:checkout", kwargs={"organizer_slug": cohort.organizer.slug, "enrollment_id": enrollment.pk})
    response = client.post(url, {"payer": "me", "method": "card", "billing_name": "Renee Jackson",
                                 "billing_email": person.email, "scholarship_statement": "Between jobs."})
    assert response.status_code == 302 and "/billing/orders/" in response["Location"]  # no card payment asked
    with scopes_disabled():
        request = ScholarshipRequest.objects.get(person=person)
        enrollment.refresh_from_db()
        assert not Invoice.objects.exists()
    assert enrollment.status == Status.AWAITING_PAYMENT
    staff = member(cohort.organizer, Role.STAFF)
    with django_capture_on_commit_callbacks(execute=True):
        client_for(staff).post(reverse("billing:scholarship_decide", kwargs={
            "organizer_slug": cohort.organizer.slug, "request_id": request.pk}), {"decision": "approve"})
    with scopes_disabled():
        enrollment.refresh_from_db()
        request.refresh_from_db()
    assert request.status == ScholarshipRequest.Status.APPROVED and enrollment.status == Status.CONFIRMED
    assert any("approved in full" in m.body for m in mail.outbox if m.to == [person.email])


def test_a_free_cohort_creates_no_order(organizer, client_for):
    from tests.factories import CohortFactory

    cohort = CohortFactory(program__organizer=organizer, is_free=True)
    with scopes_disabled():
        Program.objects.filter(pk=cohort.program_id).update(status=Program.Status.PUBLISHED)
    person = UserFactory()
    register(client_for(person), cohort)
    with scopes_disabled():
        assert Enrollment.objects.get(cohort=cohort, person=person).status == Status.CONFIRMED
        assert not Order.objects.exists()


def test_staff_invoice_an_organization_once_for_two_of_its_people(cohort, partner, client_for):
    people = [UserFactory(), UserFactory()]
    for person in people:
        register(client_for(person), cohort, organization_name=partner.name)
    with scopes_disabled():
        held = list(Enrollment.objects.filter(cohort=cohort, status=Status.AWAITING_PAYMENT))
    assert len(held) == 2
    client = client_for(member(cohort.organizer, Role.STAFF))
    url = reverse("billing:group_invoice", kwargs={"organizer_slug": cohort.organizer.slug, "cohort_id": cohort.pk,
                                                   "organization_id": partner.pk})
    client.post(url, {"billing_name": partner.name, "billing_email": "ap@heartland.example",
                      "billing_address": "100 Main St", "po_reference": "PO-2",
                      "enrollments": [str(e.pk) for e in held]})
    with scopes_disabled():
        order = Order.objects.get(cohort=cohort)
        invoice = order.invoices.get()
        assert order.enrollments.count() == 2 and order.gross == Decimal("400.00")  # 2 × 400, 50% partner discount
    assert invoice.buyer["po_reference"] == "PO-2"


def test_a_discount_code_is_its_own_line_and_an_expired_one_is_refused_on_the_form(cohort, client_for):
    from billing.models import DiscountCode

    with scopes_disabled():
        DiscountCode.objects.create(organizer=cohort.organizer, cohort=cohort, code="EARLY25", value=Decimal("25"),
                                    max_uses=10)
        DiscountCode.objects.create(organizer=cohort.organizer, cohort=cohort, code="OLD", value=Decimal("50"),
                                    max_uses=10, expires_at=timezone.now() - dt.timedelta(days=1))
    person = UserFactory()
    client = client_for(person)
    register(client, cohort)
    with scopes_disabled():
        enrollment = Enrollment.objects.get(cohort=cohort, person=person)
    url = reverse("billing:checkout", kwargs={"organizer_slug": cohort.organizer.slug, "enrollment_id": enrollment.pk})
    form = {"payer": "me", "method": "invoice", "billing_name": "Pat Doe", "billing_email": person.email}
    refused = client.post(url, {**form, "discount_code": "old"})
    assert refused.status_code == 400 and "This discount code has expired." in refused.content.decode()
    with scopes_disabled():
        assert not Order.objects.exists()
    client.post(url, {**form, "discount_code": "early25"})
    with scopes_disabled():
        order = Order.objects.get(cohort=cohort)
        lines = [(line.kind, line.amount) for line in order.lines.all()]
        assert DiscountCode.objects.get(code="EARLY25").times_used == 1
    assert lines == [("seat", Decimal("400.00")), ("discount_code", Decimal("-100.00"))]
    assert order.gross == Decimal("300.00")


def test_a_team_cohort_priced_per_team_is_invoiced_once_for_the_team(organizer, client_for):
    cohort = priced_cohort(organizer, amount="1500.00", partner="0", pricing="per_team")
    with scopes_disabled():
        Program.objects.filter(pk=cohort.program_id).update(status=Program.Status.PUBLISHED)
        cohort.is_team_cohort, cohort.team_size_min, cohort.team_size_max = True, 2, 3
        cohort.save(update_fields=["is_team_cohort", "team_size_min", "team_size_max"])
    lead, colleague = UserFactory(), UserFactory()
    with scope(organizer=organizer.id):
        team = lifecycle.register_team(cohort=cohort, lead=lead, organization_name="Arizona Early Childhood",
                                       members=[lifecycle.TeamMemberInvite(email=colleague.email, name="Col League"),
                                                lifecycle.TeamMemberInvite(email="late@az.example", name="Lat E")])
        # The colleague's seat is theirs once they confirm (cohorts.lifecycle.confirm_team_invitation).
        team.enrollments.append(lifecycle.confirm_team_invitation(invitation=team.invitations[0]))
    assert {e.status for e in team.enrollments} == {Status.AWAITING_PAYMENT}
    lead_enrollment = next(e for e in team.enrollments if e.person == lead)
    client = client_for(lead)
    url = reverse("billing:checkout", kwargs={"organizer_slug": organizer.slug, "enrollment_id": lead_enrollment.pk})
    assert colleague.display_name in client.get(url).content.decode()
    client.post(url, {"payer": "organization", "method": "invoice", "billing_name": "Arizona Early Childhood",
                      "billing_email": lead.email})
    with scopes_disabled():
        order = Order.objects.get(cohort=cohort)
        assert order.enrollments.count() == 2 and order.gross == Decimal("1500.00")
        assert order.team_id == team.team.pk
        other = [e for e in team.enrollments if e.person == colleague][0]
    response = client_for(colleague).get(reverse("billing:checkout", kwargs={
        "organizer_slug": organizer.slug, "enrollment_id": other.pk}), follow=True)
    assert "Your registration is billed to Arizona Early Childhood" in response.content.decode()
    # A member who confirms after the team was billed is covered by the team's order.
    with scope(organizer=organizer.id):
        late = lifecycle.confirm_team_invitation(invitation=team.invitations[1])
    assert late.status == Status.CONFIRMED


def test_a_lapsed_hold_cancels_its_order_and_credits_the_invoice_and_a_late_payment_is_an_overpayment(
    cohort, client_for
):
    person = UserFactory()
    client = client_for(person)
    register(client, cohort)
    with scopes_disabled():
        enrollment = Enrollment.objects.get(cohort=cohort, person=person)
    client.post(reverse("billing:checkout", kwargs={"organizer_slug": cohort.organizer.slug,
                                                    "enrollment_id": enrollment.pk}),
                {"payer": "me", "method": "invoice", "billing_name": "Pat Doe", "billing_email": person.email})
    with scope(organizer=cohort.organizer_id):
        enrollment.refresh_from_db()
        assert lifecycle.lapse_payment_hold(enrollment_id=enrollment.pk,
                                            now=enrollment.payment_due_at + dt.timedelta(minutes=1))
        order = Order.objects.get(cohort=cohort)
        assert order.status == Order.Status.CANCELLED
        note = Invoice.objects.get(kind=Invoice.Kind.CREDIT_NOTE)
        assert note.credits.order == order and note.gross == Decimal("-400.00")
        services.record_payment(order=order, amount=Decimal("400.00"), method=Payment.Method.BANK_TRANSFER)
        from billing import selectors

        assert selectors.balance(order) == Decimal("-400.00")  # to refund
        listed = selectors.outstanding(cohort.organizer, today=timezone.localdate())
        assert [(row.order, row.balance) for row in listed] == [(order, Decimal("-400.00"))]
        enrollment.refresh_from_db()
    assert enrollment.status == Status.CANCELLED
