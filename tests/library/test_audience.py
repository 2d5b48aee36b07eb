"""The audience rule on every path to a resource: page, search, detail, collection,
download, bookmark, "My library" and the admin, for each kind of viewer."""

import re

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from cohorts.models import Enrollment
from cohorts.selectors import participations
from library.models import Bookmark, Resource
from library.selectors import is_participant, visible_resources
from tests.factories import CohortFactory, EnrollmentFactory

from .conftest import AUDIENCES, EXPECTED, HAS_LIBRARY

VIEWERS = sorted(EXPECTED)


def listed(html: str) -> set[str]:
    return set(re.findall(r"Healing handout for (\w+) audience", html))


def saved(html: str) -> set[str]:
    """Titles in the "Saved resources" section of My library (not in flash messages)."""
    return listed(html.split('id="saved-heading"')[1].split('id="proposals-heading"')[0])


def url(world, name, **kwargs):
    return reverse(f"library:{name}", kwargs={"organizer_slug": world.organizer.slug, **kwargs})


@pytest.mark.parametrize("viewer", VIEWERS)
def test_selector(world, viewer):
    user = world.viewers[viewer]
    from django.contrib.auth.models import AnonymousUser

    visible = visible_resources(organizer=world.organizer, user=user or AnonymousUser())
    names = {name for name, r in world.resources.items() if visible.filter(pk=r.pk).exists()}
    assert names == EXPECTED[viewer]


@pytest.mark.parametrize("viewer", VIEWERS)
def test_library_page(world, viewer, client_for):
    response = client_for(world.viewers[viewer]).get(url(world, "index"))
    assert response.status_code == 200
    assert listed(response.content.decode()) == EXPECTED[viewer]
    assert "another organizer" not in response.content.decode()


@pytest.mark.parametrize("viewer", VIEWERS)
def test_search(world, viewer, client_for):
    response = client_for(world.viewers[viewer]).get(url(world, "index"), {"q": "healing handout"})
    assert response.status_code == 200
    assert listed(response.content.decode()) == EXPECTED[viewer]
    assert "another organizer" not in response.content.decode()


@pytest.mark.parametrize("viewer", VIEWERS)
def test_detail_and_download(world, viewer, client_for):
    client = client_for(world.viewers[viewer])
    for name, resource in world.resources.items():
        detail = client.get(url(world, "resource_detail", resource_id=resource.pk))
        download = client.get(url(world, "resource_download", resource_id=resource.pk))
        if name in EXPECTED[viewer]:
            assert detail.status_code == 200, name
            assert download.status_code == 200, name
            assert b"".join(download.streaming_content) == f"Handout text for {name}.\n".encode()
        else:
            expected = 302 if viewer == "anonymous" else 404
            assert (detail.status_code, download.status_code) == (expected, expected), name
            if viewer == "anonymous":
                assert "/accounts/login/" in detail["Location"]
    with scopes_disabled():
        downloads = dict(Resource.objects.filter(organizer=world.organizer).values_list("title", "download_count"))
    assert {t.split()[3] for t, n in downloads.items() if n} == EXPECTED[viewer]


@pytest.mark.parametrize("viewer", VIEWERS)
def test_collection(world, viewer, client_for):
    response = client_for(world.viewers[viewer]).get(url(world, "collection_detail", collection_id=world.collection.pk))
    assert response.status_code == 200
    assert listed(response.content.decode()) == EXPECTED[viewer]


@pytest.mark.parametrize("viewer", VIEWERS)
def test_collection_with_nothing_visible_is_hidden(world, viewer, client_for):
    with scopes_disabled():
        world.collection.items.filter(resource__audience=Resource.Audience.PUBLIC).delete()
    response = client_for(world.viewers[viewer]).get(url(world, "collection_detail", collection_id=world.collection.pk))
    if EXPECTED[viewer] - {"public"}:
        assert response.status_code == 200
    else:
        assert response.status_code == (302 if viewer == "anonymous" else 404)


@pytest.mark.parametrize("viewer", VIEWERS)
def test_bookmark(world, viewer, client_for):
    user = world.viewers[viewer]
    client = client_for(user)
    for name, resource in world.resources.items():
        response = client.post(url(world, "resource_bookmark", resource_id=resource.pk))
        if viewer == "anonymous":
            assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        elif name in EXPECTED[viewer] and viewer in HAS_LIBRARY:
            assert response.status_code == 302, name
        else:
            assert response.status_code == 404, name
    if user is None:
        return
    with scopes_disabled():
        bookmarked = {b.resource.title.split()[3] for b in Bookmark.objects.filter(user=user)}
    assert bookmarked == (EXPECTED[viewer] if viewer in HAS_LIBRARY else set())
    mine = client.get(url(world, "my_library"))
    if viewer in HAS_LIBRARY:
        assert saved(mine.content.decode()) == EXPECTED[viewer]
    else:
        assert mine.status_code == 404


def test_my_library_drops_bookmarks_that_are_no_longer_visible(world, client_for):
    person = world.viewers["participant of the chosen program"]
    client = client_for(person)
    for resource in world.resources.values():
        client.post(url(world, "resource_bookmark", resource_id=resource.pk))
    with scopes_disabled():
        Resource.objects.filter(pk=world.resources["program"].pk).update(audience=Resource.Audience.STAFF)
    assert saved(client.get(url(world, "my_library")).content.decode()) == {"public", "enrolled", "cohort"}


def test_admin_shows_staff_everything_of_their_organizer_only(world, client_for):
    changelist = reverse("admin:library_resource_changelist")
    staff_page = client_for(world.viewers["staff"]).get(changelist, {"all": ""})
    assert staff_page.status_code == 200
    assert listed(staff_page.content.decode()) == set(AUDIENCES)
    assert "another organizer" not in staff_page.content.decode()
    other_staff = client_for(world.viewers["other organizer's staff"]).get(changelist)
    assert other_staff.status_code == 200 and listed(other_staff.content.decode()) == set()
    resource = world.resources["staff"]
    change = reverse("admin:library_resource_change", args=[resource.pk])
    assert client_for(world.viewers["other organizer's staff"]).get(change).status_code in (302, 404)
    for viewer in ("participant of the chosen program", "affinity group member", "anonymous"):
        response = client_for(world.viewers[viewer]).get(changelist)
        assert response.status_code == 302 and "/admin/login/" in response["Location"], viewer


@pytest.mark.parametrize("status", Enrollment.Status.values)
def test_enrolled_only_resources_follow_the_one_participating_rule(world, status):
    """The library does not keep its own list of statuses: whoever cohorts.selectors
    counts as participating (confirmed or completed) sees enrolled-only resources and
    keeps a library; an offer not yet accepted, a seat awaiting payment, a waitlist
    place or a cancellation does not."""
    cohort = CohortFactory(program__organizer=world.organizer)
    person = EnrollmentFactory(cohort=cohort, status=status).person
    with scopes_disabled():
        participating = participations(organizer_id=world.organizer.id, person_id=person.id).exists()
    visible = visible_resources(organizer=world.organizer, user=person)
    assert participating == (status in Enrollment.PARTICIPATING)
    assert visible.filter(pk=world.resources["enrolled"].pk).exists() == participating
    assert visible.filter(pk=world.resources["program"].pk).exists() is False  # another program's cohort
    assert is_participant(organizer=world.organizer, user=person) == participating
