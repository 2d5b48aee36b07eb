"""Daily digests: per person, across the spaces where they chose it, sent once per local day."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone
from django_scopes import scopes_disabled

from cohorts.models import Enrollment
from community import services, tasks
from community.models import DigestRound, Post, SpaceMember
from notifications.models import OutboundMessage
from tests.factories import CohortFactory

from .factories import cancel, cohort_space, participant, reply, start

pytestmark = pytest.mark.django_db
D = SpaceMember.Notify.DAILY_DIGEST


def _digest_reader(space, person):
    services.update_settings(space=space, person=person, notify_level=D, in_directory=False)
    return person


def setup_yesterday(organizer):
    """Two spaces, posts yesterday (organizer's time), a digest reader in each and one in both."""
    first, second = (cohort_space(CohortFactory(program__organizer=organizer), title=t) for t in ("Alpha space", "Beta space"))
    both = participant(first.cohort, full_name="Bo Both")
    EnrollmentFactory_for(second.cohort, both)
    only_first = participant(first.cohort, full_name="Fran First")
    author = participant(first.cohort, full_name="Ann Author")
    EnrollmentFactory_for(second.cohort, author)
    for space in (first, second):
        _digest_reader(space, both)
    _digest_reader(first, only_first)
    thread = start(first, author, title="Budgets for equity staff", body="Who funds it?")
    reply(thread, both, body="We split it.")
    start(second, author, title="Hiring practices", body="Pay ranges?")
    yesterday = timezone.localtime(timezone.now(), organizer.time_zone) - dt.timedelta(days=1)
    with scopes_disabled():
        Post.objects.update(created_at=yesterday)
    return first, second, {"both": both, "only_first": only_first, "author": author}


def EnrollmentFactory_for(cohort, person):
    return participant(cohort, person=person)


def test_a_digest_lists_yesterdays_posts_once_per_person(organizer, django_capture_on_commit_callbacks):
    first, second, people = setup_yesterday(organizer)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.sweep_digests.delay().get() == 1
        tasks.send_digest.delay(organizer.id, services.digest_day(organizer).isoformat())  # redelivered
        assert tasks.sweep_digests.delay().get() == 0
    assert sorted(m.to[0] for m in mail.outbox) == sorted([people["both"].email, people["only_first"].email])
    both = next(m for m in mail.outbox if m.to == [people["both"].email])
    assert "== Alpha space ==" in both.body and "== Beta space ==" in both.body
    assert "Budgets for equity staff" in both.body and "Hiring practices" in both.body
    assert "We split it." not in both.body  # their own post is not news to them
    assert both.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    first_only = next(m for m in mail.outbox if m.to == [people["only_first"].email])
    assert "Beta space" not in first_only.body and "We split it." in first_only.body
    with scopes_disabled():
        assert DigestRound.objects.get().recipients == 2
        keys = set(OutboundMessage.objects.filter(template="community/digest").values_list("dedupe_key", flat=True))
    day = services.digest_day(organizer).isoformat()
    assert keys == {f"community:digest:day={day}:user={people['both'].pk}", f"community:digest:day={day}:user={people['only_first'].pk}"}


def test_nobody_gets_a_digest_of_a_space_they_left(organizer, django_capture_on_commit_callbacks):
    first, second, people = setup_yesterday(organizer)
    with scopes_disabled():
        enrollment = Enrollment.objects.get(person=people["only_first"])
    cancel(enrollment)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.send_digest(organizer_id=organizer.id, day=services.digest_day(organizer))
    assert [m.to for m in mail.outbox] == [[people["both"].email]]


def test_digest_readers_get_no_immediate_email_except_mentions(organizer, django_capture_on_commit_callbacks):
    space = cohort_space(CohortFactory(program__organizer=organizer))
    reader = _digest_reader(space, participant(space.cohort, full_name="Dee Digest"))
    author = participant(space.cohort)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        thread = start(space, reader, title="Mine")
        reply(thread, author, body="A reply to your thread.")
    assert not mail.outbox
    with django_capture_on_commit_callbacks(execute=True):
        reply(thread, author, body="@Dee Digest what do you think?")
    assert [m.to for m in mail.outbox] == [[reader.email]]
