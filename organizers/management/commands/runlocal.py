"""`make run`: the web app plus a Celery worker with beat, no Redis needed.

The worker uses the broker in settings (a filesystem queue under var/ by default,
Redis when REDIS_URL is set), so reminders and messages go through the same tasks
as in production.
"""

import os
import signal
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from organizers import demo as organizers_demo


class Command(BaseCommand):
    help = "Run the web app on 127.0.0.1:8000 with a background worker and scheduler."

    def add_arguments(self, parser):
        parser.add_argument("--addr", default="127.0.0.1:8000")
        parser.add_argument("--no-worker", action="store_true")

    def handle(self, *args, addr: str, no_worker: bool, **options):
        # Links in emails and feeds point at the address served here (core.urls.absolute_url).
        host, _, port = addr.rpartition(":") if ":" in addr else ("127.0.0.1", "", addr)
        host = "127.0.0.1" if host in ("", "0.0.0.0") else host
        os.environ["PRAXIS_BASE_URL"] = settings.PRAXIS_BASE_URL = f"http://{host}:{port}"
        queue = settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("data_folder_in")
        if queue:
            Path(queue).mkdir(parents=True, exist_ok=True)
            for folder in ("processed_folder", "control_folder"):
                Path(settings.CELERY_BROKER_TRANSPORT_OPTIONS[folder]).mkdir(parents=True, exist_ok=True)
        worker = None
        if not no_worker:
            worker = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "config", "worker", "--beat", "--pool=solo",
                 "--loglevel=WARNING", "--schedule", str(Path(settings.BASE_DIR) / "var" / "celerybeat-schedule")],
                env={**os.environ, "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "config.settings.local")},
            )
        self.stdout.write(self.style.SUCCESS(f"\nPraxis is running at {settings.PRAXIS_BASE_URL}/"))
        self.stdout.write(f"Demo logins (password for all: {organizers_demo.DEMO_PASSWORD}; local use only):")
        for email, who in organizers_demo.demo_logins():
            self.stdout.write(f"  {email:<42} {who}")
        self.stdout.write("Emails are printed here in the console. Stop with Ctrl+C.\n")
        # A plain `kill` should stop the worker too, not orphan it.
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        try:
            call_command("runserver", addr, use_reloader=False)
        finally:
            if worker is not None:
                worker.send_signal(signal.SIGTERM)
                worker.wait(timeout=20)
