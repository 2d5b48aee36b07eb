"""Library search at scale: 50,000 resources in a throwaway PostgreSQL database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python bench/library_search.py [--rows 50000] [--ilike]

Creates its own database on that server (dropped at the end), migrates it, loads the
resources with bulk_create and fills every search vector with ONE UPDATE, then times
what the library page runs for a search, for several query shapes (one word, several
words, a rare word, a very common word, a phrase) and two viewers (anonymous, an
enrolled participant): the one capped read (count, ranks of the first 1,000 matches
and, past 1,000, of the title matches), the page's 20 rows by id and their highlighted
snippets, in the page's JIT-off transaction. Baseline in the same run: the page as it
was before (a full count, with the participant's audience rules as correlated
subqueries). Prints p50/p95 per shape, the ratio, and each shape's EXPLAIN ANALYZE
(the nodes and the execution time). ``--ilike`` adds the substring-match baseline;
``--keep NAME`` loads into database NAME once and reuses it on later runs.
Figures are wall-clock on a shared machine: noisy.
"""

import argparse
import os
import random
import statistics
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SHAPES = [  # (label, query)
    ("one word", "workforce"),
    ("several words", "anti-racist community framework"),
    ("rare word", "tlingit"),
    ("common word", "participants"),
    ("phrase", '"racial healing"'),
]
RARE = "Tlingit"  # put into about one resource in 2,000

TOPIC_WORDS = (
    "racial equity healing relationship building systemic racism policy practice power sector human service "
    "leadership DEI community practice framework workforce development program design client engagement service "
    "delivery partnerships inclusion diversity belonging accountability organisational culture recruitment "
    "indicators monitoring strategy assessment resistance solidarity wellbeing mental health affinity group "
    "anti-racist dynamics rightsholder advocacy coalition lived experience representation tribal geography gender identity allyship "
    "communication materials checklist toolkit template workplan rotation module cohort facilitator reflection"
).split()
FILLER = (
    "the and of to in for with on by from that this is are as be at it an or we our their they how what who "
    "participants leaders staff teams organisations session notes discussion example questions exercise group "
    "share learn together each next steps goals review reading guide handout slides summary case study"
).split()


def sentence(rng: random.Random, words: int) -> str:
    out = []
    for _ in range(words):
        # Topic words are rarer than filler, like real prose, so terms differ in selectivity.
        out.append(rng.choice(TOPIC_WORDS) if rng.random() < 0.18 else rng.choice(FILLER))
    return " ".join(out).capitalize() + "."


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=30, help="timed runs per query (full-text search)")
    parser.add_argument("--baseline-repeat", type=int, default=3, help="timed runs per query (ILIKE; slow)")
    parser.add_argument("--ilike", action="store_true", help="also time the ILIKE substring baseline")
    parser.add_argument("--keep", metavar="NAME", help="load into (or reuse) database NAME and keep it afterwards")
    args = parser.parse_args()

    server = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    parts = urlsplit(server)
    if not parts.scheme.startswith("postgres"):
        sys.exit("bench/library_search.py needs PostgreSQL: set DATABASE_URL=postgres://...")
    name = args.keep or f"praxis_library_bench_{uuid.uuid4().hex[:8]}"
    admin_url = urlunsplit(parts._replace(path="/postgres"))

    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{name}"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    try:
        run(args)
    finally:
        from django.db import connections

        connections.close_all()
        if args.keep:
            print(f"\nKept database {name}.")
            return
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        print(f"\nDropped throwaway database {name}.")


def run(args) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django_scopes import scopes_disabled

    from cohorts.models import Enrollment
    from library.models import Resource
    from django.contrib.auth.models import AnonymousUser
    from django.db.models import Exists, OuterRef, Q

    from library.selectors import (CappedPaginator, LibraryFilters, browse_resources, fulltext_search,
                                   search_snippets, search_transaction, substring_search)
    from organizers.models import Organizer

    print(f"PostgreSQL {connection.cursor().connection.info.server_version}; migrating …")
    call_command("migrate", verbosity=0)

    from django.contrib.auth import get_user_model

    with scopes_disabled():
        organizer = Organizer.objects.filter(slug="bench").first()
        if organizer is None:
            organizer, viewer = load(args.rows)
        else:  # --keep NAME, second run: the resources are already there
            viewer = get_user_model().objects.get(email="participant@bench.example")
            print(f"Reusing {Resource.objects.filter(organizer=organizer).count():,} resources.")

    def before(qs, user):
        """The participant's audience rules as they were: correlated EXISTS per row."""
        if not user.is_authenticated:
            return qs
        mine = Enrollment.objects.filter(organizer_id=organizer.id, person_id=user.id,
                                         status__in=Enrollment.SEAT_HOLDING)
        programs = Resource.audience_programs.through.objects.filter(
            resource_id=OuterRef("pk"), program_id__in=mine.values("cohort__program_id"))
        cohorts = Resource.audience_cohorts.through.objects.filter(
            resource_id=OuterRef("pk"), cohort_id__in=mine.values("cohort_id"))
        with scopes_disabled():
            return Resource.objects.filter(organizer_id=organizer.id, status="published").filter(
                Q(audience="public") | Q(audience="enrolled") & Exists(mine)
                | Q(audience="programs") & (Exists(programs) | Exists(cohorts)))

    def page(query, user, *, baseline=False, search=fulltext_search) -> int:
        """One search page: count, first 20 by rank, their snippets (JIT off, as the page)."""
        with scopes_disabled():
            qs = browse_resources(organizer=organizer, user=user, filters=LibraryFilters(), staff=False)
            if baseline:
                qs = before(qs, user)
            qs = search(qs, query).order_by("-rank", "-created_at", "-id")
            with search_transaction():
                if baseline:
                    total, rows = qs.count(), list(qs[:20])
                else:
                    paginator = CappedPaginator(qs, 20, query=query)
                    rows = list(paginator.page(1).object_list) if paginator.count else []
                    total = paginator.count
                search_snippets(rows, query)
        return total

    def timed(query, user, repeat: int, **options) -> tuple[float, float, int]:
        page(query, user, **options)  # warm the cache, as a busy server would be
        runs = []
        for _ in range(repeat):
            t = time.perf_counter()
            total = page(query, user, **options)
            runs.append((time.perf_counter() - t) * 1000)
        return percentile(runs, 0.5), percentile(runs, 0.95), total

    viewers = {"anonymous": AnonymousUser(), "participant": viewer}
    print(f"\nload average at the start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print("\nOne search page as the library shows it: count (capped at 1,000), first 20 by rank, snippets;")
    print("baseline: the same page before (full count; participant's audience as correlated subqueries).")
    header = (f"{'shape':<15}{'viewer':<12}{'matches':>9}{'p50':>8}{'p95':>8}{'before p50':>11}"
              f"{'before p95':>11}{'speed-up':>9}" + (f"{'ILIKE p50':>11}" if args.ilike else ""))
    print(header)
    worst = 0.0
    for label, query in SHAPES:
        for who, user in viewers.items():
            now = timed(query, user, args.repeat)
            old = timed(query, user, max(3, args.repeat // 3), baseline=True)
            worst = max(worst, now[1])
            line = (f"{label:<15}{who:<12}{old[2]:>9,}{now[0]:>6.1f}ms{now[1]:>6.1f}ms{old[0]:>9.1f}ms"
                    f"{old[1]:>9.1f}ms{old[0] / now[0]:>8.1f}x")
            if args.ilike:
                line += f"{timed(query, user, args.baseline_repeat, search=substring_search)[0]:>9.1f}ms"
            print(line, flush=True)
    print(f"\nWorst p95 over the shapes: {worst:.1f} ms (goal: 30 ms); load average {os.getloadavg()[0]:.1f}")

    for label, query in SHAPES:
        with scopes_disabled():
            qs = browse_resources(organizer=organizer, user=viewer, filters=LibraryFilters(q=query), staff=False)
            paginator = CappedPaginator(qs, 20, query=query)
            with search_transaction():
                sql, params = paginator.reads_sql()
                with connection.cursor() as cursor:
                    cursor.execute(f"EXPLAIN ANALYZE {sql}", params)
                    reads = "\n".join(row[0] for row in cursor.fetchall())
                page_ids = [r.pk for r in paginator.page(1).object_list]
                plans = [("count and ranked candidates (one read)", reads),
                         ("the page's rows", qs.order_by().filter(pk__in=page_ids).explain(analyze=True))]
        print(f"\nEXPLAIN ANALYZE, participant, {label} ({query}):")
        for name, plan in plans:
            print(f"  [{name}]")
            for line in plan.splitlines():
                if "->" in line or line.startswith(("Limit", "Aggregate", "Append", "Execution Time", "Planning Time")):
                    print(f"    {line.rstrip()[:150]}")
    print(f"\nload average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")

def load(rows: int):
    """The bench organizer, a participant, and ``rows`` generated resources with their vectors."""
    from django.contrib.auth import get_user_model
    from django.db import connection

    from cohorts.models import Cohort, Enrollment, Program
    from library.models import Resource
    from library.services import weighted_search_vector
    from organizers.models import Organizer

    rng = random.Random(2024)
    organizer = Organizer.objects.create(slug="bench", name="Bench Partners")
    program = Program.objects.create(organizer=organizer, kind="training_series", title="Advancing Racial Equity", slug="are")
    cohort = Cohort.objects.create(organizer=organizer, program=program, title="Series 1", slug="s1")
    viewer = get_user_model().objects.create(email="participant@bench.example")
    Enrollment.objects.create(organizer=organizer, cohort=cohort, person=viewer, status="confirmed")

    audiences = ["public"] * 5 + ["enrolled"] * 3 + ["staff", "programs"]
    kinds = [k for k, _ in Resource.Kind.choices]
    started = time.perf_counter()
    batch: list[Resource] = []
    for _ in range(rows):
        batch.append(Resource(
            organizer=organizer,
            title=sentence(rng, rng.randint(3, 8)).rstrip("."),
            summary=sentence(rng, rng.randint(10, 25)),
            body=" ".join(sentence(rng, rng.randint(8, 20)) for _ in range(rng.randint(4, 12)))
            + (f" {RARE} language materials." if rng.random() < 0.0005 else ""),
            kind=rng.choice(kinds),
            audience=rng.choice(audiences),
        ))
        if len(batch) == 5000:
            Resource.objects.bulk_create(batch)
            batch = []
    Resource.objects.bulk_create(batch)
    loaded = time.perf_counter() - started
    started = time.perf_counter()
    Resource.objects.filter(organizer=organizer).update(search_vector=weighted_search_vector())
    vectors = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE library_resource")
    print(f"Loaded {rows:,} resources in {loaded:.1f}s (bulk_create); filled all search vectors in {vectors:.1f}s (one UPDATE).")
    return organizer, viewer

if __name__ == "__main__":
    main()
