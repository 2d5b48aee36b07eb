"""A published version is frozen: editing it makes a new version; old assessments keep theirs."""

import pytest
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from frameworks import services
from frameworks.models import Area, FrameworkVersion, Item
from organizers.roles import Role
from tests.factories import member

from .scenario import make_world

pytestmark = pytest.mark.django_db


def _answer_everything(w, value=2):
    with scope(organizer=w.organizer.id):
        assessment = services.start_assessment(point=w.point, user=w.alice)
        for item in Item.objects.filter(area__version=w.version):
            services.save_rating(assessment=assessment, item_id=item.id, person=w.alice, value=value,
                                 comment=f"Alice on {item.statement}")
            services.save_consensus(assessment=assessment, item_id=item.id, by=w.alice, value=value, note="agreed")
        return services.submit_assessment(assessment=assessment, by=w.alice)


def test_editing_a_published_item_makes_a_new_version_and_old_answers_keep_theirs(organizer, client_for):
    w = make_world(organizer)
    assessment = _answer_everything(w)
    with scope(organizer=organizer.id):
        old_item = Item.objects.get(area__version=w.version, statement="We have a DEI strategy.")
        edited = services.edit_item(item=old_item, statement="We have a written, funded DEI strategy.")
        old_item.refresh_from_db()
        draft = edited.area.version
        assert draft.number == 2 and draft.status == FrameworkVersion.Status.DRAFT
        assert old_item.statement == "We have a DEI strategy."  # v1 untouched
        assert Item.objects.filter(area__version=draft).count() == Item.objects.filter(area__version=w.version).count()
        # A second edit lands on the same draft, not on a third version.
        again = services.edit_item(item=old_item, statement="We have a written, funded DEI strategy!")
        assert again.area.version_id == draft.id
        services.publish_version(version=draft)

    slug = organizer.slug
    public = client_for(None).get(reverse("frameworks:detail", kwargs={"organizer_slug": slug,
                                                                      "framework_slug": "dei-checklist"}))
    assert b"written, funded DEI strategy!" in public.content and b"Version 2" in public.content
    v1 = client_for(None).get(reverse("frameworks:version", kwargs={"organizer_slug": slug,
                                                                    "framework_slug": "dei-checklist", "number": 1}))
    assert b"We have a DEI strategy." in v1.content and b"earlier version" in v1.content

    alice = client_for(w.alice)
    page = alice.get(reverse("frameworks:assessment", kwargs={"organizer_slug": slug, "assessment_id": assessment.id}))
    html = page.content.decode()
    assert "We have a DEI strategy." in html and "funded" not in html
    assert "version 1 of the framework" in html and "agreed" in html
    results = alice.get(reverse("frameworks:results", kwargs={"organizer_slug": slug, "assessment_id": assessment.id}))
    assert "We have a DEI strategy." in results.content.decode()


def test_a_draft_cannot_be_edited_into_a_published_version_twice(organizer):
    w = make_world(organizer)
    with scope(organizer=organizer.id), pytest.raises(services.FrameworkError, match="already published"):
        services.publish_version(version=w.version)


def test_admin_freezes_published_versions_and_copies_on_edit(organizer, client_for):
    w = make_world(organizer)
    staff = client_for(member(organizer, Role.STAFF))
    with scopes_disabled():
        area = Area.objects.filter(version=w.version).first()
    response = staff.post(f"/admin/frameworks/area/{area.id}/change/", {"title": "Changed", "order": 1,
                                                                         "items-TOTAL_FORMS": 0,
                                                                         "items-INITIAL_FORMS": 0})
    assert response.status_code == 403
    with scopes_disabled():
        area.refresh_from_db()
    assert area.title == "Strategy"
    response = staff.post("/admin/frameworks/frameworkversion/", {"action": "edit_as_new_version",
                                                                  "_selected_action": [w.version.id]})
    with scopes_disabled():
        draft = w.version.framework.versions.get(number=2)
        draft_area = draft.areas.first()
    assert response.status_code == 302 and response["Location"].endswith(f"/{draft.id}/change/")
    assert staff.get(f"/admin/frameworks/area/{draft_area.id}/change/").status_code == 200


def test_admin_adds_areas_only_to_drafts_and_points_only_to_published_versions(organizer, client_for):
    w = make_world(organizer)
    staff = client_for(member(organizer, Role.STAFF))
    response = staff.post("/admin/frameworks/area/add/", {"version": w.version.id, "order": 9, "title": "Sneaked in",
                                                          "items-TOTAL_FORMS": 0, "items-INITIAL_FORMS": 0})
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    with scopes_disabled():
        assert not Area.objects.filter(title="Sneaked in").exists()
        draft, _ = services.new_draft_version(framework=w.version.framework)
    response = staff.post("/admin/frameworks/assessmentpoint/add/", {
        "cohort": w.cohort.id, "version": draft.id, "kind": "end", "months_after": 0, "taker": "team",
        "opens_on": "2030-01-01"})
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
