"""Staff hear of new requests, proposals and applications, each as they chose."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from notifications import alerts
from notifications.models import OutboundMessage, StaffAlertItem
from notifications.tasks import send_staff_digests
from organizers.roles import Role
from sessions_app.services.assistance import request_assistance
from tests.factories import CohortFactory, UserFactory, member
from tests.sessions.factories import enroll

pytestmark = pytest.mark.django_db


def _alerts_page(organizer):
    return reverse("organizers:staff_alerts", kwargs={"organizer_slug": organizer.slug})


def test_each_staff_member_chooses_immediate_or_daily(organizer, client_for, django_capture_on_commit_callbacks):
    eager = member(organizer, Role.STAFF, full_name="Eager Staff")
    digest = member(organizer, Role.ADMIN, full_name="Digest Admin")
    client = client_for(digest)
    assert "One email a day" in client.get(_alerts_page(organizer)).content.decode()
    bad = client.post(_alerts_page(organizer), {"mode": "hourly"})
    assert bad.status_code == 400 and "Choose one of the options" in bad.content.decode()
    assert client.post(_alerts_page(organizer), {"mode": "daily"}).status_code == 302
    assert client_for(member(organizer, Role.FACILITATOR)).get(_alerts_page(organizer)).status_code == 404

    cohort = CohortFactory(program__organizer=organizer, title="Fall run")
    person = enroll(cohort, UserFactory(full_name="Ana Ruiz")).person
    with django_capture_on_commit_callbacks(execute=True), scopes_disabled():
        request_assistance(requester=person, cohort=cohort, topic="Data plan", description="Help")
        request_assistance(requester=person, cohort=cohort, topic="Budget", description="Help")
    immediate = [m for m in mail.outbox if m.to == [eager.email]]
    assert len(immediate) == 2 and "New technical-assistance request: Ana Ruiz" in immediate[0].subject
    assert not [m for m in mail.outbox if m.to == [digest.email]]
    with scopes_disabled():
        assert StaffAlertItem.objects.filter(user=digest, digest_key="").count() == 2

    with django_capture_on_commit_callbacks(execute=True):
        assert send_staff_digests.delay().get() == 1
        assert send_staff_digests.delay().get() == 0  # once a day
    (sent,) = [m for m in mail.outbox if m.to == [digest.email]]
    assert "Data plan" in sent.body and "Budget" in sent.body and sent.body.startswith("Hello Digest Admin")
    with scopes_disabled():
        assert OutboundMessage.objects.filter(template="praxis/staff_digest").count() == 1


def test_team_members_who_have_not_confirmed_are_reported_once(organizer, django_capture_on_commit_callbacks):
    from applications.models import Application, TeamMember
    from tests.applications.factories import CallFactory

    staff = member(organizer, Role.STAFF)
    call = CallFactory(cohort__program__organizer=organizer)
    with scopes_disabled():
        application = Application.objects.create(
            organizer=organizer, call=call, applicant=UserFactory(full_name="Lead Person"),
            status=Application.Status.SUBMITTED, submitted_at=timezone.now() - dt.timedelta(days=5))
        TeamMember.objects.create(organizer=organizer, application=application, full_name="Quiet Member",
                                  email="quiet@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        send_staff_digests.delay().get()
        alerts.alert_unconfirmed_teams()
    sent = [m for m in mail.outbox if m.to == [staff.email]]
    assert len(sent) == 1 and "Quiet Member" in sent[0].body and "Lead Person" in sent[0].subject
