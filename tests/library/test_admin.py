"""The library's admin: collections with ordered items, scoped to the organizer; deleting
a resource removes its stored file."""

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from django_scopes import scopes_disabled

from library.models import Collection, CollectionItem, Resource
from tests.factories import ProgramFactory
from tests.library.factories import CollectionFactory, ResourceFactory


def inline(prefix: str, rows: list[dict]) -> dict:
    data = {f"{prefix}-TOTAL_FORMS": len(rows), f"{prefix}-INITIAL_FORMS": 0,
            f"{prefix}-MIN_NUM_FORMS": 0, f"{prefix}-MAX_NUM_FORMS": 1000}
    for n, row in enumerate(rows):
        data.update({f"{prefix}-{n}-{key}": value for key, value in row.items()})
    return data


def test_staff_build_an_ordered_collection_for_a_program(organizer, staff_user, client_for):
    program = ProgramFactory(organizer=organizer)
    first, second = ResourceFactory(organizer=organizer, title="Glossary"), ResourceFactory(organizer=organizer, title="Handout")
    response = client_for(staff_user).post(reverse("admin:library_collection_add"), {
        "organizer": organizer.pk, "title": "Before session 1", "description": "", "program": program.pk,
        **inline("items", [{"position": 2, "resource": first.pk}, {"position": 1, "resource": second.pk}]),
    })
    assert response.status_code == 302, response.content.decode()[:3000]
    with scopes_disabled():
        collection = Collection.objects.get(title="Before session 1")
        assert [i.resource.title for i in collection.items.order_by("position")] == ["Handout", "Glossary"]
        assert set(CollectionItem.objects.values_list("organizer_id", flat=True)) == {organizer.pk}
    page = client_for(None).get(reverse("library:collection_detail", kwargs={"organizer_slug": organizer.slug, "collection_id": collection.pk}))
    html = page.content.decode()
    assert html.index("Handout") < html.index("Glossary") and program.title in html


def test_a_collection_cannot_take_another_organizers_resource(organizer, other_organizer, staff_user, client_for):
    theirs = ResourceFactory(organizer=other_organizer, title="Their handout")
    response = client_for(staff_user).post(reverse("admin:library_collection_add"), {
        "organizer": organizer.pk, "title": "Mixed", "description": "",
        **inline("items", [{"position": 1, "resource": theirs.pk}]),
    })
    assert response.status_code == 200
    with scopes_disabled():
        assert not Collection.objects.filter(title="Mixed").exists()


def test_other_organizers_staff_cannot_open_a_collection_in_the_admin(organizer, other_organizer, client_for):
    from organizers.roles import Role
    from tests.factories import member

    collection = CollectionFactory(organizer=organizer)
    outsider = member(other_organizer, Role.STAFF)
    response = client_for(outsider).get(reverse("admin:library_collection_change", args=[collection.pk]))
    assert response.status_code in (302, 404)
    assert collection.title not in client_for(outsider).get(reverse("admin:library_collection_changelist")).content.decode()


def test_deleting_a_resource_removes_its_file(organizer, staff_user, client_for, django_capture_on_commit_callbacks):
    resource = ResourceFactory(organizer=organizer)
    with scopes_disabled():
        resource.file.save("notes.txt", ContentFile(b"notes"), save=True)
    name = resource.file.name
    assert default_storage.exists(name)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(staff_user).post(reverse("admin:library_resource_delete", args=[resource.pk]), {"post": "yes"})
    assert response.status_code == 302
    with scopes_disabled():
        assert not Resource.objects.filter(pk=resource.pk).exists()
    assert not default_storage.exists(name)
