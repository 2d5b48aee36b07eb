"""The enrollment lifecycle: audit entries, payment holds, the history pages."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from cohorts import lifecycle, tasks
from cohorts.models import Cohort, Enrollment, EnrollmentEvent
from notifications.models import OutboundMessage
from tests.factories import CohortFactory, UserFactory


def loaded(cohort):
    return Cohort.objects.select_related("program", "organizer").get(pk=cohort.pk)


@pytest.fixture
def payment_policy():
    """A billing policy: three days to pay; restored afterwards."""
    calls = []

    def policy(enrollment, now):
        calls.append(enrollment.person.email)
        return now + dt.timedelta(days=3)

    before = lifecycle._payment_policy
    lifecycle.set_payment_policy(policy)
    yield calls
    lifecycle.set_payment_policy(before)


def people(*names):
    return [UserFactory(email=f"{n}@example.org", full_name=n.title()) for n in names]


def test_every_change_leaves_an_audit_entry_with_who_and_why(organizer):
    cohort = CohortFactory(program__organizer=organizer, capacity=1)
    ada, ben = people("ada", "ben")
    with scopes_disabled():
        first = lifecycle.register(cohort=loaded(cohort), person=ada)
        second = lifecycle.register(cohort=loaded(cohort), person=ben)
        lifecycle.cancel(enrollment=first, by=ada, reason="cannot attend")
        lifecycle.accept_offer(enrollment=second, by=ben)
        trail = [(e.enrollment.person.email, e.from_status, e.to_status, e.actor and e.actor.email, e.reason)
                 for e in EnrollmentEvent.objects.order_by("id").select_related("enrollment__person", "actor")]
    assert trail == [
        ("ada@example.org", "", "confirmed", "ada@example.org", "registered"),
        ("ben@example.org", "", "waitlisted", "ben@example.org", "registered; the cohort is full"),
        ("ada@example.org", "confirmed", "cancelled", "ada@example.org", "cannot attend"),
        ("ben@example.org", "waitlisted", "offered", None, "a seat freed up"),
        ("ben@example.org", "offered", "confirmed", "ben@example.org", "accepted the offer"),
    ]


def test_free_cohorts_confirm_without_asking_billing(organizer, payment_policy):
    cohort = CohortFactory(program__organizer=organizer, capacity=5, is_free=True)
    (ada,) = people("ada")
    with scopes_disabled():
        enrollment = lifecycle.register(cohort=loaded(cohort), person=ada)
    assert enrollment.status == "confirmed" and payment_policy == []


def test_paid_cohort_without_a_payment_policy_confirms_as_before(organizer, monkeypatch):
    monkeypatch.setattr(lifecycle, "_payment_policy", None)
    cohort = CohortFactory(program__organizer=organizer, capacity=5, is_free=False)
    (ada,) = people("ada")
    with scopes_disabled():
        assert lifecycle.register(cohort=loaded(cohort), person=ada).status == "confirmed"


def test_a_paid_seat_is_held_until_paid_then_confirmed(organizer, payment_policy, django_capture_on_commit_callbacks):
    cohort = CohortFactory(program__organizer=organizer, capacity=1, is_free=False, cost_summary="$250 per person")
    ada, ben = people("ada", "ben")
    with scopes_disabled(), django_capture_on_commit_callbacks(execute=True):
        held = lifecycle.register(cohort=loaded(cohort), person=ada)
        waiting = lifecycle.register(cohort=loaded(cohort), person=ben)
    assert held.status == "awaiting_payment" and waiting.status == "waitlisted"
    assert payment_policy == ["ada@example.org"]
    assert held.payment_due_at == pytest.approx(timezone.now() + dt.timedelta(days=3), abs=dt.timedelta(minutes=1))
    hold_mail = [m for m in mail.outbox if m.to == ["ada@example.org"]]
    assert len(hold_mail) == 1 and "held until" in hold_mail[0].subject and "$250 per person" in hold_mail[0].body

    with scopes_disabled(), django_capture_on_commit_callbacks(execute=True):
        paid = lifecycle.confirm_payment(enrollment=held, by=None)
        again = lifecycle.confirm_payment(enrollment=held, by=None)  # a second notice changes nothing
    assert paid.status == again.status == "confirmed" and paid.payment_due_at is None
    assert [m.subject for m in mail.outbox if m.to == ["ada@example.org"]][-1].endswith("you are registered for Series "
                                                                                     + cohort.title.split()[-1])


def test_an_unpaid_hold_lapses_by_the_beat_task_and_the_seat_goes_to_the_waitlist(
    organizer, payment_policy, django_capture_on_commit_callbacks
):
    cohort = CohortFactory(program__organizer=organizer, capacity=1, is_free=False, offer_hours=24)
    ada, ben = people("ada", "ben")
    with scopes_disabled():
        held = lifecycle.register(cohort=loaded(cohort), person=ada)
        waiting = lifecycle.register(cohort=loaded(cohort), person=ben)
        # Not due yet: the task leaves it alone.
        assert tasks.lapse_payment_holds() == 0
        Enrollment.objects.filter(pk=held.pk).update(payment_due_at=timezone.now() - dt.timedelta(minutes=1))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.lapse_payment_holds() == 1
    with scopes_disabled():
        held.refresh_from_db()
        waiting.refresh_from_db()
        event = EnrollmentEvent.objects.filter(enrollment=held).latest("id")
    assert held.status == "cancelled" and waiting.status == "offered"
    assert event.reason == "not paid by the deadline" and event.actor is None
    subjects = {m.to[0]: m.subject for m in mail.outbox}
    assert "released" in subjects["ada@example.org"]
    assert "ben@example.org" in subjects
    # Ben accepts: his seat too waits for payment.
    with scopes_disabled():
        assert lifecycle.accept_offer(enrollment=waiting, by=ben).status == "awaiting_payment"


def test_staff_extend_a_hold_with_a_reason(organizer, payment_policy, staff_user):
    cohort = CohortFactory(program__organizer=organizer, capacity=3, is_free=False)
    (ada,) = people("ada")
    later = timezone.now() + dt.timedelta(days=20)
    with scopes_disabled():
        held = lifecycle.register(cohort=loaded(cohort), person=ada)
        lifecycle.extend_payment_hold(enrollment=held, until=later, by=staff_user, reason="scholarship under review")
        held.refresh_from_db()
        assert held.payment_due_at == later and held.status == "awaiting_payment"
        assert "scholarship under review" in EnrollmentEvent.objects.filter(enrollment=held).latest("id").reason
        with pytest.raises(lifecycle.LifecycleError):
            lifecycle.extend_payment_hold(enrollment=held, until=timezone.now() - dt.timedelta(days=1),
                                          by=staff_user, reason="typo")
        # A paid-for seat cannot be extended; the lapse task leaves it alone.
        lifecycle.confirm_payment(enrollment=held, by=staff_user)
        with pytest.raises(lifecycle.LifecycleError):
            lifecycle.extend_payment_hold(enrollment=held, until=later, by=staff_user, reason="again")
        assert lifecycle.lapse_payment_hold(enrollment_id=held.pk, now=later + dt.timedelta(days=1)) is False


def test_complete_many_marks_only_confirmed_enrollments(organizer, django_capture_on_commit_callbacks):
    cohort = CohortFactory(program__organizer=organizer, capacity=2)
    ada, ben, cleo = people("ada", "ben", "cleo")
    with scopes_disabled():
        a = lifecycle.register(cohort=loaded(cohort), person=ada)
        b = lifecycle.register(cohort=loaded(cohort), person=ben)
        c = lifecycle.register(cohort=loaded(cohort), person=cleo)  # waitlisted
        with django_capture_on_commit_callbacks(execute=True):
            count = lifecycle.complete_many(cohort=cohort, enrollment_ids=[a.pk, b.pk, c.pk], by=None,
                                            reason="the cohort ended")
        assert count == 2
        assert {e.person.email: e.status for e in Enrollment.objects.filter(cohort=cohort)} == {
            "ada@example.org": "completed", "ben@example.org": "completed", "cleo@example.org": "waitlisted",
        }
    assert {m.to[0] for m in mail.outbox if "You completed" in m.subject} == {"ada@example.org", "ben@example.org"}


def test_the_participant_and_staff_pages_show_the_history(organizer, staff_user, client_for):
    cohort = CohortFactory(program__organizer=organizer, capacity=1)
    ada, ben = people("ada", "ben")
    with scopes_disabled():
        first = lifecycle.register(cohort=loaded(cohort), person=ada)
        second = lifecycle.register(cohort=loaded(cohort), person=ben)
        lifecycle.cancel(enrollment=first, by=staff_user, reason="moved to the spring cohort")
    page = client_for(ben).get(reverse("me:enrollment", args=[second.pk])).content.decode()
    assert 'id="enrollment-history"' in page and "a seat freed up" in page and "Offered a seat" in page
    admin_page = client_for(staff_user).get(reverse("admin:cohorts_enrollment_change", args=[first.pk]))
    body = admin_page.content.decode()
    assert admin_page.status_code == 200
    assert "moved to the spring cohort" in body and staff_user.display_name in body


def test_outbound_messages_name_the_person(organizer):
    cohort = CohortFactory(program__organizer=organizer, capacity=1)
    (ada,) = people("ada")
    with scopes_disabled():
        lifecycle.register(cohort=loaded(cohort), person=ada)
        message = OutboundMessage.objects.get(recipient=ada)
    assert message.context["person_name"] == "Ada"
