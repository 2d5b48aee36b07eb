"""The library and search pages run the same number of queries for 10 or 1,000 resources."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scopes_disabled

from library import services
from library.models import Bookmark, CollectionItem, Resource
from tests.factories import EnrollmentFactory
from tests.library.factories import CollectionFactory, TopicFactory

AUDIENCES = [Resource.Audience.PUBLIC, Resource.Audience.ENROLLED, Resource.Audience.PROGRAMS, Resource.Audience.STAFF]


def fill(organizer, count: int, *, start: int, participant) -> None:
    topics = [TopicFactory(organizer=organizer) for _ in range(3)]
    collection = CollectionFactory(organizer=organizer)
    with scopes_disabled():
        resources = Resource.objects.bulk_create(
            Resource(
                organizer=organizer, title=f"Equity handout {start + n}", summary="Shared language on equity.",
                body="Notes about power and racial healing.", audience=AUDIENCES[n % len(AUDIENCES)],
            )
            for n in range(count)
        )
        Topic = Resource.topics.through
        Topic.objects.bulk_create(Topic(resource_id=r.pk, topic_id=topics[n % 3].pk) for n, r in enumerate(resources))
        CollectionItem.objects.bulk_create(
            CollectionItem(organizer=organizer, collection=collection, resource=r, position=n) for n, r in enumerate(resources)
        )
        Bookmark.objects.bulk_create(Bookmark(organizer=organizer, user=participant, resource=r) for r in resources[:5])
    services.refresh_search_vectors(resource_ids=[r.pk for r in resources])


def count_queries(client, url, params) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    assert "Equity handout" in response.content.decode()
    return len(queries)


@pytest.mark.parametrize("viewer", ["anonymous", "participant", "staff"])
@pytest.mark.parametrize("params", [{}, {"q": "equity"}, {"q": "healing", "sort": "title", "page": "2"}, {"topic": "x", "kind": "document"}])
def test_constant_queries_from_10_to_1000_resources(organizer, staff_user, client_for, viewer, params):
    participant = EnrollmentFactory(cohort__program__organizer=organizer).person
    user = {"anonymous": None, "participant": participant, "staff": staff_user}[viewer]
    client = client_for(user)
    url = reverse("library:index", kwargs={"organizer_slug": organizer.slug})
    client.get(url)  # the session and anything cached per process, out of the way
    fill(organizer, 10, start=0, participant=participant)
    if "page" in params:
        fill(organizer, 30, start=10, participant=participant)  # a second page at the small size too
    small = count_queries(client, url, params)
    fill(organizer, 1000, start=100, participant=participant)
    large = count_queries(client, url, params)
    assert small == large, f"{small} queries with few resources, {large} with 1,000"


def test_anonymous_first_page_lists_what_the_general_query_lists(organizer, client):
    """The prepared first page an anonymous visitor gets (count and newest 20) is the
    general browse query's answer: public, published, newest first."""
    from django.contrib.auth.models import AnonymousUser

    from library import selectors

    fill(organizer, 60, start=0, participant=EnrollmentFactory(cohort__program__organizer=organizer).person)
    with scopes_disabled():
        Resource.objects.filter(title="Equity handout 4").update(status=Resource.Status.PROPOSED)
        general = selectors.browse_resources(organizer=organizer, user=AnonymousUser(),
                                             filters=selectors.LibraryFilters(), staff=False)
        total, first = selectors.public_first_page(organizer=organizer)
        assert total == general.count() == 14
        assert [r.pk for r in first] == [r.pk for r in general[:20]]
    page = client.get(reverse("library:index", kwargs={"organizer_slug": organizer.slug})).content.decode()
    assert "(14)" in page and "Equity handout 0" in page and "Equity handout 4<" not in page
