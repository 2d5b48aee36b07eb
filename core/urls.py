"""Absolute links: the one helper every email, feed and page uses.

`absolute_url("/x/")` joins a path to the site's address:
- with a request, the request's own scheme and host (Django validates the host
  against ALLOWED_HOSTS before it gets here);
- without one (emails sent by workers), `settings.PRAXIS_BASE_URL`: `make run`
  (`manage.py runlocal`) sets it from the address it serves, and production settings
  take it from the environment (or the first allowed host) and refuse a host that
  ALLOWED_HOSTS would not accept (`site_url_problem`).
A URL that already has a scheme is returned as it is.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.http.request import validate_host


def base_url() -> str:
    return (getattr(settings, "PRAXIS_BASE_URL", "") or "http://127.0.0.1:8000").rstrip("/")


def absolute_url(path_or_url: str, *, request=None) -> str:
    if urlsplit(path_or_url).scheme:
        return path_or_url
    path = path_or_url if path_or_url.startswith("/") else "/" + path_or_url
    if request is not None:
        return request.build_absolute_uri(path)
    return base_url() + path


def site_url_problem(url: str, allowed_hosts: list[str]) -> str | None:
    """Why `url` cannot be the site's address in production, or None."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return f"PRAXIS_BASE_URL must be an http(s) address, not {url!r}."
    if not validate_host(parts.hostname, allowed_hosts):
        return f"PRAXIS_BASE_URL's host {parts.hostname!r} is not in ALLOWED_HOSTS."
    if parts.hostname in ("localhost", "127.0.0.1", "::1"):
        return "PRAXIS_BASE_URL points at this machine; emails would carry dead links."
    return None
