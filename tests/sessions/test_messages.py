"""Reminders, changed times, after-session messages, check-ins and the one-click opt-out."""

import datetime as dt
from urllib.parse import urlsplit

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from notifications.models import OutboundMessage
from organizers.roles import Role
from sessions_app import tasks
from sessions_app.services.office_hours import book_office_hour
from sessions_app.services.reminders import UNSUBSCRIBE_MAX_AGE, unsubscribe_url
from sessions_app.services.sessions import record_attendance, reschedule_session
from sessions_app.models import CheckInRound, CohortSessionSettings, OrganizerMessagingSettings, SessionReminder
from tests.factories import CohortFactory, UserFactory, member

from .factories import OfficeHourWindowFactory, SessionFactory, enroll, publish

pytestmark = pytest.mark.django_db


def _outbox(template=None):
    with scopes_disabled():
        rows = OutboundMessage.objects.order_by("id")
        if template:
            rows = rows.filter(template=template)
        return list(rows)


def _sweep(capture, task=tasks.sweep_session_reminders):
    with capture(execute=True):
        return task.delay().get()


def test_reminders_go_once_per_window_and_a_second_sweep_is_harmless(organizer, django_capture_on_commit_callbacks):
    cohort = CohortFactory(program__organizer=organizer)
    soon = SessionFactory(cohort=cohort, title="Race and Power", starts_at=timezone.now() + dt.timedelta(minutes=50))
    SessionFactory(cohort=cohort, title="Later", starts_at=timezone.now() + dt.timedelta(days=5))
    people = [enroll(cohort).person for _ in range(3)]

    _sweep(django_capture_on_commit_callbacks)
    _sweep(django_capture_on_commit_callbacks)
    reminders = _outbox("sessions/reminder")
    assert sorted(m.dedupe_key for m in reminders) == sorted(
        f"reminder:session={soon.id}:user={p.id}:1h" for p in people)
    assert len(mail.outbox) == 3 and "Race and Power" in mail.outbox[0].subject
    assert "video.example/secret-room" in mail.outbox[0].body  # enrolled people get the link
    assert "/messages/optional/" in mail.outbox[0].body  # non-essential: one-click opt-out in the footer
    with scopes_disabled():
        assert SessionReminder.objects.get().hours_before == 1


def test_the_24_hour_window_and_per_organizer_settings(organizer, django_capture_on_commit_callbacks):
    cohort = CohortFactory(program__organizer=organizer)
    session = SessionFactory(cohort=cohort, starts_at=timezone.now() + dt.timedelta(hours=20))
    person = enroll(cohort).person
    _sweep(django_capture_on_commit_callbacks)
    assert [m.dedupe_key for m in _outbox()] == [f"reminder:session={session.id}:user={person.id}:24h"]

    with scopes_disabled():
        OrganizerMessagingSettings.objects.create(organizer=organizer, session_reminder_hours="2")
    later = SessionFactory(cohort=cohort, starts_at=timezone.now() + dt.timedelta(hours=20))
    _sweep(django_capture_on_commit_callbacks)
    assert not [m for m in _outbox() if f"session={later.id}" in m.dedupe_key]


def test_opted_out_people_get_no_reminders_but_do_get_changed_times(organizer, client_for, django_capture_on_commit_callbacks):
    cohort = CohortFactory(program__organizer=organizer, time_zone="America/Chicago")
    session = SessionFactory(cohort=cohort, starts_at=timezone.now() + dt.timedelta(minutes=30))
    person = enroll(cohort, UserFactory(time_zone="America/Chicago")).person
    with scope(organizer=organizer.id):
        link = unsubscribe_url(organizer=organizer, user=person)
    path = urlsplit(link).path

    # One click, no login; the page confirms.
    assert "no longer get reminders" in client_for(None).post(path).content.decode()
    person.refresh_from_db()
    assert person.opted_out_of_optional_messages
    _sweep(django_capture_on_commit_callbacks)
    assert [m.status for m in _outbox("sessions/reminder")] == [OutboundMessage.Status.SUPPRESSED]
    assert mail.outbox == []

    new_start = dt.datetime(2030, 3, 5, 16, 0, tzinfo=dt.timezone.utc)
    with scope(organizer=organizer.id), django_capture_on_commit_callbacks(execute=True):
        reschedule_session(session=session, starts_at=new_start, ends_at=new_start + dt.timedelta(hours=2))
    (changed,) = mail.outbox
    assert changed.to == [person.email] and "New time" in changed.subject
    assert "Tuesday 5 March 2030, 10:00" in changed.body and "CST" in changed.body
    assert "/messages/optional/" not in changed.body  # essential: no opt-out footer

    # A tampered token or another organizer's address is 404 and changes nothing.
    other = member(organizer, Role.STAFF)
    assert client_for(None).get(path[:-3] + "xyz/").status_code == 404
    from tests.factories import OrganizerFactory

    elsewhere = OrganizerFactory(slug="elsewhere")
    assert client_for(None).get(path.replace(f"/{organizer.slug}/", f"/{elsewhere.slug}/")).status_code == 404
    other.refresh_from_db()
    assert not other.opted_out_of_optional_messages
    client_for(None).post(path, {"resubscribe": "1"})
    person.refresh_from_db()
    assert not person.opted_out_of_optional_messages


def test_admin_changing_a_time_sends_the_changed_time_message(organizer, client_for, django_capture_on_commit_callbacks):
    cohort = CohortFactory(program__organizer=organizer)
    session = SessionFactory(cohort=cohort, starts_at=timezone.now() + dt.timedelta(days=10))
    person = enroll(cohort).person
    staff = member(organizer, Role.STAFF)
    url = reverse("admin:sessions_app_session_change", args=[session.id])
    # Staff type times in the organizer's zone; the end is computed as a whole
    # date and time so a start late in the evening does not end "yesterday".
    new_start = timezone.localtime(session.starts_at + dt.timedelta(days=1), organizer.time_zone)
    new_end = new_start + dt.timedelta(hours=1)
    data = {
        "organizer": organizer.id, "cohort": cohort.id, "kind": "training", "title": session.title,
        "description": "", "starts_at_0": new_start.strftime("%Y-%m-%d"), "starts_at_1": new_start.strftime("%H:%M:%S"),
        "ends_at_0": new_end.strftime("%Y-%m-%d"), "ends_at_1": new_end.strftime("%H:%M:%S"),
        "location": "", "video_url": "", "capacity": "",
        "attendances-TOTAL_FORMS": "0", "attendances-INITIAL_FORMS": "0",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(staff).post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert [m.template for m in _outbox()] == ["sessions/time_changed"]
    assert mail.outbox[0].to == [person.email]


def test_after_session_message_offers_assistance_and_feedback(organizer, client_for, django_capture_on_commit_callbacks):
    cohort = CohortFactory(program__organizer=organizer)
    start = timezone.now() - dt.timedelta(hours=3)
    session = SessionFactory(cohort=cohort, starts_at=start, ends_at=start + dt.timedelta(hours=2))
    came, missed = enroll(cohort).person, enroll(cohort).person
    with scope(organizer=organizer.id):
        record_attendance(session=session, by=None, marks={came.id: "present", missed.id: "absent"})
    _sweep(django_capture_on_commit_callbacks)
    _sweep(django_capture_on_commit_callbacks)
    (message,) = mail.outbox
    assert message.to == [came.email] and "/assistance/" in message.body and "/feedback/" in message.body

    feedback = reverse("sessions_app:session_feedback", kwargs={"organizer_slug": organizer.slug, "session_id": session.id})
    assert client_for(came).post(feedback, {"rating": "9"}).status_code == 200  # invalid: form again
    assert client_for(came).post(feedback, {"rating": "5", "comment": "Useful"}).status_code == 302
    with scopes_disabled():
        assert session.feedback.get().rating == 5


def test_office_hour_reminders_reach_both_sides(organizer, django_capture_on_commit_callbacks):
    host = member(organizer, Role.STAFF)
    window = OfficeHourWindowFactory(organizer=organizer, host=host, first_date=timezone.localdate(),
                                     start_time=dt.time(0, 0), slots_per_window=1)
    (slot,) = publish(window)
    with scopes_disabled():
        slot.starts_at = timezone.now() + dt.timedelta(minutes=40)
        slot.ends_at = slot.starts_at + dt.timedelta(minutes=30)
        slot.save()
        person = enroll(CohortFactory(program__organizer=organizer)).person
    with scope(organizer=organizer.id):
        book_office_hour(slot=slot, person=person)
    _sweep(django_capture_on_commit_callbacks)
    _sweep(django_capture_on_commit_callbacks)
    assert sorted(m.recipient_id for m in _outbox("sessions/office_hour_reminder")) == sorted([person.id, host.id])


def test_checkins_after_the_cohort_ends(organizer, client_for, django_capture_on_commit_callbacks):
    today = timezone.localdate()
    cohort = CohortFactory(program__organizer=organizer, starts_on=today - dt.timedelta(days=200),
                           ends_on=today - dt.timedelta(days=35))
    with scopes_disabled():
        CohortSessionSettings.objects.create(organizer=organizer, cohort=cohort, checkin_months="1, 3",
                                             checkin_questions="What changed?\nWhat support would help?")
    answering, silent = enroll(cohort).person, enroll(cohort, status="completed").person
    enroll(cohort, status="cancelled")

    _sweep(django_capture_on_commit_callbacks, tasks.sweep_checkins)
    _sweep(django_capture_on_commit_callbacks, tasks.sweep_checkins)
    with scopes_disabled():
        round_ = CheckInRound.objects.get()
    assert round_.months_after == 1 and round_.questions == ["What changed?", "What support would help?"]
    assert sorted(m.recipient_id for m in _outbox("sessions/checkin")) == sorted([answering.id, silent.id])

    url = reverse("sessions_app:checkin", kwargs={"organizer_slug": organizer.slug, "round_id": round_.id})
    schedule = reverse("sessions_app:schedule", kwargs={"organizer_slug": organizer.slug})
    assert url in client_for(answering).get(schedule).content.decode()  # waiting on their schedule page
    form = client_for(answering).get(url).content.decode()
    assert "What changed?" in form
    assert "Answer at least one question" in client_for(answering).post(url, {"q0": " ", "q1": ""}).content.decode()
    client_for(answering).post(url, {"q0": "We adopted an equity lens in hiring.", "q1": ""})
    assert "Thank you" in client_for(answering).get(url).content.decode()
    assert url not in client_for(answering).get(schedule).content.decode()
    assert client_for(UserFactory()).get(url).status_code == 404

    staff = member(organizer, Role.STAFF)
    responses = reverse("sessions_app:checkin_responses", kwargs={"organizer_slug": organizer.slug, "round_id": round_.id})
    report = reverse("sessions_app:attendance_report", kwargs={"organizer_slug": organizer.slug, "cohort_id": cohort.id})
    assert responses in client_for(staff).get(report).content.decode()
    page = client_for(staff).get(responses).content.decode()
    assert "Not answered yet (1)" in page and silent.email in page and "equity lens in hiring" in page
    assert client_for(answering).get(responses).status_code == 404

    # One reminder to non-responders, a week after sending; never a second one.
    with scopes_disabled():
        CheckInRound.objects.filter(id=round_.id).update(sent_at=timezone.now() - dt.timedelta(days=8))
    _sweep(django_capture_on_commit_callbacks, tasks.sweep_checkins)
    _sweep(django_capture_on_commit_callbacks, tasks.sweep_checkins)
    assert [m.recipient_id for m in _outbox("sessions/checkin_reminder")] == [silent.id]


@pytest.mark.parametrize(("before", "says"), [
    (dt.timedelta(hours=6, minutes=30), "today at"),
    (dt.timedelta(minutes=55), "in 55 minutes, at"),
])
def test_a_reminder_says_the_time_actually_left(organizer, django_capture_on_commit_callbacks, before, says):
    session_at = dt.datetime(2030, 12, 3, 9, 0, tzinfo=dt.timezone.utc)  # Tue 10:00 CET
    with time_machine.travel(session_at - before, tick=False):
        _remind_and_check(organizer, django_capture_on_commit_callbacks, session_at, says)


def _remind_and_check(organizer, django_capture_on_commit_callbacks, session_at, says):
    cohort = CohortFactory(program__organizer=organizer, time_zone="Europe/Amsterdam")
    SessionFactory(cohort=cohort, title="Orientation call", starts_at=session_at)
    enroll(cohort, UserFactory(time_zone=None))
    _sweep(django_capture_on_commit_callbacks)
    subject = mail.outbox[0].subject
    assert subject.startswith("Reminder: Orientation call ") and says in subject
    assert "24 hours" not in subject and "10:00 CET" in subject


def test_opt_out_follows_rfc_8058_and_a_get_or_head_changes_nothing(organizer, client_for, django_capture_on_commit_callbacks):
    """Probe finding 5: link scanners (GET, HEAD) change nothing; mail clients POST the
    one-click body to the address in List-Unsubscribe; old links expire."""
    import time_machine

    cohort = CohortFactory(program__organizer=organizer)
    SessionFactory(cohort=cohort, starts_at=timezone.now() + dt.timedelta(minutes=30))
    person = enroll(cohort).person
    _sweep(django_capture_on_commit_callbacks)
    (reminder,) = mail.outbox
    assert reminder.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = reminder.extra_headers["List-Unsubscribe"].strip("<>")
    path = urlsplit(link).path
    assert path in reminder.body
    anonymous = client_for(None)
    assert anonymous.head(path).status_code == 200
    page = anonymous.get(path)
    assert page.status_code == 200 and "Stop optional messages" in page.content.decode()
    person.refresh_from_db()
    assert not person.opted_out_of_optional_messages
    assert anonymous.post(path, {"List-Unsubscribe": "One-Click"}).status_code == 200
    person.refresh_from_db()
    assert person.opted_out_of_optional_messages
    with time_machine.travel(timezone.now() + UNSUBSCRIBE_MAX_AGE + dt.timedelta(days=1)):
        expired = anonymous.post(path, {"resubscribe": "1"})
    assert expired.status_code == 410 and "expired" in expired.content.decode()
    person.refresh_from_db()
    assert person.opted_out_of_optional_messages
