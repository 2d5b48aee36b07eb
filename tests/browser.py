"""Browser tests: Debian's chromium driven by Playwright (its own browser download fails here)."""

import os

import pytest

from .conftest import CHROMIUM

CHROMIUM_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


@pytest.fixture
def page(live_server):
    # Playwright's sync API runs an event loop in this thread; the Django ORM calls
    # the test makes for setup and assertions are still synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        # A desktop's 1440 px (the full navigation shows from 1400 px; below, it folds into a
        # menu button). Tests of narrower layouts set their own viewport.
        context = browser.new_context(base_url=live_server.url, viewport={"width": 1440, "height": 900})
        page = context.new_page()
        page.set_default_timeout(15_000)
        # The Content-Security-Policy is enforced: anything it blocks fails the test.
        blocked = []
        page.on("console", lambda msg: blocked.append(f"{page.url}: {msg.text}")
                if msg.type == "error" and "Content Security Policy" in msg.text else None)
        try:
            yield page
        finally:
            context.close()
            browser.close()
        assert not blocked, "blocked by the Content-Security-Policy:\n" + "\n".join(blocked)


def sign_in(page, email: str, password: str = "pw-for-tests-only") -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_load_state("networkidle")


def axe_violations(page) -> list[dict]:
    """Serious and critical axe-core violations on the current page (axe.min.js from a package)."""
    from axe_playwright_python.sync_playwright import Axe

    # No preload: axe would fetch the page's stylesheets and re-insert them as inline
    # <style> elements, which the Content-Security-Policy rightly blocks (and the page
    # fixture reports). Only the css-orientation-lock rule reads the preloaded CSSOM.
    results = Axe().run(page, options={"resultTypes": ["violations"], "preload": False})
    return [v for v in results.response["violations"] if v.get("impact") in ("serious", "critical")]


def assert_accessible(page) -> None:
    violations = axe_violations(page)
    summary = "\n".join(f"{v['id']}: {v['help']} ({len(v['nodes'])} nodes)" for v in violations)
    assert not violations, f"axe-core found problems on {page.url}:\n{summary}"
