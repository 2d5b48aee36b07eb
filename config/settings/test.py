"""Tests: SQLite by default, PostgreSQL and Redis when DATABASE_URL / REDIS_URL are set."""

from .base import *  # noqa: F403
from .base import env

DEBUG = False
# No persistent connections: worker processes and live-server threads must let the
# test database be dropped at the end.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
SECRET_KEY = "test-only-key"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# A real worker started by a test (tests/realworker.py) writes its mail to files instead.
EMAIL_BACKEND = env("PRAXIS_EMAIL_BACKEND", default="django.core.mail.backends.locmem.EmailBackend")
EMAIL_FILE_PATH = env("PRAXIS_EMAIL_FILE_PATH", default="")
# bench/fanout.py: SMTP to its dummy server on 127.0.0.1.
EMAIL_HOST = env("PRAXIS_EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("PRAXIS_EMAIL_PORT", default=25)
# Tasks run inline in tests unless a test starts a real worker (tests/realworker.py).
CELERY_TASK_ALWAYS_EAGER = env.bool("PRAXIS_CELERY_EAGER", default=True)
CELERY_TASK_DEFAULT_QUEUE = env("PRAXIS_CELERY_QUEUE", default="celery")
CELERY_TASK_EAGER_PROPAGATES = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# allauth's rate limits are tested on purpose where they matter; elsewhere tests log in a lot.
ACCOUNT_RATE_LIMITS = False
# The anonymous page cache (core/page_cache.py) is off in tests; its own tests switch it on.
PRAXIS_PAGE_CACHE_SECONDS = 0
# The API's rate limits are tested on purpose (tests/api); elsewhere the isolation walk calls it a lot.
PRAXIS_API_RATES = {"anon": "100000/min", "token": "100000/min"}
