"""The sessions demo loader schedules the seed programs on local time and is idempotent."""

import datetime as dt

import pytest
from django.core.management import call_command
from django_scopes import scopes_disabled

from sessions_app.models import AffinityGroup
from sessions_app.demo import ILLINOIS_TRAININGS
from sessions_app.models import CheckInRound, CohortSessionSettings, OfficeHourSlot, Session

pytestmark = pytest.mark.django_db
UTC = dt.timezone.utc


def _snapshot():
    with scopes_disabled():
        return (Session.objects.count(), OfficeHourSlot.objects.count(), AffinityGroup.objects.count(),
                CohortSessionSettings.objects.count(), CheckInRound.objects.count())


def test_demo_sessions_follow_the_seeds_and_reloading_changes_nothing():
    call_command("load_demo", verbosity=0)
    first = _snapshot()
    call_command("load_demo", verbosity=0)
    assert _snapshot() == first

    with scopes_disabled():
        illinois = {s.title: s for s in Session.objects.filter(cohort__slug="inaugural-series-october-2024")}
        assert [illinois[title].starts_at for title, _ in ILLINOIS_TRAININGS] == [
            dt.datetime(2024, 10, day, 15, 0, tzinfo=UTC) for day in (1, 8, 15, 22)]  # Tuesdays, 10:00 Chicago
        assert all(illinois[title].module.title == title for title, _ in ILLINOIS_TRAININGS)
        assert OfficeHourSlot.objects.filter(organizer__slug="illinois-partners").count() == 8 * 3

        partos = Session.objects.filter(organizer__slug="partos", affinity_group__isnull=True).order_by("starts_at")
        # This year's trajectory (the demo is true on the day it loads): the second Tuesday, September to December.
        year = dt.date.today().year
        second_tuesdays = []
        for month in (9, 10, 11, 12):
            first = dt.date(year, month, 1)
            second_tuesdays.append(first + dt.timedelta(days=(1 - first.weekday()) % 7 + 7))
        assert [s.starts_at.date() for s in partos] == second_tuesdays
        assert [s.module.period.split("/")[0] for s in partos] == ["September", "October", "November", "December"]
        assert AffinityGroup.objects.filter(organizer__slug="partos").count() == 2
        assert Session.objects.filter(organizer__slug="partos", kind="affinity").count() == 2

        # The Alliance's first cohort is half-way through its six months whenever the demo is loaded:
        # monthly sessions on the first Wednesday, some held, this month's or next month's still to come.
        alliance = Session.objects.filter(cohort__program__slug="operationalizing-equity").order_by("starts_at")
        today = dt.date.today()
        assert len(alliance) == 6 and alliance[0].starts_at.date().weekday() == 2
        assert alliance[0].starts_at.date() < today < alliance[5].starts_at.date()
        assert CohortSessionSettings.objects.get(organizer__slug="alliance-for-early-success").checkin_months == "1, 3, 6, 12"
        # Check-in rounds after the cohort's end are not due yet (no demo makes one).
        assert not CheckInRound.objects.filter(organizer__slug="alliance-for-early-success").exists()
