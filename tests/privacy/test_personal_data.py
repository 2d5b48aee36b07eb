"""A person downloads their data and deletes their account, end to end."""

import json

import pytest
from django.apps import apps
from django.db import models
from django.test import Client
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from applications.models import Application, DemographicResponse
from billing import services as billing
from billing.models import Invoice, Order
from cohorts.models import Enrollment
from reports.certificates import issue_certificate
from sessions_app.models import AssistanceRequest, Attendance, CheckInResponse, CheckInRound, SessionFeedback
from tests.applications.factories import ApplicationFactory, CallFactory, CategoryFactory, demographics
from tests.billing.helpers import bare_order, priced_cohort
from tests.community.factories import cohort_space, reply, start
from tests.factories import CohortFactory, EnrollmentFactory, UserFactory
from tests.reports.scenario import P, held_session, mark

pytestmark = pytest.mark.django_db

NAME, EMAIL, PASSWORD = "Zora Quintana-Blake", "zora.qb@example.org", "pw-for-tests-only"
ADDRESS = "Keizersgracht 1, Amsterdam"


@pytest.fixture
def zora(organizer):
    person = UserFactory(full_name=NAME, email=EMAIL, preferred_name="Zoraq", pronouns="she/her",
                         time_zone="America/Chicago")
    cohort = CohortFactory(program__organizer=organizer, title="Series Z")
    enrollment = EnrollmentFactory(cohort=cohort, person=person, status=Enrollment.Status.COMPLETED)
    other = EnrollmentFactory(cohort=cohort)
    sessions = [held_session(cohort, days_ago=d, title=f"Session {d}") for d in (20, 10)]
    for session in sessions:
        mark(session, person, P), mark(session, other.person, P)
    call = CallFactory(cohort__program__organizer=organizer)
    CategoryFactory(call=call)
    application = ApplicationFactory(call=call, applicant=person, phone="+1 555 0100", title="Director of Zora's Org",
                                     leadership_description="I lead the Zoraq equity team.")
    demographics(application, race=["Black"])
    with scopes_disabled():
        round_ = CheckInRound.objects.create(organizer=organizer, cohort=cohort, months_after=1,
                                             due_on=cohort.ends_on, questions=["How?"])
        CheckInResponse.objects.create(organizer=organizer, round=round_, person=person,
                                       answers=["Zoraq here: we changed our hiring."])
        SessionFeedback.objects.create(organizer=organizer, session=sessions[0], person=person, rating=5,
                                       comment="Great, said Zoraq")
        AssistanceRequest.objects.create(organizer=organizer, cohort=cohort, requester=person, topic="Budget help",
                                         description="Call me, Zora, at +1 555 0100")
        issue_certificate(enrollment=enrollment)
    space = cohort_space(cohort)
    thread = start(space, other.person, title="Hiring", body="What changed?")
    reply(thread, person, body="Zoraq: we rewrote our job posts.")
    order = bare_order(priced_cohort(organizer), buyer=person)
    with scopes_disabled():
        Order.objects.filter(pk=order.pk).update(billing_name=NAME, billing_address=ADDRESS,
                                                     billing_tax_id="NL-ZQB-01")
        order.refresh_from_db()
    with scope(organizer=organizer.id):
        billing.issue_invoice(order=order)
    return person


def texts_mentioning(values, *, but=()) -> list[str]:
    """Every text or JSON column in the database that still contains one of `values` (except the `but` columns)."""
    found = []
    with scopes_disabled():
        for model in apps.get_models():
            fields = [f for f in model._meta.fields if isinstance(f, (models.CharField, models.TextField,
                                                                      models.JSONField))]
            for obj in model._base_manager.all():
                for field in fields:
                    if f"{model._meta.label}.{field.name}" in but:
                        continue
                    value = getattr(obj, field.attname)
                    text = json.dumps(value) if field.get_internal_type() == "JSONField" else str(value or "")
                    for needle in values:
                        if needle.lower() in text.lower():
                            found.append(f"{model._meta.label}.{field.name}: {text[:80]}")
    return found


def signed_in() -> Client:
    client = Client()
    response = client.post("/accounts/login/", {"login": EMAIL, "password": PASSWORD})
    assert response.status_code == 302, "signing in failed"
    return client


def test_download_everything(zora):
    client = signed_in()
    data = json.loads(client.get(reverse("privacy:my_data_json")).content)["tables"]
    assert data["account"][0]["email"] == EMAIL and "password" not in data["account"][0]
    assert data["cohorts.enrollment"][0]["status"] == "completed"
    assert data["account"][0]["time_zone"] == "America/Chicago"  # not JSON by itself
    assert {"cohorts.enrollment", "sessions_app.attendance", "applications.application", "sessions_app.checkinresponse",
            "sessions_app.assistancerequest", "billing.order", "account.emailaddress"} <= set(data)
    assert len(data["sessions_app.attendance"]) == 2
    assert data["applications.application"][0]["phone"] == "+1 555 0100"
    page = client.get(reverse("privacy:my_data")).content.decode()
    assert "Zoraq here: we changed our hiring." in page and "Budget help" in page
    assert "<h1>Your data</h1>" in page


def test_delete_account_end_to_end(zora, organizer):
    with scopes_disabled():
        attendance_before = Attendance.objects.filter(status="present").count()
        invoices_before = list(Invoice.objects.values_list("number", "gross"))
    assert texts_mentioning([NAME, EMAIL, "Zoraq"])  # the fixture really put them everywhere
    client = signed_in()
    page = reverse("privacy:delete_account")
    assert client.post(page, {"email": "someone@else.org", "password": PASSWORD}).status_code == 400
    assert client.post(page, {"email": EMAIL, "password": "wrong"}).status_code == 400
    response = client.post(page, {"email": EMAIL.upper(), "password": PASSWORD})
    assert response.status_code == 302

    # Signed out, and no way back in.
    assert client.get(reverse("privacy:my_data")).status_code == 302
    assert Client().post("/accounts/login/", {"login": EMAIL, "password": PASSWORD}).status_code != 302
    # Their name, email, address and words appear nowhere, invoices included.
    assert texts_mentioning([NAME, EMAIL, "Zoraq", "555 0100", ADDRESS, "NL-ZQB-01"]) == []
    with scopes_disabled():
        assert not DemographicResponse.objects.exists()
        # What the organizer must keep remains, without the person.
        assert Attendance.objects.filter(status="present").count() == attendance_before == 4
        assert list(Invoice.objects.values_list("number", "gross")) == invoices_before
        invoice = Invoice.objects.get()
        assert invoice.buyer == {"name": "Deleted person", "email": "", "address": "", "tax_id": "",
                                 "po_reference": ""}
        order = invoice.order
        assert (order.billing_name, order.billing_email, order.billing_address) == ("Deleted person", "", "")
        enrollment = Enrollment.objects.get(cohort__title="Series Z", status=Enrollment.Status.COMPLETED)
        assert enrollment.person.display_name == "Deleted person" and not enrollment.person.is_active
        assert Application.objects.get(applicant=enrollment.person).status == Application.Status.SUBMITTED
        assert enrollment.certificate.revoked_at is not None


def test_a_deleted_persons_invoice_still_renders_without_them(zora, organizer, staff_user, client_for):
    from tests.billing.test_payments import pdf_text

    client = signed_in()
    page = client.get(reverse("privacy:delete_account")).content.decode()
    assert "Invoices issued to you stay in the organizer's books" in page
    assert "You have 1 issued invoice or credit note." in page
    client.post(reverse("privacy:delete_account"), {"email": EMAIL, "password": PASSWORD})
    with scopes_disabled():
        invoice = Invoice.objects.get()
    response = client_for(staff_user).get(reverse("billing:invoice_pdf", kwargs={
        "organizer_slug": organizer.slug, "invoice_id": invoice.pk}))
    assert response.status_code == 200
    text = pdf_text(response.content)
    assert "Deleted person" in text and invoice.number in text
    assert NAME not in text and ADDRESS not in text and "NL-ZQB-01" not in text and EMAIL not in text


def test_an_invoice_billed_to_the_persons_organization_keeps_the_organization(zora, organizer):
    from tests.factories import OrganizationFactory

    sponsor = OrganizationFactory(organizer=organizer, name="Zora's Org")
    with scopes_disabled():
        order = Order.objects.filter(placed_by__email=EMAIL).get()
        invoice = Invoice.objects.get(order=order)
        Order.objects.filter(pk=order.pk).update(sponsor=sponsor)
        # As billing issues a sponsored invoice: the organization is the buyer; the person asked for it.
        Invoice.objects.filter(pk=invoice.pk).update(buyer={
            "name": "Zora's Org", "email": EMAIL, "address": "Org street 1, Utrecht", "tax_id": "NL-ORG-7",
            "po_reference": "PO-17", "attention": NAME,
        })
    signed_in().post(reverse("privacy:delete_account"), {"email": EMAIL, "password": PASSWORD})
    with scopes_disabled():
        invoice.refresh_from_db()
    assert invoice.buyer == {"name": "Zora's Org", "email": "", "address": "Org street 1, Utrecht",
                             "tax_id": "NL-ORG-7", "po_reference": "PO-17", "attention": ""}
