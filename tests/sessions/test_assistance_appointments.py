"""A technical-assistance call: staff or the facilitator set it on the cohort's wall clock;
the participant gets it in their own zone with a calendar invitation, sees it in My
schedule and in their calendar feed; moving or cancelling it updates both and tells them."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django_scopes import scopes_disabled
from icalendar import Calendar

from organizers.roles import Role
from sessions_app.models import AssistanceRequest
from sessions_app.services.feeds import create_calendar_feed
from tests.factories import CohortFactory, UserFactory, member
from tests.staff_admin.formdata import form_as_shown

from .factories import SessionFactory, enroll, facilitator_of

pytestmark = pytest.mark.django_db

UTC = dt.timezone.utc
# 10:00 in Chicago on 15 January 2030 (CST, UTC-6) is 16:00 UTC and 17:00 in Amsterdam (CET).
TYPED = {"day": "2030-01-15", "start": "10:00", "minutes": "60", "where": "https://meet.example/ta-room"}
STARTS_UTC = dt.datetime(2030, 1, 15, 16, 0, tzinfo=UTC)


@pytest.fixture
def ta(organizer):
    cohort = CohortFactory(program__organizer=organizer, time_zone="America/Chicago")
    person = UserFactory(full_name="Ada Lovelace", time_zone="Europe/Amsterdam")
    enroll(cohort, person)
    session = SessionFactory(cohort=cohort)
    facilitator = facilitator_of(cohort)
    with scopes_disabled():
        request_obj = AssistanceRequest.objects.create(
            organizer=organizer, cohort=cohort, session=session, requester=person, topic="Our data story",
            description="Help us tell it.", preferred_times="Tuesday mornings")
    return {"organizer": organizer, "cohort": cohort, "person": person, "facilitator": facilitator,
            "staff": member(organizer, Role.STAFF, full_name="Grace Hopper"), "request": request_obj}


def _url(ta, name, **kwargs):
    return reverse(f"sessions_app:{name}", kwargs={
        "organizer_slug": ta["organizer"].slug, "request_id": ta["request"].pk, **kwargs})


def _reload(ta) -> AssistanceRequest:
    with scopes_disabled():
        return AssistanceRequest.objects.get(pk=ta["request"].pk)


def _feed_events(person) -> list:
    with scopes_disabled():
        token = create_calendar_feed(user=person)
    from django.test import Client

    body = Client().get(reverse("feeds:calendar", kwargs={"token": token})).content
    calendar = Calendar.from_ical(body)
    return [e for e in calendar.walk("VEVENT") if str(e["UID"]).startswith("assistance-appointment-")], body


def _set(client, ta, capture, **changes):
    with capture(execute=True):
        return client.post(_url(ta, "assistance_appointment"), {**TYPED, **changes})


def test_the_facilitator_sets_the_call_and_the_participant_reads_it_in_their_zone_everywhere(
        ta, client_for, django_capture_on_commit_callbacks):
    facilitator = client_for(ta["facilitator"])
    page = facilitator.get(_url(ta, "assistance_appointment")).content.decode()
    assert "America/Chicago" in page and "Tuesday mornings" in page

    response = _set(facilitator, ta, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    saved = _reload(ta)
    assert (saved.appointment_starts_at, saved.appointment_ends_at) == (STARTS_UTC, STARTS_UTC + dt.timedelta(hours=1))
    assert saved.assigned_to == ta["facilitator"] and saved.status == AssistanceRequest.Status.ASSIGNED

    # The participant's email: her own zone, named, and the invitation on the cohort's clock.
    [message] = mail.outbox
    assert message.to == [ta["person"].email]
    assert message.body.startswith("Hello Ada Lovelace")
    assert "Tue 15 Jan 2030, 17:00–18:00 CET (Europe/Amsterdam)" in message.body
    assert "https://meet.example/ta-room" in message.body and "17:00" in message.subject
    name, content, mimetype = message.attachments[0]
    assert mimetype == "text/calendar" and "METHOD:REQUEST" in content
    assert "DTSTART;TZID=America/Chicago:20300115T100000" in content and "BEGIN:VTIMEZONE" in content

    # My schedule lists it in her zone; the page of the request offers it for her calendar.
    schedule = client_for(ta["person"]).get(reverse("sessions_app:schedule", kwargs={
        "organizer_slug": ta["organizer"].slug})).content.decode()
    assert "Our data story" in schedule and "Tue 15 Jan 2030, 17:00 CET" in schedule
    ics_file = client_for(ta["person"]).get(_url(ta, "assistance_appointment_ics"))
    assert ics_file.status_code == 200 and "METHOD" not in ics_file.content.decode()

    # Her calendar feed: the right moment in UTC, written with the cohort's TZID.
    [event], body = _feed_events(ta["person"])
    assert event["DTSTART"].params["TZID"] == "America/Chicago"
    assert event.decoded("DTSTART").astimezone(UTC) == STARTS_UTC
    assert event.decoded("DTEND").astimezone(UTC) == STARTS_UTC + dt.timedelta(hours=1)
    assert str(event["LOCATION"]) == "https://meet.example/ta-room" and b"BEGIN:VTIMEZONE" in body
    # The facilitator's feed has it too.
    assert len(_feed_events(ta["facilitator"])[0]) == 1


def test_moving_and_cancelling_the_call_update_the_feed_and_tell_the_participant(
        ta, client_for, django_capture_on_commit_callbacks):
    staff = client_for(ta["staff"])
    _set(staff, ta, django_capture_on_commit_callbacks)
    [first] = _feed_events(ta["person"])[0]

    mail.outbox.clear()
    _set(staff, ta, django_capture_on_commit_callbacks, start="11:30", minutes="45")
    [moved] = [m for m in mail.outbox if m.to == [ta["person"].email]]
    assert "It was: Tue 15 Jan 2030, 17:00–18:00 CET" in moved.body
    assert "It is now: Tue 15 Jan 2030, 18:30–19:15 CET (Europe/Amsterdam)" in moved.body
    [event] = _feed_events(ta["person"])[0]
    assert event.decoded("DTSTART").astimezone(UTC) == STARTS_UTC + dt.timedelta(hours=1, minutes=30)
    assert event["SEQUENCE"] > first["SEQUENCE"]  # calendar apps replace the old event

    # The same time again changes nothing and sends nothing.
    mail.outbox.clear()
    _set(staff, ta, django_capture_on_commit_callbacks, start="11:30", minutes="45")
    assert mail.outbox == []

    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(_url(ta, "assistance_appointment_cancel"), follow=True)
    assert "The call is cancelled" in response.content.decode()
    [cancelled] = [m for m in mail.outbox if m.to == [ta["person"].email]]
    assert "18:30–19:15 CET (Europe/Amsterdam) is cancelled" in cancelled.body
    content = cancelled.attachments[0][1]
    assert "METHOD:CANCEL" in content and "STATUS:CANCELLED" in content
    assert _feed_events(ta["person"])[0] == []
    assert not _reload(ta).has_appointment
    schedule = client_for(ta["person"]).get(reverse("sessions_app:schedule", kwargs={
        "organizer_slug": ta["organizer"].slug})).content.decode()
    assert "No technical assistance calls set." in schedule


def test_closing_a_request_cancels_its_coming_call(ta, client_for, django_capture_on_commit_callbacks):
    staff = client_for(ta["staff"])
    _set(staff, ta, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(_url(ta, "assistance_detail"), {"action": "close"})
    assert _reload(ta).status == AssistanceRequest.Status.CLOSED and not _reload(ta).has_appointment
    assert any("is cancelled" in m.body for m in mail.outbox if m.to == [ta["person"].email])
    assert _feed_events(ta["person"])[0] == []


@pytest.mark.parametrize("changes, words", [
    ({"day": "2020-01-15"}, "Choose a time that has not passed yet."),
    ({"where": " "}, "This field is required."),
    ({"minutes": "5"}, "Ensure this value is greater than or equal to 10."),
    ({"start": "25:00"}, "Enter a valid time."),
    ({"day": "2030-03-10", "start": "02:30"}, "02:30 does not exist on 10 March 2030 in America/Chicago"),
    ({"day": "9999-12-31", "start": "23:30", "minutes": "480"}, "Choose a date within the next few years."),
    ({"minutes": "9" * 23}, "Ensure this value is less than or equal to 480."),
])
def test_bad_input_gives_a_message_and_changes_nothing(ta, client_for, django_capture_on_commit_callbacks,
                                                        changes, words):
    response = _set(client_for(ta["staff"]), ta, django_capture_on_commit_callbacks, **changes)
    assert response.status_code == 400 and words in response.content.decode()
    assert not _reload(ta).has_appointment and mail.outbox == []


def test_only_those_who_handle_the_request_set_the_call_and_only_they_and_the_requester_see_it(
        ta, client_for, django_capture_on_commit_callbacks):
    _set(client_for(ta["staff"]), ta, django_capture_on_commit_callbacks)
    classmate = UserFactory()
    enroll(ta["cohort"], classmate)
    other_facilitator = facilitator_of(CohortFactory(program__organizer=ta["organizer"]))
    for outsider in (classmate, other_facilitator, ta["person"]):
        client = client_for(outsider)
        assert client.get(_url(ta, "assistance_appointment")).status_code == 404
        assert client.post(_url(ta, "assistance_appointment"), {**TYPED, "start": "12:00"}).status_code == 404
        assert client.post(_url(ta, "assistance_appointment_cancel")).status_code == 404
    for outsider in (classmate, other_facilitator):
        assert client_for(outsider).get(_url(ta, "assistance_appointment_ics")).status_code == 404
    assert _reload(ta).appointment_starts_at == STARTS_UTC


def test_the_admin_shows_and_takes_the_call_in_the_cohorts_zone_and_tells_the_participant(
        ta, client_for, django_capture_on_commit_callbacks):
    staff = client_for(ta["staff"])
    _set(staff, ta, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    url = reverse("admin:sessions_app_assistancerequest_change", args=[ta["request"].pk])
    page = staff.get(url).content.decode()
    assert "Time in America/Chicago" in page
    data = form_as_shown(page, "assistancerequest_form")
    assert data["appointment_starts_at_0"] == ["2030-01-15"] and data["appointment_starts_at_1"] == ["10:00:00"]

    data["appointment_starts_at_1"], data["appointment_ends_at_1"] = ["14:00:00"], ["15:00:00"]
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(url, data)
    assert response.status_code == 302
    assert _reload(ta).appointment_starts_at == dt.datetime(2030, 1, 15, 20, 0, tzinfo=UTC)
    [message] = [m for m in mail.outbox if m.to == [ta["person"].email]]
    assert "It is now: Tue 15 Jan 2030, 21:00–22:00 CET (Europe/Amsterdam)" in message.body

    data["appointment_ends_at_1"] = ["13:00:00"]  # ends before it starts: refused, nothing changes
    refused = staff.post(url, data)
    assert refused.status_code == 200 and "ends after it starts" in refused.content.decode()
    assert _reload(ta).appointment_ends_at == dt.datetime(2030, 1, 15, 21, 0, tzinfo=UTC)
    list_page = staff.get(reverse("admin:sessions_app_assistancerequest_changelist")).content.decode()
    assert "Tue 15 Jan 2030, 14:00 CST" in list_page


def test_the_email_zone_follows_the_reader(ta, client_for, django_capture_on_commit_callbacks):
    """Without a zone of her own, the participant reads the cohort's."""
    with scopes_disabled():
        type(ta["person"]).objects.filter(pk=ta["person"].pk).update(time_zone=None)
    _set(client_for(ta["staff"]), ta, django_capture_on_commit_callbacks)
    [message] = [m for m in mail.outbox if m.to == [ta["person"].email]]
    assert "Tue 15 Jan 2030, 10:00–11:00 CST (America/Chicago)" in message.body
