"""Digests with a real Celery worker on Redis and PostgreSQL: a redelivered task reaches each person once."""

import pytest
from django_scopes import scopes_disabled

from community import services, tasks
from notifications.models import OutboundMessage
from tests.factories import OrganizerFactory

from .test_digest import setup_yesterday

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def _digests():
    with scopes_disabled():
        return list(OutboundMessage.objects.filter(template="community/digest").values_list("to_email", "status"))


def test_a_digest_sent_twice_reaches_each_person_once(real_worker):
    organizer = OrganizerFactory(slug="digest-worker")
    _, _, people = setup_yesterday(organizer)
    day = services.digest_day(organizer).isoformat()
    tasks.send_digest.delay(organizer.id, day)
    tasks.send_digest.delay(organizer.id, day)  # the broker delivers it again
    tasks.sweep_digests.delay()
    tasks.sweep_digests.delay()

    def all_sent():
        rows = _digests()
        return len(rows) == 2 and all(status == OutboundMessage.Status.SENT for _, status in rows)

    real_worker.wait_for(all_sent, what="two digests sent")
    real_worker.wait_for(lambda: len(real_worker.task_results("community.tasks.sweep_digests")) == 2, what="both sweeps")
    real_worker.wait_for(lambda: len(real_worker.task_results("community.tasks.send_digest")) >= 2, what="both deliveries")
    assert sorted(real_worker.task_results("community.tasks.send_digest"))[-1] == "2"
    assert set(real_worker.task_results("community.tasks.send_digest")) <= {"2", "0"}
    assert real_worker.task_results("community.tasks.send_digest").count("2") == 1
    # The setup's reply also sent its author a reply notification; digests are counted by subject.
    digest_mails = sum(path.read_text().count("Subject: New in your community spaces")
                       for path in real_worker.mail_dir.glob("*.log"))
    assert digest_mails == 2
    assert sorted(email for email, _ in _digests()) == sorted([people["both"].email, people["only_first"].email])
