"""The catalog and program pages: what they show, filters, and a constant number of queries."""

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from cohorts.models import Cohort, Program
from tests.factories import (
    CohortFactory,
    EnrollmentFactory,
    FacilitatorFactory,
    ModuleFactory,
    ProgramFactory,
    UserFactory,
)


def catalog_url(organizer, **query):
    url = reverse("cohorts:catalog", kwargs={"organizer_slug": organizer.slug})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def program_url(program):
    return reverse("cohorts:program_detail", kwargs={"organizer_slug": program.organizer.slug, "program_slug": program.slug})


def make_programs(organizer, n: int, *, start: int = 0) -> list[Program]:
    """n published programs, each with two cohorts (one with enrollments), two modules and a facilitator."""
    made = []
    for i in range(start, start + n):
        program = ProgramFactory(organizer=organizer, title=f"Program {i:03d}", slug=f"p-{i:03d}")
        facilitator = FacilitatorFactory(organizer=organizer)
        with scopes_disabled():
            program.facilitators.add(facilitator)
        for m in range(2):
            module = ModuleFactory(program=program, title=f"Module {i}-{m}", learning_objectives="Learn\nPractice")
            with scopes_disabled():
                module.facilitators.add(facilitator)
        cohort = CohortFactory(program=program, capacity=10)
        CohortFactory(program=program, enrollment_mode=Cohort.EnrollmentMode.APPLICATION)
        EnrollmentFactory(cohort=cohort)
        made.append(program)
    return made


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_catalog_and_program_pages_run_the_same_queries_for_1_and_200_programs(organizer, client_for):
    client = client_for(UserFactory())
    first = make_programs(organizer, 1)[0]
    catalog_one = count_queries(client, catalog_url(organizer))
    program_one = count_queries(client, program_url(first))
    print(f"queries: catalog {catalog_one}, program page {program_one}")
    filtered_one = count_queries(client, catalog_url(organizer, when="open", kind="training_series"))

    make_programs(organizer, 199, start=1)
    with scopes_disabled():
        assert Program.objects.filter(organizer=organizer).count() == 200
    catalog_many = client.get(catalog_url(organizer)).content.decode()
    assert "Program 000" in catalog_many and "Program 024" in catalog_many and "Program 025" not in catalog_many
    assert "Page 1 of 8" in catalog_many
    last = client.get(catalog_url(organizer, page=8)).content.decode()
    assert "Program 199" in last and "Program 174" not in last and "Page 8 of 8" in last
    assert count_queries(client, catalog_url(organizer)) == catalog_one
    assert count_queries(client, catalog_url(organizer, page=8)) == catalog_one
    assert count_queries(client, program_url(first)) == program_one
    assert count_queries(client, catalog_url(organizer, when="open", kind="training_series")) == filtered_one


def test_program_page_shows_modules_cohorts_seats_cost_and_how_to_join(organizer, client_for):
    program = ProgramFactory(organizer=organizer, title="DEI Learning Trajectory", objectives="Build shared language",
                             description="**Bold** <script>alert(1)</script>")
    ModuleFactory(program=program, title="Racial Justice", period="November",
                  learning_objectives="How might we build sustainable racial justice practices?")
    FacilitatorFactory(organizer=organizer, name="David Gibbs", is_guest=True)
    open_cohort = CohortFactory(program=program, title="Autumn", capacity=3, commitment="1 day per module",
                                is_free=False, cost_summary="50% discount for contributing partners")
    EnrollmentFactory(cohort=open_cohort)
    CohortFactory(program=program, title="Closed run", registration_closed=True,
                  closed_message="Registrations are closed now.", contact_name="Gigi", contact_email="gigi@partos.nl")
    page = client_for(None).get(program_url(program)).content.decode()
    for fact in ["DEI Learning Trajectory", "Build shared language", "November — Racial Justice",
                 "How might we build sustainable racial justice practices?", "Autumn", "2 of 3 left",
                 "1 day per module", "50% discount for contributing partners", "Registrations are closed now.",
                 "gigi@partos.nl", "<strong>Bold</strong>"]:
        assert fact in page, fact
    assert "<script>alert(1)</script>" not in page
    register = reverse("cohorts:register", kwargs={"organizer_slug": organizer.slug, "program_slug": program.slug,
                                                   "cohort_slug": open_cohort.slug})
    assert register in page


def test_catalog_filters_by_kind_and_by_open_or_upcoming(organizer, client_for):
    now = timezone.now()
    series = ProgramFactory(organizer=organizer, title="Open series", kind=Program.Kind.TRAINING_SERIES)
    CohortFactory(program=series)
    past = ProgramFactory(organizer=organizer, title="Past cohort program", kind=Program.Kind.COHORT)
    CohortFactory(program=past, starts_on=dt.date(2024, 9, 1), ends_on=dt.date(2025, 2, 1),
                  registration_closes_at=now - dt.timedelta(days=400))
    upcoming_closed = ProgramFactory(organizer=organizer, title="Upcoming by application",
                                     kind=Program.Kind.COMMUNITY_OF_PRACTICE)
    CohortFactory(program=upcoming_closed, enrollment_mode=Cohort.EnrollmentMode.APPLICATION)
    ProgramFactory(organizer=organizer, title="Draft program", status=Program.Status.DRAFT)
    client = client_for(None)

    def titles(**query):
        page = client.get(catalog_url(organizer, **query)).content.decode()
        return {t for t in ["Open series", "Past cohort program", "Upcoming by application", "Draft program"] if t in page}

    assert titles() == {"Open series", "Past cohort program", "Upcoming by application"}
    assert titles(kind="cohort") == {"Past cohort program"}
    assert titles(when="open") == {"Open series"}
    assert titles(when="upcoming") == {"Open series", "Upcoming by application"}
    assert titles(kind="nonsense") == {"Open series", "Past cohort program", "Upcoming by application"}
    page = client.get(catalog_url(organizer)).content.decode()
    assert "20 seats left" in page and "ended" in page and "by application" in page


def test_draft_program_page_is_404(organizer, client_for):
    draft = ProgramFactory(organizer=organizer, status=Program.Status.DRAFT)
    assert client_for(None).get(program_url(draft)).status_code == 404


def test_landing_page_and_nav_link_to_the_programs(organizer, client_for):
    ProgramFactory(organizer=organizer, title="Advancing Racial Equity")
    page = client_for(UserFactory()).get(reverse("organizers:landing", kwargs={"organizer_slug": organizer.slug}))
    html = page.content.decode()
    assert "Advancing Racial Equity" in html
    assert f'href="{catalog_url(organizer)}">Programs<' in html
    assert f'href="{reverse("me:programs")}">My programs<' in html


def test_modules_of_an_unpublished_cohort_stay_hidden(organizer, client_for):
    program = ProgramFactory(organizer=organizer)
    shown = CohortFactory(program=program, title="Autumn")
    hidden = CohortFactory(program=program, title="Draft run", is_published=False)
    ModuleFactory(program=program, title="Shared module")
    ModuleFactory(program=program, cohort=shown, title="Autumn-only module")
    ModuleFactory(program=program, cohort=hidden, title="Secret module")
    page = client_for(None).get(program_url(program)).content.decode()
    assert "Shared module" in page and "Autumn-only module" in page and "For Autumn" in page
    assert "Secret module" not in page and "Draft run" not in page


def test_application_mode_cohorts_link_to_their_own_call(organizer, client_for):
    from tests.applications.factories import CallFactory

    program = ProgramFactory(organizer=organizer, title="Equity in Leadership")
    now = timezone.now()
    open_call = CallFactory(cohort=CohortFactory(program=program, title="Open call run",
                                                 enrollment_mode=Cohort.EnrollmentMode.APPLICATION),
                            deadline=now + dt.timedelta(days=10))
    CallFactory(cohort=CohortFactory(program=program, title="Past call run",
                                     enrollment_mode=Cohort.EnrollmentMode.APPLICATION),
                deadline=now - dt.timedelta(days=1))
    CallFactory(cohort=CohortFactory(program=program, title="Future call run",
                                     enrollment_mode=Cohort.EnrollmentMode.APPLICATION),
                opens_at=now + dt.timedelta(days=5))
    CohortFactory(program=program, title="No call yet run", enrollment_mode=Cohort.EnrollmentMode.APPLICATION)
    client = client_for(None)

    page = client.get(program_url(program)).content.decode()
    apply = reverse("applications:apply", kwargs={"organizer_slug": organizer.slug, "call_id": open_call.pk})
    assert page.count("/apply/") == 1 and f'href="{apply}"' in page
    assert "Applications close " in page and "Applications closed " in page and "Applications open " in page
    assert "Applications are not open yet." in page
    assert reverse("applications:home", kwargs={"organizer_slug": organizer.slug}) + '" class="btn' not in page

    catalog = client.get(catalog_url(organizer)).content.decode()
    for line in ["Open call run", "applications open", "Past call run", "applications closed",
                 "Future call run", "applications open soon", "No call yet run", "by application"]:
        assert line in catalog, line
    # The call's page is where the link leads: it answers, and shows the form.
    assert client_for(UserFactory()).get(apply).status_code == 200


def test_catalog_pages_keep_the_filters_and_forgive_a_bad_page_number(organizer, client_for):
    make_programs(organizer, 30)
    ProgramFactory(organizer=organizer, title="Zz workshop", kind=Program.Kind.WORKSHOP)
    client = client_for(None)
    first = client.get(catalog_url(organizer, kind="training_series")).content.decode()
    assert "Page 1 of 2" in first and "Zz workshop" not in first
    assert 'href="?kind=training_series&amp;page=2">Next<' in first
    second = client.get(catalog_url(organizer, kind="training_series", page=2)).content.decode()
    assert "Program 029" in second and "Program 000" not in second
    for bad in ["0", "99", "two", "-1"]:
        response = client.get(catalog_url(organizer, page=bad))
        assert response.status_code == 200 and "Page " in response.content.decode()


def test_an_unknown_filter_says_so_and_shows_every_program(organizer, client_for):
    ProgramFactory(organizer=organizer, title="Open series")
    page = client_for(None).get(catalog_url(organizer, kind="nonsense")).content.decode()
    assert "Open series" in page
    assert "not one of the choices" in page


def test_a_run_that_is_over_shows_its_dates_not_seats_prices_or_deadlines(organizer, client_for):
    from tests.billing.helpers import priced_cohort

    today = timezone.localdate()
    past = priced_cohort(organizer, amount="400.00", tax="0")
    with scopes_disabled():
        Cohort.objects.filter(pk=past.pk).update(
            title="Inaugural series", starts_on=today - dt.timedelta(days=90), ends_on=today - dt.timedelta(days=60),
            registration_closes_at=timezone.now() - dt.timedelta(days=95),
        )
        program = past.program
    coming = CohortFactory(program=program, title="Next series", capacity=30,
                           starts_on=today + dt.timedelta(days=40), ends_on=today + dt.timedelta(days=100))
    page = client_for(None).get(program_url(program)).content.decode()
    over = page[page.index("Inaugural series"):page.index("Next series")]
    ended_on = (today - dt.timedelta(days=60)).strftime("%-d %b %Y")
    assert f"ended on {ended_on}." in over
    for stale in ["left", "Full refund", "Registration closed", "How to join", "USD 400"]:
        assert stale not in over, stale
    upcoming = page[page.index("Next series"):]
    assert "30 of 30 left" in upcoming and "How to join" in upcoming
    assert coming.slug in upcoming


def test_a_price_without_tax_does_not_mention_tax(organizer, client_for):
    from tests.billing.helpers import priced_cohort

    cohort = priced_cohort(organizer, amount="400.00", tax="0")
    page = client_for(None).get(program_url(cohort.program)).content.decode()
    assert "400.00" in page and "% tax" not in page
    taxed = priced_cohort(organizer, amount="400.00", tax="21")
    assert "plus 21% tax" in client_for(None).get(program_url(taxed.program)).content.decode()


def test_the_program_page_lists_each_runs_next_public_sessions_only(organizer, client_for):
    from sessions_app.models import AffinityGroup
    from tests.sessions.factories import SessionFactory

    now = timezone.now()
    cohort = CohortFactory(program__organizer=organizer, title="Spring series")
    program = cohort.program
    for day in range(1, 9):  # eight to come: the page names the next six
        SessionFactory(cohort=cohort, title=f"Coming {day}", starts_at=now + dt.timedelta(days=day))
    SessionFactory(cohort=cohort, title="Held last week", starts_at=now - dt.timedelta(days=7))
    with scopes_disabled():
        group = AffinityGroup.objects.create(organizer=organizer, cohort=cohort, name="BIPOC caucus")
    SessionFactory(cohort=cohort, title="Caucus meeting", affinity_group=group, starts_at=now + dt.timedelta(hours=5))
    SessionFactory(cohort=CohortFactory(program=program, is_published=False), title="Draft run session")
    elsewhere = CohortFactory(program__organizer=organizer)
    SessionFactory(cohort=elsewhere, title="Another program's session")

    page = client_for(None).get(program_url(program)).content.decode()
    listed = [f"Coming {day}" for day in range(1, 9) if f"Coming {day}<" in page]
    assert listed == [f"Coming {day}" for day in range(1, 7)]
    for hidden in ["Held last week", "Caucus meeting", "Draft run session", "Another program&#x27;s session",
                   "Another program's session"]:
        assert hidden not in page, hidden
