"""Accounts with allauth: email sign-up with verification, login, reset, rate limits, TOTP."""

import re

import pytest
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.core import mail
from django.core.cache import cache
from django.test import override_settings

from organizers.roles import Role
from tests.factories import UserFactory, member

pytestmark = pytest.mark.django_db


def _link_in(message) -> str:
    return re.search(r"https?://testserver(/\S+)", message.body).group(1)


def test_sign_up_needs_email_verification_before_login(client, django_user_model):
    response = client.post(
        "/accounts/signup/",
        {"email": "leader@example.org", "password1": "a-long-Passphrase-2024", "password2": "a-long-Passphrase-2024",
         "full_name": "María López", "pronouns": "she/her"},
    )
    assert response.status_code == 302 and "confirm-email" in response["Location"]
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["leader@example.org"]
    # Named, signed by the site, with no bare host in the greeting or subject.
    assert mail.outbox[0].body.startswith("Hello María López,") and "— Praxis" in mail.outbox[0].body
    assert mail.outbox[0].subject.startswith("[Praxis] ") and "testserver" not in mail.outbox[0].subject
    # Says what it is about in plain words (not "user María López has given your email address").
    assert "create an account on Praxis" in mail.outbox[0].body and "has given your email" not in mail.outbox[0].body
    assert "If it was not you, ignore this message" in mail.outbox[0].body
    person = django_user_model.objects.get(email="leader@example.org")
    assert (person.full_name, person.pronouns, person.display_name) == ("María López", "she/her", "María López")

    client.logout()
    response = client.post("/accounts/login/", {"login": "leader@example.org", "password": "a-long-Passphrase-2024"})
    assert "confirm-email" in response.get("Location", "") or b"verif" in response.content.lower()
    assert "_auth_user_id" not in client.session

    confirm = _link_in(mail.outbox[-1])
    client.post(confirm)
    response = client.post("/accounts/login/", {"login": "leader@example.org", "password": "a-long-Passphrase-2024"})
    assert response.status_code == 302
    assert "_auth_user_id" in client.session


def test_sign_up_with_bad_input_explains_and_creates_nothing(client, django_user_model):
    response = client.post("/accounts/signup/", {"email": "not-an-email", "password1": "x", "password2": "y"})
    assert response.status_code == 200
    assert b"Enter a valid email address" in response.content
    assert b"Your name" in response.content and b"This field is required" in response.content
    assert not django_user_model.objects.exists()


def test_password_reset_sends_a_working_link(client):
    user = UserFactory(email="forgetful@example.org")
    client.post("/accounts/password/reset/", {"email": "forgetful@example.org"})
    assert len(mail.outbox) == 1
    reset_page = client.get(_link_in(mail.outbox[0]), follow=True)
    form_url = reset_page.redirect_chain[-1][0] if reset_page.redirect_chain else _link_in(mail.outbox[0])
    client.post(form_url, {"password1": "brand-New-secret-42", "password2": "brand-New-secret-42"})
    user.refresh_from_db()
    assert user.check_password("brand-New-secret-42")


def test_password_change_for_a_signed_in_person(client_for):
    user = UserFactory()
    client = client_for(user)
    client.post(
        "/accounts/password/change/",
        {"oldpassword": "pw-for-tests-only", "password1": "another-Good-one-77", "password2": "another-Good-one-77"},
    )
    user.refresh_from_db()
    assert user.check_password("another-Good-one-77")


@override_settings(ACCOUNT_RATE_LIMITS={"login_failed": "10/m/ip,3/5m/key"})
def test_repeated_failed_logins_are_rate_limited(client):
    cache.clear()
    UserFactory(email="target@example.org")
    for _ in range(3):
        client.post("/accounts/login/", {"login": "target@example.org", "password": "wrong"})
    response = client.post("/accounts/login/", {"login": "target@example.org", "password": "pw-for-tests-only"})
    assert "_auth_user_id" not in client.session
    assert b"Too many failed login attempts" in response.content
    cache.clear()  # the limit expires (allauth's limits are time windows, never a permanent lockout)
    client.post("/accounts/login/", {"login": "target@example.org", "password": "pw-for-tests-only"})
    assert "_auth_user_id" in client.session


def _current_code(secret: str) -> str:
    from allauth.mfa.totp.internal.auth import yield_hotp_counters_from_time

    return format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))


def test_login_with_totp_asks_for_the_code(client):
    user = UserFactory(email="careful@example.org")
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    response = client.post("/accounts/login/", {"login": "careful@example.org", "password": "pw-for-tests-only"})
    assert response["Location"].endswith("/accounts/2fa/authenticate/")
    assert "_auth_user_id" not in client.session
    client.post("/accounts/2fa/authenticate/", {"code": "000000"})
    assert "_auth_user_id" not in client.session
    client.post("/accounts/2fa/authenticate/", {"code": _current_code(secret)})
    assert "_auth_user_id" in client.session


def test_organizer_can_require_two_factor_of_its_staff(organizer, client_for):
    organizer.require_staff_mfa = True
    organizer.save()
    staff = member(organizer, Role.STAFF)
    client = client_for(staff)
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].endswith("/accounts/2fa/totp/activate/")

    TOTP.activate(staff, generate_totp_secret())
    assert client.get("/admin/").status_code == 200


def test_two_factor_requirement_leaves_participants_alone(organizer, client_for):
    organizer.require_staff_mfa = True
    organizer.save()
    assert client_for(member(organizer, Role.REVIEWER)).get(f"/{organizer.slug}/").status_code == 200


def test_profile_sets_the_time_zone_used_for_times(client_for):
    user = UserFactory()
    client = client_for(user)
    response = client.post("/account/profile/", {"full_name": "Ada Leader", "time_zone": "Europe/Amsterdam"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert str(user.time_zone) == "Europe/Amsterdam" and user.full_name == "Ada Leader"
    response = client.post("/account/profile/", {"time_zone": "Mars/Olympus"})
    assert response.status_code == 200 and b"Select a valid choice" in response.content
