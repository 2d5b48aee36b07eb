"""After confirming their email, a person lands on the page they set out for, not a generic one."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from tests.factories import CohortFactory, ProgramFactory

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-Passphrase-2024"


def _link_in(message) -> str:
    return re.search(r"https?://testserver(/\S+)", message.body).group(1)


def _confirm(client: Client, link: str):
    """Open the emailed link, then press Confirm on the page it shows (its form as rendered)."""
    page = client.get(link)
    assert page.status_code == 200
    html = page.content.decode()
    action = re.search(r'<form[^>]*method="post"[^>]*action="([^"]+)"', html) or re.search(
        r'<form[^>]*action="([^"]+)"[^>]*method="post"', html)
    hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html))
    return client.post(action.group(1).replace("&amp;", "&"), hidden)


@pytest.mark.parametrize("same_browser", [True, False], ids=["same browser", "another browser"])
def test_confirming_the_email_leads_back_to_the_registration_they_started(organizer, same_browser):
    cohort = CohortFactory(program=ProgramFactory(organizer=organizer))
    register = reverse("cohorts:register", kwargs={"organizer_slug": organizer.slug, "program_slug": cohort.program.slug,
                                                   "cohort_slug": cohort.slug})
    client = Client()
    to_login = client.get(register)
    assert to_login.status_code == 302 and "next=" in to_login["Location"]
    login_page = client.get(to_login["Location"]).content.decode()
    header, main = login_page.split('id="main"', 1)
    # Both ways to the sign-up form keep the page: the header's "Create account" and the form's own link.
    for page_part in (header, main):
        signup = re.search(r'href="(/accounts/signup/[^"]*)"', page_part).group(1).replace("&amp;", "&")
        assert parse_qs(urlsplit(signup).query)["next"] == [register]
    form = client.get(signup).content.decode()
    hidden_next = re.search(r'<input type="hidden" name="next" value="([^"]*)"', form).group(1)
    response = client.post(signup, {"email": "newcomer@example.org", "password1": PASSWORD, "password2": PASSWORD,
                                     "full_name": "Kim Newcomer", "next": hidden_next})
    assert response.status_code == 302
    link = _link_in(mail.outbox[-1])

    confirmed = _confirm(client if same_browser else Client(), link)
    assert confirmed.status_code == 302
    assert confirmed["Location"] == register


def test_a_next_to_another_site_is_not_followed(organizer):
    client = Client()
    client.post("/accounts/signup/?next=https://evil.example/", {
        "email": "newcomer@example.org", "password1": PASSWORD, "password2": PASSWORD, "full_name": "Kim Newcomer",
        "next": "https://evil.example/"})
    link = _link_in(mail.outbox[-1])
    assert "evil.example" not in link
    confirmed = _confirm(Client(), link)
    assert "evil.example" not in confirmed.get("Location", "")
