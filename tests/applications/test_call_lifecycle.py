"""A call is open, closed, selected (offers sent), finished (issue 10, item 4)."""

import datetime as dt

from django.core import mail
from django.utils import timezone
from django_scopes import scopes_disabled

from applications.models import Application, ApplicationCall

from . import scenario
from tests.factories import UserFactory

from .test_apply import url
from .test_selection import start


def answers(call):
    return {"title": "Director", "accommodation_needs": "", "demo_race": ["Indigenous"], "demographics_consent": "on"}


def phase(call):
    with scopes_disabled():
        return ApplicationCall.objects.select_related("cohort").get(pk=call.pk).phase()


def early_scenario(organizer):
    s = scenario.build(organizer)
    with scopes_disabled():
        s.call.deadline = timezone.now() + dt.timedelta(days=3)
        s.call.save(update_fields=["deadline"])
        s.call.cohort.contact_name, s.call.cohort.contact_email = "Rosa Diaz", "rosa@northsound.example"
        s.call.cohort.save(update_fields=["contact_name", "contact_email"])
    return s


def test_confirming_before_the_deadline_asks_first_then_closes_the_call(organizer, client_for,
                                                                        django_capture_on_commit_callbacks):
    s = early_scenario(organizer)
    assert phase(s.call) == "open"
    staff = client_for(s.staff)
    run, page = start(staff, s, django_capture_on_commit_callbacks, seed="7")
    body = page.content.decode()
    assert 'id="early-confirm-warning"' in body and "Close the call now and send the offers" in body

    # One click is not enough: refused with the reason, nobody is told anything.
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(s.url("confirm_run", run_id=run.pk), follow=True)
    assert "has not passed: people can still apply" in response.content.decode()
    assert mail.outbox == [] and phase(s.call) == "open"

    # With the explicit confirmation the offers go out and the call closes.
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(s.url("confirm_run", run_id=run.pk), {"close_early": "yes"}, follow=True)
    assert "4 offers sent" in response.content.decode()
    assert phase(s.call) == "selected"
    with scopes_disabled():
        entry = s.call.audit_entries.get(action="run_confirmed")
    assert entry.detail["closed_before_deadline"] is True

    # Applying now is refused with a message naming the contact, and nothing is saved.
    newcomer = client_for(UserFactory(email="late@example.org"))
    apply_page = newcomer.get(url(s.call)).content.decode()
    assert "the selection has been made" in apply_page and "Rosa Diaz (rosa@northsound.example)" in apply_page
    mail.outbox.clear()
    response = newcomer.post(url(s.call), {**answers(s.call), "action": "submit"})
    text = response.content.decode()
    assert response.status_code == 200
    assert "your changes were not saved" in text and "contact Rosa Diaz (rosa@northsound.example)" in text
    with scopes_disabled():
        assert not Application.objects.filter(applicant__email="late@example.org").exists()
    assert mail.outbox == []  # no "we will write again when the selection is made"


def test_late_applications_go_to_the_waitlist_only_when_staff_allow_it(organizer, client_for,
                                                                      django_capture_on_commit_callbacks):
    s = early_scenario(organizer)
    with scopes_disabled():
        s.call.deadline = timezone.now() - dt.timedelta(minutes=5)
        s.call.save(update_fields=["deadline"])
    assert phase(s.call) == "closed"
    late = client_for(UserFactory(email="late@example.org"))
    response = late.post(url(s.call), {**answers(s.call), "action": "submit"})
    assert "The deadline for this call has passed" in response.content.decode()
    assert "Rosa Diaz (rosa@northsound.example)" in response.content.decode()

    with scopes_disabled():
        s.call.late_applications_to_waitlist = True
        s.call.save(update_fields=["late_applications_to_waitlist"])
    assert "Late applications are still taken, onto the waitlist" in late.get(url(s.call)).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = late.post(url(s.call), {**answers(s.call), "action": "submit"})
    assert response.status_code == 302
    with scopes_disabled():
        application = Application.objects.get(applicant__email="late@example.org")
    assert application.status == Application.Status.WAITLISTED
    assert [m.to for m in mail.outbox if "waitlist" in m.subject] == [["late@example.org"]]
