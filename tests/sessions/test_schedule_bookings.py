"""Booked office hours are part of a person's schedule: My schedule and the personal feed."""

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from organizers.roles import Role
from sessions_app.services.office_hours import book_office_hour
from tests.factories import CohortFactory, UserFactory, member

from .factories import OfficeHourWindowFactory, SessionFactory, enroll, publish
from .test_feeds import _events, _feed_url

pytestmark = pytest.mark.django_db


def test_booked_office_hours_appear_in_my_schedule_and_the_personal_feed(organizer, client_for):
    cohort = CohortFactory(program__organizer=organizer)
    SessionFactory(cohort=cohort, title="Orientation")
    person = enroll(cohort, UserFactory(full_name="Ana Ruiz", time_zone="America/Chicago")).person
    host = member(organizer, Role.STAFF, full_name="Grace Host")
    slot = publish(OfficeHourWindowFactory(organizer=organizer, host=host, title="Coaching hour"))[0]
    with scopes_disabled():
        book_office_hour(slot=slot, person=person, topic="Our equity plan")

    client = client_for(person)
    page = client.get(reverse("sessions_app:schedule", kwargs={"organizer_slug": organizer.slug})).content.decode()
    assert "Office hours booked" in page and "Coaching hour" in page and "with Grace Host" in page
    assert "Add to calendar" in page

    response = client.post(reverse("sessions_app:feed_create", kwargs={"organizer_slug": organizer.slug}))
    page = response.content.decode()
    assert 'href="webcal://testserver/feeds/' in page and 'value="webcal://testserver/feeds/' in page
    events = _events(client_for(None).get(_feed_url(client, organizer)).content)
    assert any(title.startswith("Coaching hour with Grace Host and Ana Ruiz") for title in events)
    assert any(title.startswith("Orientation") for title in events)

    # The host sees it from the other side.
    host_page = client_for(host).get(reverse("sessions_app:schedule", kwargs={"organizer_slug": organizer.slug}))
    assert "booked by Ana Ruiz" in host_page.content.decode()
