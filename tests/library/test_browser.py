"""A participant searches the library in a real browser and opens a resource; axe-core
checks the library and resource pages."""

import pytest
from django_scopes import scopes_disabled

from library import services
from library.models import Bookmark, Resource
from tests.browser import assert_accessible, sign_in
from tests.factories import EnrollmentFactory
from tests.library.factories import CollectionItemFactory, ResourceFactory, TopicFactory


@pytest.mark.browser
def test_search_and_open_a_resource(page, organizer):
    person = EnrollmentFactory(cohort__program__organizer=organizer).person
    topic = TopicFactory(organizer=organizer, name="Racial healing", slug="racial-healing")
    handout = ResourceFactory(
        organizer=organizer, title="Racial Healing & Relationship Building handout", audience=Resource.Audience.ENROLLED,
        summary="Why racial healing is at the heart of racial equity.", body="## Agreements\n\nListen to understand.",
    )
    ResourceFactory(organizer=organizer, title="Power mapping worksheet", body="Who holds power in the sector?")
    ResourceFactory(organizer=organizer, title="Staff facilitator guide on healing", audience=Resource.Audience.STAFF)
    with scopes_disabled():
        handout.topics.add(topic)
    CollectionItemFactory(collection__organizer=organizer, collection__title="Session 1 materials", resource=handout)
    with scopes_disabled():
        services.refresh_search_vectors(resource_ids=list(Resource.objects.values_list("pk", flat=True)))

    sign_in(page, person.email)
    page.goto(f"/{organizer.slug}/library/")
    assert page.get_by_role("heading", level=1).inner_text() == "Resource library"
    assert_accessible(page)

    page.get_by_label("Search the library").fill("healing")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url("**/library/?q=healing*")
    results = page.locator("#results-heading + ul h3")
    assert results.all_inner_texts() == ["Racial Healing & Relationship Building handout"]
    assert page.locator("mark").first.inner_text().lower() == "healing"
    assert_accessible(page)

    page.get_by_role("link", name="Racial Healing & Relationship Building handout").click()
    page.wait_for_url(f"**/library/r/{handout.pk}/")
    assert page.get_by_role("heading", level=1).inner_text() == handout.title
    assert page.get_by_role("heading", name="Agreements").is_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Save to my library").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("button", name="Remove from my library").is_visible()
    with scopes_disabled():
        assert Bookmark.objects.filter(user=person, resource=handout).exists()

    # Keyboard: the search box is reachable and submits with Enter.
    page.goto(f"/{organizer.slug}/library/")
    page.get_by_label("Search the library").focus()
    page.keyboard.type("power")
    page.keyboard.press("Enter")
    page.wait_for_url("**/library/?q=power*")
    assert page.locator("#results-heading + ul h3").all_inner_texts() == ["Power mapping worksheet"]


@pytest.mark.browser
def test_propose_a_resource_and_follow_it(page, organizer):
    person = EnrollmentFactory(cohort__program__organizer=organizer).person
    TopicFactory(organizer=organizer, name="Communication", slug="communication")
    sign_in(page, person.email)
    page.goto(f"/{organizer.slug}/library/")
    page.get_by_role("link", name="Propose a resource").click()
    page.wait_for_url("**/library/propose/")
    assert_accessible(page)

    page.get_by_label("Title").fill("Board memo template")
    page.get_by_label("Kind").select_option("template")
    page.get_by_label("Communication").check()
    page.get_by_role("button", name="Send proposal").click()
    page.wait_for_load_state("networkidle")
    # Neither a file nor a link: a clear message, nothing saved.
    assert page.get_by_text("Upload a file or give a link.").is_visible()
    with scopes_disabled():
        assert not Resource.objects.exists()

    page.get_by_label("Link").fill("https://example.org/board-memo")
    page.get_by_role("button", name="Send proposal").click()
    page.wait_for_url("**/library/mine/")
    row = page.get_by_role("row", name="Board memo template")
    assert "Proposed, awaiting review" in row.inner_text()
    assert_accessible(page)
