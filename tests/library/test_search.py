"""Browsing and searching the library: filters, sorting, pages, ranking and snippets.

The first tests run on both databases (substring search on SQLite); those marked
`postgres` check the full-text search itself: stored weighted vectors, the GIN index,
ranking and highlighted snippets.
"""

import datetime as dt
import re

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from library import services
from library.models import Resource
from tests.factories import CohortFactory, ProgramFactory
from tests.library.factories import CollectionItemFactory, ResourceFactory, TopicFactory


def index(organizer):
    return reverse("library:index", kwargs={"organizer_slug": organizer.slug})


def result_titles(response) -> list[str]:
    """Result titles in page order."""
    return re.findall(r'<h3 class="h5 mb-1"><a href="[^"]+">([^<]+)</a>', response.content.decode())


def make(organizer, **fields):
    resource = ResourceFactory(organizer=organizer, **fields)
    services.refresh_search_vectors(resource_ids=[resource.pk])
    return resource


def test_title_match_ranks_above_body_match(organizer, client_for):
    make(organizer, title="Office hours notes", summary="", body="We discussed reparations at length.")
    make(organizer, title="Community notes", summary="A primer on reparations.", body="")
    make(organizer, title="Reparations reading list", summary="", body="")
    make(organizer, title="Unrelated", summary="", body="Nothing to see.")
    response = client_for(None).get(index(organizer), {"q": "reparations"})
    assert result_titles(response) == ["Reparations reading list", "Community notes", "Office hours notes"]


def test_snippet_highlights_and_escapes(organizer, client_for):
    make(organizer, title="Handout", summary="", body="Costs & benefits <img src=x onerror=alert(1)> of reparations.")
    page = client_for(None).get(index(organizer), {"q": "reparations"}).content.decode()
    assert "<mark>reparations</mark>" in page
    assert "Costs &amp; benefits" in page
    assert "<img src=x" not in page


def test_no_results_says_so(organizer, client_for):
    make(organizer, title="Handout")
    page = client_for(None).get(index(organizer), {"q": "zebra"}).content.decode()
    assert "Nothing in the library matches “zebra”" in page


def test_filters(organizer, client_for):
    topic = TopicFactory(organizer=organizer, name="Power", slug="power")
    program = ProgramFactory(organizer=organizer, title="DEI Learning Trajectory")
    checklist = make(organizer, title="DEI organisational checklist", kind=Resource.Kind.CHECKLIST, language="nl")
    framework = make(organizer, title="Anti-racist framework", kind=Resource.Kind.FRAMEWORK)
    in_collection = make(organizer, title="Module handout")
    for_cohort = make(organizer, title="Cohort-only notes", audience=Resource.Audience.PROGRAMS)
    with scopes_disabled():
        framework.topics.add(topic)
        for_cohort.audience_cohorts.add(CohortFactory(program=program))
    CollectionItemFactory(collection__organizer=organizer, collection__program=program, resource=in_collection)
    client = client_for(None)
    assert result_titles(client.get(index(organizer), {"kind": "checklist"})) == [checklist.title]
    assert result_titles(client.get(index(organizer), {"language": "nl"})) == [checklist.title]
    assert result_titles(client.get(index(organizer), {"topic": "power"})) == [framework.title]
    # Anonymous visitors do not see the cohort-only notes even when filtering by its program.
    assert result_titles(client.get(index(organizer), {"program": program.pk})) == [in_collection.title]


@pytest.mark.parametrize("params", [{"kind": "spaceship"}, {"program": "abc"}, {"topic": "nope"}, {"page": "999"},
                                    {"sort": "'; DROP TABLE"}, {"q": "x" * 500}, {"language": "klingon"}])
def test_bad_filters_are_ignored(organizer, client_for, params):
    make(organizer, title="Handout")
    response = client_for(None).get(index(organizer), params)
    assert response.status_code == 200


def test_sorting_and_pages(organizer, client_for):
    for n in range(25):
        make(organizer, title=f"Handout {n:02d}")
    client = client_for(None)
    first = result_titles(client.get(index(organizer), {"sort": "title"}))
    assert first == [f"Handout {n:02d}" for n in range(20)]
    second = client.get(index(organizer), {"sort": "title", "page": 2})
    assert result_titles(second) == [f"Handout {n:02d}" for n in range(20, 25)]
    assert "Page 2 of 2" in second.content.decode()
    assert result_titles(client.get(index(organizer)))[0] == "Handout 24"  # newest first


def test_search_never_crosses_organizers(organizer, other_organizer, client_for):
    make(other_organizer, title="Reparations reading list")
    assert result_titles(client_for(None).get(index(organizer), {"q": "reparations"})) == []


@pytest.mark.postgres
def test_postgres_full_text_search(organizer, client_for):
    make(organizer, title="Racial healing practice", summary="", body="")
    make(organizer, title="Session notes", summary="", body="Healers and practitioners shared how they heal.")
    make(organizer, title="Power mapping", summary="Who holds power in the sector.", body="")
    client = client_for(None)
    # Stemming: "heal" finds "healing", "healers" and "heal"; the title match ranks first.
    assert result_titles(client.get(index(organizer), {"q": "heal"})) == ["Racial healing practice", "Session notes"]
    # websearch syntax: a minus excludes.
    assert result_titles(client.get(index(organizer), {"q": "heal -practice"})) == ["Session notes"]
    page = client.get(index(organizer), {"q": "power"}).content.decode()
    assert "<mark>power</mark>" in page


@pytest.mark.postgres
def test_postgres_vector_is_weighted_and_kept_up_to_date(organizer, staff_user, client_for):
    resource = make(organizer, title="Checklist", summary="about equity", body="and inclusion")
    with scopes_disabled():
        vector = Resource.objects.values_list("search_vector", flat=True).get(pk=resource.pk)
    assert vector == "'checklist':1A 'equiti':3B 'inclus':5C"
    # An edit in the admin refreshes the stored vector.
    client_for(staff_user).post(reverse("admin:library_resource_change", args=[resource.pk]), {
        "organizer": organizer.pk, "title": "Belonging checklist", "kind": "checklist", "language": "en",
        "summary": "about equity", "body": "and inclusion", "audience": "public", "status": "published",
    })
    assert result_titles(client_for(None).get(index(organizer), {"q": "belonging"})) == ["Belonging checklist"]


@pytest.mark.postgres
def test_postgres_gin_index_exists(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE tablename = 'library_resource'")
        definitions = [row[0] for row in cursor.fetchall()]
    assert any("USING gin (search_vector)" in d for d in definitions), definitions


def test_many_matches_are_counted_up_to_the_cap(organizer, client_for, monkeypatch):
    from library.selectors import CappedPaginator

    monkeypatch.setattr(CappedPaginator, "cap", 5)
    for n in range(7):
        make(organizer, title=f"Reparations handout {n}")
    make(organizer, title="Unrelated")
    client = client_for(None)
    page = client.get(index(organizer), {"q": "reparations"}).content.decode()
    assert "(5+)" in page and len(result_titles(client.get(index(organizer), {"q": "reparations"}))) == 5
    assert "(8)" in client.get(index(organizer)).content.decode()  # browsing counts everything
    monkeypatch.setattr(CappedPaginator, "cap", 10)
    assert "(7)" in client.get(index(organizer), {"q": "reparations"}).content.decode()


def test_search_pages_follow_rank_then_newest(organizer, client_for):
    # 25 matches over two pages: titles first, then the rest, newest first within each.
    for n in range(12):
        make(organizer, title=f"Notes {n:02d}", summary="", body="We talked about reparations.")
    for n in range(13):
        make(organizer, title=f"Reparations handout {n:02d}", summary="", body="")
    client = client_for(None)
    first = result_titles(client.get(index(organizer), {"q": "reparations"}))
    second = result_titles(client.get(index(organizer), {"q": "reparations", "page": 2}))
    assert first == [f"Reparations handout {n:02d}" for n in range(12, -1, -1)] + [f"Notes {n:02d}" for n in range(11, 4, -1)]
    assert second == [f"Notes {n:02d}" for n in range(4, -1, -1)]
    # Another order chosen with search words still applies.
    assert result_titles(client.get(index(organizer), {"q": "reparations", "sort": "title"}))[:2] == ["Notes 00", "Notes 01"]


@pytest.mark.postgres
def test_postgres_more_matches_than_the_cap_still_rank_title_matches_first(organizer, client_for, monkeypatch):
    from library.selectors import CappedPaginator

    monkeypatch.setattr(CappedPaginator, "cap", 5)
    for n in range(8):  # stored first, so they are the first matches read
        make(organizer, title=f"Notes {n}", summary="", body="We talked about reparations.")
    make(organizer, title="Reparations reading list", summary="", body="")
    client = client_for(None)
    page = client.get(index(organizer), {"q": "reparations"})
    assert "(5+)" in page.content.decode()
    assert result_titles(page)[0] == "Reparations reading list"
    # Another order runs over every match, not over the capped read: the oldest note is the
    # last one stored, so a read of the first matches in storage order would miss it.
    with scopes_disabled():
        Resource.objects.filter(title="Notes 7").update(created_at=timezone.now() - dt.timedelta(days=365))
    assert result_titles(client.get(index(organizer), {"q": "reparations", "sort": "oldest"}))[0] == "Notes 7"


@pytest.mark.postgres
def test_postgres_title_index_exists(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'library_resource_title_search_gin'")
        assert cursor.fetchone(), "title search index missing"


# ---------------------------------------------------------------- Markdown and several words


def test_snippets_and_list_excerpts_are_plain_text_not_markdown(organizer, client_for):
    guide = make(organizer, title="Session guide", summary="A **practical** guide, see [the toolkit](https://example.org/kit).",
         body="## Session 4: Reparations\n\nRead *Costs & benefits* of reparations &lt;script&gt;x&lt;/script&gt;."
              " <img src=x onerror=alert(1)>")
    client = client_for(None)
    listed = client.get(index(organizer), {"sort": "title"}).content.decode()
    assert "A practical guide, see the toolkit." in listed
    page = client.get(index(organizer), {"q": "reparations"}).content.decode()
    snippet = re.search(r'class="mb-1 praxis-snippet">(.*?)</p>', page, re.S).group(1)
    for raw in ("**", "##", "](", "https://example.org", "*Costs", "<img", "<script"):
        assert raw not in snippet, raw
    assert "Session 4: <mark>Reparations</mark>" in snippet or "Session 4: Reparations" in snippet
    assert "Costs &amp; benefits of <mark>reparations</mark>" in snippet
    if connection.vendor == "sqlite":  # PostgreSQL's headline leaves tag-like words out altogether
        assert "reparations</mark> &lt;script&gt;x" in snippet  # text that looks like a tag stays text
    detail = client.get(reverse("library:resource_detail", kwargs={
        "organizer_slug": organizer.slug, "resource_id": guide.pk})).content.decode()
    assert '<p class="lead">A practical guide, see the toolkit.</p>' in detail


def test_several_words_find_resources_holding_all_of_them_anywhere(organizer, client_for):
    make(organizer, title="Racial equity budget", summary="", body="")
    make(organizer, title="Equity in hiring", summary="How to write a BUDGET line.", body="")
    make(organizer, title="Meeting notes", summary="", body="We spoke about equity.\n\nLater: the budget, in detail.")
    make(organizer, title="Equity only", summary="", body="Nothing about money.")
    make(organizer, title="Budget only", summary="", body="")
    client = client_for(None)
    found = result_titles(client.get(index(organizer), {"q": "equity budget"}))
    assert found[0] == "Racial equity budget"  # both words in the title rank first
    assert sorted(found) == ["Equity in hiring", "Meeting notes", "Racial equity budget"]
    assert sorted(result_titles(client.get(index(organizer), {"q": "Budget, EQUITY"}))) == sorted(found)
    assert result_titles(client.get(index(organizer), {"q": "equity budget zebra"})) == []
    page = client.get(index(organizer), {"q": "equity budget"}).content.decode()
    assert re.search(r"<mark>equity</mark>.*<mark>budget</mark>", page, re.S)
