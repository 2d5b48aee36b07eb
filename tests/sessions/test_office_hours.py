"""Office hours: publish, book, cancel, rebook; never double-booked; both sides get an invitation."""

import datetime as dt
import threading

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled
from icalendar import Calendar

from organizers.roles import Role
from sessions_app.services import SessionsError
from sessions_app.services.office_hours import book_office_hour, SLOT_TAKEN
from sessions_app.models import OfficeHourBooking
from tests.factories import CohortFactory, UserFactory, member

from .factories import OfficeHourWindowFactory, enroll, publish

pytestmark = pytest.mark.django_db


def _window(organizer, **kwargs):
    host = member(organizer, Role.STAFF, full_name="Host Person")
    return OfficeHourWindowFactory(organizer=organizer, host=host, **kwargs)


def _url(organizer, name="office_hours", **kwargs):
    return reverse(f"sessions_app:{name}", kwargs={"organizer_slug": organizer.slug, **kwargs})


def _booked(slot):
    with scopes_disabled():
        return list(OfficeHourBooking.objects.filter(slot=slot, status="booked").values_list("person__email", flat=True))


def test_weekly_windows_make_slots_on_the_local_clock():
    window = OfficeHourWindowFactory(
        first_date=dt.date(2024, 10, 29), start_time=dt.time(14, 0), repeat_weekly_until=dt.date(2024, 11, 5),
        slots_per_window=2, slot_minutes=30,
    )
    slots = publish(window)
    assert [s.starts_at.strftime("%m-%d %H:%M") for s in slots] == ["10-29 19:00", "10-29 19:30", "11-05 20:00", "11-05 20:30"]
    assert len(publish(window)) == 4  # publishing again adds nothing


def test_participant_books_and_both_sides_get_an_invitation(organizer, client_for, django_capture_on_commit_callbacks):
    window = _window(organizer)
    slot = publish(window)[0]
    person = enroll(CohortFactory(program__organizer=organizer), UserFactory(full_name="Rosa Leader")).person
    client = client_for(person)
    assert "Host Person" in client.get(_url(organizer)).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url(organizer, "book_slot", slot_id=slot.id), {"topic": "Our equity statement"}, follow=True)
    assert "Booked." in response.content.decode()
    assert _booked(slot) == [person.email]
    assert sorted(m.to[0] for m in mail.outbox) == sorted([person.email, window.host.email])
    for message in mail.outbox:
        (name, content, mimetype) = message.attachments[0]
        assert mimetype == "text/calendar"
        (event,) = Calendar.from_ical(content).walk("VEVENT")
        assert event.decoded("dtstart") == slot.starts_at
        assert str(event["organizer"]) == f"mailto:{window.host.email}"
        assert str(event["attendee"]) == f"mailto:{person.email}"
    # The slot is no longer offered to others.
    other = enroll(CohortFactory(program__organizer=organizer)).person
    assert f"slots/{slot.id}/book" not in client_for(other).get(_url(organizer)).content.decode()


def test_a_taken_slot_gives_a_clear_message(organizer, client_for):
    slot = publish(_window(organizer))[0]
    cohort = CohortFactory(program__organizer=organizer)
    first, second = enroll(cohort).person, enroll(cohort).person
    client_for(first).post(_url(organizer, "book_slot", slot_id=slot.id))
    response = client_for(second).post(_url(organizer, "book_slot", slot_id=slot.id), follow=True)
    assert SLOT_TAKEN in response.content.decode()
    assert _booked(slot) == [first.email]


def test_only_participants_of_the_organizers_programs_may_book(organizer, other_organizer, client_for):
    slot = publish(_window(organizer))[0]
    elsewhere = enroll(CohortFactory(program__organizer=other_organizer)).person
    assert client_for(elsewhere).post(_url(organizer, "book_slot", slot_id=slot.id)).status_code == 404
    assert client_for(UserFactory()).post(_url(organizer, "book_slot", slot_id=slot.id)).status_code == 404
    assert _booked(slot) == []


def test_cancel_and_rebook(organizer, client_for, django_capture_on_commit_callbacks):
    first, second = publish(_window(organizer))
    person = enroll(CohortFactory(program__organizer=organizer)).person
    client = client_for(person)
    client.post(_url(organizer, "book_slot", slot_id=first.id))
    with scopes_disabled():
        booking = OfficeHourBooking.objects.get(person=person)
    response = client.post(_url(organizer, "rebook_booking", booking_id=booking.id), {"slot": second.id}, follow=True)
    assert "has moved" in response.content.decode()
    assert _booked(first) == [] and _booked(second) == [person.email]

    # Moving to a slot someone else has: nothing changes.
    with scopes_disabled():
        moved = OfficeHourBooking.objects.get(person=person, status="booked")
    other = enroll(CohortFactory(program__organizer=organizer)).person
    client_for(other).post(_url(organizer, "book_slot", slot_id=first.id))
    response = client.post(_url(organizer, "rebook_booking", booking_id=moved.id), {"slot": first.id}, follow=True)
    assert "was not changed" in response.content.decode()
    assert _booked(second) == [person.email] and _booked(first) == [other.email]

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_url(organizer, "cancel_booking", booking_id=moved.id))
    assert _booked(second) == []
    assert {m.to[0] for m in mail.outbox} == {person.email, moved.slot.window.host.email}
    assert all("CANCEL" in m.attachments[0][1] for m in mail.outbox)
    # Someone else's booking is not yours to cancel.
    with scopes_disabled():
        others = OfficeHourBooking.objects.get(person=other, status="booked")
    assert client.post(_url(organizer, "cancel_booking", booking_id=others.id)).status_code == 404


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_bookings_of_one_slot_give_exactly_one_booking():
    from tests.factories import OrganizerFactory

    organizer = OrganizerFactory(slug="race-org")
    slot = publish(_window(organizer))[0]
    cohort = CohortFactory(program__organizer=organizer)
    people = [enroll(cohort).person for _ in range(8)]
    barrier = threading.Barrier(len(people))
    outcomes: list[str] = []

    def book(person):
        try:
            barrier.wait()
            with scope(organizer=organizer.id):
                book_office_hour(slot=slot, person=person)
            outcomes.append("booked")
        except SessionsError as exc:
            outcomes.append(str(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=book, args=(p,)) for p in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("booked") == 1
    assert sorted(set(outcomes) - {"booked"}) == [SLOT_TAKEN]
    assert len(_booked(slot)) == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_database_refuses_a_second_booking_even_without_the_lock():
    """The unique index is the guarantee: a write that skipped the service's checks still fails."""
    from django.db import IntegrityError

    from tests.factories import OrganizerFactory

    organizer = OrganizerFactory(slug="index-org")
    slot = publish(_window(organizer))[0]
    cohort = CohortFactory(program__organizer=organizer)
    with scopes_disabled():
        OfficeHourBooking.objects.create(organizer=organizer, slot=slot, person=enroll(cohort).person)
        with pytest.raises(IntegrityError):
            OfficeHourBooking.objects.create(organizer=organizer, slot=slot, person=enroll(cohort).person)


def test_past_slots_cannot_be_booked(organizer):
    window = _window(organizer, first_date=timezone.localdate() - dt.timedelta(days=2))
    slot = publish(window)[0]
    person = enroll(CohortFactory(program__organizer=organizer)).person
    with scope(organizer=organizer.id), pytest.raises(SessionsError, match="already started"):
        book_office_hour(slot=slot, person=person)
