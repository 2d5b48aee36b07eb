"""Probe finding 6: a strict Content-Security-Policy, enforced, on every kind of response.
(The crawl gate checks every page of the demo; this covers what it does not crawl.)"""

import pytest
from django.urls import reverse

from tests.library.factories import ResourceFactory

pytestmark = pytest.mark.django_db


def strict(response) -> bool:
    policy = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if " " in part.strip())
    # The admin too: its scripts set styles through the CSSOM, which the policy allows.
    styles_strict = "unsafe-inline" not in directives["style-src"]
    return (directives["script-src"] == "'self'" and directives["object-src"] == "'none'"
            and styles_strict and "Content-Security-Policy-Report-Only" not in response)


def test_pages_admin_errors_and_login_are_served_with_the_policy(organizer, staff_user, client_for):
    resource = ResourceFactory(organizer=organizer)
    staff = client_for(staff_user)
    for client, url in [
        (client_for(None), "/"),
        (client_for(None), f"/{organizer.slug}/"),
        (client_for(None), "/accounts/login/"),
        (client_for(None), "/no-such-page/"),
        (staff, reverse("admin:index")),
        (staff, reverse("admin:library_resource_change", args=[resource.pk])),
    ]:
        response = client.get(url)
        assert response.status_code in (200, 404), url
        assert strict(response), url


def test_the_brand_colour_style_carries_the_nonce_of_its_response(organizer, client_for):
    response = client_for(None).get(f"/{organizer.slug}/")
    policy = response["Content-Security-Policy"]
    nonce = policy.split("'nonce-", 1)[1].split("'", 1)[0]
    assert f'<style nonce="{nonce}">' in response.content.decode()
