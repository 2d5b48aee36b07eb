"""Read queries the library's pages share.

`visible_resources` is THE audience rule: the library page, search, collections,
downloads, bookmarks and "My library" all start from it. It filters by organizer
explicitly and runs its subqueries with scopes disabled (scopes would add joins
inside Exists), so it is safe to call from any page of the organizer.
"""

import re
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.core.paginator import Paginator
from django.db import connection, transaction
from django.db.models import (
    Case, Count, Exists, F, FloatField, Func, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When,
)
from django.utils.html import escape
from django_scopes import scopes_disabled

from cohorts.models import Enrollment, Program
from sessions_app.models import AffinityGroup, AffinityMembership
from cohorts.selectors import participations
from core.prepared import PreparedQuery
from organizers.selectors import is_staff_at
from organizers.templatetags.praxis import markdown_text

from .models import Bookmark, Collection, CollectionItem, Resource, Topic

SEARCH_CONFIG = "english"
PUBLIC_FIRST_PAGE = 20  # the library page's page size


def _participations(*, organizer, user) -> QuerySet[Enrollment]:
    # Who counts as a participant is the cohorts app's one rule, not the library's own.
    return participations(organizer_id=organizer.id, person_id=user.id)


def is_participant(*, organizer, user) -> bool:
    """Taking part (confirmed or completed, see cohorts.selectors.participations) in any cohort of the organizer."""
    if not user.is_authenticated:
        return False
    with scopes_disabled():
        return _participations(organizer=organizer, user=user).exists()


def visible_resources(*, organizer, user, staff: bool | None = None) -> QuerySet[Resource]:
    """Resources of `organizer` this person may see: published ones their audience
    includes, plus their own proposals. Staff see every resource, proposals included
    (the review queue needs them); list pages add `status=published` themselves.

    `staff`: pass `request.access.is_staff` to save a query; computed when None.
    """
    if staff is None:
        staff = is_staff_at(user, organizer.id)
    with scopes_disabled():
        resources = Resource.objects.filter(organizer_id=organizer.id)
        published = Q(status=Resource.Status.PUBLISHED)
        if staff:
            return resources
        if not user.is_authenticated:
            return resources.filter(published, audience=Resource.Audience.PUBLIC)

        reach = viewer_reach(organizer_id=organizer.id, person_id=user.id)
        audience = Q(audience=Resource.Audience.PUBLIC)
        if reach.participant:
            audience |= Q(audience=Resource.Audience.ENROLLED)
        if reach.resource_ids:
            audience |= Q(audience=Resource.Audience.PROGRAMS, pk__in=reach.resource_ids)
        if reach.group_ids:
            audience |= Q(audience=Resource.Audience.AFFINITY_GROUP, audience_affinity_group_id__in=reach.group_ids)
        return resources.filter(published & audience | Q(contributor_id=user.id))


@dataclass(frozen=True)
class ViewerReach:
    """What a signed-in viewer's place at an organizer opens in its library."""

    participant: bool  # taking part in a cohort: resources for anyone enrolled
    resource_ids: tuple[int, ...]  # resources for the programs or cohorts they take part in
    group_ids: tuple[int, ...]  # affinity groups they belong to or facilitate


def _reach_rows(organizer_id, person_id):
    """(kind, id) rows: "participant" per participation, "resource" per resource for their
    programs or cohorts, "group" per affinity group they belong to or facilitate."""
    mine = participations(organizer_id=organizer_id, person_id=person_id)
    return mine.order_by().annotate(kind=Value("participant")).values_list("kind", "id").union(
        Resource.audience_programs.through.objects.filter(program_id__in=mine.values("cohort__program_id"))
        .annotate(kind=Value("resource")).values_list("kind", "resource_id"),
        Resource.audience_cohorts.through.objects.filter(cohort_id__in=mine.values("cohort_id"))
        .annotate(kind=Value("resource")).values_list("kind", "resource_id"),
        AffinityMembership.objects.filter(organizer_id=organizer_id, person_id=person_id)
        .annotate(kind=Value("group")).values_list("kind", "group_id"),
        AffinityGroup.facilitators.through.objects.filter(
            facilitator__organizer_id=organizer_id, facilitator__user_id=person_id,
        ).annotate(kind=Value("group")).values_list("kind", "affinitygroup_id"),
        all=True,
    )


# Read once per request, before the resources: the audience rule then filters by a few
# ids instead of carrying five subqueries into every search, whose planning (twice per
# search) and building cost a participant's search more than its ranking.
_viewer_reach = PreparedQuery(_reach_rows, params={"organizer_id": int, "person_id": int}, tenant="organizer_id")


def viewer_reach(*, organizer_id: int, person_id: int) -> ViewerReach:
    found: dict[str, set[int]] = {"participant": set(), "resource": set(), "group": set()}
    for kind, key in _viewer_reach.run(organizer_id=organizer_id, person_id=person_id):
        found[kind].add(key)
    return ViewerReach(participant=bool(found["participant"]), resource_ids=tuple(sorted(found["resource"])),
                       group_ids=tuple(sorted(found["group"])))


@dataclass(frozen=True)
class LibraryFilters:
    q: str = ""
    kind: str = ""
    topic: str = ""
    program: int | None = None
    language: str = ""
    sort: str = ""


SORTS = {
    "newest": ("Newest first", ["-created_at", "-id"]),
    "oldest": ("Oldest first", ["created_at", "id"]),
    "title": ("Title A–Z", ["title", "id"]),
}


def on_postgres() -> bool:
    return connection.vendor == "postgresql"


@contextmanager
def search_transaction(*, needed: bool = True):
    """Run the library page's reads with PostgreSQL's JIT compiler and sequential scans off.

    ts_rank makes the planner's cost estimate large enough to trigger JIT, whose
    compilation takes longer than the whole search (bench/library_search.py measures
    both). For a common word the planner would read the first 1,001 matches by
    scanning the whole table from wherever the last scan stopped (PostgreSQL
    synchronises scans of large tables), through other organizers' rows and free
    space: 6 to 20 ms from one search to the next; through the organizer's index it
    is 4 ms every time. Both are set for this short read-only transaction only
    (set_config(..., true) is SET LOCAL), in one statement.
    ``needed=False`` (no search words, so no ranking) skips the three round trips.
    """
    if not needed or not on_postgres():
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('jit', 'off', true), set_config('enable_seqscan', 'off', true)")
        yield


def browse_resources(*, organizer, user, filters: LibraryFilters, staff: bool | None = None) -> QuerySet[Resource]:
    """The library page and search: the visible resources, filtered, searched and sorted."""
    resources = visible_resources(organizer=organizer, user=user, staff=staff).filter(status=Resource.Status.PUBLISHED)
    if filters.kind:
        resources = resources.filter(kind=filters.kind)
    if filters.language:
        resources = resources.filter(language=filters.language)
    with scopes_disabled():
        if filters.topic:
            resources = resources.filter(topics__slug=filters.topic, topics__organizer_id=organizer.id)
        if filters.program:
            in_collection = CollectionItem.objects.filter(
                organizer_id=organizer.id, resource_id=OuterRef("pk"), collection__program_id=filters.program
            )
            for_program = Resource.audience_programs.through.objects.filter(
                resource_id=OuterRef("pk"), program_id=filters.program
            )
            for_cohort = Resource.audience_cohorts.through.objects.filter(
                resource_id=OuterRef("pk"), cohort__program_id=filters.program
            )
            resources = resources.filter(Exists(in_collection) | Exists(for_program) | Exists(for_cohort))
    query = filters.q.strip()
    if query:
        resources = _search(resources, query)
        order = ["-rank", "-created_at", "-id"] if filters.sort not in SORTS else SORTS[filters.sort][1]
    else:
        order = SORTS.get(filters.sort, SORTS["newest"])[1]
    return resources.order_by(*order)


RANKED = ("-rank", "-created_at", "-id")  # a search's default order
_RANKED_FIELDS = ("pk", "rank", "created_key")  # what PostgreSQL's capped read returns per candidate


class _Epoch(Func):
    """PostgreSQL: a timestamp as float8 seconds since 1970 (orders as the timestamp does)."""

    template = "EXTRACT(EPOCH FROM %(expressions)s)::float8"
    output_field = FloatField()


class CappedPaginator(Paginator):
    """Counts search matches only up to ``cap`` ("1,000+"): counting every match of a
    common word costs more than finding the best twenty, and nobody pages that far.

    In the search's own order (rank, then newest) the pages come from that one capped
    read: it carries each match's rank, so the page's twenty rows are picked in Python
    and fetched by id, instead of a second query ranking every match again. With more
    than ``cap`` matches (PostgreSQL with ``query``), the ranked set is the first ``cap``
    matches plus the resources whose title matches (up to ``cap``, from the title's own
    GIN index), not every match: ranking reads each ranked row, so a word found in
    30,000 resources cost 150 ms (bench/library_search.py). A title match outranks any
    match in the summary or body alone, so a single word's first pages are the same as
    with every match ranked whenever it is in the titles of a page's worth to ``cap``
    resources. With ``cap`` or fewer matches every match is ranked, as before.
    """

    cap = 1000

    def __init__(self, object_list, per_page, *, query: str = "", **options):
        super().__init__(object_list, per_page, **options)
        self.query = query.strip()
        self.in_rank_order = tuple(object_list.query.order_by) == RANKED

    @cached_property
    def _reads(self) -> tuple[list[tuple], list[tuple]]:
        """The first ``cap + 1`` matches and, only when there are more than ``cap``,
        up to ``cap`` title matches: one query either way (PostgreSQL skips the second
        part when the first finds ``cap`` or fewer)."""
        # Title matches only matter to the rank order; another order just needs the count.
        if not (self.query and on_postgres() and self.in_rank_order):
            return list(self.object_list.order_by().values_list(*self._fields)[: self.cap + 1]), []
        with connection.cursor() as cursor:
            cursor.execute(*self.reads_sql())
            names = [column.name for column in cursor.description][1:]
            rows = cursor.fetchall()
        # Columns by name: values_list's SQL need not list them in the order asked.
        at = [names.index(field) if field in names else names.index("id") for field in _RANKED_FIELDS]
        picked = [(row[0], tuple(row[1 + i] for i in at)) for row in rows]
        return [r for part, r in picked if part == 1], [r for part, r in picked if part == 2]

    @property
    def _fields(self) -> tuple[str, ...]:
        return ("pk", "rank", "created_at") if self.in_rank_order else ("pk",)

    def reads_sql(self) -> tuple[str, list]:
        """PostgreSQL: the one read behind the count and the ranked candidates.

        Each candidate's creation time (the tie-break after rank) comes as seconds since
        1970, a float8 exact to the microsecond for millennia: parsing up to 2,000
        timestamps with their zone cost the search more than its ranking."""
        keyed = self.object_list.order_by().annotate(created_key=_Epoch("created_at"))
        first = keyed.values_list(*_RANKED_FIELDS)[: self.cap + 1]
        titled = title_matches(keyed, self.query).values_list(*_RANKED_FIELDS)[: self.cap]
        first_sql, first_params = first.query.sql_with_params()
        titled_sql, titled_params = titled.query.sql_with_params()
        return (
            f"WITH first AS MATERIALIZED ({first_sql}) SELECT 1 AS part, * FROM first UNION ALL "
            f"SELECT 2, * FROM ({titled_sql}) AS titled WHERE (SELECT count(*) FROM first) > %s",
            [*first_params, *titled_params, self.cap],
        )

    @property
    def _first(self) -> list[tuple]:
        return self._reads[0]

    @cached_property
    def count(self) -> int:
        return min(len(self._first), self.cap)

    @property
    def capped(self) -> bool:
        return len(self._first) > self.cap

    def _candidates(self) -> list[tuple]:
        """The matches to rank: the first ``cap`` and the title matches."""
        return self._first[: self.cap] + self._reads[1]

    @cached_property
    def _ranked_ids(self) -> list[int]:
        """Every ranked match's id, best first (in_rank_order only)."""
        rows = {row[0]: row for row in self._candidates()}
        # rank, created_at and id all descend: one reversed sort is the SQL order.
        return [row[0] for row in sorted(rows.values(), key=lambda row: (row[1], row[2], row[0]), reverse=True)]

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        if self.in_rank_order:
            ids = self._ranked_ids[bottom : bottom + self.per_page]
            # The ids come from the visible, searched read just made: fetched by id alone,
            # without planning the audience rules and the search a second time.
            with scopes_disabled():
                found = {r.pk: r for r in self.object_list.model.objects.filter(pk__in=ids)}
            return self._get_page([found[pk] for pk in ids if pk in found], number, self)
        # Another order (oldest, newest, title) runs in the database over every match: the
        # capped read is in no particular order, so the oldest match need not be among it.
        return super().page(number)


def title_matches(resources: QuerySet[Resource], query: str) -> QuerySet[Resource]:
    """Those of ``resources`` whose title matches (through library_resource_title_search_gin)."""
    search = SearchQuery(query, search_type="websearch", config=SEARCH_CONFIG)
    titled = resources.order_by().annotate(title_vector=SearchVector("title", config=SEARCH_CONFIG))
    return titled.filter(title_vector=search)


def _search(resources: QuerySet[Resource], query: str) -> QuerySet[Resource]:
    return fulltext_search(resources, query) if on_postgres() else substring_search(resources, query)


def fulltext_search(resources: QuerySet[Resource], query: str) -> QuerySet[Resource]:
    """PostgreSQL: the stored weighted vector (GIN-indexed), ranked."""
    search = SearchQuery(query, search_type="websearch", config=SEARCH_CONFIG)
    return resources.filter(search_vector=search).annotate(rank=SearchRank(F("search_vector"), search))


# A quoted phrase, or a run of non-space characters.
_TERM = re.compile(r'"([^"]*)"|(\S+)')
_EDGE_PUNCTUATION = ".,;:!?()[]{}'\"“”‘’"
MAX_TERMS = 20  # the search box takes 200 characters; a query of more words is cut here, not refused


def search_terms(query: str) -> list[str]:
    """The words (and "quoted phrases") of a search, for the substring search on SQLite."""
    terms: list[str] = []
    for phrase, word in _TERM.findall(query):
        term = " ".join(phrase.split()) if phrase else word.strip(_EDGE_PUNCTUATION)
        if term and term.lower() not in (t.lower() for t in terms):
            terms.append(term)
    return terms[:MAX_TERMS]


def substring_search(resources: QuerySet[Resource], query: str) -> QuerySet[Resource]:
    """SQLite (and the bench's baseline): every word must appear, each in the title, the
    summary or the body (LIKE: case-insensitive for ASCII letters); ranked by where the
    words were found: title, then summary, then body."""
    terms = search_terms(query)
    if not terms:
        return resources.none()
    rank = Value(0, output_field=IntegerField())
    for term in terms:
        resources = resources.filter(Q(title__icontains=term) | Q(summary__icontains=term) | Q(body__icontains=term))
        rank = rank + Case(
            When(title__icontains=term, then=Value(3)),
            When(summary__icontains=term, then=Value(2)),
            default=Value(1),
            output_field=IntegerField(),
        )
    return resources.annotate(rank=rank)


# Characters that cannot come from a person's text, marking the highlighted words until
# the rest of the snippet is escaped.
_HL_START, _HL_STOP = "\ue000", "\ue001"
# ts_headline's options: up to two fragments of 15 to 35 words.
_HEADLINE = {"StartSel": _HL_START, "StopSel": _HL_STOP, "MaxWords": 35, "MinWords": 15, "MaxFragments": 2,
             "FragmentDelimiter": " … "}


def snippet_text(resource: Resource) -> str:
    """What a snippet is cut from: the summary and body as plain text (no Markdown marks)."""
    return markdown_text(f"{resource.summary}\n\n{resource.body}")


def search_snippets(resources: list[Resource], query: str) -> dict[int, str]:
    """Safe HTML snippets with the matched words in <mark>, for one page of results.

    Cut from the plain text of the summary and body (Markdown rendered, then every tag
    dropped), so no "## Session 4" or "[link](…)" shows, and escaped here."""
    query = query.strip()
    if not query or not resources:
        return {}
    texts = {r.pk: snippet_text(r) for r in resources}
    if on_postgres():
        # PostgreSQL still picks and marks the fragments (stemming: "heal" marks "healers"),
        # from the plain text handed to it for this page's rows: ts_headline over the
        # texts as parameters, no table read, one short statement whatever the page.
        options = ", ".join(connection.ops.compose_sql(f"{name}=%s", [value]) for name, value in _HEADLINE.items())
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT t.id, ts_headline(%s::regconfig, t.text, websearch_to_tsquery(%s::regconfig, %s), %s) "
                "FROM unnest(%s::bigint[], %s::text[]) AS t(id, text)",
                [SEARCH_CONFIG, SEARCH_CONFIG, query, options, list(texts), list(texts.values())],
            )
            raw = dict(cursor.fetchall())
    else:
        terms = search_terms(query)
        raw = {pk: _substring_snippet(text, terms) for pk, text in texts.items()}
    return {pk: _safe_highlight(text) for pk, text in raw.items() if text}


def _substring_snippet(text: str, terms: list[str], width: int = 90) -> str:
    """Around the first word found, with every searched word in the window marked."""
    if not terms:
        return ""
    pattern = re.compile("|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True)), re.IGNORECASE)
    first = pattern.search(text)
    if first is None:
        return ""
    start, end = max(0, first.start() - width), min(len(text), first.end() + width)
    marked = pattern.sub(lambda m: f"{_HL_START}{m[0]}{_HL_STOP}", text[start:end])
    prefix = "… " if start else ""
    suffix = " …" if end < len(text) else ""
    return f"{prefix}{marked}{suffix}"


def _safe_highlight(text: str) -> str:
    return str(escape(text)).replace(_HL_START, "<mark>").replace(_HL_STOP, "</mark>")


def visible_collections(*, organizer, user, staff: bool | None = None) -> QuerySet[Collection]:
    """Collections holding at least one resource this person may see."""
    resources = visible_resources(organizer=organizer, user=user, staff=staff).filter(status=Resource.Status.PUBLISHED)
    with scopes_disabled():
        items = CollectionItem.objects.filter(collection_id=OuterRef("pk"), resource__in=resources)
        return Collection.objects.filter(organizer_id=organizer.id).filter(Exists(items))


def collections_for(*, organizer, user, program=None, module=None, cohort=None, session=None) -> QuerySet[Collection]:
    """Collections "for this module" (or program, cohort, session), for other apps' pages."""
    attached = Q()
    for field, obj in (("program", program), ("module", module), ("cohort", cohort), ("session", session)):
        if obj is not None:
            attached &= Q(**{field: obj})
    return visible_collections(organizer=organizer, user=user).filter(attached)


def collection_resources(*, collection: Collection, user, staff: bool | None = None) -> list[tuple[CollectionItem, Resource]]:
    visible = visible_resources(organizer=collection.organizer, user=user, staff=staff).filter(
        status=Resource.Status.PUBLISHED
    )
    with scopes_disabled():
        items = (
            CollectionItem.objects.filter(collection_id=collection.id, resource__in=visible)
            .select_related("resource")
            .order_by("position", "id")
        )
        return [(item, item.resource) for item in items]


_topics_of_organizer = PreparedQuery(
    lambda organizer_id: Topic.objects.filter(organizer_id=organizer_id),
    params={"organizer_id": int}, tenant="organizer_id",
)
_programs_for_filter = PreparedQuery(
    lambda organizer_id: Program.objects.filter(organizer_id=organizer_id)
    .exclude(status=Program.Status.DRAFT).order_by("title").only("id", "organizer_id", "title"),
    params={"organizer_id": int}, tenant="organizer_id",
)
_public_collections = PreparedQuery(  # what an anonymous visitor's collection list shows
    lambda organizer_id: Collection.objects.filter(organizer_id=organizer_id).filter(Exists(
        CollectionItem.objects.filter(
            collection_id=OuterRef("pk"), resource__status=Resource.Status.PUBLISHED,
            resource__audience=Resource.Audience.PUBLIC,
        )
    )).annotate(program_title=F("program__title")).only("id", "organizer_id", "title")[:20],
    params={"organizer_id": int}, tenant="organizer_id",
)


_public_published = dict(status=Resource.Status.PUBLISHED, audience=Resource.Audience.PUBLIC)
def _public_newest_with_count(organizer_id):
    public = Resource.objects.filter(organizer_id=organizer_id, **_public_published)
    # How many there are in all rides along as a scalar subquery, which PostgreSQL and
    # SQLite run once for the statement: one round trip for the count and the page.
    count = public.order_by().values("organizer_id").annotate(n=Count("id")).values("n")
    # The list shows no body: neither it nor its search vector (each as long as the text) is read.
    return (public.annotate(public_total=Subquery(count)).defer("body", "search_vector")
            .order_by(*SORTS["newest"][1])[:PUBLIC_FIRST_PAGE])


_public_newest = PreparedQuery(_public_newest_with_count, params={"organizer_id": int}, tenant="organizer_id")


def public_first_page(*, organizer) -> tuple[int, list[Resource]]:
    """What an anonymous visitor's unfiltered library page lists first: (how many in
    all, the newest PUBLIC_FIRST_PAGE), as ``browse_resources`` would, with prepared reads."""
    newest = _public_newest.run(organizer_id=organizer.id)
    return (newest[0].public_total if newest else 0), newest


def filter_choices(*, organizer) -> tuple[list[Topic], list[Program]]:
    """The topics and programs the library's filters offer (prepared reads)."""
    return (_topics_of_organizer.run(organizer_id=organizer.id),
            _programs_for_filter.run(organizer_id=organizer.id))


def index_collections(*, organizer, user, staff: bool) -> list[Collection]:
    """Up to 20 collections for the library page, each with ``program_title``."""
    if not staff and not user.is_authenticated:
        return _public_collections.run(organizer_id=organizer.id)
    return list(visible_collections(organizer=organizer, user=user, staff=staff)
                .annotate(program_title=F("program__title"))[:20])


def topic_names(*, resource_ids: list[int], topics: list[Topic]) -> dict[int, list[str]]:
    """Topic names per resource, by name, for one page of rows (one query, no join:
    ``topics`` are the organizer's topics, already read for the filters)."""
    if not resource_ids or not topics:
        return {}
    name_of = {t.id: t.name for t in topics}
    names: dict[int, list[str]] = {}
    with scopes_disabled():
        pairs = Resource.topics.through.objects.filter(resource_id__in=resource_ids).values_list(
            "resource_id", "topic_id")
        for resource_id, topic_id in pairs:
            if topic_id in name_of:
                names.setdefault(resource_id, []).append(name_of[topic_id])
    return {r: sorted(n) for r, n in names.items()}


def bookmarked_ids(*, organizer, user, resource_ids: list[int]) -> set[int]:
    if not user.is_authenticated or not resource_ids:
        return set()
    with scopes_disabled():
        return set(
            Bookmark.objects.filter(organizer_id=organizer.id, user_id=user.id, resource_id__in=resource_ids)
            .values_list("resource_id", flat=True)
        )


def my_bookmarks(*, organizer, user, staff: bool | None = None) -> QuerySet[Resource]:
    with scopes_disabled():
        mine = Bookmark.objects.filter(organizer_id=organizer.id, user_id=user.id, resource_id=OuterRef("pk"))
    return (
        visible_resources(organizer=organizer, user=user, staff=staff)
        .filter(status=Resource.Status.PUBLISHED)
        .filter(Exists(mine))
        .order_by("title")
    )


def my_proposals(*, organizer, user) -> QuerySet[Resource]:
    # Proposals are what a participant contributed that staff reviewed or still have to;
    # resources staff added themselves were published without a review.
    with scopes_disabled():
        return Resource.objects.filter(organizer_id=organizer.id, contributor_id=user.id).exclude(
            status=Resource.Status.PUBLISHED, reviewed_at__isnull=True
        ).order_by("-created_at")


def review_queue(*, organizer) -> QuerySet[Resource]:
    with scopes_disabled():
        return (
            Resource.objects.filter(organizer_id=organizer.id, status=Resource.Status.PROPOSED)
            .select_related("contributor")
            .order_by("created_at")
        )
