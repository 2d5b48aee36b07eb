"""Layout at a phone's 390 px and a laptop's 1280 px: no page scrolls sideways, the header
stays on one line (or folds into a menu button that works from the keyboard), and a
facilitator taking attendance on a phone reaches "Mark everyone … present" without
scrolling past the whole roster."""

import datetime as dt

import pytest
from django.utils import timezone

from library.models import Resource
from organizers.roles import Role
from tests.browser import sign_in
from tests.factories import CohortFactory, MembershipFactory, OrganizerFactory, ProgramFactory, UserFactory
from tests.library.factories import ResourceFactory
from tests.sessions.factories import SessionFactory, enroll, facilitator_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (390, 1280, 1440)


def _world():
    organizer = OrganizerFactory(slug="alliance", name="Alliance for Early Success")
    program = ProgramFactory(organizer=organizer, title="Advancing Racial Equity in Early Childhood Systems",
                             slug="advancing")
    cohort = CohortFactory(program=program, title="Spring cohort of state teams", slug="spring")
    start = timezone.now() - dt.timedelta(minutes=30)
    session = SessionFactory(cohort=cohort, title="Power mapping", starts_at=start, ends_at=start + dt.timedelta(hours=2))
    for n in range(14):
        enroll(cohort, UserFactory(full_name=f"Participant Number {n:02d} With A Long Name"))
    ResourceFactory(organizer=organizer, title="An anti-racist organisational self-assessment checklist",
                    summary="A **checklist** " + "with a long summary " * 10, status=Resource.Status.PUBLISHED)
    # The busiest header: staff of the organizer who also facilitates and takes part.
    person = facilitator_of(cohort)
    MembershipFactory(organizer=organizer, user=person, role=Role.STAFF)
    enroll(cohort, person)
    return organizer, session, person


def _no_sideways_scroll(page, url):
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{url} scrolls sideways by {overflow}px at {page.viewport_size['width']}px"


def _header_fits(page, width):
    header = page.locator("header.praxis-header")
    brand = page.locator(".navbar-brand").bounding_box()
    assert brand["x"] >= 8, f"the brand touches the screen edge at {width}px"
    toggler = page.locator(".navbar-toggler")
    if toggler.is_visible():
        box = toggler.bounding_box()
        assert box["x"] + box["width"] <= width - 8, f"the menu button touches the screen edge at {width}px"
        # One row: brand, organizer and button side by side.
        assert header.bounding_box()["height"] < 90, f"the folded header takes {header.bounding_box()['height']}px on {page.url}"
    else:
        tops = {round(link.bounding_box()["y"]) for link in page.locator("#praxis-nav .nav-link").all()
                if link.is_visible()}
        assert len(tops) == 1, f"the header wraps onto {len(tops)} lines at {width}px"


def test_key_pages_fit_at_390_and_1280_px_and_the_menu_works_by_keyboard(page):
    organizer, session, person = _world()
    sign_in(page, person.email)
    pages = [f"/{organizer.slug}/programs/", f"/{organizer.slug}/programs/advancing/", "/me/programs/",
             f"/{organizer.slug}/sessions/{session.id}/roster/", f"/{organizer.slug}/library/"]
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 844})
        for url in pages:
            page.goto(url)
            _no_sideways_scroll(page, url)
            _header_fits(page, width)

    # On a phone the menu is a button: Enter opens it, and Tab then reaches its links.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/{organizer.slug}/programs/")
    toggler = page.locator(".navbar-toggler")
    assert toggler.is_visible() and not page.get_by_role("link", name="Library").is_visible()
    toggler.focus()
    page.keyboard.press("Enter")
    page.get_by_role("link", name="Library").wait_for(state="visible")
    assert toggler.get_attribute("aria-expanded") == "true"
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "About"


def test_mark_all_present_is_within_reach_on_a_phone(page):
    organizer, session, person = _world()
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, person.email)
    page.goto(f"/{organizer.slug}/sessions/{session.id}/roster/")
    button = page.get_by_role("button", name="Mark everyone not yet marked as present")
    box = button.bounding_box()
    assert box["y"] + box["height"] <= 844, "Mark all present is below the first screen, after the roster"
    button.click()
    page.get_by_text("more as present").wait_for()
