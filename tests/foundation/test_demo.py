"""`load_demo` builds the five organizers from the seeds; re-running it changes nothing."""

import pytest
from django.core.management import call_command
from django_scopes import scopes_disabled

from organizers.demo import DEMO_PASSWORD, demo_logins
from organizers.models import Membership, Organizer

pytestmark = pytest.mark.django_db


def _counts():
    with scopes_disabled():
        return Organizer.objects.count(), Membership.objects.count()


def test_load_demo_is_idempotent_and_lists_the_five_organizers(client):
    call_command("load_demo", verbosity=0)
    first = _counts()
    call_command("load_demo", verbosity=0)
    assert _counts() == first and first[0] == 5

    html = client.get("/").content.decode()
    for name in ("Illinois Partners", "Alliance for Early Success", "Chicago Jobs Council",
                 "North Sound Accountable Community of Health", "Partos"):
        assert name in html
    partos = client.get("/partos/").content.decode()
    assert "gigi@partos.nl" in partos and "Europe/Amsterdam" in partos


def test_the_printed_demo_logins_work(client):
    call_command("load_demo", verbosity=0)
    for email, _ in demo_logins():
        assert client.login(username=email, password=DEMO_PASSWORD), email
        client.logout()
    client.login(username="staff@partos.example", password=DEMO_PASSWORD)
    assert client.get("/admin/").status_code == 200
