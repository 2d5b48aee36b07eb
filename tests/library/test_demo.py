"""The demo library loads from the seeds, across audiences, and is safe to re-run."""

from django.core.management import call_command
from django_scopes import scopes_disabled

from library.models import Collection, CollectionItem, Resource
from organizers.models import Organizer


def snapshot():
    with scopes_disabled():
        return (Resource.objects.count(), Collection.objects.count(), CollectionItem.objects.count(),
                sorted(Resource.objects.values_list("title", flat=True)))


def test_demo_library_is_idempotent_and_drawn_from_the_seeds(db):
    call_command("load_demo", verbosity=0)
    first = snapshot()
    call_command("load_demo", verbosity=0)
    assert snapshot() == first
    with scopes_disabled():
        cjc = Organizer.objects.get(slug="chicago-jobs-council")
        framework = Resource.objects.get(organizer=cjc, title="Anti-Racist Workforce Development System Framework")
        for area in ("Anti-Racist Workforce Development System", "Anti-Racist Program Design",
                     "Anti-Racist Client Engagement & Service Delivery", "Anti-Racist Policy Design & Development",
                     "Anti-Racist Partnerships"):
            assert f"### {area}" in framework.body
        assert "Restorative" in framework.body and framework.audience == Resource.Audience.PUBLIC
        assert Resource.objects.filter(organizer__slug="partos", title="DEI Organisational Checklist").exists()
        illinois = set(Resource.objects.filter(organizer__slug="illinois-partners").values_list("title", flat=True))
        for session in ("Racial Healing & Relationship Building", "Introduction to Systemic Racism",
                        "Race and Power in the Human Service Sector",
                        "Systems Change Strategies & Frameworks to Confront Systemic Racism"):
            assert any(session in title for title in illinois)
        assert any("Communication materials" in title for title in illinois)
        audiences = set(Resource.objects.values_list("audience", flat=True))
        assert {"public", "enrolled", "programs", "staff"} <= audiences
        assert Resource.objects.filter(status=Resource.Status.PROPOSED).exists()
        handout = Resource.objects.get(organizer__slug="illinois-partners", title__startswith="Session 1 handout")
        assert handout.file and handout.file.read().startswith(b"## Session 1")


def test_demo_collections_link_to_the_catalogs_programs_and_modules(db):
    """With the catalog's programs present (found by slug, modules by title), collections are "for" them."""
    from organizers import demo as organizers_demo
    from library import demo as library_demo
    from tests.factories import ModuleFactory, ProgramFactory

    ctx = organizers_demo.DemoContext()
    with scopes_disabled():
        organizers_demo.load(ctx)
        program = ProgramFactory(organizer=ctx.organizers["illinois"], slug="advancing-racial-equity")
        module = ModuleFactory(program=program, title="Introduction to Systemic Racism")
        library_demo.load(ctx)
        session_two = Collection.objects.get(title="Session 2 materials: Introduction to Systemic Racism")
        assert (session_two.program, session_two.module) == (program, module)
        series = Collection.objects.get(title="Advancing Racial Equity: the full series")
        assert series.program == program and series.items.count() == 7
        # Programs the catalog did not make are skipped, not invented.
        assert Collection.objects.get(title="The framework, area by area").program is None


def test_demo_templates_and_toolkits_have_something_to_download(db):
    call_command("load_demo", verbosity=0)
    with scopes_disabled():
        empty = [r.title for r in Resource.objects.filter(kind__in=["template", "toolkit"]) if not r.file and not r.url]
    assert empty == []
