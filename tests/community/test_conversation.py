"""Posting, replying, mentioning, reporting and hiding, end to end through the pages, with the emails."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from community import services
from community.models import ModerationEvent, Post, Report, SpaceMember, Thread
from organizers.roles import Role
from sessions_app.services.sessions import grant_facilitation
from tests.factories import CohortFactory, UserFactory, member

from .factories import cohort_space, participant

pytestmark = pytest.mark.django_db

GUIDELINES = "Speak from your own experience."


@pytest.fixture
def room(organizer):
    cohort = CohortFactory(program__organizer=organizer)
    space = cohort_space(cohort, title="Cohort space", guidelines=GUIDELINES)
    facilitator = member(organizer, Role.FACILITATOR, full_name="Fay Facilitator")
    with scopes_disabled():
        grant_facilitation(cohort=cohort, user=facilitator)
    people = {
        "maria": participant(cohort, full_name="Maria Lopez"),
        "ken": participant(cohort, full_name="Ken Ito"),
        "chris": participant(cohort, full_name="Chris Doe"),
        "eager": participant(cohort, full_name="Eve Every"),
        "fay": facilitator,
    }
    with scopes_disabled():
        SpaceMember.objects.create(organizer=organizer, space=space, person=people["eager"],
                                   notify=SpaceMember.Notify.EVERY_POST)
    return space, people


def url(space, name, **kwargs):
    return reverse(f"community:{name}", kwargs={"organizer_slug": space.organizer.slug, **kwargs})


def sent_to(person):
    return [m for m in mail.outbox if m.to == [person.email]]


def test_a_conversation_from_first_post_to_hidden_reply(room, client_for, django_capture_on_commit_callbacks):
    space, p = room
    maria, ken, chris, fay = (client_for(p[k]) for k in ("maria", "ken", "chris", "fay"))

    # First post: the guidelines are shown and must be agreed to.
    page = maria.get(url(space, "new_thread", space_id=space.pk))
    assert GUIDELINES in page.content.decode() and "Before your first post" in page.content.decode()
    refused = maria.post(url(space, "new_thread", space_id=space.pk), {"title": "Funding an equity lead", "body": "How?"})
    assert refused.status_code == 400 and "This field is required" in refused.content.decode()
    with scopes_disabled():
        assert not Thread.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = maria.post(url(space, "new_thread", space_id=space.pk), {
            "title": "Funding an equity lead", "body": "How did you **fund** it?", "accept_guidelines": "on"})
    with scopes_disabled():
        thread = Thread.objects.get()
    assert response.status_code == 302
    # Only the person who asked for every post hears about a new thread.
    assert [m.to for m in mail.outbox] == [[p["eager"].email]]
    assert "New thread in Cohort space: Funding an equity lead" == mail.outbox[0].subject
    assert "Maria Lopez started a thread" in mail.outbox[0].body
    assert "Before your first post" not in maria.get(url(space, "new_thread", space_id=space.pk)).content.decode()

    # A reply that mentions two people: Maria (also the thread's author) gets one email, Chris one.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        ken.post(url(space, "reply", thread_id=thread.pk), {
            "body": "@Maria Lopez we split it across two budgets. @Chris Doe did the same?", "accept_guidelines": "on"})
    assert len(sent_to(p["maria"])) == 1 and sent_to(p["maria"])[0].subject == "Ken Ito mentioned you in “Funding an equity lead”"
    assert len(sent_to(p["chris"])) == 1 and "Ken Ito mentioned you" in sent_to(p["chris"])[0].body
    assert len(sent_to(p["eager"])) == 1 and sent_to(p["eager"])[0].subject == "Ken Ito replied in “Funding an equity lead”"
    assert not sent_to(p["ken"]) and not sent_to(p["fay"])
    message = sent_to(p["maria"])[0]
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "/community/unsubscribe/" in message.extra_headers["List-Unsubscribe"]

    # Unread for Maria until she opens the thread.
    assert "badge text-bg-primary\">New" in maria.get(url(space, "space", space_id=space.pk)).content.decode()
    thread_page = maria.get(url(space, "thread", thread_id=thread.pk)).content.decode()
    assert "<strong>fund</strong>" in thread_page and "we split it across two budgets" in thread_page
    assert "badge text-bg-primary\">New" not in maria.get(url(space, "space", space_id=space.pk)).content.decode()

    # Edit: visibly marked; a second mention by editing notifies only the newly named person.
    with scopes_disabled():
        opening = Post.objects.get(thread=thread, is_opening=True)
        ken_reply = Post.objects.get(thread=thread, is_opening=False)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        maria.post(url(space, "edit_post", post_id=opening.pk), {"title": "Funding an equity lead", "body": "How did you fund it? @Ken Ito"})
    assert "edited</span>" in maria.get(url(space, "thread", thread_id=thread.pk)).content.decode()
    assert [m.to for m in mail.outbox] == [[p["ken"].email]]
    assert maria.get(url(space, "edit_post", post_id=ken_reply.pk)).status_code == 404  # not hers

    # Chris reports Ken's reply; the facilitator is told.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        chris.post(url(space, "report_post", post_id=ken_reply.pk), {"reason": "Shares a colleague's salary."})
    assert [m.to for m in mail.outbox] == [[p["fay"].email]]
    assert "Chris Doe reported a post" in mail.outbox[0].body and "Shares a colleague's salary." in mail.outbox[0].body
    again = chris.post(url(space, "report_post", post_id=ken_reply.pk), {"reason": "Again"})
    assert again.status_code == 400 and "already reported" in again.content.decode()
    assert client_for(p["maria"]).get(url(space, "reports", space_id=space.pk)).status_code == 404
    assert "Shares a colleague" in fay.get(url(space, "reports", space_id=space.pk)).content.decode()

    # A member cannot hide; the facilitator hides it: gone for members, kept for staff and facilitators.
    assert maria.post(url(space, "hide_post", post_id=ken_reply.pk), {"hidden": "1"}).status_code == 404
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        fay.post(url(space, "hide_post", post_id=ken_reply.pk), {"hidden": "1", "reason": "Private information"})
    assert [m.to for m in mail.outbox] == [[p["ken"].email]]
    assert "Your post in Cohort space was hidden" == mail.outbox[0].subject and "Private information" in mail.outbox[0].body
    for who in (maria, ken, chris):
        assert "we split it across two budgets" not in who.get(url(space, "thread", thread_id=thread.pk)).content.decode()
    assert ken.get(url(space, "edit_post", post_id=ken_reply.pk)).status_code == 404
    staff_view = client_for(member(space.organizer, Role.STAFF)).get(url(space, "thread", thread_id=thread.pk)).content.decode()
    assert "we split it across two budgets" in staff_view and "Hidden from members" in staff_view
    with scopes_disabled():
        assert Report.objects.get().resolution == "Post hidden"
        event = ModerationEvent.objects.get(action=ModerationEvent.Action.HIDE_POST)
        assert (event.actor, event.post_id, event.detail) == (p["fay"], ken_reply.pk, "Private information")
    assert "0 replies" in maria.get(url(space, "space", space_id=space.pk)).content.decode()


def test_locking_pinning_moving_and_deleting(room, organizer, client_for, django_capture_on_commit_callbacks):
    space, p = room
    other = cohort_space(CohortFactory(program__organizer=organizer), title="Another space")
    maria, ken, fay = (client_for(p[k]) for k in ("maria", "ken", "fay"))
    staff = client_for(member(organizer, Role.STAFF))
    with django_capture_on_commit_callbacks(execute=True):
        maria.post(url(space, "new_thread", space_id=space.pk), {"title": "Lock me", "body": "Text", "accept_guidelines": "on"})
        maria.post(url(space, "new_thread", space_id=space.pk), {"title": "Newer thread", "body": "Text"})
    with scopes_disabled():
        thread = Thread.objects.get(title="Lock me")

    assert maria.post(url(space, "moderate", thread_id=thread.pk), {"action": "lock"}).status_code == 404
    fay.post(url(space, "moderate", thread_id=thread.pk), {"action": "lock", "reason": "Heated"})
    fay.post(url(space, "moderate", thread_id=thread.pk), {"action": "pin"})
    locked = ken.post(url(space, "reply", thread_id=thread.pk), {"body": "One more", "accept_guidelines": "on"})
    assert locked.status_code == 400 and "This thread is locked" in locked.content.decode()
    with scopes_disabled():
        assert Post.objects.filter(thread=thread).count() == 1
    listing = ken.get(url(space, "space", space_id=space.pk)).content.decode()
    assert listing.index("Lock me") < listing.index("Newer thread")  # pinned first

    # Facilitators cannot move into a space they do not moderate; staff can.
    assert "Another space" not in fay.get(url(space, "thread", thread_id=thread.pk)).content.decode()
    staff.post(url(space, "moderate", thread_id=thread.pk), {"action": "move", "target": other.pk, "reason": "Better fit"})
    with scopes_disabled():
        thread.refresh_from_db()
        assert thread.space == other
        actions = list(ModerationEvent.objects.order_by("id").values_list("space__title", "action"))
    assert actions == [("Cohort space", "lock"), ("Cohort space", "pin"), ("Cohort space", "move"), ("Another space", "move")]

    # Delete by the author only: a placeholder stays.
    with scopes_disabled():
        newer = Post.objects.get(thread__title="Newer thread")
    assert ken.post(url(space, "delete_post", post_id=newer.pk)).status_code == 404
    maria.post(url(space, "delete_post", post_id=newer.pk))
    page = ken.get(url(space, "thread", thread_id=newer.thread_id)).content.decode()
    assert "This post was deleted by its author." in page
    with scopes_disabled():
        newer.refresh_from_db()
        assert newer.body == "" and newer.deleted_at is not None


def test_attachments_are_checked_like_library_uploads(room, client_for, django_capture_on_commit_callbacks, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    from django.core.files.uploadedfile import SimpleUploadedFile

    space, p = room
    maria = client_for(p["maria"])
    program = SimpleUploadedFile("handout.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200, content_type="application/pdf")
    refused = maria.post(url(space, "new_thread", space_id=space.pk),
                         {"title": "Slides", "body": "See attached", "accept_guidelines": "on", "upload": program})
    assert refused.status_code == 400 and "a Windows program" in refused.content.decode()
    with scopes_disabled():
        assert not Thread.objects.exists()
    notes = SimpleUploadedFile("our notes.txt", b"Agreements we keep.\n", content_type="text/plain")
    with django_capture_on_commit_callbacks(execute=True):
        maria.post(url(space, "new_thread", space_id=space.pk),
                   {"title": "Slides", "body": "See attached", "accept_guidelines": "on", "upload": notes})
    with scopes_disabled():
        post = Post.objects.get()
    assert post.attachment.name.startswith(f"private/community/{space.organizer_id}/")
    download = client_for(p["ken"]).get(url(space, "attachment", post_id=post.pk))
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"Agreements we keep.\n"
    assert download["X-Content-Type-Options"] == "nosniff" and 'filename="our notes.txt"' in download["Content-Disposition"]
    assert client_for(UserFactory()).get(url(space, "attachment", post_id=post.pk)).status_code == 404


def test_search_within_a_space(room, organizer, client_for, django_capture_on_commit_callbacks):
    space, p = room
    other = cohort_space(CohortFactory(program__organizer=organizer), title="Another space")
    maria = client_for(p["maria"])
    with django_capture_on_commit_callbacks(execute=True):
        maria.post(url(space, "new_thread", space_id=space.pk), {"title": "Budgets", "body": "Who funds equity staff?", "accept_guidelines": "on"})
        maria.post(url(space, "new_thread", space_id=space.pk), {"title": "Hiring", "body": "Pay transparency questions"})
    staff = client_for(member(organizer, Role.STAFF))
    staff.post(url(other, "new_thread", space_id=other.pk), {"title": "Staffing elsewhere", "body": "equity staff too", "accept_guidelines": "on"})
    found = maria.get(url(space, "space", space_id=space.pk), {"q": "staff"}).content.decode()
    assert "Budgets" in found and "Hiring" not in found and "Staffing elsewhere" not in found
    none = maria.get(url(space, "space", space_id=space.pk), {"q": "zebra"}).content.decode()
    assert "No thread matches “zebra”" in none
    odd = maria.get(url(space, "space", space_id=space.pk), {"q": "staff\x00", "page": "9" * 30})
    assert odd.status_code == 200 and "Budgets" in odd.content.decode()
    assert maria.get(url(space, "space", space_id=space.pk), {"q": "& | !( \"-"}).status_code == 200


def test_one_click_turn_off_from_the_email(room, client_for, django_capture_on_commit_callbacks):
    space, p = room
    with django_capture_on_commit_callbacks(execute=True):
        client_for(p["maria"]).post(url(space, "new_thread", space_id=space.pk),
                                    {"title": "Hello", "body": "Hi all", "accept_guidelines": "on"})
    link = mail.outbox[0].extra_headers["List-Unsubscribe"].strip("<>")
    path = link[link.index("/", len("https://")):]
    anonymous = client_for(None)
    page = anonymous.get(path)  # a link scanner or a person: nothing changes yet
    assert page.status_code == 200 and "Turn off emails from Cohort space" in page.content.decode()
    anonymous.head(path)
    with scopes_disabled():
        assert SpaceMember.objects.get(person=p["eager"]).notify == SpaceMember.Notify.EVERY_POST
    one_click = anonymous.post(path, {"List-Unsubscribe": "One-Click"})  # RFC 8058: no cookie, no CSRF token
    assert one_click.status_code == 200
    with scopes_disabled():
        assert SpaceMember.objects.get(person=p["eager"]).notify == SpaceMember.Notify.NOTHING
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client_for(p["maria"]).post(url(space, "new_thread", space_id=space.pk), {"title": "Again", "body": "Hi"})
    assert not mail.outbox

    with scopes_disabled():
        assert services.read_unsubscribe_token(path.split("/")[-2], organizer_id=space.organizer_id + 1) is None


def test_an_old_turn_off_link_asks_to_sign_in(room, client_for, monkeypatch):
    import time

    space, p = room
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() - services.UNSUBSCRIBE_MAX_AGE.total_seconds() - 3600)
    token = services.unsubscribe_token(space=space, person=p["maria"])
    monkeypatch.setattr(time, "time", real)
    response = client_for(None).post(url(space, "unsubscribe", token=token))
    assert response.status_code == 410 and "This link is too old" in response.content.decode()
    with scopes_disabled():
        assert not SpaceMember.objects.filter(person=p["maria"]).exists()


def test_an_announcement_reaches_everyone_but_those_who_chose_the_digest_or_nothing(room, client_for, django_capture_on_commit_callbacks):
    space, p = room
    from community import services

    services.update_settings(space=space, person=p["chris"], notify_level=SpaceMember.Notify.NOTHING, in_directory=False)
    services.update_settings(space=space, person=p["ken"], notify_level=SpaceMember.Notify.DAILY_DIGEST, in_directory=False)
    refused = client_for(p["maria"]).post(url(space, "new_thread", space_id=space.pk), {
        "title": "Not mine to announce", "body": "x", "announcement": "on", "accept_guidelines": "on"})
    with scopes_disabled():
        assert not Thread.objects.get().is_announcement  # members cannot announce: the box is not theirs
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client_for(p["fay"]).post(url(space, "new_thread", space_id=space.pk), {
            "title": "No session next week", "body": "We meet again on the 12th.", "announcement": "on",
            "accept_guidelines": "on"})
    assert refused.status_code == 302
    assert sorted(m.to[0] for m in mail.outbox) == sorted([p["maria"].email, p["eager"].email])
    assert all(m.subject == "Announcement in Cohort space: No session next week" for m in mail.outbox)
    listing = client_for(p["ken"]).get(url(space, "space", space_id=space.pk)).content.decode()
    assert listing.index("No session next week") < listing.index("Not mine to announce")
