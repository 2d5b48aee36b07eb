"""The demo calls: idempotent, seed-shaped pools whose quotas can be met."""

import datetime as dt

import pytest
from django_scopes import scope, scopes_disabled

from applications import demo, services
from applications.models import Application, ApplicationCall, SelectionRun
from cohorts.models import Cohort, Program
from organizers import demo as organizers_demo

pytestmark = pytest.mark.django_db

COHORTS = {  # organizer key: (program slug, cohort slug, capacity, limit per organization)
    "northsound": ("equity-in-leadership", "first-cohort-2024", 15, None),
    "partos": ("dei-learning-trajectory", str(dt.date.today().year), 25, 1),
    "alliance": ("operationalizing-equity", "cohort-1", 24, 3),
}


@pytest.fixture
def ctx():
    """The organizers, plus the programs the catalog demo makes (created here if it has not run)."""
    ctx = organizers_demo.DemoContext()
    with scopes_disabled():
        organizers_demo.load(ctx)
        for key, (program_slug, cohort_slug, capacity, limit) in COHORTS.items():
            organizer = ctx.organizers[key]
            program, _ = Program.objects.get_or_create(
                organizer=organizer, slug=program_slug, defaults={"title": program_slug, "kind": "cohort"}
            )
            Cohort.objects.get_or_create(program=program, slug=cohort_slug, defaults={
                "organizer": organizer, "title": cohort_slug, "capacity": capacity, "per_organization_limit": limit,
                "enrollment_mode": Cohort.EnrollmentMode.APPLICATION,
            })
    return ctx


def _counts():
    with scopes_disabled():
        return {c.cohort.program.slug: c.applications.count() for c in ApplicationCall.objects.select_related("cohort__program")}


def test_demo_is_idempotent_and_matches_the_seeds(ctx):
    with scopes_disabled():
        demo.load(ctx)
        first = _counts()
        demo.load(ctx)
    assert _counts() == first
    assert first["equity-in-leadership"] == 60
    assert first["dei-learning-trajectory"] >= 30
    assert first["operationalizing-equity"] == 12
    with scopes_disabled():
        team = Application.objects.filter(call__cohort__slug="cohort-2").first()
        assert team.team_members.count() == 2


@pytest.mark.parametrize("key", ["northsound", "partos", "alliance"])
def test_each_demo_pool_can_meet_its_quotas(ctx, key):
    with scopes_disabled():
        demo.load(ctx)
    organizer = ctx.organizers[key]
    with scope(organizer=organizer.pk):
        call = ApplicationCall.objects.filter(organizer=organizer).order_by("-id").first()
        run = services.start_run(call=call, kind="best", by=None, seed=2024)
        run = services.execute_run(run_id=run.pk)
    assert run.status == SelectionRun.Status.DONE, run.result.get("conflicts")
    assert len(run.selected_references) == call.seat_count
