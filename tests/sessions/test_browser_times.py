"""Done-when for issue 11: a time typed in the admin for a cohort in another zone than the
server's reads the same on the public page and in the email."""

import pytest
from django.core import mail
from django_scopes import scopes_disabled

from organizers.roles import Role
from sessions_app.models import Session
from tests.browser import sign_in
from tests.factories import CohortFactory, OrganizerFactory, UserFactory, member

from .factories import enroll

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_session_typed_in_the_admin_reads_the_same_on_the_program_page_and_in_the_email(page, settings):
    assert settings.TIME_ZONE == "UTC"
    organizer = OrganizerFactory(slug="zone-org", name="Zone Org", time_zone="America/New_York")
    cohort = CohortFactory(program__organizer=organizer, program__title="Equity Basics", title="Winter run",
                           time_zone="America/Chicago")
    enroll(cohort, UserFactory(full_name="Ana Alvarez", email="ana@example.org", time_zone=None))
    staff = member(organizer, Role.STAFF)

    sign_in(page, staff.email)
    page.goto("/admin/sessions_app/session/add/")
    assert "Time in America/Chicago" not in page.content()  # no cohort chosen yet: the organizer's zone is named
    assert "Time in America/New_York (Zone Org's time zone)" in page.content()
    page.locator("#id_cohort").select_option(str(cohort.pk))
    page.locator("#id_title").fill("Orientation")
    page.locator("#id_starts_at_0").fill("2030-12-03")
    page.locator("#id_starts_at_1").fill("10:00")
    page.locator("#id_ends_at_0").fill("2030-12-03")
    page.locator("#id_ends_at_1").fill("11:30")
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_load_state("networkidle")
    assert "was added successfully" in page.content()
    assert "Tue 3 Dec 2030, 10:00 CST" in page.content()  # the admin's list, on the cohort's clock

    with scopes_disabled():
        session = Session.objects.get(title="Orientation")
    page.goto(f"/admin/sessions_app/session/{session.pk}/change/")
    assert page.locator("#id_starts_at_1").input_value().startswith("10:00")
    assert "Time in America/Chicago (the cohort's time zone)" in page.content()

    page.goto(f"/{organizer.slug}/programs/{cohort.program.slug}/")
    assert "Tue 3 Dec 2030, 10:00–11:30 CST" in page.locator("main").inner_text()

    schedule = [m for m in mail.outbox if m.to == ["ana@example.org"] and "Schedule" in m.subject]
    assert schedule, [m.subject for m in mail.outbox]
    assert "Tue 3 Dec 2030, 10:00–11:30 CST: Orientation" in schedule[-1].body
