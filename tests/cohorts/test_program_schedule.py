"""Program pages list each cohort's upcoming sessions on the cohort's clock, in one query."""

import datetime as dt

import pytest
from django.utils import timezone

from tests.cohorts.test_pages import count_queries, program_url
from tests.factories import CohortFactory, UserFactory
from tests.sessions.factories import SessionFactory

pytestmark = pytest.mark.django_db


def test_program_page_lists_upcoming_sessions_in_the_cohorts_zone(organizer, client_for):
    cohort = CohortFactory(program__organizer=organizer, time_zone="America/Chicago", title="Spring run")
    other = CohortFactory(program=cohort.program, time_zone="Europe/Amsterdam", title="Amsterdam run")
    SessionFactory(cohort=cohort, title="Orientation", starts_at=dt.datetime(2099, 12, 3, 16, 0, tzinfo=dt.UTC),
                   ends_at=dt.datetime(2099, 12, 3, 17, 30, tzinfo=dt.UTC))
    SessionFactory(cohort=cohort, title="Long past", starts_at=timezone.now() - dt.timedelta(days=30))
    client = client_for(UserFactory())
    before = count_queries(client, program_url(cohort.program))
    SessionFactory(cohort=other, title="Module 2", starts_at=dt.datetime(2099, 12, 3, 9, 0, tzinfo=dt.UTC))
    page = client.get(program_url(cohort.program)).content.decode()
    assert "Thu 3 Dec 2099, 10:00–11:30 CST" in page and "Orientation" in page
    assert "Thu 3 Dec 2099, 10:00–12:00 CET" in page and "Module 2" in page
    assert "Long past" not in page
    assert count_queries(client, program_url(cohort.program)) == before
