"""Probe finding 4: inputs that used to answer 500 now get a message, a 400 or a 404
(SQLite and PostgreSQL: the suite runs on both)."""

import pytest
from django.contrib import admin
from django.urls import reverse
from django_scopes import scopes_disabled

from library.models import Resource
from tests.factories import EnrollmentFactory
from tests.library.factories import ResourceFactory, TopicFactory

pytestmark = pytest.mark.django_db

HUGE = "9" * 23
FORTY_DIGITS = "1" * 40


def test_a_huge_topic_id_in_a_proposal_is_a_message(organizer, client_for):
    participant = EnrollmentFactory(cohort__program__organizer=organizer).person
    TopicFactory(organizer=organizer, name="Equity")
    url = reverse("library:propose", kwargs={"organizer_slug": organizer.slug})
    response = client_for(participant).post(url, {
        "title": "Glossary", "kind": "link", "language": "en", "url": "https://example.org/g", "summary": "",
        "body": "", "author": "", "topics": [HUGE],
    })
    assert response.status_code in (200, 400)
    assert "Select a valid choice" in response.content.decode()
    with scopes_disabled():
        assert not Resource.objects.filter(title="Glossary").exists()


def changelists():
    for model, model_admin in admin.site._registry.items():
        yield model, model_admin, reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


@pytest.mark.parametrize("who", ["staff", "superuser"])
def test_admin_lists_survive_huge_years_and_huge_searches(who, organizer, staff_user, client_for, django_user_model):
    user = staff_user if who == "staff" else django_user_model.objects.create_superuser("root@example.org", "pw-tests")
    client = client_for(user)
    long_search = "x" * 50_000
    many_words = " ".join(["ab"] * 25_000)
    for model, model_admin, url in changelists():
        queries = [{"q": long_search}, {"q": many_words}]
        if model_admin.date_hierarchy:
            queries.append({f"{model_admin.date_hierarchy}__year": FORTY_DIGITS})
            queries.append({f"{model_admin.date_hierarchy}__year": FORTY_DIGITS,
                            f"{model_admin.date_hierarchy}__month": FORTY_DIGITS})
        for field in model._meta.get_fields():
            if getattr(field, "get_internal_type", lambda: "")() in ("DateField", "DateTimeField"):
                queries.append({f"{field.name}__year": FORTY_DIGITS})
        for query in queries:
            response = client.get(url, query)
            assert response.status_code < 500, (url, list(query))
            if response.status_code == 302:
                assert client.get(response["Location"]).status_code < 500


def test_admin_many_to_many_with_a_huge_id_is_a_message(organizer, staff_user, client_for):
    resource = ResourceFactory(organizer=organizer, title="Handout")
    response = client_for(staff_user).post(reverse("admin:library_resource_change", args=[resource.pk]), {
        "organizer": organizer.pk, "title": "Changed", "kind": "checklist", "language": "en", "summary": "",
        "body": "", "author": "", "audience": "public", "status": "published", "topics": [HUGE],
        "audience_programs": [HUGE], "audience_cohorts": [HUGE],
    })
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    with scopes_disabled():
        assert Resource.objects.get(pk=resource.pk).title == "Handout"
