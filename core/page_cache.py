"""Anonymous organizer pages served from the cache, invalidated per organizer.

A view opts in with ``@cache_anonymous_page``.  Its response is stored when the
request came without a session cookie (nobody signed in), was a plain GET (no
htmx), answered 200 and set no cookie -- so nothing personal and no CSRF token can
be stored.  The middleware sits right after ``SecurityMiddleware`` (before the CSP
middleware: a stored page keeps its Content-Security-Policy header, and its style
nonce is replaced by a fresh one in page and header on every hit) and answers a
later anonymous GET of the same path and query from the cache before sessions,
authentication or the organizer lookup run.

Invalidation is generic and lives here only: every organizer has a version number
in the cache, part of each stored page's validity; saving or deleting any model
instance that has an ``organizer_id`` (or an ``Organizer`` itself), and changing a
many-to-many relation of one, bumps that organizer's version, so the next request
renders afresh.  The bump happens at once and again when the transaction commits
(a request rendering between the two would otherwise store the old data under the
new version).  Entries also expire after ``PRAXIS_PAGE_CACHE_SECONDS`` (default
60), which bounds what changes with the clock alone (registration deadlines,
"upcoming" sessions) and writes that bypass model signals (``QuerySet.update``).

The cache is Django's default one: Redis in production (shared by all workers),
local memory in ``make run`` (one process).  ``PRAXIS_PAGE_CACHE_SECONDS = 0``
switches it off (the test settings do; tests of the cache switch it on).  A
request with ``Cache-Control: no-cache`` (a browser's hard reload) is rendered
afresh and refreshes the entry.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import itertools
import os

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse

VERSION_KEY = "pagecache:v:{}"
PAGE_KEY = "pagecache:p:{}:{}"
_SKIP_HEADERS = {"set-cookie", "content-length"}
# slug -> organizer id, learnt from rendered pages (a hit needs no database).
_organizer_ids: dict[str, int] = {}
_counter = itertools.count()


def cache_seconds() -> int:
    return int(getattr(settings, "PRAXIS_PAGE_CACHE_SECONDS", 60))


def cache_anonymous_page(view):
    """Mark a view's anonymous responses as shareable between anonymous visitors."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        request._praxis_page_cacheable = True
        return view(request, *args, **kwargs)

    return wrapped


def _version_key(organizer_id: int) -> str:
    return VERSION_KEY.format(organizer_id)


def _page_key(request) -> str:
    digest = hashlib.sha1(request.get_full_path().encode()).hexdigest()
    return PAGE_KEY.format(request.get_host(), digest)


def _new_version() -> str:
    # Unique across processes and restarts, so a bump never returns to an old value.
    return f"{os.getpid()}-{next(_counter)}-{os.urandom(4).hex()}"


def bump(organizer_id: int | None) -> None:
    """Forget every cached page of one organizer (now and when the transaction commits)."""
    if organizer_id is None or not cache_seconds():
        return
    key = _version_key(organizer_id)
    cache.set(key, _new_version(), None)
    transaction.on_commit(lambda: cache.set(key, _new_version(), None))


def _anonymous_get(request) -> bool:
    return (request.method == "GET"
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and "HTTP_HX_REQUEST" not in request.META)


class AnonymousPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not cache_seconds() or not _anonymous_get(request):
            return self.get_response(request)
        slug = request.path_info.strip("/").split("/", 1)[0]
        organizer_id = _organizer_ids.get(slug)
        page_key = _page_key(request)
        version = None
        if organizer_id is not None:
            found = cache.get_many([_version_key(organizer_id), page_key])
            version = found.get(_version_key(organizer_id))
            entry = found.get(page_key)
            fresh = "no-cache" not in request.META.get("HTTP_CACHE_CONTROL", "")
            if fresh and version is not None and entry is not None and entry[0] == version:
                _, content, headers, nonce = entry
                if nonce:  # the CSP nonce is per response: replace it in the page and the header
                    fresh_nonce = base64.b64encode(os.urandom(16)).decode("ascii")
                    content = content.replace(nonce.encode(), fresh_nonce.encode())
                    headers = [(k, v.replace(nonce, fresh_nonce)) for k, v in headers]
                response = HttpResponse(content, status=200)
                for name, value in headers:
                    response.headers[name] = value
                return response
        response = self.get_response(request)
        self._store(request, response, slug, organizer_id, version, page_key)
        return response

    @staticmethod
    def _store(request, response, slug, organizer_id, version, page_key) -> None:
        organizer = getattr(request, "organizer", None)
        if (not getattr(request, "_praxis_page_cacheable", False) or organizer is None
                or response.status_code != 200 or response.streaming or response.cookies
                or getattr(request, "user", None) is None or request.user.is_authenticated):
            return
        if organizer_id != organizer.id or version is None:
            # The version must be read before rendering (a bump during rendering then
            # makes the entry stale at once), so the first page only prepares the next.
            _organizer_ids[slug] = organizer.id
            cache.add(_version_key(organizer.id), _new_version(), None)
            return
        headers = [(k, v) for k, v in response.headers.items() if k.lower() not in _SKIP_HEADERS]
        nonce = getattr(request, "_csp_nonce", None)  # django-csp's, when the page used one
        cache.set(page_key, (version, response.content, headers, nonce if isinstance(nonce, str) else None),
                  cache_seconds())


def _organizer_of(instance) -> int | None:
    from organizers.models import Organizer

    if isinstance(instance, Organizer):
        return instance.pk
    return getattr(instance, "organizer_id", None)


def _changed(sender, instance, **kwargs) -> None:
    bump(_organizer_of(instance))


def connect_signals() -> None:
    """Called once from CoreConfig.ready()."""
    post_save.connect(_changed, dispatch_uid="praxis_page_cache_save")
    post_delete.connect(_changed, dispatch_uid="praxis_page_cache_delete")
    m2m_changed.connect(_changed, dispatch_uid="praxis_page_cache_m2m")
