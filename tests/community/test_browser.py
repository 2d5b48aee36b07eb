"""A participant starts a thread and replies by keyboard only; axe-core checks the space and thread pages."""

import pytest
from django_scopes import scopes_disabled

from community.models import Post, Thread
from tests.browser import assert_accessible, sign_in
from tests.factories import CohortFactory
from tests.sessions.factories import SessionFactory

from .factories import cohort_space, participant, start

pytestmark = pytest.mark.browser


def tab_to(page, selector: str, limit: int = 80) -> None:
    """Press Tab until the element matching `selector` has the focus (keyboard only, no clicks)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(sel) => !!document.activeElement && document.activeElement.matches(sel)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def test_post_a_thread_and_a_reply_by_keyboard(page, organizer):
    space = cohort_space(CohortFactory(program__organizer=organizer), title="Cohort space",
                        guidelines="Speak from your own experience.")
    SessionFactory(cohort=space.cohort, title="Race and Power")
    person = participant(space.cohort, full_name="Kim Keyboard")
    colleague = participant(space.cohort, full_name="Cam Colleague")
    start(space, colleague, title="Welcome, everyone", body="Say hello **here**.")

    sign_in(page, person.email)
    page.goto(f"/{organizer.slug}/community/s/{space.pk}/")
    assert page.get_by_role("heading", level=1).inner_text() == "Cohort space"
    assert page.get_by_role("link", name="Race and Power").is_visible()
    assert_accessible(page)

    tab_to(page, 'a[href$="/new/"]')
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/community/s/{space.pk}/new/")
    assert page.get_by_role("heading", name="Before your first post: community guidelines").is_visible()
    tab_to(page, "#id_title")
    page.keyboard.type("Budgets for equity staff")
    tab_to(page, "#id_body")
    page.keyboard.type("How did you **fund** it? @Cam Colleague")
    tab_to(page, "#id_accept_guidelines")
    page.keyboard.press("Space")
    tab_to(page, "form button[type=submit].btn-primary")
    page.keyboard.press("Enter")
    page.wait_for_url("**/community/t/*/")
    assert page.get_by_role("heading", level=1).inner_text() == "Budgets for equity staff"
    assert page.locator("strong", has_text="fund").is_visible()
    assert_accessible(page)

    tab_to(page, "#id_body")
    page.keyboard.type("Adding: we also asked our board.")
    tab_to(page, "form[action$='/reply/'] button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url("**/community/t/*/#post-*")
    assert page.get_by_text("Adding: we also asked our board.").is_visible()
    assert_accessible(page)
    with scopes_disabled():
        thread = Thread.objects.get(title="Budgets for equity staff")
        assert list(Post.objects.filter(thread=thread).values_list("author__full_name", "is_opening")) == [
            ("Kim Keyboard", True), ("Kim Keyboard", False)]

    page.goto(f"/{organizer.slug}/community/s/{space.pk}/")
    assert_accessible(page)
