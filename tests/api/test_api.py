"""The read API: anonymous vs the organizer's token vs another organizer's token on every endpoint,
pagination, rate limits, the OpenAPI schema, and the token page."""

import pytest
from django.test import Client
from django.urls import reverse
from django_scopes import scopes_disabled
from openapi_spec_validator import validate

from api import services, views
from api.models import ApiToken
from applications.models import Application
from library.models import Resource
from organizers.roles import Role
from tests.applications.factories import ApplicationFactory, CallFactory, CategoryFactory, demographics
from tests.factories import CohortFactory, EnrollmentFactory, ProgramFactory, UserFactory, member
from tests.library.factories import ResourceFactory
from tests.reports.scenario import P, held_session, mark

pytestmark = pytest.mark.django_db


def build(organizer, tag: str):
    """One of everything, named after `tag` so rows can be told apart."""
    program = ProgramFactory(organizer=organizer, title=f"{tag} program")
    ProgramFactory(organizer=organizer, title=f"{tag} draft program", status="draft")
    cohort = CohortFactory(program=program, title=f"{tag} cohort")
    enrollment = EnrollmentFactory(cohort=cohort, person=UserFactory(full_name=f"{tag} person"))
    session = held_session(cohort, days_ago=1, title=f"{tag} session", video_url="https://video.example/secret")
    mark(session, enrollment.person, P)
    call = CallFactory(cohort__program=program)
    CategoryFactory(call=call)
    application = ApplicationFactory(call=call, applicant=UserFactory(full_name=f"{tag} applicant"))
    demographics(application, race=["Indigenous"])
    ApplicationFactory(call=call, status=Application.Status.DRAFT, applicant=UserFactory(full_name=f"{tag} drafter"))
    ResourceFactory(organizer=organizer, title=f"{tag} public resource")
    ResourceFactory(organizer=organizer, title=f"{tag} staff resource", audience=Resource.Audience.STAFF)
    with scopes_disabled():
        _, raw = services.create_token(organizer=organizer, name=f"{tag} CRM", by=member(organizer, Role.ADMIN))
    return {"program": program, "cohort": cohort, "token": raw}


def url(organizer, name, **kwargs):
    return reverse(f"api:{name}", kwargs={"organizer_slug": organizer.slug, **kwargs})


def get(path, token=None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    return Client().get(path, **headers)


PRIVATE = ["list_enrollments", "list_attendance", "list_applications"]


@pytest.fixture
def two(organizer, other_organizer):
    return build(organizer, "Ours"), build(other_organizer, "Theirs")


def test_private_endpoints_need_this_organizers_token(organizer, two):
    ours, theirs = two
    expected = {
        "list_enrollments": ["Ours person"],
        "list_attendance": ["Ours person"],
        "list_applications": ["Ours applicant"],  # not the draft
    }
    for name in PRIVATE:
        path = url(organizer, name)
        assert get(path).status_code == 401
        assert get(path, token="prx_not-a-token").status_code == 401
        assert get(path, token=theirs["token"]).status_code == 401
        response = get(path, token=ours["token"])
        assert response.status_code == 200
        body = response.json()
        names = [item["person_name"] for item in body["items"]]
        assert names == expected[name] and body["count"] == 1
        assert "Theirs" not in response.content.decode()


def test_no_demographics_in_applications(organizer, two):
    ours, _ = two
    text = get(url(organizer, "list_applications"), token=ours["token"]).content.decode()
    assert "Indigenous" not in text and "race" not in text


def test_revoked_token_stops_working(organizer, two):
    ours, _ = two
    with scopes_disabled():
        services.revoke_token(token=ApiToken.objects.get(name="Ours CRM"))
    assert get(url(organizer, "list_enrollments"), token=ours["token"]).status_code == 401


def test_public_endpoints_show_only_this_organizers_public_rows(organizer, other_organizer, two):
    ours, theirs = two
    programs = get(url(organizer, "list_programs")).json()
    assert [p["title"] for p in programs["items"]] == ["Ours program"]
    cohorts = get(url(organizer, "list_cohorts")).json()["items"]
    assert {c["title"] for c in cohorts} >= {"Ours cohort"} and all("Theirs" not in c["title"] for c in cohorts)
    assert cohorts[0]["seats_taken"] >= 0
    sessions = get(url(organizer, "list_sessions", cohort_id=ours["cohort"].id))
    assert [s["title"] for s in sessions.json()["items"]] == ["Ours session"]
    assert "video.example" not in sessions.content.decode()
    library = get(url(organizer, "list_library")).json()["items"]
    assert [r["title"] for r in library] == ["Ours public resource"]
    assert get(url(organizer, "get_program", program_id=ours["program"].id)).json()["title"] == "Ours program"
    # Their objects under our address: 404, with or without their token.
    for path in (url(organizer, "get_program", program_id=theirs["program"].id),
                 url(organizer, "list_sessions", cohort_id=theirs["cohort"].id)):
        assert get(path).status_code == 404
        assert get(path, token=theirs["token"]).status_code == 404
    assert get("/api/v1/no-such-organizer/programs").status_code == 404


def test_pagination(organizer):
    program = ProgramFactory(organizer=organizer)
    for _ in range(55):
        CohortFactory(program=program)
    first = get(url(organizer, "list_cohorts")).json()
    assert first["count"] == 55 and len(first["items"]) == 50
    second = get(url(organizer, "list_cohorts") + "?page=2").json()
    assert len(second["items"]) == 5
    assert {c["id"] for c in first["items"]}.isdisjoint(c["id"] for c in second["items"])
    assert len(get(url(organizer, "list_cohorts") + "?page_size=10").json()["items"]) == 10


def test_rate_limited_per_token_and_per_address(organizer, two, monkeypatch):
    ours, _ = two
    monkeypatch.setattr(views.TOKEN_THROTTLE, "num_requests", 3)
    monkeypatch.setattr(views.ANON_THROTTLE, "num_requests", 2)
    from django.core.cache import cache

    cache.clear()
    statuses = [get(url(organizer, "list_enrollments"), token=ours["token"]).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    statuses = [get(url(organizer, "list_programs")).status_code for _ in range(3)]
    assert statuses[-1] == 429
    cache.clear()


def test_openapi_schema_validates_and_docs_page_needs_no_cdn(client):
    schema = client.get("/api/v1/openapi.json").json()
    validate(schema)
    paths = schema["paths"]
    assert "/api/v1/{organizer_slug}/enrollments" in paths
    assert paths["/api/v1/{organizer_slug}/enrollments"]["get"]["security"] == [{"OrganizerToken": []}]
    assert "security" not in paths["/api/v1/{organizer_slug}/programs"]["get"]
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "cdn" not in html.lower() and "/static/ninja/swagger-ui-bundle.js" in html


def test_admins_create_a_token_shown_once_and_revoke_it(organizer, client_for):
    admin = member(organizer, Role.ADMIN)
    page = reverse("api_tokens:tokens", kwargs={"organizer_slug": organizer.slug})
    assert client_for(member(organizer, Role.STAFF)).get(page).status_code == 404
    client = client_for(admin)
    assert client.post(page, {"name": ""}).status_code == 400
    response = client.post(page, {"name": "CRM sync"})
    raw = response.context["created"]["raw"]
    assert raw.startswith("prx_") and raw in response.content.decode()
    with scopes_disabled():
        token = ApiToken.objects.get(name="CRM sync")
    assert raw not in token.token_hash and token.token_hash == services.token_hash(raw)
    assert raw not in client.get(page).content.decode()  # shown once
    assert get(url(organizer, "list_enrollments"), token=raw).status_code == 200
    client.post(reverse("api_tokens:revoke", kwargs={"organizer_slug": organizer.slug, "token_id": token.id}))
    assert get(url(organizer, "list_enrollments"), token=raw).status_code == 401
