"""Every email: absolute links to the site's public address, people named by name.

Three layers: every template is rendered (a context filled from the names it uses);
real flows produce messages under production-like settings and every link in them
must start with the site's address; and `notify()` itself refuses a relative link, so
any test anywhere that sends an email checks its links too.
"""

import datetime as dt
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.template.loader import render_to_string
from django.test import override_settings
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from cohorts import services as cohort_services
from notifications.models import OutboundMessage
from notifications.services import notify, render_message
from sessions_app.services.office_hours import book_office_hour
from sessions_app.services.reminders import send_session_reminder
from sessions_app.services.sessions import reschedule_session
from tests.factories import CohortFactory, UserFactory
from tests.sessions.factories import OfficeHourWindowFactory, SessionFactory, enroll, publish

ROOT = Path(settings.BASE_DIR)
SITE = "https://praxis.example.org"
PRODUCTION = {"PRAXIS_BASE_URL": SITE, "ALLOWED_HOSTS": ["praxis.example.org"]}
TEMPLATES = sorted(p for p in ROOT.glob("*/templates/notifications/email/*/*.txt") if ".venv" not in p.parts)
LINK = re.compile(r"https?://[^\s)>\]]+")
RELATIVE = re.compile(r"(?<![\w:/.])/(?:me|accounts|feeds|il-test)/")
VARIABLE = re.compile(r"{{\s*([a-z_]+)|{%\s*(?:if|elif|for \w+ in)\s+(?:not\s+)?([a-z_]+)")


def _template_name(path: Path) -> str:
    return str(path.relative_to(path.parents[3]))


def _context_for(source: str) -> dict:
    values = {}
    for match in VARIABLE.finditer(source):
        name = match.group(1) or match.group(2)
        if name.endswith("url") or name == "url":
            values[name] = f"{SITE}/link/{name}/"
        elif name.endswith(("name", "_by")):
            values[name] = "Dana Reyes"
        elif name in ("schedule", "items", "posts", "lines", "rows", "missed"):
            values[name] = ["Tue 3 Dec 2030, 10:00–11:30 CET: Orientation"]
        else:
            values[name] = "something"
    return {**values, "organizer_name": "Illinois Partners"}


@pytest.mark.parametrize("path", TEMPLATES, ids=_template_name)
def test_every_email_template_renders_without_local_addresses_or_relative_links(path):
    source = path.read_text()
    assert "{% url" not in source, "a {% url %} tag gives a relative link: pass an absolute_url() in the context"
    for local in ("127.0.0.1", "localhost", "http://"):
        assert local not in source
    greeting = re.match(r"(?:{%[^%]*%})?Hello {{\s*([a-z_]+)", source)
    if greeting:
        assert "email" not in greeting.group(1), "people are greeted by name"
    text = render_to_string(_template_name(path), _context_for(source))
    assert "127.0.0.1" not in text and "localhost" not in text
    assert all(link.startswith(SITE) for link in LINK.findall(text))


@pytest.mark.django_db
def test_notify_refuses_a_relative_link(organizer):
    with pytest.raises(ValueError, match="relative"):
        notify(organizer=organizer, template="praxis/note", dedupe_key="x", to_email="a@example.org",
               context={"status_url": "/illinois-partners/library/r/28/"})


@pytest.mark.django_db
@override_settings(**PRODUCTION)
def test_messages_from_real_flows_link_to_the_site_and_name_people(organizer, client, django_capture_on_commit_callbacks):
    cohort = CohortFactory(program__organizer=organizer, capacity=1, time_zone="Europe/Amsterdam")
    first = UserFactory(full_name="Maria Lopez", email="maria.lopez@hsleaders.example")
    second = UserFactory(full_name="Kwame Mensah", email="kwame@example.org")
    with django_capture_on_commit_callbacks(execute=True), scope(organizer=organizer.id):
        confirmed = cohort_services.register(cohort=cohort, person=first)
        cohort_services.register(cohort=cohort, person=second)  # waitlisted
        cohort_services.cancel_enrollment(enrollment=confirmed)  # offers the seat to Kwame
        session = SessionFactory(cohort=cohort, title="Orientation", starts_at=timezone.now() + dt.timedelta(minutes=50))
        ana = enroll(cohort, UserFactory(full_name="Ana Ruiz")).person
        send_session_reminder(session_id=session.id, hours_before=1)
        reschedule_session(session=session, starts_at=session.starts_at + dt.timedelta(days=1),
                                            ends_at=session.ends_at + dt.timedelta(days=1))
        slot = publish(OfficeHourWindowFactory(organizer=organizer))[0]
        book_office_hour(slot=slot, person=ana)
    # allauth's own emails, asked for on the production host.
    client.post("/accounts/signup/", {"email": "new@example.org", "password1": "a-long-Passphrase-2024",
                                      "password2": "a-long-Passphrase-2024", "full_name": "Sam Okafor"},
                HTTP_HOST="praxis.example.org", secure=True)
    with scopes_disabled():
        messages = list(OutboundMessage.objects.select_related("organizer", "recipient"))
    templates = {m.template for m in messages}
    assert {"cohorts/confirmed", "cohorts/waitlisted", "cohorts/cancelled", "cohorts/seat_offered", "sessions/reminder",
            "sessions/time_changed", "sessions/booking_confirmed"} <= templates
    rendered = [render_message(m) + (m.recipient,) for m in messages]
    rendered += [(m.subject, m.body, None, None) for m in mail.outbox if "new@example.org" in m.to]
    assert len(rendered) > len(messages)
    for subject, text, _html, recipient in rendered:
        whole = subject + "\n" + text
        assert "127.0.0.1" not in whole and "localhost" not in whole and "testserver" not in whole
        links = LINK.findall(text)
        assert all(link.startswith((SITE, "https://video.example/")) for link in links), (subject, links)
        assert not RELATIVE.search(text), (subject, RELATIVE.search(text))
        if recipient is not None:
            assert text.startswith(f"Hello {recipient.display_name}") and recipient.email not in text.splitlines()[0]
