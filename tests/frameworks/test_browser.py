"""Two team members rate in the browser (saved in place with htmx), agree, submit; pages pass axe-core."""

import pytest
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from frameworks.models import Assessment, ConsensusRating, Item, Rating
from tests.browser import assert_accessible, sign_in
from tests.factories import OrganizerFactory

from .scenario import make_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _htmx_idle(page) -> None:
    # A locator, not wait_for_function: a string predicate is eval, which the CSP forbids.
    expect(page.locator(".htmx-request, .htmx-swapping, .htmx-settling")).to_have_count(0)


def _sign_out(page) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state("networkidle")


def test_two_members_rate_agree_submit_and_read_the_results(page):
    organizer = OrganizerFactory(slug="assess-org", name="Assess Org")
    w = make_world(organizer)
    with scopes_disabled():
        items = list(Item.objects.filter(area__version=w.version).order_by("area__order", "order"))

    sign_in(page, w.alice.email)
    page.goto(f"/{organizer.slug}/assessments/")
    page.get_by_role("button", name="Start Baseline (start)").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").inner_text() == "DEI checklist: Baseline (start)"
    assert_accessible(page)
    first = page.locator(f"#item-{items[0].id}")
    url_before = page.url
    first.get_by_label("Your rating").select_option(label="Emerging")
    page.locator(f"#rating-status-{items[0].id}").get_by_text("Saved").wait_for()
    _htmx_idle(page)
    first.get_by_label("Your comment").fill("A strategy exists, few know it")
    first.get_by_label("Your comment").blur()
    _htmx_idle(page)
    assert page.url == url_before  # saved as she goes, no reload
    _sign_out(page)

    sign_in(page, w.bob.email)
    page.goto(url_before)
    first = page.locator(f"#item-{items[0].id}")
    first.get_by_label("Your rating").select_option(label="Embedded")
    page.locator(f"#rating-status-{items[0].id}").get_by_text("Saved").wait_for()
    page.reload()
    first = page.locator(f"#item-{items[0].id}")
    assert "Emerging: 1" in first.inner_text() and "Embedded: 1" in first.inner_text()
    assert "A strategy exists, few know it" in first.inner_text()
    for item in items:
        row = page.locator(f"#item-{item.id}")
        row.get_by_label("Agreed rating").select_option(label="Developing")
        row.get_by_label("Note on the agreement").fill("We met halfway")
        row.get_by_role("button", name="Record the agreed rating").click()
        page.locator(f"#consensus-status-{item.id}").get_by_text("Agreed rating saved").wait_for()
        _htmx_idle(page)
    page.get_by_role("button", name="Submit and lock the assessment").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").inner_text() == "Results: Arizona state team"
    assert page.locator("#areas-table td").filter(has_text="3").count() >= 2
    assert page.locator("svg[role=img] text.praxis-chart-value").count() == 2
    assert_accessible(page)
    page.emulate_media(media="print")
    assert not page.locator("header.praxis-header").is_visible()
    assert_accessible(page)
    page.emulate_media(media="screen")

    with scopes_disabled():
        assessment = Assessment.objects.get()
        assert assessment.status == "submitted" and assessment.submitted_by == w.bob
        assert set(ConsensusRating.objects.values_list("value", flat=True)) == {3}
        assert sorted(Rating.objects.filter(item=items[0]).values_list("value", flat=True)) == [2, 4]
    page.goto(url_before)
    assert "This assessment is locked" in page.content()
    assert page.get_by_label("Your rating").count() == 0
    assert_accessible(page)

    # The public framework page and the team's workplan pass too.
    page.goto(f"/{organizer.slug}/frameworks/dei-checklist/")
    assert page.locator("h1").inner_text() == "DEI checklist"
    assert_accessible(page)
    page.goto(f"/{organizer.slug}/workplans/")
    page.get_by_role("button", name="Start the workplan of Arizona state team").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").inner_text() == "Workplan: Arizona state team"
    assert_accessible(page)
