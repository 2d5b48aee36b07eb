"""The space page's query count, stored-XSS payloads, the directory, session summaries and the demo."""

import datetime as dt
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from cohorts.models import Enrollment
from community import services
from community.models import Post, SpaceMember, Thread
from organizers.roles import Role
from sessions_app.models import SessionNote
from sessions_app.services.sessions import grant_facilitation
from tests.factories import CohortFactory, UserFactory, member
from tests.sessions.factories import SessionFactory

from .factories import cancel, cohort_space, participant, reply, start

pytestmark = pytest.mark.django_db

XSS_PAYLOADS = [
    "<script>alert('xss')</script>",
    "<img src=x onerror=alert(1)>",
    "<svg/onload=alert(1)>",
    "\"><script>alert(1)</script>",
    "<a href=\"javascript:alert(1)\">click</a>",
    "[click](javascript:alert(1))",
    "<iframe src=\"https://evil.example\"></iframe>",
    "<details open ontoggle=alert(1)>",
    "{{ 7|add:7 }} {% now 'Y' %}",
]


class _LiveMarkup(HTMLParser):
    """Elements and attributes that would run in a browser: what escaping must prevent."""

    def __init__(self):
        super().__init__()
        self.problems = []

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "iframe", "svg", "img", "details", "object", "embed"):
            self.problems.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on") or (value or "").strip().lower().startswith("javascript:"):
                self.problems.append(f"{tag} {name}={value}")


def live_markup(html: str) -> list[str]:
    parser = _LiveMarkup()
    parser.feed(html)
    return parser.problems


def _url(space, name, **kwargs):
    return reverse(f"community:{name}", kwargs={"organizer_slug": space.organizer.slug, **kwargs})


def _threads(space, author, n, start_at=0):
    now = timezone.now()
    with scopes_disabled():
        threads = Thread.objects.bulk_create([
            Thread(organizer_id=space.organizer_id, space=space, title=f"Thread {i}", author=author,
                   last_post_at=now - dt.timedelta(minutes=i), is_pinned=i % 50 == 0)
            for i in range(start_at, start_at + n)])
        Post.objects.bulk_create([Post(organizer_id=space.organizer_id, thread=t, author=author, body="Body", is_opening=True)
                                  for t in threads])
        Post.objects.bulk_create([Post(organizer_id=space.organizer_id, thread=t, author=author, body="Reply")
                                  for t in threads[::3]])


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_space_page_runs_the_same_queries_for_10_and_1000_threads(organizer, client_for):
    space = cohort_space(CohortFactory(program__organizer=organizer))
    person = participant(space.cohort)
    SessionFactory(cohort=space.cohort, title="Coming session")
    client = client_for(person)
    url = _url(space, "space", space_id=space.pk)
    _threads(space, person, 10)
    start(space, person)  # one read, one unread
    client.get(url)
    few = _queries(client, url)
    _threads(space, participant(space.cohort), 990, start_at=10)
    many = _queries(client, url)
    assert few == many, f"{few} queries with 11 threads, {many} with 1,001"
    assert "Page 1 of 34" in client.get(url).content.decode()
    staff = client_for(member(organizer, Role.STAFF))
    assert _queries(staff, url) == _queries(staff, url + "?page=20")


def test_stored_xss_in_posts_titles_and_directory_fields_is_escaped(organizer, client_for):
    space = cohort_space(CohortFactory(program__organizer=organizer))
    author = participant(space.cohort, full_name="<b>Mallory</b><script>alert(1)</script>")
    reader = client_for(participant(space.cohort))
    for payload in XSS_PAYLOADS:
        thread = start(space, author, title=payload, body=f"Body {payload}")
        reply(thread, author, body=payload)
        services.update_settings(space=space, person=author, notify_level=SpaceMember.Notify.NOTHING, in_directory=True,
                                 organization=payload, role=payload, introduction=payload, can_help_with=payload)
        pages = [
            reader.get(_url(space, "space", space_id=space.pk)),
            reader.get(_url(space, "space", space_id=space.pk), {"q": payload[:20]}),
            reader.get(_url(space, "thread", thread_id=thread.pk)),
            reader.get(_url(space, "directory", space_id=space.pk)),
        ]
        for page in pages:
            problems = live_markup(page.content.decode().split("<main", 1)[1].split("</main>", 1)[0])
            assert not problems, (payload, page.request["PATH_INFO"], problems)
    thread_html = reader.get(_url(space, "thread", thread_id=thread.pk)).content.decode()
    assert "&lt;b&gt;Mallory&lt;/b&gt;" in thread_html
    assert "{{ 7|add:7 }}" in thread_html  # shown as typed, never evaluated


def test_directory_shows_only_people_who_opted_in_and_still_belong(organizer, client_for):
    space = cohort_space(CohortFactory(program__organizer=organizer))
    shown = participant(space.cohort, full_name="Shown Person")
    hidden = participant(space.cohort, full_name="Quiet Person")
    services.update_settings(space=space, person=shown, notify_level="replies_mentions", in_directory=True,
                             organization="Heartland", role="Director", introduction="Hello", can_help_with="Budgets")
    services.update_settings(space=space, person=hidden, notify_level="replies_mentions", in_directory=False)
    gone = participant(space.cohort, full_name="Gone Person")
    services.update_settings(space=space, person=gone, notify_level="replies_mentions", in_directory=True)
    with scopes_disabled():
        cancel(Enrollment.objects.get(person=gone))
    html = client_for(participant(space.cohort)).get(_url(space, "directory", space_id=space.pk)).content.decode()
    assert "Shown Person" in html and "Director, Heartland" in html and "Budgets" in html
    assert "Quiet Person" not in html and "Gone Person" not in html


def test_settings_page_saves_choices_and_refuses_bad_input(organizer, client_for):
    space = cohort_space(CohortFactory(program__organizer=organizer))
    person = participant(space.cohort)
    client = client_for(person)
    bad = client.post(_url(space, "settings", space_id=space.pk), {"notify": "hourly"})
    assert bad.status_code == 400 and "Select a valid choice" in bad.content.decode()
    with scopes_disabled():
        assert not SpaceMember.objects.filter(person=person).exists()
    client.post(_url(space, "settings", space_id=space.pk), {"notify": "daily_digest", "in_directory": "on", "role": "Chair"})
    with scopes_disabled():
        row = SpaceMember.objects.get(person=person)
    assert (row.notify, row.in_directory, row.role) == ("daily_digest", True, "Chair")


def test_staff_invite_someone_by_email(organizer, client_for, staff_user):
    space = cohort_space(CohortFactory(program__organizer=organizer))
    guest = UserFactory(email="guest@example.org")
    staff = client_for(staff_user)
    unknown = staff.post(_url(space, "directory", space_id=space.pk), {"email": "nobody@example.org"})
    assert unknown.status_code == 400 and "No Praxis account uses this email" in unknown.content.decode()
    assert client_for(guest).get(_url(space, "space", space_id=space.pk)).status_code == 404
    staff.post(_url(space, "directory", space_id=space.pk), {"email": "guest@example.org"})
    assert client_for(guest).get(_url(space, "space", space_id=space.pk)).status_code == 200
    member_client = client_for(participant(space.cohort))
    assert member_client.post(_url(space, "directory", space_id=space.pk), {"email": "x@example.org"}).status_code == 404


def test_space_shows_upcoming_sessions_and_facilitators_post_a_session_summary(organizer, client_for):
    space = cohort_space(CohortFactory(program__organizer=organizer))
    person = participant(space.cohort)
    facilitator = member(organizer, Role.FACILITATOR)
    with scopes_disabled():
        grant_facilitation(cohort=space.cohort, user=facilitator)
    SessionFactory(cohort=space.cohort, title="Race and Power")
    held = SessionFactory(cohort=space.cohort, title="Racial Healing",
                          starts_at=timezone.now() - dt.timedelta(days=2))
    with scopes_disabled():
        SessionNote.objects.create(organizer=organizer, session=held, shared_summary="We agreed on **three** norms.")
    assert "Race and Power" in client_for(person).get(_url(space, "space", space_id=space.pk)).content.decode()
    assert client_for(person).get(_url(space, "summary", space_id=space.pk)).status_code == 404
    fac = client_for(facilitator)
    response = fac.post(_url(space, "summary", space_id=space.pk), {"session": held.pk, "body": ""})
    with scopes_disabled():
        thread = Thread.objects.get()
    assert response.status_code == 302 and thread.title == "Session summary: Racial Healing" and thread.is_pinned
    assert "<strong>three</strong>" in client_for(person).get(_url(space, "thread", thread_id=thread.pk)).content.decode()
    bad = fac.post(_url(space, "summary", space_id=space.pk), {"session": 999999})
    assert bad.status_code == 400


def test_demo_spaces(client_for):
    from django.core.management import call_command

    from django.contrib.auth import get_user_model

    call_command("load_demo")
    call_command("load_demo")  # safe to re-run
    User = get_user_model()
    with scopes_disabled():
        from community.models import Space

        spaces = {s.kind: s for s in Space.objects.select_related("organizer")}
        illinois = Space.objects.get(organizer__slug="illinois-partners")
        north = Space.objects.get(organizer__slug="north-sound-ach")
        partos = Space.objects.get(organizer__slug="partos")
        assert Thread.objects.filter(space=north).count() >= 3
    assert set(spaces) == {"program", "cohort", "affinity_group"}
    alum = client_for(User.objects.get(email="alum.chen@illinois.example"))
    page = alum.get(_url(illinois, "space", space_id=illinois.pk)).content.decode()
    assert "Welcome, alumni of the inaugural series" in page
    assert "Luis Ramirez" in alum.get(_url(illinois, "directory", space_id=illinois.pk)).content.decode()
    participant_client = client_for(User.objects.get(email="participant@praxis.example"))
    assert participant_client.get(_url(partos, "space", space_id=partos.pk)).status_code == 200
    assert client_for(User.objects.get(email="facilitator@partos.example")).get(
        _url(partos, "reports", space_id=partos.pk)).status_code == 200
    assert client_for(User.objects.get(email="leader.olsen@northsound.example")).get(
        _url(north, "space", space_id=north.pk)).status_code == 200
    assert alum.get(_url(north, "space", space_id=north.pk)).status_code == 404
