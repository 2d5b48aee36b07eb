"""Gate: crawl the whole app on the demo data, as every demo role and anonymously.

In process (Django's test client), GET only. From the start pages each viewer follows
every same-origin link (URLs that change state on GET are not followed: see SKIP) and
every HTML page must answer without a server error, with exactly one <h1>, a <title>
without markup, a strict Content-Security-Policy header and nothing inline it would
block, no naive UTC time on personal pages, and, under /<organizer>/, links
only within that organizer (or to an organizer's landing page). The admin is not
crawled (Django's own pages; tests/foundation covers its scoping and bad input).
Each URL pattern is visited a few times per viewer (MAX_PER_PATTERN), which keeps the
whole crawl under two minutes however much demo data there is.
"""

import re
import time
from collections import Counter, defaultdict
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import Resolver404, resolve
from django_scopes import scopes_disabled

from organizers.demo import demo_logins
from organizers.models import Organizer

pytestmark = pytest.mark.django_db

# Not followed: they sign out, change a preference, count a download, or are not pages.
SKIP = re.compile(
    r"^/(admin|static|media|__debug__)/|/accounts/logout/|/messages/optional/|/unsubscribe/"
    r"|/accounts/confirm-email/|/accounts/password/reset/key/|/download/|/feeds/"
)
MAX_PER_PATTERN = 3
# A time printed as the server's UTC: "14:00 UTC", "+00:00", or a raw ISO timestamp.
NAIVE_UTC = re.compile(r"\b\d{1,2}:\d{2}(:\d{2})?\s*(UTC|GMT)\b|\+00:00|\b\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}")


class Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links, self.h1, self.title, self._in_title, self._skip = [], 0, [], False, 0
        self.text, self.inline = [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        # Content-Security-Policy: nothing inline that the policy would block.
        if tag == "script" and not attrs.get("src") and attrs.get("type") not in ("application/json", "application/ld+json"):
            self.inline.append("an inline <script>")
        if tag == "style" and not attrs.get("nonce"):
            self.inline.append("a <style> without the nonce")
        handlers = [name for name in attrs if name.startswith("on")]
        if handlers or "style" in attrs:
            self.inline.append(f"<{tag} {' '.join(handlers) or 'style'}=...>")
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        elif tag == "h1":
            self.h1 += 1
        elif tag == "title":
            self._in_title = True
        elif tag in ("script", "style"):
            self._skip += 1

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False
        elif tag in ("script", "style"):
            self._skip = max(0, self._skip - 1)

    def handle_data(self, data):
        if self._in_title:
            self.title.append(data)
        elif not self._skip:
            self.text.append(data)


def pattern_of(path: str) -> str | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.route or match.view_name


def crawl(client: Client, *, who: str, member_slugs: set[str], all_slugs: set[str], deadline: float | None = None,
          on_page=None, max_per_pattern: int = MAX_PER_PATTERN) -> tuple[list, int]:
    problems, seen, per_pattern = [], set(), Counter()
    queue = ["/", "/me/programs/", *(f"/{slug}/" for slug in sorted(all_slugs))]
    visited = 0
    # Bounded by the URL patterns (at most `max_per_pattern` each), not by a clock: a slow
    # machine makes the crawl slower, never shorter. `deadline` lets a caller that only
    # samples pages (the axe gate) stop early.
    while queue and (deadline is None or time.monotonic() < deadline):
        url = queue.pop(0)
        path = urlsplit(url).path
        if url in seen or SKIP.search(path):
            continue
        seen.add(url)
        pattern = pattern_of(path)
        if pattern is None:
            problems.append(f"{who}: {url} is linked but resolves to nothing")
            continue
        key = (pattern, bool(urlsplit(url).query))
        if per_pattern[key] >= max_per_pattern:
            continue
        per_pattern[key] += 1
        response = client.get(url)
        visited += 1
        if response.status_code >= 500:
            problems.append(f"{who}: {url} answered {response.status_code}")
            continue
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        policy = response.get("Content-Security-Policy", "")
        script_src = re.search(r"script-src ([^;]*)", policy)
        if not script_src or "unsafe" in script_src[1] or "'self'" not in script_src[1]:
            problems.append(f"{who}: {url} is served without a strict Content-Security-Policy: {policy!r}")
        html = response.content.decode()
        if on_page is not None:
            on_page(url, html)
        parser = Page()
        parser.feed(html)
        if parser.inline:
            problems.append(f"{who}: {url} has inline code the policy blocks: {sorted(set(parser.inline))}")
        if parser.h1 != 1:
            problems.append(f"{who}: {url} has {parser.h1} h1")
        raw_title = re.search(r"<title>(.*?)</title>", html, re.S | re.I)
        title = raw_title[1].strip() if raw_title else ""
        segments = [part.strip() for part in re.split(r"[·|—]", title)]
        if not title or re.search(r"<|>|&lt;|&gt;", title) or len(segments) != len(set(segments)):
            problems.append(f"{who}: {url} has the title {title[:80]!r}")
        if path.startswith("/me/") and NAIVE_UTC.search(" ".join(parser.text)):
            problems.append(f"{who}: {url} shows a naive UTC time: {NAIVE_UTC.search(' '.join(parser.text))[0]!r}")
        first = path.strip("/").split("/")[0]
        for href in parser.links:
            target = urldefrag(urljoin(url, href))[0]
            parts = urlsplit(target)
            if parts.scheme not in ("http", "https", "") or (parts.netloc and parts.netloc != "testserver"):
                continue
            link = parts.path + (f"?{parts.query}" if parts.query else "")
            head = parts.path.strip("/").split("/")[0]
            if (first in all_slugs and head in all_slugs and head != first
                    and parts.path.rstrip("/") != f"/{head}"):
                problems.append(f"{who}: {url} links into another organizer: {link}")
            if link not in seen:
                queue.append(link)
    return problems, visited


def test_every_page_for_every_demo_viewer(settings):
    settings.DEBUG_PROPAGATE_EXCEPTIONS = False
    call_command("load_demo", verbosity=0)
    with scopes_disabled():
        all_slugs = set(Organizer.objects.values_list("slug", flat=True))
    from django.contrib.auth import get_user_model

    viewers = [(None, "anonymous")] + [(email, email) for email, _ in demo_logins() if email != "admin@praxis.local"]
    problems, visits = [], {}
    for email, who in viewers:
        client = Client(raise_request_exception=False)
        member_slugs = set()
        if email:
            with scopes_disabled():
                user = get_user_model().objects.get(email=email)
                member_slugs = set(user.memberships.values_list("organizer__slug", flat=True))
            client.force_login(user)
        found, visits[who] = crawl(client, who=who, member_slugs=member_slugs, all_slugs=all_slugs)
        problems += found
    assert all(visits.values()), f"a viewer reached no page: {visits}"
    grouped = defaultdict(list)
    for p in problems:
        grouped[p.split(": ", 1)[1].split(" ", 1)[0]].append(p)
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(sorted(set(problems))[:200])
