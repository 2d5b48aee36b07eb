"""The outbox with a real Celery worker on Redis: a task delivered twice sends once."""

import pytest
from django_scopes import scope, scopes_disabled

from notifications import services
from notifications.models import OutboundMessage
from notifications.tasks import send_outbound_message
from tests.factories import OrganizerFactory, UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def _status(message_id):
    with scopes_disabled():
        return OutboundMessage.objects.get(pk=message_id).status


def test_a_task_delivered_twice_sends_one_email(real_worker):
    organizer = OrganizerFactory(slug="worker-org")
    person = UserFactory(email="leader@example.org")
    with scope(organizer=organizer.id):
        message, _ = services.notify(
            organizer=organizer, recipient=person, template="praxis/note", dedupe_key="worker:1",
            context={"subject": "Offer", "name": "Leader", "body": "A seat is yours."},
        )  # autocommit: the send is enqueued to the real worker right away
    # The broker redelivers: the same task twice more (e.g. after a visibility timeout).
    send_outbound_message.delay(message.id, organizer.id)
    send_outbound_message.delay(message.id, organizer.id)

    real_worker.wait_for(lambda: len(real_worker.task_results("notifications.tasks.send_outbound_message")) == 3,
                         what="three deliveries of the task")
    assert sorted(real_worker.task_results("notifications.tasks.send_outbound_message")) == ["sent", "skipped", "skipped"]
    assert real_worker.sent_mail_count() == 1
    assert _status(message.id) == OutboundMessage.Status.SENT
