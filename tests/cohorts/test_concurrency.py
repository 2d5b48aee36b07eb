"""50 people register at once for 10 seats: the cohort row lock keeps it at exactly 10.

The control run switches the lock off (`lock=False`, used only here) and must oversell;
otherwise the locked run would prove nothing. See services.UNLOCKED_RACE_WINDOW.
"""

import threading

import pytest
from django.db import connection
from django_scopes import scope, scopes_disabled

from cohorts import services
from cohorts.models import Cohort, Enrollment
from tests.factories import CohortFactory, OrganizerFactory, UserFactory

PEOPLE = 50
SEATS = 10


def register_all_at_once(cohort_id: int, organizer_id: int, people, *, lock: bool) -> list[BaseException]:
    barrier = threading.Barrier(len(people))
    errors: list[BaseException] = []

    def one(person):
        try:
            with scope(organizer=organizer_id):
                cohort = Cohort.objects.select_related("program", "organizer").get(pk=cohort_id)
                barrier.wait(timeout=30)
                services.register(cohort=cohort, person=person, lock=lock)
        except BaseException as exc:  # collected and asserted on below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=one, args=(person,)) for person in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a registration thread hung"
    return errors


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("lock", [True, False], ids=["locked", "control-without-lock"])
def test_fifty_concurrent_registrations_for_ten_seats(lock):
    organizer = OrganizerFactory()
    cohort = CohortFactory(program__organizer=organizer, capacity=SEATS)
    people = [UserFactory() for _ in range(PEOPLE)]

    errors = register_all_at_once(cohort.id, organizer.id, people, lock=lock)

    assert errors == []
    with scopes_disabled():
        statuses = list(Enrollment.objects.filter(cohort=cohort).values_list("status", flat=True))
    confirmed = statuses.count(Enrollment.Status.CONFIRMED)
    waitlisted = statuses.count(Enrollment.Status.WAITLISTED)
    assert len(statuses) == PEOPLE
    if lock:
        assert (confirmed, waitlisted) == (SEATS, PEOPLE - SEATS)
    else:
        # Without the lock the same requests oversell: the test can see overbooking.
        assert confirmed > SEATS
