"""Gate: every form the demo viewers can reach, fuzzed with values derived from its fields.

The forms are found the way a visitor finds them: the crawl (test_crawl.crawl) collects
every `<form method="post">` on the pages each viewer reaches, plus every admin add page
for staff. For each form (one per action URL pattern), hypothesis draws values from the
form's own fields: numbers become huge, negative or not numbers; text becomes very long,
carries NUL or other controls; dates are impossible; choices are ones not offered (or a
40-digit id); files are junk with misleading names. Hidden fields (CSRF, formset
management) keep their values. Each post must answer below 500, and a refused post (a
4xx, or the form again with an error message) must leave every table's row count as it was.
A few examples per form (FUZZ_EXAMPLES) keeps it bounded; run on SQLite and PostgreSQL.
"""

import os
import re
import time
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django_scopes import scopes_disabled
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from organizers.models import Organizer

from .test_crawl import SKIP, crawl, pattern_of

pytestmark = pytest.mark.django_db

FUZZ_EXAMPLES = int(os.environ.get("PRAXIS_FUZZ_EXAMPLES", "3"))
# Drawn examples per form, on top of the three targeted posts every form gets (huge integer,
# NUL, impossible date in every field). Derandomized: the same values on every run, so a
# failure reproduces; no example database, no shrinking of a post that did not fail.
GATE_PROFILE = settings(max_examples=FUZZ_EXAMPLES, deadline=None, database=None, derandomize=True,
                        suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate])
BUDGET_SECONDS = 600
# Posting these would end the session or change the account under the crawl's feet.
NOT_FUZZED = re.compile(r"/accounts/(logout|password|email|3rdparty|delete)|/mfa/|/messages/optional/|/unsubscribe/|^/me/delete/")
# Rows written even for a refused post, on purpose: sessions (messages, login state).
UNCOUNTED = {"sessions.session"}
VIEWERS = ["participant@praxis.example", "admin@alliance.example", "facilitator@alliance.example",
           "reviewer@alliance.example", "staff@partos.example"]


class Forms(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms, self._form, self._select, self._textarea = [], None, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "get").lower() == "post":
            self._form = {"action": attrs.get("action") or "", "fields": []}
            self.forms.append(self._form)
        if self._form is None or attrs.get("disabled") is not None:
            return
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type", "text") not in ("submit", "button", "reset", "image"):
            self._form["fields"].append({"name": name, "type": attrs.get("type", "text"), "value": attrs.get("value", ""),
                                         "checked": "checked" in attrs, "attrs": attrs})
        elif tag == "select" and name:
            self._select = {"name": name, "type": "select", "options": [], "multiple": "multiple" in attrs, "attrs": attrs}
            self._form["fields"].append(self._select)
        elif tag == "option" and self._select is not None:
            self._select["options"].append(attrs.get("value", ""))
        elif tag == "textarea" and name:
            self._textarea = {"name": name, "type": "textarea", "value": "", "attrs": attrs}
            self._form["fields"].append(self._textarea)

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea["value"] += data


HUGE = st.sampled_from(["9" * 40, "-" + "9" * 30, "99999999999999999999999", "1e309", "NaN", "-1", "0", "1.5", "abc"])
NASTY_TEXT = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["x" * 100_000, "a\x00b", "\x00", " ", "=cmd|' /C calc'!A0", "<script>alert(1)</script>",
                     "😀" * 500, "\r\n" * 200, "%s%n%x", "' OR 1=1 --", "../../etc/passwd", "x@", "http://"]),
)
BAD_DATES = st.sampled_from(["2024-02-30", "99999-01-01", "0000-00-00", "2024-13-01", "yesterday", "1" * 40,
                             "2024-01-01T25:61", "-1", "2024-06-01 12:00:00+99:00"])
FILES = st.sampled_from([
    ("evil.exe", b"MZ\x90\x00" + b"\x00" * 64), ("empty.pdf", b""), ("fake.pdf", b"not a pdf at all"),
    ("../../x.png", b"\x89PNG\r\n\x1a\n" + b"0" * 16), ("a" * 300 + ".txt", b"hello"), ("nul\x00.csv", b"=1+1,2"),
])


def value_strategy(field):
    kind = field["type"]
    if kind == "hidden":
        if field["name"] == "csrfmiddlewaretoken" or field["name"].endswith(("_FORMS", "-INITIAL_FORMS")):
            return st.just(field["value"])
        return st.one_of(st.just(field["value"]), HUGE, NASTY_TEXT)
    if kind == "number":
        return st.one_of(HUGE, st.integers().map(str))
    if kind in ("date", "datetime-local", "time", "month", "week"):
        return st.one_of(BAD_DATES, st.dates().map(str))
    if kind in ("checkbox", "radio"):
        return st.one_of(st.just(field["value"] or "on"), st.just(None), HUGE, NASTY_TEXT)
    if kind == "select":
        offered = [o for o in field["options"]] or [""]
        choice = st.one_of(st.sampled_from(offered), HUGE, NASTY_TEXT)
        return st.lists(choice, max_size=3) if field["multiple"] else choice
    if kind == "file":
        return st.one_of(st.just(None), FILES)
    if kind == "email":
        return st.one_of(st.emails(), NASTY_TEXT)
    return NASTY_TEXT


def row_counts() -> dict[str, int]:
    """Every table's row count, in one query."""
    from django.db import connection

    models = [m for m in apps.get_models() if m._meta.label_lower not in UNCOUNTED and not m._meta.proxy
              and m._meta.managed]
    quote = connection.ops.quote_name
    sql = "SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {quote(m._meta.db_table)})" for m in models)
    with connection.cursor() as cursor:
        cursor.execute(sql)
        counts = cursor.fetchone()
    return {m._meta.label_lower: n for m, n in zip(models, counts)}


def collect_forms(deadline: float) -> dict:
    """{action pattern: (viewer email or None, action url, fields)}: one form per pattern."""
    with scopes_disabled():
        slugs = set(Organizer.objects.values_list("slug", flat=True))
    found = {}

    def keep(email):
        def on_page(url, html):
            parser = Forms()
            parser.feed(html)
            for form in parser.forms:
                action = urljoin(url, form["action"]).split("#")[0]
                path = urlsplit(action).path
                if NOT_FUZZED.search(path) or SKIP.search(path):
                    continue
                pattern = pattern_of(path)
                if pattern is not None:
                    found.setdefault((pattern, tuple(sorted({f["name"] for f in form["fields"]}))),
                                     (email, action, form["fields"]))
        return on_page

    for email in [None, *VIEWERS]:
        client = Client()
        if email:
            client.force_login(get_user_model().objects.get(email=email))
        crawl(client, who=email or "anonymous", member_slugs=set(), all_slugs=slugs, deadline=deadline,
              on_page=keep(email), max_per_pattern=1)
    # Admin add forms, as an organizer's staff.
    staff = "staff@alliance.example"
    client = Client()
    client.force_login(get_user_model().objects.get(email=staff))
    for model in admin.site._registry:
        try:
            url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")
        except Exception:
            continue
        response = client.get(url)
        if response.status_code == 200:
            parser = Forms()
            parser.feed(response.content.decode())
            # The model's own form: the first post form on the page is the header's sign-out form.
            for form in [f for f in parser.forms if not urlsplit(urljoin(url, f["action"])).path.endswith("/logout/")][:1]:
                found.setdefault((url, ()), (staff, url, form["fields"]))
    return found


ERROR_MARKERS = re.compile(r'is-invalid|class="errorlist|invalid-feedback|alert-danger|aria-invalid="true"')


def refused(response) -> bool:
    """A 4xx, or the form shown again with an error: nothing may have been saved."""
    if 400 <= response.status_code < 500:
        return True
    return response.status_code == 200 and bool(ERROR_MARKERS.search(response.content.decode(errors="replace")))


def fuzz(client: Client, action: str, fields: list, problems: list) -> None:
    def worst(value):
        # The same hostile value in every field a visitor can type or choose in.
        return {f"{i}": (f["value"] if f["type"] == "hidden" else None if f["type"] == "file"
                         else [value] if f.get("multiple") else value) for i, f in enumerate(fields)}

    # Row counts after the last refused post: nothing writes between two posts, so they are
    # the next post's "before" too (one count per post instead of two).
    known = {}

    def one_post(values):
        data = {}
        for i, field in enumerate(fields):
            value = values[str(i)]
            if value is None:
                continue
            if field["type"] == "file":
                value = SimpleUploadedFile(value[0], value[1])
            if isinstance(value, list):
                data.setdefault(field["name"], []).extend(value)
            elif field["type"] in ("checkbox",) and field["name"] in data:
                data[field["name"]] = [*([data[field["name"]]] if not isinstance(data[field["name"]], list) else data[field["name"]]), value]
            else:
                data[field["name"]] = value
        before = known.pop("counts", None) or row_counts()
        response = client.post(action, data)
        if response.status_code >= 500:
            problems.append(f"{action}: {response.status_code} for {sorted(data)}")
            return
        if refused(response):
            after = row_counts()  # once: not once per table
            changed = {k: (v, after.get(k)) for k, v in before.items() if after.get(k) != v}
            if changed:
                problems.append(f"{action}: refused ({response.status_code}) but rows changed: {changed}")
            else:
                known["counts"] = after

    for hostile in ("99999999999999999999999", "a\x00b", "99999-01-01"):
        one_post(worst(hostile))
    fuzzed = settings(GATE_PROFILE)(
        given(st.fixed_dictionaries({f"{i}": value_strategy(f) for i, f in enumerate(fields)}))(one_post))
    fuzzed()


def test_every_form_survives_fuzzed_input(settings):
    settings.DEBUG_PROPAGATE_EXCEPTIONS = False
    call_command("load_demo", verbosity=0)
    deadline = time.monotonic() + BUDGET_SECONDS
    forms = collect_forms(deadline)
    assert len(forms) > 20, f"only {len(forms)} forms found"
    if os.environ.get("PRAXIS_FUZZ_LIST"):
        print("\n".join(sorted(str(k[0]) for k in forms)))
    problems, clients = [], {}
    for (pattern, _), (email, action, fields) in sorted(forms.items(), key=lambda kv: str(kv[0])):
        if time.monotonic() > deadline:
            problems.append(f"out of time before {pattern}")
            break
        if email not in clients:
            clients[email] = Client(raise_request_exception=False)
            if email:
                clients[email].force_login(get_user_model().objects.get(email=email))
        fuzz(clients[email], action, fields, problems)
    assert not problems, f"{len(problems)} problems in {len(forms)} forms:\n" + "\n".join(problems[:100])
