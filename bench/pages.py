"""Throughput of the public pages against two baselines, under gunicorn.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres [REDIS_URL=redis://127.0.0.1:6379/6] \
        python bench/pages.py [--programs 20] [--requests 600]

What it does, all on this machine (127.0.0.1 only, every loop bounded):
1. creates a throwaway PostgreSQL database (named praxis_bench_<pid>), migrates it and
   seeds one organizer with N published programs (each with modules, facilitators, two
   cohorts and some enrollments) and 40 public library resources;
2. starts two gunicorns with the same flags (2 sync workers, 127.0.0.1): the project,
   with this module as the URLconf (the project's URLs plus `/__bench__/hello`, a hello
   view behind the project's whole middleware stack, the "stack" baseline), and
   `bench/bare_hello.py`, a bare Django hello-world with only SecurityMiddleware and
   CommonMiddleware (the "bare" baseline);
3. drives each page with the same bounded number of anonymous requests from Python
   threads (http.client), after a warm-up: uncached (every request sends
   `Cache-Control: no-cache`, which makes core/page_cache.py render afresh) and cached
   (plain GETs, served from the anonymous page cache: Redis when REDIS_URL is set, else
   each worker's local memory); prints requests per second, p50/p95 latency and each
   page's throughput as a ratio to both baselines measured in the same rounds;
4. stops both servers and drops the database.

The pages are measured in interleaved rounds and each ratio is the median of the
per-round ratios, so a change in the machine's load during the run affects both sides.
Goals: uncached pages >= 15% of the bare hello-world, cached >= 60%.
"""

from __future__ import annotations

import argparse
import http.client
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

REPO = Path(__file__).resolve().parent.parent
GOAL = 0.15
CACHED_GOAL = 0.60
NO_CACHE = {"Cache-Control": "no-cache"}


# ---------------------------------------------------------------- served by gunicorn


def _hello(request):
    from django.http import HttpResponse

    return HttpResponse("hello", content_type="text/plain")


def __getattr__(name: str):
    # This module is the URLconf of the benchmark server (ROOT_URLCONF = "bench.pages").
    if name == "urlpatterns":
        from django.urls import path

        from config.urls import urlpatterns as project

        return [path("__bench__/hello", _hello, name="bench_hello"), *project]
    raise AttributeError(name)


def wsgi():
    """gunicorn 'bench.pages:wsgi()': the project, with this module as its URLconf."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    from django.conf import settings

    settings.ROOT_URLCONF = "bench.pages"
    from django.core.wsgi import get_wsgi_application

    return get_wsgi_application()


# ---------------------------------------------------------------- the driver


def _database_urls(base: str) -> tuple[str, str, str]:
    parts = urlsplit(base)
    name = f"praxis_bench_{os.getpid()}"
    admin = urlunsplit(parts._replace(path="/postgres"))
    bench = urlunsplit(parts._replace(path=f"/{name}"))
    return admin, bench, name


def _admin_sql(admin_url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(sql)


def _seed(programs: int) -> tuple[str, str]:
    """One organizer with `programs` published programs; returns (organizer slug, a program slug)."""
    import datetime as dt

    from django.contrib.auth import get_user_model
    from django_scopes import scopes_disabled

    from cohorts.models import Cohort, Enrollment, Facilitator, Module, Program
    from organizers.models import Organizer

    User = get_user_model()
    today = dt.date.today()
    with scopes_disabled():
        organizer = Organizer.objects.create(slug="bench", name="Bench Partners", time_zone="America/Chicago",
                                             contact_email="bench@example.org")
        people = User.objects.bulk_create([User(email=f"p{i}@bench.example", full_name=f"Person {i}") for i in range(5)])
        for i in range(programs):
            program = Program.objects.create(
                organizer=organizer, kind=Program.Kind.TRAINING_SERIES, slug=f"program-{i:03d}",
                title=f"Advancing Racial Equity {i:03d}", status=Program.Status.PUBLISHED,
                summary="A four-session racial equity training series for human service leaders.",
                description="Participants will join a **community of practice**.\n\n- office hours\n- library",
                objectives="Build shared language\nDeepen understanding of race and power\nExplore systems change",
            )
            facilitator = Facilitator.objects.create(organizer=organizer, name=f"Facilitator {i}", bio="Practitioner.")
            program.facilitators.add(facilitator)
            for m in range(4):
                module = Module.objects.create(organizer=organizer, program=program, order=m, title=f"Session {m + 1}",
                                               period=f"Session {m + 1}", learning_objectives="Learn\nPractice")
                module.facilitators.add(facilitator)
            open_run = Cohort.objects.create(
                organizer=organizer, program=program, slug="next", title="Next series", capacity=30,
                starts_on=today + dt.timedelta(days=30), ends_on=today + dt.timedelta(days=90),
                time_zone="America/Chicago", commitment="Four sessions", cost_summary="Free",
            )
            Cohort.objects.create(
                organizer=organizer, program=program, slug="later", title="Later series", capacity=30,
                starts_on=today + dt.timedelta(days=120), enrollment_mode=Cohort.EnrollmentMode.APPLICATION,
            )
            Enrollment.objects.bulk_create([
                Enrollment(organizer=organizer, cohort=open_run, person=p, status=Enrollment.Status.CONFIRMED)
                for p in people
            ])
        from library.models import Resource

        Resource.objects.bulk_create([
            Resource(organizer=organizer, title=f"Handout {i:03d} on racial equity practice",
                     summary="A handout for leaders.", body="Notes from the session. " * 20,
                     kind=Resource.Kind.DOCUMENT, url="https://example.org/handout",
                     audience=Resource.Audience.PUBLIC, status=Resource.Status.PUBLISHED)
            for i in range(40)
        ])
    return organizer.slug, "program-000"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(port: int, path: str, timeout: float = 10, headers: dict | None = None) -> tuple[int, float]:
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path, headers={"Host": "127.0.0.1", **(headers or {})})
        response = conn.getresponse()
        response.read()
        return response.status, time.perf_counter() - started
    finally:
        conn.close()


def _wait_ready(port: int, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("gunicorn exited before it was ready")
        try:
            if _get(port, "/healthz", timeout=2)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer within 60 s")


def _drive(port: int, path: str, *, requests: int, threads: int, headers: dict | None = None,
           ) -> tuple[list[float], float]:
    """Exactly `requests` GETs spread over `threads` threads; every one must answer 200.

    Returns (latencies in seconds, wall time in seconds).
    """
    latencies: list[float] = []
    failures: list[int] = []
    lock = threading.Lock()
    per_thread = [requests // threads + (1 if i < requests % threads else 0) for i in range(threads)]

    def work(count: int):
        mine, bad = [], []
        for _ in range(count):
            status, seconds = _get(port, path, headers=headers)
            mine.append(seconds)
            if status != 200:
                bad.append(status)
        with lock:
            latencies.extend(mine)
            failures.extend(bad)

    workers = [threading.Thread(target=work, args=(n,)) for n in per_thread if n]
    started = time.perf_counter()
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=300)
    elapsed = time.perf_counter() - started
    if failures:
        raise RuntimeError(f"{path}: {len(failures)} requests failed, e.g. HTTP {failures[0]}")
    return latencies, elapsed


def _measure(pages: dict[str, tuple[int, str, dict | None]], *, requests: int, threads: int,
             rounds: int, baselines: tuple[str, ...]) -> dict[str, dict]:
    """Interleave the pages over several rounds, so a change in the machine's load hits all of them alike.

    Each page's ratio to each baseline is taken per round (same moment), and the median
    of the rounds is reported, with the pooled latencies' p50/p95.
    """
    for port, path, headers in pages.values():  # warm-up: connections, caches
        for _ in range(20):
            _get(port, path, headers=headers)
    per_round = max(requests // rounds, 10)
    latencies: dict[str, list[float]] = {label: [] for label in pages}
    rps: dict[str, list[float]] = {label: [] for label in pages}
    for _ in range(rounds):
        for label, (port, path, headers) in pages.items():
            lat, elapsed = _drive(port, path, requests=per_round, threads=threads, headers=headers)
            latencies[label].extend(lat)
            rps[label].append(len(lat) / elapsed)
    results = {}
    for label in pages:
        results[label] = {
            "rps": statistics.median(rps[label]),
            "p50": statistics.median(latencies[label]) * 1000,
            "p95": statistics.quantiles(latencies[label], n=20)[18] * 1000,
            **{base: statistics.median([page / bare for page, bare in zip(rps[label], rps[base])])
               for base in baselines},
        }
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--programs", type=int, default=20, help="published programs to seed (default 20)")
    parser.add_argument("--requests", type=int, default=600, help="requests per page (default 600, at most 5000)")
    parser.add_argument("--threads", type=int, default=8, help="client threads (default 8)")
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds (default 5)")
    args = parser.parse_args()
    requests = max(50, min(args.requests, 5000))

    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    if not base.startswith("postgres"):
        print("bench/pages.py needs PostgreSQL: set DATABASE_URL=postgres://...", file=sys.stderr)
        return 2
    admin_url, bench_url, name = _database_urls(base)
    env = {**os.environ, "DATABASE_URL": bench_url, "DJANGO_SETTINGS_MODULE": "config.settings.local",
           "DJANGO_DEBUG": "0", "DJANGO_LOG_LEVEL": "WARNING", "PRAXIS_BENCH": "1"}
    os.environ.update(env)
    sys.path.insert(0, str(REPO))
    _admin_sql(admin_url, f'CREATE DATABASE "{name}"')
    server = bare = None
    try:
        import django
        from django.core.management import call_command

        django.setup()
        call_command("migrate", verbosity=0)
        organizer_slug, program_slug = _seed(args.programs)
        from django.db import connection, connections

        with connection.cursor() as cursor:  # planner statistics, as autovacuum keeps them in production
            cursor.execute("ANALYZE")

        connections.close_all()

        port, bare_port = _free_port(), _free_port()
        flags = ["--workers", "2", "--log-level", "warning", "--chdir", str(REPO)]
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "bench.pages:wsgi()", "--bind", f"127.0.0.1:{port}", *flags],
            env=env, cwd=REPO,
        )
        bare = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "bench.bare_hello:application", "--bind", f"127.0.0.1:{bare_port}",
             *flags], env={k: v for k, v in env.items() if k != "DJANGO_SETTINGS_MODULE"}, cwd=REPO,
        )
        _wait_ready(port, server)
        _wait_ready(bare_port, bare)
        paths = {
            "landing": f"/{organizer_slug}/",
            f"catalog ({args.programs})": f"/{organizer_slug}/programs/",
            "program page": f"/{organizer_slug}/programs/{program_slug}/",
            "library index": f"/{organizer_slug}/library/",
        }
        pages = {"bare hello-world": (bare_port, "/__bench__/hello", None),
                 "stack hello": (port, "/__bench__/hello", None)}
        for label, path in paths.items():
            pages[f"{label}, uncached"] = (port, path, NO_CACHE)
            pages[f"{label}, cached"] = (port, path, None)
        results = _measure(pages, requests=requests, threads=args.threads, rounds=args.rounds,
                           baselines=("bare hello-world", "stack hello"))
    finally:
        for process in (server, bare):
            if process is None:
                continue
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        try:
            from django.db import connections

            connections.close_all()
        except Exception:
            pass
        _admin_sql(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    cache = "Redis" if os.environ.get("REDIS_URL") else "local memory per worker"
    print(f"gunicorn, 2 sync workers, PostgreSQL, page cache in {cache}; {requests} requests per page "
          f"from {args.threads} threads, in {args.rounds} interleaved rounds (median per round)")
    print(f"{'page':<30}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'vs bare':>9}{'vs stack':>9}")
    ok = True
    for label, r in results.items():
        print(f"{label:<30}{r['rps']:>9.1f}{r['p50']:>9.1f}{r['p95']:>9.1f}"
              f"{r['bare hello-world']:>8.0%}{r['stack hello']:>9.0%}")
        if label.endswith("uncached"):
            ok &= r["bare hello-world"] >= GOAL
        elif label.endswith("cached"):
            ok &= r["bare hello-world"] >= CACHED_GOAL
    print(f"goal: uncached pages >= {GOAL:.0%} and cached >= {CACHED_GOAL:.0%} of the bare hello-world: "
          f"{'met' if ok else 'NOT met'}")
    load = os.getloadavg()[0]
    print(f"load average during the run: {load:.1f} on {os.cpu_count()} CPUs (other work on the machine lowers every ratio)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
