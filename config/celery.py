"""The Celery app. Tasks take ids, re-enter the organizer scope and call services."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("praxis")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
