"""When a cohort ends, the completion rule is applied and everyone hears the outcome, once."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone
from django_scopes import scopes_disabled

from cohorts.models import Enrollment
from sessions_app import tasks
from sessions_app.models import Attendance
from tests.factories import CohortFactory, UserFactory

from .factories import SessionFactory, enroll

pytestmark = pytest.mark.django_db


def test_an_ended_cohort_completes_who_met_the_rule_and_tells_the_others_what_they_missed(
        organizer, django_capture_on_commit_callbacks):
    today = timezone.now().date()
    cohort = CohortFactory(program__organizer=organizer, program__title="Equity Basics", title="Fall run",
                           starts_on=today - dt.timedelta(days=40), ends_on=today - dt.timedelta(days=2))
    running = CohortFactory(program=cohort.program, starts_on=today - dt.timedelta(days=5),
                            ends_on=today + dt.timedelta(days=20))
    sessions = [SessionFactory(cohort=cohort, title=f"Module {n}",
                               starts_at=timezone.now() - dt.timedelta(days=40 - 7 * n)) for n in range(4)]
    ana, ben, cy = (enroll(cohort, UserFactory(full_name=name)) for name in ("Ana Ruiz", "Ben Brooks", "Cy Young"))
    enroll(running, UserFactory(full_name="Still Going"))
    marks = {ana: ["present"] * 4, ben: ["present", "absent", "late", "absent"], cy: ["excused", "present", "present", "late"]}
    with scopes_disabled():
        for enrollment, statuses in marks.items():
            for session, status in zip(sessions, statuses, strict=True):
                Attendance.objects.create(organizer=organizer, session=session, person=enrollment.person, status=status)

    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.close_ended_cohorts.delay().get() == 1
    with scopes_disabled():
        status = dict(Enrollment.objects.filter(cohort=cohort).values_list("person__full_name", "status"))
        assert Enrollment.objects.get(cohort=running).status == Enrollment.Status.CONFIRMED
    assert status == {"Ana Ruiz": "completed", "Ben Brooks": "confirmed", "Cy Young": "completed"}
    subjects = {m.to[0]: m.subject for m in mail.outbox}
    assert "You completed Equity Basics: Fall run" in subjects[ana.person.email]
    ben_mail = next(m for m in mail.outbox if m.to == [ben.person.email])
    assert "attended 2 of 4 (50%)" in ben_mail.body and "at least 75%" in ben_mail.body
    assert ": Module 1" in ben_mail.body and ": Module 3" in ben_mail.body and ": Module 2" not in ben_mail.body

    sent = len(mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        tasks.close_ended_cohorts.delay().get()
    assert len(mail.outbox) == sent  # a second run tells nobody anything twice
