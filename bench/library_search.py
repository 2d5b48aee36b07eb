"""Library search at scale: 50,000 resources in a throwaway PostgreSQL database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python bench/library_search.py [--rows 50000]

Creates its own database on that server (dropped at the end), migrates it, loads the
resources with bulk_create and fills every search vector with ONE UPDATE, then times
the library's search (stored weighted tsvector + GIN index + SearchRank, through the
same audience selector the page uses) against a baseline measured in the same run:
the same search by ILIKE substring match. Prints p50/p95 per query, the ratio, and
the EXPLAIN ANALYZE lines that show the GIN index in use.
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

QUERIES = [
    "racial healing",
    "systemic racism",
    "anti-racist framework",
    "DEI inclusion checklist",
    "communication materials",
    "power dynamics resistance",
    "workforce",
]

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
    parser.add_argument("--baseline-repeat", type=int, default=5, help="timed runs per query (ILIKE; slow)")
    args = parser.parse_args()

    server = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    parts = urlsplit(server)
    if not parts.scheme.startswith("postgres"):
        sys.exit("bench/library_search.py needs PostgreSQL: set DATABASE_URL=postgres://...")
    name = f"praxis_library_bench_{uuid.uuid4().hex[:8]}"
    admin_url = urlunsplit(parts._replace(path="/postgres"))

    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{name}"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    try:
        run(args)
    finally:
        from django.db import connections

        connections.close_all()
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        print(f"\nDropped throwaway database {name}.")


def run(args) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django_scopes import scopes_disabled

    from cohorts.models import Cohort, Enrollment, Program
    from library.models import Resource
    from library.selectors import LibraryFilters, browse_resources, fulltext_search, search_transaction, substring_search
    from library.services import weighted_search_vector
    from organizers.models import Organizer

    print(f"PostgreSQL {connection.cursor().connection.info.server_version}; migrating a fresh database …")
    call_command("migrate", verbosity=0)

    from django.contrib.auth import get_user_model

    rng = random.Random(2024)
    with scopes_disabled():
        organizer = Organizer.objects.create(slug="bench", name="Bench Partners")
        program = Program.objects.create(organizer=organizer, kind="training_series", title="Advancing Racial Equity", slug="are")
        cohort = Cohort.objects.create(organizer=organizer, program=program, title="Series 1", slug="s1")
        viewer = get_user_model().objects.create(email="participant@bench.example")
        Enrollment.objects.create(organizer=organizer, cohort=cohort, person=viewer, status="confirmed")

        audiences = ["public"] * 5 + ["enrolled"] * 3 + ["staff", "programs"]
        kinds = [k for k, _ in Resource.Kind.choices]
        started = time.perf_counter()
        batch: list[Resource] = []
        for n in range(args.rows):
            batch.append(Resource(
                organizer=organizer,
                title=sentence(rng, rng.randint(3, 8)).rstrip("."),
                summary=sentence(rng, rng.randint(10, 25)),
                body=" ".join(sentence(rng, rng.randint(8, 20)) for _ in range(rng.randint(4, 12))),
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
    print(f"Loaded {args.rows:,} resources in {loaded:.1f}s (bulk_create); filled all search vectors in {vectors:.1f}s (one UPDATE).")

    def page_of_results(search, *, jit_off: bool = True) -> int:
        """What the library page does for a search: count, then the first page by rank
        (inside the same JIT-off transaction as the page, unless measuring JIT)."""
        qs = browse_resources(organizer=organizer, user=viewer, filters=LibraryFilters(), staff=False)
        qs = search(qs, query).order_by("-rank", "-created_at", "-id")
        if not jit_off:
            total = qs.count()
            list(qs[:20])
            return total
        with search_transaction():
            total = qs.count()
            list(qs[:20])
        return total

    def timed(search, repeat: int, **options) -> tuple[float, float, int]:
        page_of_results(search, **options)  # warm the cache, as a busy server would be
        runs = []
        for _ in range(repeat):
            t = time.perf_counter()
            total = page_of_results(search, **options)
            runs.append((time.perf_counter() - t) * 1000)
        return percentile(runs, 0.5), percentile(runs, 0.95), total

    header = f"{'query':<28}{'matches':>9}{'FTS p50':>10}{'FTS p95':>10}{'JIT-on p50':>12}{'ILIKE p50':>11}{'ILIKE p95':>11}{'speed-up':>10}"
    print("\nTimes are one search page as the library shows it (count + first 20 by rank), as an enrolled participant;")
    print("FTS runs with JIT off as the page does (JIT-on column: PostgreSQL's default), ILIKE is the baseline.")
    print(header)
    ratios, jit_ratios = [], []
    for query in QUERIES:
        fts = timed(fulltext_search, args.repeat)
        jit_on = timed(fulltext_search, args.repeat, jit_off=False)
        ilike = timed(substring_search, args.baseline_repeat)
        ratios.append(ilike[0] / fts[0])
        jit_ratios.append(jit_on[0] / fts[0])
        print(f"{query:<28}{fts[2]:>9,}{fts[0]:>8.1f}ms{fts[1]:>8.1f}ms{jit_on[0]:>10.1f}ms{ilike[0]:>9.1f}ms{ilike[1]:>9.1f}ms"
              f"{ilike[0] / fts[0]:>9.1f}x")
    print(f"\nMedian speed-up of full-text search over the ILIKE baseline: {statistics.median(ratios):.1f}x "
          f"(ILIKE p50 / FTS p50, same queries, same run)")
    print(f"FTS p50 with PostgreSQL's default JIT on, relative to the page's jit=off: {statistics.median(jit_ratios):.2f}x slower (median)")

    for query in ("systemic racism", "DEI inclusion checklist"):
        qs = fulltext_search(
            browse_resources(organizer=organizer, user=viewer, filters=LibraryFilters(), staff=False), query
        ).order_by("-rank", "-created_at", "-id")[:20]
        with search_transaction():
            plan = qs.explain(analyze=True)
        plan_lines = plan.splitlines()
        lines = []
        for n, line in enumerate(plan_lines):
            if "library_resource_search_gin" in line:
                lines += [line, *[l for l in plan_lines[n + 1 : n + 2] if "Index Cond" in l]]
        print(f"\nEXPLAIN ANALYZE for “{query}” — lines using the GIN index:")
        for line in lines or ["(the planner did not use the GIN index for this query)"]:
            print(f"  {line.strip()}")
        timing = [line for line in plan.splitlines() if line.startswith("Execution Time")]
        if timing:
            print(f"  {timing[0]}")


if __name__ == "__main__":
    main()
