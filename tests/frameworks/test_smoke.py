import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from frameworks import services

from .scenario import make_world

pytestmark = pytest.mark.django_db


def test_pages_render(organizer, client_for):
    w = make_world(organizer)
    alice = client_for(w.alice)
    slug = organizer.slug
    assert alice.get(reverse("frameworks:detail", kwargs={"organizer_slug": slug, "framework_slug": "dei-checklist"})).status_code == 200
    assert alice.get(reverse("frameworks:my_assessments", kwargs={"organizer_slug": slug})).status_code == 200
    r = alice.post(reverse("frameworks:start", kwargs={"organizer_slug": slug, "point_id": w.point.id}))
    assert r.status_code == 302, r.content
    with scopes_disabled():
        a = w.point.assessments.get()
        items = list(__import__("frameworks.models", fromlist=["Item"]).Item.objects.filter(area__version=w.version))
    page = alice.get(r["Location"])
    assert page.status_code == 200, page.content
    for item in items:
        assert alice.post(reverse("frameworks:rate", kwargs={"organizer_slug": slug, "assessment_id": a.id, "item_id": item.id}),
                          {f"r{item.id}-value": "2", f"r{item.id}-comment": "ok"}, HTTP_HX_REQUEST="true").status_code == 200
        assert alice.post(reverse("frameworks:consensus", kwargs={"organizer_slug": slug, "assessment_id": a.id, "item_id": item.id}),
                          {f"c{item.id}-value": "2", f"c{item.id}-note": "agreed"}).status_code == 302
    r = alice.post(reverse("frameworks:submit", kwargs={"organizer_slug": slug, "assessment_id": a.id}))
    assert r.status_code == 302
    assert alice.get(r["Location"]).status_code == 200
    staff = client_for(w.staff)
    assert staff.get(reverse("frameworks:cohort_overview", kwargs={"organizer_slug": slug, "cohort_id": w.cohort.id})).status_code == 200
    assert alice.get(reverse("frameworks:organization_history", kwargs={"organizer_slug": slug, "organization_id": w.team.organization_id})).status_code == 200
    r = alice.post(reverse("frameworks:start_workplan", kwargs={"organizer_slug": slug, "team_id": w.team.id}))
    assert r.status_code == 302
    assert alice.get(r["Location"]).status_code == 200
    with scopes_disabled():
        wp = w.team.workplan
    for name in ("export_pdf", "export_csv"):
        assert alice.get(reverse(f"frameworks:{name}", kwargs={"organizer_slug": slug, "workplan_id": wp.id})).status_code == 200
    assert alice.get(reverse("frameworks:workplans", kwargs={"organizer_slug": slug})).status_code == 200


def test_program_page_links_frameworks_with_a_published_version_only(organizer, other_organizer, client_for):
    from django_scopes import scopes_disabled

    from frameworks.models import Framework, FrameworkVersion
    from tests.factories import ProgramFactory

    program = ProgramFactory(organizer=organizer, status="published")
    with scopes_disabled():
        for n, (title, status) in enumerate([("Power framework", "published"), ("Draft framework", "draft"),
                                             ("Archive framework", "published")]):
            framework = Framework.objects.create(organizer=organizer, program=program, slug=f"f{n}", title=title)
            FrameworkVersion.objects.create(organizer=organizer, framework=framework, number=1, status=status)
        FrameworkVersion.objects.create(organizer=organizer, framework=framework, number=2, status="published")
    page = client_for(None).get(f"/{organizer.slug}/programs/{program.slug}/").content.decode()
    assert page.count("Power framework") == 1 and page.count("Archive framework") == 1
    assert page.index("Archive framework") < page.index("Power framework")  # by title
    assert "Draft framework" not in page
