"""The base layout in a real browser: keyboard, landmarks, axe-core."""

import pytest

from organizers.roles import Role
from tests.browser import assert_accessible, sign_in
from tests.factories import OrganizerFactory, member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_home_and_landing_are_accessible_and_keyboard_usable(page):
    organizer = OrganizerFactory(name="North Sound Test", slug="north-sound-test", about="A community of practice.")
    page.goto("/")
    assert_accessible(page)
    page.keyboard.press("Tab")
    skip = page.locator(":focus")
    assert skip.inner_text() == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"

    page.get_by_role("link", name="North Sound Test").first.click()
    page.wait_for_url(f"**/{organizer.slug}/")
    assert page.locator("h1").inner_text() == "North Sound Test"
    assert page.get_by_role("main").count() == 1 and page.get_by_role("contentinfo").count() == 1
    assert_accessible(page)


def test_sign_in_form_is_labelled_and_leads_to_the_admin_for_staff(page):
    organizer = OrganizerFactory(slug="staff-org")
    user = member(organizer, Role.STAFF, email="staff@staff-org.example")
    page.goto("/accounts/login/")
    assert_accessible(page)
    sign_in(page, user.email)
    assert page.get_by_role("link", name="Admin").count() == 1
    page.get_by_role("link", name="Admin").click()
    assert page.locator("#site-name").inner_text().strip() == "Praxis administration"
