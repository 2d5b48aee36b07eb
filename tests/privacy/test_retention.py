"""Each organizer's retention period erases participants' details of cohorts that ended long enough ago."""

import datetime as dt

import pytest
from django.conf import settings
from django.utils import timezone
from django_scopes import scopes_disabled

from applications.models import Application, DemographicResponse
from cohorts.models import Enrollment
from privacy import tasks
from privacy.models import RetentionSettings
from sessions_app.models import Attendance, CheckInResponse, CheckInRound
from tests.applications.factories import ApplicationFactory, CallFactory, demographics
from tests.factories import CohortFactory, EnrollmentFactory
from tests.reports.scenario import P, held_session, mark

pytestmark = pytest.mark.django_db


def cohort_with_details(organizer, *, ended_days_ago: int):
    today = timezone.localdate()
    cohort = CohortFactory(program__organizer=organizer, starts_on=today - dt.timedelta(days=ended_days_ago + 90),
                           ends_on=today - dt.timedelta(days=ended_days_ago))
    enrollment = EnrollmentFactory(cohort=cohort, status=Enrollment.Status.COMPLETED)
    mark(held_session(cohort, days_ago=ended_days_ago + 30, title="Opening"), enrollment.person, P)
    application = ApplicationFactory(call=CallFactory(cohort=cohort), applicant=enrollment.person, phone="+1 555 0199")
    demographics(application, race=["Black"])
    with scopes_disabled():
        round_ = CheckInRound.objects.create(organizer=organizer, cohort=cohort, months_after=1, due_on=today,
                                             questions=["How?"])
        CheckInResponse.objects.create(organizer=organizer, round=round_, person=enrollment.person,
                                       answers=["We changed our hiring"])
    return cohort


def details(cohort) -> tuple:
    with scopes_disabled():
        return (
            list(Application.objects.filter(call__cohort=cohort).values_list("phone", flat=True)),
            DemographicResponse.objects.filter(application__call__cohort=cohort).count(),
            list(CheckInResponse.objects.filter(round__cohort=cohort).values_list("answers", flat=True)),
            Attendance.objects.filter(session__cohort=cohort).count(),
            Enrollment.objects.filter(cohort=cohort).count(),
        )


def test_retention_erases_details_of_old_cohorts_only(organizer, other_organizer):
    with scopes_disabled():
        RetentionSettings.objects.create(organizer=organizer, months_after_cohort_end=12)
    old = cohort_with_details(organizer, ended_days_ago=400)
    recent = cohort_with_details(organizer, ended_days_ago=200)
    theirs = cohort_with_details(other_organizer, ended_days_ago=900)  # no retention set there

    assert tasks.apply_retention() == 1
    assert details(old) == ([""], 0, [[]], 1, 1)  # attendance and enrollment stay for the totals
    assert details(recent) == (["+1 555 0199"], 1, [["We changed our hiring"]], 1, 1)
    assert details(theirs) == (["+1 555 0199"], 1, [["We changed our hiring"]], 1, 1)
    assert tasks.apply_retention() == 0  # each cohort once


def test_the_sweep_runs_daily_from_beat():
    assert settings.CELERY_BEAT_SCHEDULE["privacy-apply-retention"]["task"] == "privacy.tasks.apply_retention"
