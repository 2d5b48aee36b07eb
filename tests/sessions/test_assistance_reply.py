"""A participant replies to a technical-assistance answer: a thread on the request."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from organizers.roles import Role
from sessions_app.models import AssistanceReply, AssistanceRequest
from tests.factories import CohortFactory, member

from .factories import SessionFactory, enroll, facilitator_of

pytestmark = pytest.mark.django_db


def _detail(request_obj):
    return reverse("sessions_app:assistance_detail", kwargs={"organizer_slug": request_obj.organizer.slug,
                                                              "request_id": request_obj.id})


def _answered_request(organizer, client_for, capture):
    cohort = CohortFactory(program__organizer=organizer)
    start = timezone.now() - dt.timedelta(days=1)
    session = SessionFactory(cohort=cohort, starts_at=start, ends_at=start + dt.timedelta(hours=2))
    requester = enroll(cohort).person
    client_for(requester).post(reverse("sessions_app:assistance_new", kwargs={
        "organizer_slug": organizer.slug, "session_id": session.id}),
        {"topic": "Board talking points", "description": "How do we explain the equity audit to our board?"})
    with scopes_disabled():
        request_obj = AssistanceRequest.objects.get()
    facilitator = facilitator_of(cohort)
    with capture(execute=True):
        client_for(member(organizer, Role.STAFF)).post(_detail(request_obj), {"action": "assign",
                                                                              "assignee": facilitator.id})
        client_for(facilitator).post(_detail(request_obj), {"action": "answer", "answer": "Start from the mission."})
    return request_obj, requester, facilitator, cohort


def test_the_requester_replies_the_helper_is_told_and_the_request_opens_again(organizer, client_for,
                                                                               django_capture_on_commit_callbacks):
    request_obj, requester, facilitator, cohort = _answered_request(organizer, client_for,
                                                                     django_capture_on_commit_callbacks)
    client = client_for(requester)
    page = client.get(_detail(request_obj)).content.decode()
    assert "Reply to the answer" in page and "Start from the mission." in page

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_detail(request_obj), {"action": "reply",
                                                      "body": "Thanks! Could you share an example slide?"}, follow=True)
    page = response.content.decode()
    assert "Your reply is sent." in page
    # The thread reads in order: the answer, then the reply.
    assert page.index("Start from the mission.") < page.index("Could you share an example slide?")
    with scopes_disabled():
        request_obj.refresh_from_db()
    assert request_obj.status == AssistanceRequest.Status.ASSIGNED  # answered → open again, still with the helper
    assert [m.to for m in mail.outbox] == [[facilitator.email]]
    assert "Could you share an example slide?" in mail.outbox[0].body and _detail(request_obj) in mail.outbox[0].body
    # The helper sees the reply and answers again; both answers stay in the thread.
    with django_capture_on_commit_callbacks(execute=True):
        client_for(facilitator).post(_detail(request_obj), {"action": "answer", "answer": "Here is one: slide 3."})
    page = client.get(_detail(request_obj)).content.decode()
    assert "Start from the mission." in page and "slide 3" in page and "Answered" in page


def test_a_reply_to_a_closed_request_reopens_it_and_bad_replies_change_nothing(organizer, client_for,
                                                                                 django_capture_on_commit_callbacks):
    request_obj, requester, facilitator, cohort = _answered_request(organizer, client_for,
                                                                     django_capture_on_commit_callbacks)
    client_for(member(organizer, Role.STAFF)).post(_detail(request_obj), {"action": "close"})
    client = client_for(requester)
    with scopes_disabled():
        before = AssistanceReply.objects.count()
    for bad in ({"action": "reply", "body": "   "}, {"action": "reply", "body": "x" * 5001}, {"action": "reply"}):
        response = client.post(_detail(request_obj), bad)
        assert response.status_code == 400 and "is-invalid" in response.content.decode()
    with scopes_disabled():
        assert AssistanceReply.objects.count() == before
        request_obj.refresh_from_db()
    assert request_obj.status == AssistanceRequest.Status.CLOSED

    client.post(_detail(request_obj), {"action": "reply", "body": "One more question, please."})
    with scopes_disabled():
        request_obj.refresh_from_db()
    assert request_obj.status == AssistanceRequest.Status.ASSIGNED and request_obj.closed_at is None
    # Only the requester replies: another participant, or the requester of someone else's request, gets 404.
    other = enroll(cohort).person
    assert client_for(other).post(_detail(request_obj), {"action": "reply", "body": "me too"}).status_code == 404
    assert client_for(other).get(_detail(request_obj)).status_code == 404


def test_a_reply_nobody_has_yet_alerts_staff(organizer, client_for, django_capture_on_commit_callbacks):
    cohort = CohortFactory(program__organizer=organizer)
    start = timezone.now() - dt.timedelta(days=1)
    session = SessionFactory(cohort=cohort, starts_at=start, ends_at=start + dt.timedelta(hours=2))
    requester = enroll(cohort).person
    staff = member(organizer, Role.STAFF)
    client = client_for(requester)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("sessions_app:assistance_new", kwargs={"organizer_slug": organizer.slug,
                                                                   "session_id": session.id}),
                    {"topic": "Survey design", "description": "Which questions?"})
    with scopes_disabled():
        request_obj = AssistanceRequest.objects.get()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_detail(request_obj), {"action": "reply", "body": "Also: how long should it be?"})
    assert staff.email in [m.to[0] for m in mail.outbox]
    assert any("how long should it be" in m.body or "Survey design" in m.body for m in mail.outbox)
