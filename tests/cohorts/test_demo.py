"""load_demo makes every seed program, and each program page shows its seed's facts."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.urls import reverse
from django_scopes import scopes_disabled

from cohorts.models import Cohort, Enrollment, Program, Team

SEED_FACTS = {
    ("illinois-partners", "advancing-racial-equity"): [
        "Advancing Racial Equity", "Training series",
        "directors, managers, and leaders of committees, workgroups, and task forces",
        "Racial Healing &amp; Relationship Building", "Introduction to Systemic Racism",
        "Race and Power in the Human Service Sector",
        "Systems Change Strategies &amp; Frameworks to Confront Systemic Racism",
        "Build shared language and understanding about racism and inequities",
        "Inaugural series, October 2024",
        "There is no cost to participate in the inaugural series scheduled for October 2024.",
        "Financially contributing partners receive a 50% discount",
        "Racial Healing Practitioners", "Guest Facilitators",
    ],
    ("illinois-partners", "human-service-leaders-community-of-practice"): [
        "Community of practice", "community of practice for human service leaders committed to racial justice",
    ],
    ("alliance-for-early-success", "operationalizing-equity"): [
        "Operationalizing Equity", "six-month collective experience",
        "team of three leaders, including the executive director",
        "Child Trends", "Collecting, disaggregating, and effectively communicating about data",
        "Migration Policy Institute", "Understanding and supporting immigrant and refugee communities",
        "Center for Law and Social Policy", "Centering policy development around racial justice and equity",
        "TOPOS Partnership", "Effectively communicating all of this", "Annie McKay",
        "Organizations join as teams of 3 people, including the executive director",
    ],
    ("chicago-jobs-council", "anti-racist-workforce-development-system-framework"): [
        "Anti-Racist Workforce Development System Framework", "Framework", "Holistic", "Restorative",
        "Trust and Respect for all", "Inclusive/Expansive", "Transformative", "Transparency", "Outcome areas",
        "Anti-Racist Program Design", "Anti-Racist Client Engagement &amp; Service Delivery",
        "Anti-Racist Policy Design &amp; Development", "Anti-Racist Partnerships",
    ],
    ("north-sound-ach", "equity-in-leadership"): [
        "Equity in Leadership", "Community of practice", "up to 15 individuals", "David Gibbs", "Clarice Bailey",
        "tribal affiliation", "Application and selection", "15 of 15 left",
    ],
    ("partos", "dei-learning-trajectory"): [
        f"DEI Learning Trajectory {dt.date.today().year}", "Learning trajectory",
        "September/Ongoing — Designing &amp; Championing DEI",
        "October — Leveraging DEI in times of resistance and solidarity",
        "November/Ongoing — Racial Justice", "December — Mental Health &amp; Wellbeing",
        "How to deal with Resistance from management &amp; team.",
        "How might we foster sustainable mental health practices",
        "1 day per module", "1 participant per organization", "rotation",
        "Registrations are closed now.", "gigi@partos.nl",
    ],
}


@pytest.fixture
def demo(db):
    call_command("load_demo", verbosity=0)
    return True


def _counts():
    with scopes_disabled():
        return [model.objects.count() for model in (Program, Cohort, Team, Enrollment)]


def test_every_seed_program_is_loaded_once(demo):
    before = _counts()
    call_command("load_demo", verbosity=0)  # idempotent: a second run changes no counts
    assert _counts() == before
    with scopes_disabled():
        for organizer_slug, program_slug in SEED_FACTS:
            assert Program.objects.filter(organizer__slug=organizer_slug, slug=program_slug).count() == 1
        cohort = Cohort.objects.get(program__slug="operationalizing-equity", slug="cohort-1")
        teams = Team.objects.filter(cohort=cohort).select_related("organization")
        assert sorted(t.organization.region for t in teams) == [
            "Arizona", "Colorado", "Iowa", "North Carolina", "Pennsylvania", "Washington", "Wisconsin"]
        for team in teams:
            roles = sorted(Enrollment.objects.filter(team=team).values_list("role", flat=True))
            assert roles == ["executive_director", "participant", "team_lead"]
        assert Program.objects.get(slug="anti-racist-workforce-development-system-framework").kind == "framework"


@pytest.mark.parametrize("key", list(SEED_FACTS), ids=[p for _, p in SEED_FACTS])
def test_program_page_shows_the_seed_facts(demo, client_for, key):
    organizer_slug, program_slug = key
    response = client_for(None).get(
        reverse("cohorts:program_detail", kwargs={"organizer_slug": organizer_slug, "program_slug": program_slug})
    )
    assert response.status_code == 200
    page = response.content.decode()
    missing = [fact for fact in SEED_FACTS[key] if fact not in page]
    assert not missing, missing


def test_catalogs_list_the_seed_programs(demo, client_for):
    page = client_for(None).get(reverse("cohorts:catalog", kwargs={"organizer_slug": "partos"})).content.decode()
    # This year's trajectory (September to December), its registration closed as in the seed.
    assert f"DEI Learning Trajectory {dt.date.today().year}" in page and "registration closed" in page
    landing = client_for(None).get(reverse("organizers:landing", kwargs={"organizer_slug": "chicago-jobs-council"}))
    assert "Anti-Racist Workforce Development System Framework" in landing.content.decode()
