"""Certificates of completion: the PDF read back, the public verification page, revocation."""

import datetime as dt
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled
from pypdf import PdfReader

from cohorts.models import Enrollment
from organizers.roles import Role
from reports import certificates
from reports.models import Certificate
from tests.factories import CohortFactory, EnrollmentFactory, ModuleFactory, ProgramFactory, UserFactory, member

from .scenario import A, P, held_session, mark

pytestmark = pytest.mark.django_db


def download_url(enrollment):
    return reverse("reports_me:certificate", kwargs={"enrollment_id": enrollment.id})


def verify_url(certificate, organizer=None, code=None):
    return reverse("reports:certificate_verify", kwargs={
        "organizer_slug": (organizer or certificate.organizer).slug, "code": code or certificate.code})


@pytest.fixture
def completed(organizer):
    organizer.contact_name = "Dr. Rosa Parks-Example"
    organizer.save()
    program = ProgramFactory(organizer=organizer, title="Racial Equity Leadership")
    cohort = CohortFactory(program=program, title="Cohort 3", starts_on=dt.date(2026, 3, 2), ends_on=dt.date(2026, 6, 29))
    person = UserFactory(full_name="Amara Okafor-Nguyễn", email="amara@example.org")
    enrollment = EnrollmentFactory(cohort=cohort, person=person, status=Enrollment.Status.COMPLETED,
                                   completed_at=timezone.make_aware(dt.datetime(2026, 7, 1, 12)))
    module = ModuleFactory(program=program, title="Structural racism")
    s1 = held_session(cohort, days_ago=30, title="Opening", module=module)
    s2 = held_session(cohort, days_ago=20, title="Closing")
    held_session(cohort, days_ago=10, title="Missed")
    mark(s1, person, P), mark(s2, person, P)
    mark(held_session(cohort, days_ago=9, title="Absent one"), person, A)
    return enrollment


def pdf_text(response) -> str:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)


def test_person_downloads_a_certificate_with_what_they_did(completed, client_for):
    text = pdf_text(client_for(completed.person).get(download_url(completed)))
    flat = " ".join(text.split())
    for expected in ("Certificate of completion", "Amara Okafor-Nguyen", "Racial Equity Leadership", "Cohort 3",
                     "2 March 2026 to 29 June 2026", "2 sessions attended (4 hours)", "Modules: Structural racism",
                     "Illinois Test Partners", "Dr. Rosa Parks-Example", "Completed on 1 July 2026"):
        assert expected in flat, expected
    with scopes_disabled():
        certificate = Certificate.objects.get(enrollment=completed)
    assert f"Verification code {certificate.code}" in flat
    assert re.search(r"http://testserver/il-test/certificates/" + certificate.code + "/", flat.replace(" ", ""))
    # A second download is the same certificate.
    client_for(completed.person).get(download_url(completed))
    with scopes_disabled():
        assert Certificate.objects.filter(enrollment=completed).count() == 1


def test_no_certificate_before_completion_or_for_someone_else(organizer, completed, client_for):
    confirmed = EnrollmentFactory(cohort=completed.cohort, status=Enrollment.Status.CONFIRMED)
    assert client_for(confirmed.person).get(download_url(confirmed)).status_code == 404
    assert client_for(confirmed.person).get(download_url(completed)).status_code == 404
    assert client_for(member(organizer, Role.STAFF)).get(download_url(completed)).status_code == 404
    response = client_for(None).get(download_url(completed))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    with scopes_disabled():
        assert not Certificate.objects.exists()


def test_verification_page_shows_only_name_program_and_date(completed, client_for):
    client_for(completed.person).get(download_url(completed))
    with scopes_disabled():
        certificate = Certificate.objects.get()
    response = client_for(None).get(verify_url(certificate))
    html = response.content.decode()
    assert response.status_code == 200
    main = html[html.index("<main"):html.index("</main>")]
    assert "Amara Okafor-Nguyễn" in main and "Racial Equity Leadership" in main and "1 July 2026" in main
    for private in ("amara@example.org", "Cohort 3", "sessions", "Structural racism", "Opening"):
        assert private not in main
    assert 'name="robots" content="noindex"' in html
    # Typed in lower case without dashes, it still verifies; a wrong code or organizer is 404.
    assert client_for(None).get(verify_url(certificate, code=certificate.code.replace("-", "").lower())).status_code == 200
    assert client_for(None).get(verify_url(certificate, code="AAAA-BBBB-CCCC")).status_code == 404


def test_revoked_certificate_says_so(completed, client_for):
    client_for(completed.person).get(download_url(completed))
    with scopes_disabled():
        certificate = certificates.revoke_certificate(certificate=Certificate.objects.get(), reason="Issued in error")
    html = client_for(None).get(verify_url(certificate)).content.decode()
    assert "Revoked." in html and "no longer certifies completion" in html
    assert "Amara" not in html[html.index("<main"):html.index("</main>")]
    assert "Issued in error" not in html
    response = client_for(completed.person).get(download_url(completed))
    assert response.status_code == 410 and "revoked your certificate" in response.content.decode()


def test_other_organizers_address_does_not_verify(completed, other_organizer, client_for):
    client_for(completed.person).get(download_url(completed))
    with scopes_disabled():
        certificate = Certificate.objects.get()
    assert client_for(None).get(verify_url(certificate, organizer=other_organizer)).status_code == 404


def test_enrollment_page_offers_the_download(completed, client_for):
    page = client_for(completed.person).get(reverse("me:enrollment", kwargs={"enrollment_id": completed.id}))
    assert download_url(completed) in page.content.decode()
