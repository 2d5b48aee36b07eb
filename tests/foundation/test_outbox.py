"""notify(): written in the caller's transaction, sent once after commit."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from notifications import services
from notifications.models import OutboundMessage
from notifications.tasks import send_outbound_message, sweep_outbox
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _note(organizer, recipient, key="note:1", **extra):
    return services.notify(
        organizer=organizer, recipient=recipient, template="praxis/note", dedupe_key=key,
        context={"subject": "Your seat is confirmed", "name": recipient.display_name, "body": "See you in October."},
        **extra,
    )


def _rows():
    with scopes_disabled():
        return list(OutboundMessage.objects.all())


def test_message_is_sent_after_commit(organizer, django_capture_on_commit_callbacks):
    person = UserFactory(full_name="Rosa Leader")
    with django_capture_on_commit_callbacks(execute=True):
        message, created = _note(organizer, person)
        assert created and mail.outbox == []  # nothing leaves before the transaction commits
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "Your seat is confirmed"
    assert "Hello Rosa Leader" in mail.outbox[0].body and organizer.name in mail.outbox[0].body
    (row,) = _rows()
    assert row.status == OutboundMessage.Status.SENT and row.sent_at and row.attempts == 1


def test_a_rolled_back_transaction_sends_nothing(organizer, django_capture_on_commit_callbacks):
    person = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError):
            with transaction.atomic():
                _note(organizer, person)
                raise RuntimeError("the seat could not be taken")
    assert mail.outbox == [] and _rows() == []


def test_the_same_dedupe_key_sends_once(organizer, django_capture_on_commit_callbacks):
    person = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        first, created_first = _note(organizer, person)
        second, created_second = _note(organizer, person)
    assert created_first and not created_second and first.pk == second.pk
    assert len(mail.outbox) == 1


def test_a_task_delivered_twice_sends_once(organizer, django_capture_on_commit_callbacks):
    person = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        message, _ = _note(organizer, person)
    assert send_outbound_message.apply(args=[message.id, organizer.id]).get() == "skipped"
    assert len(mail.outbox) == 1


def test_a_worker_that_died_mid_send_is_retried_after_the_claim_expires(organizer):
    person = UserFactory()
    with scope(organizer=organizer.id):
        message, _ = _note(organizer, person)  # on_commit never runs here: the enqueue was "lost"
        assert services.claim(message.id) is not None  # a worker claims it, then dies
        assert services.claim(message.id) is None  # a redelivery right away must not send twice
        OutboundMessage.objects.filter(pk=message.pk).update(
            claimed_at=timezone.now() - services.CLAIM_EXPIRES_AFTER - timedelta(seconds=1)
        )
    assert sweep_outbox.apply().get() == 1
    assert len(mail.outbox) == 1
    assert _rows()[0].status == OutboundMessage.Status.SENT


def test_a_failed_send_is_recorded_and_swept_again(organizer, settings):
    settings.EMAIL_BACKEND = "tests.foundation.failing_backend.FailingBackend"
    person = UserFactory()
    with scope(organizer=organizer.id):
        message, _ = _note(organizer, person)
    with pytest.raises(Exception):
        send_outbound_message.apply(args=[message.id, organizer.id], throw=True).get()
    (row,) = _rows()
    assert row.status == OutboundMessage.Status.FAILED and "SMTP is down" in row.error
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    sweep_outbox.apply()
    assert len(mail.outbox) == 1 and _rows()[0].status == OutboundMessage.Status.SENT


def test_people_who_opted_out_get_essential_messages_only(organizer, django_capture_on_commit_callbacks):
    person = UserFactory(opted_out_of_optional_messages=True)
    with django_capture_on_commit_callbacks(execute=True):
        reminder, _ = _note(organizer, person, key="reminder:1", essential=False)
        booking, _ = _note(organizer, person, key="booking:1", essential=True)
    assert reminder.status == OutboundMessage.Status.SUPPRESSED
    assert [m.subject for m in mail.outbox] == ["Your seat is confirmed"]
    assert len(mail.outbox) == 1


def test_batched_sends_go_out_once_over_one_connection(organizer, django_capture_on_commit_callbacks, monkeypatch):
    from notifications.tasks import send_outbound_batch

    people = [UserFactory(full_name=f"Person {n}") for n in range(5)]
    monkeypatch.setattr(services, "BATCH_SIZE", 2)
    opened = []
    real = services.get_connection
    monkeypatch.setattr(services, "get_connection", lambda: opened.append(1) or real())
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with services.batched_sends():
            messages = [_note(organizer, p, key=f"batch:{n}")[0] for n, p in enumerate(people)]
            assert mail.outbox == []
    assert len(callbacks) == 3  # batches of 2, 2 and 1
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in people)
    assert len(opened) == 3 and {r.status for r in _rows()} == {OutboundMessage.Status.SENT}
    # A batch delivered again, and a single send of one of its messages, send nothing more.
    assert send_outbound_batch.apply(args=[[m.id for m in messages], organizer.id]).get() == 0
    assert send_outbound_message.apply(args=[messages[0].id, organizer.id]).get() == "skipped"
    assert len(mail.outbox) == 5


def _notices(people, prefix="many"):
    return [services.Notice(recipient=p, dedupe_key=f"{prefix}:{p.pk}",
                            context={"subject": "Session tomorrow", "name": p.display_name, "body": "Bring notes."})
            for p in people]


def test_notify_many_queues_like_notify_in_batches(organizer, django_capture_on_commit_callbacks, monkeypatch):
    people = [UserFactory(full_name=f"Person {n}") for n in range(5)]
    opted_out = UserFactory(opted_out_of_optional_messages=True)
    monkeypatch.setattr(services, "BATCH_SIZE", 2)
    monkeypatch.setattr(services, "SENT_MARKED_EVERY", 2)
    with django_capture_on_commit_callbacks(execute=True):
        _note(organizer, people[0], key=f"many:{people[0].pk}")  # already queued and sent on its own
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with services.batched_sends():
            queued = services.notify_many(organizer=organizer, template="praxis/note",
                                          notices=_notices([*people, opted_out]), essential=False)
    assert queued == 5  # four new people and the opted-out one (kept, not sent)
    assert len(callbacks) == 2  # four sends in batches of two
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in people)
    by_key = {r.dedupe_key: r for r in _rows()}
    assert by_key[f"many:{opted_out.pk}"].status == OutboundMessage.Status.SUPPRESSED
    sent = [r for r in by_key.values() if r.status == OutboundMessage.Status.SENT]
    assert len(sent) == 5 and all(r.sent_at and r.subject for r in sent)
    # A second round queues and sends nothing.
    with django_capture_on_commit_callbacks(execute=True):
        assert services.notify_many(organizer=organizer, template="praxis/note",
                                    notices=_notices([*people, opted_out]), essential=False) == 0
    assert len(mail.outbox) == 5


def test_notify_many_falls_back_to_one_by_one_when_a_key_appears_meanwhile(organizer, django_capture_on_commit_callbacks,
                                                                          monkeypatch):
    people = [UserFactory() for _ in range(3)]
    with django_capture_on_commit_callbacks(execute=True):
        _note(organizer, people[1], key=f"many:{people[1].pk}")
    real_filter = OutboundMessage.objects.with_scope(organizer=organizer.id).__class__.filter
    # The existence check misses the key, as when another transaction commits it just after.
    monkeypatch.setattr(OutboundMessage.objects.with_scope(organizer=organizer.id).__class__, "filter",
                        lambda qs, *a, **kw: qs.none() if "dedupe_key__in" in kw else real_filter(qs, *a, **kw))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.notify_many(organizer=organizer, template="praxis/note", notices=_notices(people)) == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in people)  # each once
    assert len(_rows()) == 3
