"""Cancelling frees a seat for the next on the waitlist; an offer is accepted, declined or expires."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from cohorts import services, tasks
from cohorts.models import Cohort, Enrollment
from notifications.models import OutboundMessage
from tests.factories import CohortFactory, UserFactory


@pytest.fixture
def full_cohort(organizer, django_capture_on_commit_callbacks):
    """Two seats taken by Ada and Ben; Cleo then Dev on the waitlist."""
    cohort = CohortFactory(program__organizer=organizer, capacity=2, offer_hours=48, title="October series")
    people = {name: UserFactory(email=f"{name}@example.org", full_name=name.title()) for name in ["ada", "ben", "cleo", "dev"]}
    with scopes_disabled(), django_capture_on_commit_callbacks(execute=True):
        loaded = Cohort.objects.select_related("program", "organizer").get(pk=cohort.pk)
        for person in people.values():
            services.register(cohort=loaded, person=person)
    mail.outbox.clear()
    return cohort, people


def status_of(cohort, person):
    with scopes_disabled():
        return Enrollment.objects.filter(cohort=cohort, person=person).exclude(status="cancelled").first() \
            or Enrollment.objects.filter(cohort=cohort, person=person).latest("id")


def test_cancelling_offers_the_seat_to_the_next_with_an_email(full_cohort, client_for, django_capture_on_commit_callbacks):
    cohort, people = full_cohort
    ada = status_of(cohort, people["ada"])
    client = client_for(people["ada"])
    assert "Cancel your registration" in client.get(reverse("me:cancel", args=[ada.pk])).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("me:cancel", args=[ada.pk]))
    assert response.status_code == 302

    assert status_of(cohort, people["ada"]).status == "cancelled"
    cleo = status_of(cohort, people["cleo"])
    assert cleo.status == "offered"
    assert cleo.offer_expires_at == pytest.approx(timezone.now() + dt.timedelta(hours=48), abs=dt.timedelta(minutes=1))
    assert status_of(cohort, people["dev"]).status == "waitlisted"
    with scopes_disabled():
        message = OutboundMessage.objects.get(template="cohorts/seat_offered", recipient=people["cleo"])
    assert message.status == OutboundMessage.Status.SENT
    offer_mail = [m for m in mail.outbox if m.to == ["cleo@example.org"]]
    assert len(offer_mail) == 1
    assert "A seat is free for you" in offer_mail[0].subject
    assert reverse("me:offer", args=[cleo.pk]) in offer_mail[0].body

    # Cleo accepts on the offer page.
    page = client_for(people["cleo"]).get(reverse("me:offer", args=[cleo.pk])).content.decode()
    assert "Accept the seat" in page
    client_for(people["cleo"]).post(reverse("me:offer", args=[cleo.pk]), {"action": "accept"})
    assert status_of(cohort, people["cleo"]).status == "confirmed"


def test_declining_passes_the_seat_on(full_cohort, client_for):
    cohort, people = full_cohort
    with scopes_disabled():
        services.cancel_enrollment(enrollment=status_of(cohort, people["ben"]))
    cleo = status_of(cohort, people["cleo"])
    client_for(people["cleo"]).post(reverse("me:offer", args=[cleo.pk]), {"action": "decline"})
    assert status_of(cohort, people["cleo"]).status == "cancelled"
    assert status_of(cohort, people["dev"]).status == "offered"


def test_an_expired_offer_passes_to_the_next_through_the_periodic_task(full_cohort, django_capture_on_commit_callbacks):
    cohort, people = full_cohort
    with scopes_disabled():
        services.cancel_enrollment(enrollment=status_of(cohort, people["ada"]))
        cleo = status_of(cohort, people["cleo"])
        # Not yet due: the task leaves it alone.
        assert tasks.expire_offers() == 0
        Enrollment.objects.filter(pk=cleo.pk).update(offer_expires_at=timezone.now() - dt.timedelta(minutes=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.expire_offers() == 1
    assert status_of(cohort, people["cleo"]).status == "cancelled"
    assert status_of(cohort, people["dev"]).status == "offered"
    with scopes_disabled():
        assert OutboundMessage.objects.filter(template="cohorts/offer_expired", recipient=people["cleo"]).exists()
        assert OutboundMessage.objects.filter(template="cohorts/seat_offered", recipient=people["dev"]).exists()
    assert [m.to for m in mail.outbox if "expired" in m.subject] == [["cleo@example.org"]]
    assert [m.to for m in mail.outbox if "A seat is free" in m.subject] == [["dev@example.org"]]
    # Run again: nothing is due, nothing is sent twice.
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.expire_offers() == 0


def test_accepting_an_expired_offer_says_so(full_cohort, client_for):
    cohort, people = full_cohort
    with scopes_disabled():
        services.cancel_enrollment(enrollment=status_of(cohort, people["ada"]))
        cleo = status_of(cohort, people["cleo"])
        Enrollment.objects.filter(pk=cleo.pk).update(offer_expires_at=timezone.now() - dt.timedelta(minutes=1))
    response = client_for(people["cleo"]).post(reverse("me:offer", args=[cleo.pk]), {"action": "accept"})
    assert response.status_code == 400
    assert "This offer has expired" in response.content.decode()
    assert status_of(cohort, people["cleo"]).status == "offered"


def test_due_offers_use_the_expiry_index(full_cohort):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with scopes_disabled(), CaptureQueriesContext(connection) as queries:
        list(services.due_offers())
    sql = queries.captured_queries[-1]["sql"]
    assert '"status" = ' in sql and '"offer_expires_at" <=' in sql


def test_beat_runs_expire_offers():
    from django.conf import settings

    assert any(entry["task"] == "cohorts.tasks.expire_offers" for entry in settings.CELERY_BEAT_SCHEDULE.values())


def test_my_programs_lists_registrations_across_organizers(full_cohort, other_organizer, client_for):
    cohort, people = full_cohort
    elsewhere = CohortFactory(program__organizer=other_organizer, title="Spring trajectory")
    with scopes_disabled():
        services.register(cohort=Cohort.objects.select_related("program", "organizer").get(pk=elsewhere.pk),
                          person=people["dev"])
    page = client_for(people["dev"]).get(reverse("me:programs")).content.decode()
    assert "October series" in page and "Waitlisted" in page
    assert "Spring trajectory" in page and "Other Organizer" in page
    # Someone else's list does not show Dev's registrations.
    assert "Spring trajectory" not in client_for(people["ada"]).get(reverse("me:programs")).content.decode()
