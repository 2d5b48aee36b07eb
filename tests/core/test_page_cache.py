"""Anonymous organizer pages come from the cache and change as soon as their data does."""

import pytest
from django.core.cache import cache
from django_scopes import scopes_disabled

from tests.factories import CohortFactory, FacilitatorFactory, OrganizerFactory, ProgramFactory, member


@pytest.fixture
def cached(settings):
    settings.PRAXIS_PAGE_CACHE_SECONDS = 60
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def program(organizer):
    with scopes_disabled():
        program = ProgramFactory(organizer=organizer, title="Healing Circles", slug="healing")
        CohortFactory(program=program, title="Spring series")
    return program


def warm(client, url):
    for _ in range(2):  # the first visit prepares the organizer's version, the second stores
        assert client.get(url).status_code == 200


def test_anonymous_program_page_is_served_from_cache_and_changes_at_once(
        cached, organizer, program, client, django_assert_num_queries):
    url = f"/{organizer.slug}/programs/healing/"
    warm(client, url)
    with django_assert_num_queries(0):
        page = client.get(url)
    assert "Healing Circles" in page.content.decode() and "Set-Cookie" not in page.headers
    with scopes_disabled():
        program.title = "Healing Circles for Leaders"
        program.save()
    assert "Healing Circles for Leaders" in client.get(url).content.decode()


def test_cohort_and_facilitator_changes_show_on_catalog_and_program_page(cached, organizer, program, client):
    catalog, detail = f"/{organizer.slug}/programs/", f"/{organizer.slug}/programs/healing/"
    warm(client, catalog)
    warm(client, detail)
    with scopes_disabled():
        cohort = program.cohorts.get()
        cohort.title = "Autumn series"
        cohort.save()
        program.facilitators.add(FacilitatorFactory(organizer=organizer, name="Ada Facilitator"))
    page = client.get(detail).content.decode()
    assert "Autumn series" in page and "Ada Facilitator" in page
    with scopes_disabled():
        program.delete()
    assert "Healing Circles" not in client.get(catalog).content.decode()


def test_other_organizers_changes_keep_the_page_cached(
        cached, organizer, program, client, django_assert_num_queries):
    url = f"/{organizer.slug}/programs/healing/"
    warm(client, url)
    other = OrganizerFactory(slug="elsewhere")
    with scopes_disabled():
        ProgramFactory(organizer=other, title="Elsewhere")
    with django_assert_num_queries(0):
        client.get(url)


def test_signed_in_people_get_their_own_page_and_never_a_stored_one(
        cached, organizer, program, client, client_for):
    url = f"/{organizer.slug}/programs/healing/"
    warm(client, url)
    staff = client_for(member(organizer, full_name="Staff Person"))
    page = staff.get(url).content.decode()
    assert "Sign out" in page
    assert "Sign out" not in client.get(url).content.decode()


def test_hard_reload_renders_afresh(cached, organizer, program, client, django_assert_num_queries):
    url = f"/{organizer.slug}/programs/healing/"
    warm(client, url)
    with scopes_disabled():
        type(program).objects.filter(pk=program.pk).update(title="Changed without signals")
    assert "Changed without signals" not in client.get(url).content.decode()
    assert "Changed without signals" in client.get(url, HTTP_CACHE_CONTROL="no-cache").content.decode()


def test_each_cached_response_gets_its_own_csp_nonce(cached, organizer, program, client):
    import re

    url = f"/{organizer.slug}/programs/healing/"
    warm(client, url)
    nonces = set()
    for _ in range(2):
        page = client.get(url)
        (in_page,) = re.findall(r'<style nonce="([^"]+)"', page.content.decode())
        assert f"'nonce-{in_page}'" in page.headers["Content-Security-Policy"]
        nonces.add(in_page)
    assert len(nonces) == 2
