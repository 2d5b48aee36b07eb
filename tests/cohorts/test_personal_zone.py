"""/me pages and the email about the same offer say the same time, zone named."""

import zoneinfo

import pytest
from django.core import mail
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from cohorts import lifecycle
from cohorts.models import Enrollment
from tests.factories import CohortFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("own_zone", [None, "Asia/Tokyo"])
def test_an_offer_reads_the_same_on_me_pages_and_in_the_email(organizer, client_for, django_capture_on_commit_callbacks,
                                                              own_zone):
    cohort = CohortFactory(program__organizer=organizer, capacity=1, time_zone="Europe/Amsterdam", offer_hours=48)
    first = UserFactory()
    waiting = UserFactory(full_name="Wen Li", time_zone=own_zone)
    with django_capture_on_commit_callbacks(execute=True), scope(organizer=organizer.id):
        seat = lifecycle.register(cohort=cohort, person=first)
        lifecycle.register(cohort=cohort, person=waiting)
        lifecycle.cancel(enrollment=seat, by=first)
    with scopes_disabled():
        offer = Enrollment.objects.get(cohort=cohort, person=waiting)
    assert offer.status == Enrollment.Status.OFFERED
    zone = own_zone or "Europe/Amsterdam"  # no zone of their own: the cohort they joined
    local = offer.offer_expires_at.astimezone(zoneinfo.ZoneInfo(zone))
    clock = f"{local:%H:%M} {'JST' if own_zone else local.tzname()}"
    email = [m for m in mail.outbox if m.to == [waiting.email]][-1]
    assert clock in email.body
    page = client_for(waiting).get(reverse("me:enrollment", kwargs={"enrollment_id": offer.pk})).content.decode()
    assert clock in page and "UTC" not in page.replace("UTC+", "")
