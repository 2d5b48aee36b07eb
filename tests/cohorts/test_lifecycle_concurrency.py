"""Concurrent accept, cancel, expire and select-replacement on one cohort (PostgreSQL).

Invariants after every run: no more seats held than the cohort has, and no freed seat
left unoffered while someone waits. The control run switches the lifecycle's lock off
(`lifecycle.LOCKING`, used only by these tests; the unlocked path sleeps between
counting and writing, see UNLOCKED_RACE_WINDOW) and must break an invariant, so the
locked run proves something.
"""

import datetime as dt
import threading

import pytest
from django.db import connection
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from cohorts import lifecycle
from cohorts.models import Cohort, Enrollment
from tests.factories import CohortFactory, OrganizerFactory, UserFactory

SEATS = 6


def build():
    organizer = OrganizerFactory()
    cohort = CohortFactory(program__organizer=organizer, capacity=SEATS, offer_hours=24)
    now = timezone.now()
    rows = {}

    def add(name, status, **extra):
        person = UserFactory(email=f"{name}@example.org")
        with scopes_disabled():
            rows[name] = Enrollment.objects.create(  # the starting state of the scenario
                organizer=organizer, cohort=cohort, person=person, **{"status": status}, **extra)

    for name in ("c1", "c2", "c3", "c4"):
        add(name, Enrollment.Status.CONFIRMED, confirmed_at=now)
    add("o1", Enrollment.Status.OFFERED, offer_expires_at=now + dt.timedelta(hours=5))
    add("o2", Enrollment.Status.OFFERED, offer_expires_at=now - dt.timedelta(minutes=5))
    for n in range(8):
        add(f"w{n}", Enrollment.Status.WAITLISTED, waitlisted_at=now + dt.timedelta(seconds=n))
    selected = [UserFactory(email=f"s{n}@example.org") for n in range(2)]
    return organizer, cohort, rows, selected


def run_at_once(organizer, cohort, rows, selected) -> list[BaseException]:
    expires = timezone.now() + dt.timedelta(days=3)
    work = [
        lambda: lifecycle.cancel(enrollment=rows["c1"], by=None, reason="test"),
        lambda: lifecycle.cancel(enrollment=rows["c2"], by=None, reason="test"),
        lambda: lifecycle.cancel(enrollment=rows["c3"], by=None, reason="test"),
        lambda: lifecycle.accept_offer(enrollment=rows["o1"], by=None),
        lambda: lifecycle.expire_offer(enrollment_id=rows["o2"].pk),
        *[
            (lambda person=person: lifecycle.offer_seats(
                cohort=Cohort.objects.get(pk=cohort.pk), lead=person, expires_at=expires, reason="replacement"))
            for person in selected
        ],
    ]
    barrier = threading.Barrier(len(work))
    errors: list[BaseException] = []

    def one(step):
        try:
            with scope(organizer=organizer.pk):
                barrier.wait(timeout=30)
                step()
        except lifecycle.LifecycleError:
            pass  # a selection refused because the seats were taken: allowed
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=one, args=(step,)) for step in work]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a lifecycle thread hung"
    return errors


def broken_invariants(cohort) -> list[str]:
    with scopes_disabled():
        statuses = list(Enrollment.objects.filter(cohort=cohort).values_list("status", flat=True))
    held = sum(statuses.count(s) for s in Enrollment.SEAT_HOLDING)
    waiting = statuses.count(Enrollment.Status.WAITLISTED)
    problems = []
    if held > SEATS:
        problems.append(f"{held} seats held in a cohort of {SEATS}")
    if held < SEATS and waiting:
        problems.append(f"{SEATS - held} seat(s) free while {waiting} people wait")
    return problems


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("locking", [True, False], ids=["locked", "control-without-lock"])
def test_concurrent_transitions_keep_seats_within_capacity_and_refill_every_freed_seat(locking, monkeypatch):
    monkeypatch.setattr(lifecycle, "LOCKING", locking)
    organizer, cohort, rows, selected = build()

    errors = run_at_once(organizer, cohort, rows, selected)

    problems = broken_invariants(cohort)
    if locking:
        assert errors == [] and problems == []
        with scopes_disabled():
            assert Enrollment.objects.get(pk=rows["o1"].pk).status == "confirmed"
            assert Enrollment.objects.get(pk=rows["o2"].pk).status == "cancelled"
    else:
        # Without the lock the same requests lose or double-book seats: the test can see the race.
        assert problems, "the control run without the lock should have broken an invariant"
