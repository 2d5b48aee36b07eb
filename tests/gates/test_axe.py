"""Gate: axe-core on one page per URL pattern, for each signed-in role, in chromium.

The demo is loaded, the test client's crawl (test_crawl.crawl) finds which pages each
role reaches, and the browser opens one page per URL pattern (the first role that reached
it) and runs axe-core with the WCAG 2.0/2.1/2.2 A and AA rules: no violation of any impact.
"""

import time

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django_scopes import scopes_disabled

from organizers.demo import DEMO_PASSWORD
from organizers.models import Organizer
from tests.browser import sign_in

from .test_crawl import crawl, pattern_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROLES = {"participant": "participant@praxis.example", "facilitator": "facilitator@alliance.example",
         "staff": "staff@alliance.example", "reviewer": "reviewer@northsound.example"}
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


def test_one_page_per_url_pattern_has_no_wcag_violation(page):
    from axe_playwright_python.sync_playwright import Axe

    call_command("load_demo", verbosity=0)
    with scopes_disabled():
        slugs = set(Organizer.objects.values_list("slug", flat=True))
    chosen: dict[str, tuple[str, str]] = {}
    for role, email in ROLES.items():
        client = Client()
        client.force_login(get_user_model().objects.get(email=email))

        def keep(url, html, role=role):
            pattern = pattern_of(url.split("?")[0])
            if pattern and "?" not in url:
                chosen.setdefault(pattern, (role, url))

        crawl(client, who=role, member_slugs=set(), all_slugs=slugs, deadline=time.monotonic() + 60,
              on_page=keep, max_per_pattern=1)
    axe, problems, signed_in = Axe(), [], None
    for pattern, (role, url) in sorted(chosen.items(), key=lambda kv: kv[1][0]):
        if signed_in != role:
            page.context.clear_cookies()
            sign_in(page, ROLES[role], DEMO_PASSWORD)
            signed_in = role
        page.goto(url)
        results = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG}, "preload": False})
        for v in results.response["violations"]:
            problems.append(f"{role} {url}: {v['id']} ({v['impact']}): {v['help']} — {len(v['nodes'])} nodes")
    assert len(chosen) > 20
    assert not problems, f"{len(problems)} violations on {len(chosen)} pages:\n" + "\n".join(problems)
