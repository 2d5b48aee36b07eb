"""Probe findings 1 and 2: the admin names only the organizer's own people, and only
organizer admins change the organizer's settings."""

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.urls import NoReverseMatch, reverse
from django_scopes import scopes_disabled

from library.models import Resource
from organizers.models import Organizer
from organizers.roles import Role
from organizers.scoping import organizer_path_of
from tests.factories import UserFactory, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def stranger(other_organizer):
    """Someone with a role at another organizer only."""
    person = member(other_organizer, Role.STAFF, full_name="Quentin Stranger", email="quentin@elsewhere.example")
    return person


def user_fields():
    user_model = get_user_model()
    for model, model_admin in admin.site._registry.items():
        if organizer_path_of(model) is None:
            continue
        for field in model._meta.concrete_fields:
            if field.is_relation and field.related_model is user_model:
                try:
                    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")
                except NoReverseMatch:
                    continue
                yield model, field, url


def test_every_person_field_of_an_add_page_hides_other_organizers_people(organizer, staff_user, stranger, client_for):
    client = client_for(staff_user)
    checked = 0
    for model, field, url in user_fields():
        response = client.get(url, {field.name: stranger.pk})
        if response.status_code != 200:
            continue  # e.g. an admin that adds nothing
        page = response.content.decode()
        assert "Quentin" not in page and "quentin@" not in page, f"{model.__name__}.{field.name}"
        assert "/admin/accounts/user/" not in page, f"{model.__name__}.{field.name} links to the superuser-only User admin"
        checked += 1
    assert checked >= 2  # at least the library contributor and the application applicant


def test_a_resource_takes_a_contributor_of_the_organizer_but_not_a_stranger(organizer, staff_user, stranger, client_for):
    participant_ish = member(organizer, Role.FACILITATOR, full_name="Fran Facilitator", email="fran@here.example")
    client = client_for(staff_user)
    data = {"organizer": organizer.pk, "title": "Glossary", "kind": "checklist", "language": "en", "summary": "",
            "body": "", "audience": "public", "status": "published", "author": ""}
    refused = client.post(reverse("admin:library_resource_add"), {**data, "contributor": stranger.email})
    assert refused.status_code == 200
    assert "Nobody connected to your organizer uses this email." in refused.content.decode()
    with scopes_disabled():
        assert not Resource.objects.filter(title="Glossary").exists()
    saved = client.post(reverse("admin:library_resource_add"), {**data, "contributor": participant_ish.email})
    assert saved.status_code == 302, saved.content.decode()[:2000]
    with scopes_disabled():
        resource = Resource.objects.get(title="Glossary")
    assert resource.contributor == participant_ish
    change = client.get(reverse("admin:library_resource_change", args=[resource.pk])).content.decode()
    assert 'value="fran@here.example"' in change


def _organizer_form(organizer, **changes):
    data = {"name": organizer.name, "time_zone": str(organizer.time_zone), "currency": organizer.currency,
            "contact_email": organizer.contact_email, "small_cell_k": organizer.small_cell_k,
            "brand_colour": organizer.brand_colour,
            "memberships-TOTAL_FORMS": 0, "memberships-INITIAL_FORMS": 0,
            "memberships-MIN_NUM_FORMS": 0, "memberships-MAX_NUM_FORMS": 1000}
    if organizer.is_published:
        data["is_published"] = "on"
    data.update(changes)
    return data


def test_staff_see_the_organizer_settings_but_cannot_change_them(organizer, staff_user, client_for):
    url = reverse("admin:organizers_organizer_change", args=[organizer.pk])
    client = client_for(staff_user)
    page = client.get(url)
    assert page.status_code == 200 and 'name="small_cell_k"' not in page.content.decode()
    response = client.post(url, _organizer_form(organizer, small_cell_k=2, name="Renamed", require_staff_mfa="on"))
    assert response.status_code == 403
    organizer.refresh_from_db()
    assert organizer.small_cell_k != 2 and organizer.name != "Renamed" and not organizer.require_staff_mfa


def test_organizer_admins_change_the_settings(organizer, admin_user, client_for):
    url = reverse("admin:organizers_organizer_change", args=[organizer.pk])
    response = client_for(admin_user).post(url, _organizer_form(organizer, small_cell_k=7))
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Organizer.objects.get(pk=organizer.pk).small_cell_k == 7
