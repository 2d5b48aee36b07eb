"""Reminder fan-out: 10,000 reminders for one session time, through the outbox, by one worker.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres REDIS_URL=redis://127.0.0.1:6379/6 \
        python bench/fanout.py [--people 10000] [--limit 300]

All on this machine (127.0.0.1 only, every wait bounded by ``--limit`` seconds):
1. creates a throwaway PostgreSQL database, migrates it and seeds one cohort with
   ``--people`` confirmed participants and one session starting in 20 hours;
2. starts a dummy SMTP server on a free 127.0.0.1 port (in this process) that accepts
   every message and counts them by recipient;
3. starts ONE Celery worker (solo pool, its own queue on REDIS_URL) whose email
   backend is SMTP to that server, and enqueues the session's reminder round the way
   the beat sweep does;
4. waits until the SMTP server has seen every reminder (or the limit passes) and
   prints the time from enqueue to the last message, messages per second, and
   duplicates (recipients who got more than one reminder: must be 0); then checks the
   outbox rows agree (all sent, none twice).
Then it stops the worker and drops the database.  Wall-clock on a shared machine: noisy.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
GOAL_SECONDS = 120


class DummySMTP:
    """Just enough SMTP to accept mail: counts messages per recipient (RCPT TO)."""

    def __init__(self):
        self.received: Counter[str] = Counter()
        self.messages = 0
        self.last_at = 0.0
        self.loop = asyncio.new_event_loop()
        self.port = 0

    def start(self) -> None:
        ready = threading.Event()

        def run():
            asyncio.set_event_loop(self.loop)
            server = self.loop.run_until_complete(
                asyncio.start_server(self._client, "127.0.0.1", 0))
            self.port = server.sockets[0].getsockname()[1]
            ready.set()
            self.loop.run_forever()

        threading.Thread(target=run, daemon=True).start()
        ready.wait(10)

    async def _client(self, reader, writer) -> None:
        def reply(line: str):
            writer.write((line + "\r\n").encode())

        reply("220 bench ESMTP")
        recipients: list[str] = []
        try:
            while True:
                line = await asyncio.wait_for(reader.readline(), 60)
                if not line:
                    break
                command = line.decode(errors="replace").strip()
                verb = command[:4].upper()
                if verb in ("EHLO", "HELO"):
                    reply("250 bench")
                elif verb == "MAIL":
                    recipients = []
                    reply("250 OK")
                elif verb == "RCPT":
                    recipients.append(command.split(":", 1)[1].strip().strip("<>").lower())
                    reply("250 OK")
                elif verb == "DATA":
                    reply("354 go ahead")
                    await writer.drain()
                    while (await reader.readline()) not in (b".\r\n", b".\n", b""):
                        pass
                    for r in recipients:
                        self.received[r] += 1
                    self.messages += 1
                    self.last_at = time.perf_counter()
                    reply("250 queued")
                elif verb == "QUIT":
                    reply("221 bye")
                    await writer.drain()
                    break
                else:  # RSET, NOOP, ...
                    reply("250 OK")
                await writer.drain()
        finally:
            writer.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _seed(people: int):
    from django.contrib.auth import get_user_model
    from django.utils import timezone
    from django_scopes import scopes_disabled

    from cohorts.models import Cohort, Enrollment, Program
    from organizers.models import Organizer
    from sessions_app.models import Session

    User = get_user_model()
    with scopes_disabled():
        organizer = Organizer.objects.create(slug="fanout", name="Fan-out Partners", time_zone="America/Chicago",
                                             contact_email="bench@example.org", is_published=True)
        program = Program.objects.create(organizer=organizer, kind=Program.Kind.TRAINING_SERIES, slug="big",
                                         title="Big Series", status=Program.Status.PUBLISHED)
        cohort = Cohort.objects.create(organizer=organizer, program=program, slug="all", title="Everyone",
                                       capacity=people + 10, time_zone="America/Chicago")
        users = User.objects.bulk_create(
            [User(email=f"p{i}@fanout.example", full_name=f"Person {i}") for i in range(people)], batch_size=2000)
        Enrollment.objects.bulk_create(
            [Enrollment(organizer=organizer, cohort=cohort, person=u, status=Enrollment.Status.CONFIRMED)
             for u in users], batch_size=2000)
        start = timezone.now() + dt.timedelta(hours=20)
        session = Session.objects.create(organizer=organizer, cohort=cohort, title="Session 1", starts_at=start,
                                         ends_at=start + dt.timedelta(hours=2), video_url="https://meet.example/x")
    return organizer, session


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--limit", type=float, default=300.0, help="give up after this many seconds")
    args = parser.parse_args()
    base = os.environ.get("DATABASE_URL", "")
    redis_url = os.environ.get("REDIS_URL", "")
    if not base.startswith("postgres") or not redis_url.startswith("redis://127.0.0.1"):
        print("needs DATABASE_URL=postgres://... and REDIS_URL=redis://127.0.0.1:6379/N", file=sys.stderr)
        return 2
    parts = urlsplit(base)
    name = f"praxis_fanout_{uuid.uuid4().hex[:8]}"
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    bench_url = urlunsplit(parts._replace(path=f"/{name}"))
    queue = f"fanout-{uuid.uuid4().hex[:6]}"
    smtp = DummySMTP()
    smtp.start()
    env = {**os.environ, "DATABASE_URL": bench_url, "DJANGO_SETTINGS_MODULE": "config.settings.test",
           "PRAXIS_CELERY_EAGER": "0", "PRAXIS_CELERY_QUEUE": queue,
           "PRAXIS_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
           "PRAXIS_EMAIL_HOST": "127.0.0.1", "PRAXIS_EMAIL_PORT": str(smtp.port)}
    os.environ.update(env)
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    worker = None
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connections
        from django_scopes import scopes_disabled

        call_command("migrate", verbosity=0)
        t0 = time.perf_counter()
        organizer, session = _seed(args.people)
        print(f"seeded {args.people:,} participants in {time.perf_counter() - t0:.1f}s; SMTP on 127.0.0.1:{smtp.port}")
        connections.close_all()

        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "-Q", queue,
             "--loglevel=WARNING", "--without-heartbeat", "--without-mingle", "--without-gossip",
             "-n", f"{queue}@%h"], env=env, cwd=REPO)
        from sessions_app.tasks import send_session_reminder

        time.sleep(5)  # the worker connects to Redis
        started = time.perf_counter()
        send_session_reminder.delay(session.id, organizer.id, 24)
        deadline = started + args.limit
        while smtp.messages < args.people and time.perf_counter() < deadline and worker.poll() is None:
            time.sleep(0.5)
        elapsed = (smtp.last_at or time.perf_counter()) - started
        time.sleep(2)  # anything sent twice arrives now
        duplicates = sum(n - 1 for n in smtp.received.values() if n > 1)
        from notifications.models import OutboundMessage

        with scopes_disabled():
            statuses = Counter(OutboundMessage.objects.values_list("status", flat=True))
        rate = smtp.messages / elapsed if elapsed > 0 else 0.0
        print(f"one worker, solo pool, Redis broker, SMTP to 127.0.0.1: {smtp.messages:,} of {args.people:,} "
              f"reminders in {elapsed:.1f}s = {rate:.0f} messages/s; duplicates {duplicates}; "
              f"outbox {dict(statuses)}")
        print(f"goal: all {args.people:,} within {GOAL_SECONDS}s and no duplicate: "
              f"{'met' if smtp.messages >= args.people and elapsed <= GOAL_SECONDS and not duplicates else 'NOT met'}")
        print(f"load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    finally:
        if worker is not None:
            worker.terminate()
            try:
                worker.wait(timeout=20)
            except subprocess.TimeoutExpired:
                worker.kill()
        from django.db import connections

        connections.close_all()
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    return 0


if __name__ == "__main__":
    sys.exit(main())
