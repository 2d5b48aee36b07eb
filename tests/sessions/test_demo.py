"""The sessions demo loader finds the seed cohorts, schedules them on local time, and is idempotent."""

import datetime as dt

import pytest
from django.core.management import call_command
from django_scopes import scopes_disabled

from cohorts.models import AffinityGroup, Cohort, Program
from organizers.models import Organizer
from sessions_app.demo import ILLINOIS_TRAININGS
from sessions_app.models import CohortSessionSettings, OfficeHourSlot, Session
from tests.factories import CohortFactory, ModuleFactory, ProgramFactory

pytestmark = pytest.mark.django_db
UTC = dt.timezone.utc


def _snapshot():
    with scopes_disabled():
        return (Session.objects.count(), OfficeHourSlot.objects.count(), AffinityGroup.objects.count(),
                CohortSessionSettings.objects.count())


def _ensure_seed_cohorts():
    """Cohorts like the catalog loader's, in case it has not made them (it may run first and make its own)."""
    with scopes_disabled():
        orgs = {o.slug: o for o in Organizer.objects.all()}
        if not Cohort.objects.filter(organizer=orgs["illinois-partners"], program__kind="training_series").exists():
            CohortFactory(program=ProgramFactory(organizer=orgs["illinois-partners"], kind=Program.Kind.TRAINING_SERIES),
                          starts_on=dt.date(2024, 10, 1), time_zone="America/Chicago")
        if not Cohort.objects.filter(organizer=orgs["partos"], program__kind="learning_trajectory").exists():
            program = ProgramFactory(organizer=orgs["partos"], kind=Program.Kind.LEARNING_TRAJECTORY)
            for order in range(4):
                ModuleFactory(program=program, order=order)
            CohortFactory(program=program, starts_on=dt.date(2024, 9, 1), time_zone="Europe/Amsterdam")
        if not Cohort.objects.filter(organizer=orgs["alliance-for-early-success"], program__kind="cohort").exists():
            CohortFactory(program=ProgramFactory(organizer=orgs["alliance-for-early-success"], kind=Program.Kind.COHORT),
                          starts_on=dt.date(2024, 3, 1), ends_on=dt.date(2024, 8, 31), time_zone="America/New_York")


def test_demo_sessions_follow_the_seeds_and_reloading_changes_nothing():
    call_command("load_demo", verbosity=0)
    _ensure_seed_cohorts()
    call_command("load_demo", verbosity=0)
    first = _snapshot()
    call_command("load_demo", verbosity=0)
    assert _snapshot() == first

    with scopes_disabled():
        illinois = {s.title: s.starts_at for s in Session.objects.filter(organizer__slug="illinois-partners")}
        for title, _ in ILLINOIS_TRAININGS:
            assert (illinois[title].year, illinois[title].month) == (2024, 10), title
        healing = Session.objects.get(organizer__slug="illinois-partners", title="Racial Healing & Relationship Building")
        assert healing.starts_at == dt.datetime(2024, 10, 1, 15, 0, tzinfo=UTC)  # 10:00 in Chicago
        assert OfficeHourSlot.objects.filter(organizer__slug="illinois-partners").exists()

        partos = list(Session.objects.filter(organizer__slug="partos", affinity_group__isnull=True).order_by("starts_at"))
        assert [s.starts_at.date() for s in partos] == [
            dt.date(2024, 9, 10), dt.date(2024, 10, 8), dt.date(2024, 11, 12), dt.date(2024, 12, 10)]
        assert AffinityGroup.objects.filter(organizer__slug="partos").count() >= 1
        assert Session.objects.filter(organizer__slug="partos", kind="affinity").exists()

        alliance = CohortSessionSettings.objects.get(organizer__slug="alliance-for-early-success")
        assert alliance.checkin_months == "1, 3, 6, 12"
        assert Session.objects.filter(organizer__slug="alliance-for-early-success").count() >= 6
