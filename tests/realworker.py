"""A real Celery worker for tests about background work (PostgreSQL + Redis).

The worker runs in its own process against the same test database and Redis, on a
queue of its own, and writes mail to files so the test can count what was sent.
"""

import os
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from config.celery import app as celery_app


class RealWorker:
    def __init__(self, *, queue: str, mail_dir: Path):
        self.queue = queue
        self.mail_dir = mail_dir
        self.process: subprocess.Popen | None = None
        self.log: list[str] = []
        self._ready = threading.Event()

    def start(self, timeout: float = 60) -> None:
        db = connection.settings_dict
        database_url = (
            f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        )
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DATABASE_URL": database_url,
            "REDIS_URL": settings.REDIS_URL,
            "PRAXIS_CELERY_EAGER": "0",
            "PRAXIS_CELERY_QUEUE": self.queue,
            "PRAXIS_EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "PRAXIS_EMAIL_FILE_PATH": str(self.mail_dir),
        }
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "-Q", self.queue,
             "--loglevel=INFO", "--without-heartbeat", "--without-mingle", "--without-gossip",
             "-n", f"{self.queue}@%h"],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            cwd=settings.BASE_DIR,
        )
        threading.Thread(target=self._read, daemon=True).start()
        if not self._ready.wait(timeout):
            self.stop()
            raise RuntimeError("The Celery worker did not start:\n" + "\n".join(self.log[-40:]))

    def _read(self) -> None:
        assert self.process and self.process.stdout
        for line in self.process.stdout:
            self.log.append(line.rstrip())
            if " ready." in line:
                self._ready.set()

    def wait_for(self, predicate, *, timeout: float = 30, what: str = "the worker") -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return
            time.sleep(0.1)
        raise AssertionError(f"Timed out waiting for {what}. Worker log:\n" + "\n".join(self.log[-40:]))

    def task_results(self, task_name: str) -> list[str]:
        """Return values the worker logged for a task, in order (e.g. ['sent', 'skipped'])."""
        out = []
        for line in self.log:
            if f"Task {task_name}[" in line and " succeeded in " in line:
                out.append(line.rsplit(": ", 1)[-1].strip("'\""))
        return out

    def sent_mail_count(self) -> int:
        # The file backend ends every message with a line of 79 dashes.
        return sum(p.read_text().count("-" * 79) for p in self.mail_dir.glob("*.log"))

    def kill(self) -> None:
        """Kill -9, as a crashed machine would."""
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()


@pytest.fixture
def real_worker(transactional_db, tmp_path):
    """Start a worker; tasks sent during the test go to it instead of running inline."""
    queue = f"test-{uuid.uuid4().hex[:8]}"
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    previous = (celery_app.conf.task_always_eager, celery_app.conf.task_default_queue)
    celery_app.conf.task_always_eager = False
    celery_app.conf.task_default_queue = queue
    worker = RealWorker(queue=queue, mail_dir=mail_dir)
    worker.start()
    try:
        yield worker
    finally:
        worker.stop()
        celery_app.conf.task_always_eager, celery_app.conf.task_default_queue = previous
