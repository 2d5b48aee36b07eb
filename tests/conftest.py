"""Shared fixtures and the rules for tests that need real services.

- `@pytest.mark.postgres`: runs only on PostgreSQL (DATABASE_URL), skipped with a reason otherwise.
- `@pytest.mark.redis`: needs REDIS_URL and a reachable Redis (a real Celery worker uses it).
- `@pytest.mark.browser`: drives Debian's chromium through Playwright; skipped where it is absent.
"""

import os
import shutil

import pytest
from django.conf import settings
from django.test import Client

from organizers.roles import Role

from .factories import OrganizerFactory, member

CHROMIUM = os.environ.get("PRAXIS_CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")


def on_postgres() -> bool:
    return settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


def redis_reason() -> str | None:
    if not settings.REDIS_URL:
        return "needs Redis: set REDIS_URL"
    try:
        import redis

        redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2).ping()
    except Exception as exc:  # pragma: no cover - depends on the machine
        return f"Redis at REDIS_URL does not answer: {exc}"
    return None


def pytest_runtest_setup(item):
    if item.get_closest_marker("postgres") and not on_postgres():
        pytest.skip("needs PostgreSQL: set DATABASE_URL (row locks and concurrency are only real there)")
    if item.get_closest_marker("redis"):
        reason = redis_reason()
        if reason:
            pytest.skip(reason)
    if item.get_closest_marker("browser") and not os.path.exists(CHROMIUM):
        pytest.skip("needs Debian's chromium (apt-get install chromium); .ci/run installs it")


@pytest.fixture
def organizer(db):
    return OrganizerFactory(name="Illinois Test Partners", slug="il-test")


@pytest.fixture
def other_organizer(db):
    return OrganizerFactory(name="Other Organizer", slug="other-org")


@pytest.fixture
def staff_user(organizer):
    return member(organizer, Role.STAFF)


@pytest.fixture
def admin_user(organizer):
    return member(organizer, Role.ADMIN)


@pytest.fixture
def client_for():
    """A test client signed in as the given person (or anonymous for None)."""

    def make(user=None) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
        return client

    return make


from .browser import page  # noqa: E402,F401  (fixture)
from .realworker import real_worker  # noqa: E402,F401  (fixture)
