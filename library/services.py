"""Writes in the library: adding and proposing resources, reviews, bookmarks, counts.

Files are stored before the row that names them is committed; if the row is not
saved, the file is deleted again, so a refused or failed upload leaves nothing.
"""

from collections.abc import Iterable

from django.contrib.postgres.search import SearchVector
from django.db import connection, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from core.urls import absolute_url
from notifications.alerts import alert_staff
from notifications.services import notify

from .models import Bookmark, Collection, CollectionItem, Resource, Topic
from .selectors import SEARCH_CONFIG
from .uploads import CheckedUpload

RESOURCE_FIELDS = ("title", "summary", "body", "kind", "url", "language", "author")


def weighted_search_vector():
    """Title over summary over body; one definition for the service and the bench."""
    return (
        SearchVector("title", weight="A", config=SEARCH_CONFIG)
        + SearchVector("summary", weight="B", config=SEARCH_CONFIG)
        + SearchVector("body", weight="C", config=SEARCH_CONFIG)
    )


def refresh_search_vectors(*, resource_ids: Iterable[int]) -> None:
    """Recompute the stored search vector in one UPDATE (PostgreSQL only; SQLite searches by substring)."""
    if connection.vendor != "postgresql":
        return
    with scopes_disabled():
        Resource.objects.filter(pk__in=list(resource_ids)).update(search_vector=weighted_search_vector())


def _store_file(resource: Resource, *, upload, checked: CheckedUpload) -> None:
    resource.original_filename = checked.filename
    resource.content_type = checked.content_type
    resource.file_size = checked.size
    # The storage name comes from library_upload_to (a random uuid); only the extension
    # of the detected type is kept from the person's file.
    resource.file.save(checked.filename, upload, save=False)


def create_resource(
    *,
    organizer,
    contributor=None,
    upload=None,
    checked: CheckedUpload | None = None,
    topics: Iterable[Topic] = (),
    status: str = Resource.Status.PUBLISHED,
    audience: str = Resource.Audience.ENROLLED,
    **fields,
) -> Resource:
    unknown = set(fields) - set(RESOURCE_FIELDS) - {"audience_affinity_group"}
    if unknown:
        raise TypeError(f"Unknown resource fields: {sorted(unknown)}")
    resource = Resource(organizer=organizer, contributor=contributor, status=status, audience=audience, **fields)
    if upload is not None:
        _store_file(resource, upload=upload, checked=checked)
    try:
        with transaction.atomic():
            resource.save()
            resource.topics.set([t for t in topics if t.organizer_id == organizer.id])
    except Exception:
        if resource.file:
            resource.file.storage.delete(resource.file.name)
        raise
    refresh_search_vectors(resource_ids=[resource.pk])
    return resource


def propose_resource(*, organizer, proposer, upload=None, checked=None, topics=(), **fields) -> Resource:
    """A participant's proposal: invisible to others until staff approve it."""
    with transaction.atomic():
        resource = create_resource(
            organizer=organizer, contributor=proposer, upload=upload, checked=checked, topics=topics,
            status=Resource.Status.PROPOSED, audience=Resource.Audience.ENROLLED, **fields,
        )
        alert_staff(organizer=organizer, kind="proposal", key=f"resource={resource.pk}",
                    summary=f"{proposer.display_name}: {resource.title}",
                    url=absolute_url(reverse("library:review_queue", kwargs={"organizer_slug": organizer.slug})))
    return resource


def _decide(*, organizer, resource_ids, reviewer, status: str, note: str = "") -> int:
    with transaction.atomic(), scopes_disabled():
        resources = list(
            Resource.objects.select_for_update(of=("self",))
            .filter(organizer_id=organizer.id, pk__in=list(resource_ids), status=Resource.Status.PROPOSED)
            .select_related("contributor", "organizer")
        )
        now = timezone.now()
        for resource in resources:
            resource.status, resource.reviewed_by, resource.reviewed_at = status, reviewer, now
            resource.review_note = note
            resource.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_note", "updated_at"])
            _tell_proposer(resource)
    return len(resources)


def approve_resources(*, organizer, resource_ids: Iterable[int], reviewer, note: str = "") -> int:
    """Publish proposals; returns how many were still awaiting review."""
    return _decide(organizer=organizer, resource_ids=resource_ids, reviewer=reviewer, status=Resource.Status.PUBLISHED, note=note)


def reject_resources(*, organizer, resource_ids: Iterable[int], reviewer, note: str = "") -> int:
    return _decide(organizer=organizer, resource_ids=resource_ids, reviewer=reviewer, status=Resource.Status.REJECTED, note=note)


def _tell_proposer(resource: Resource) -> None:
    person = resource.contributor
    if person is None:
        return
    approved = resource.status == Resource.Status.PUBLISHED
    slug = resource.organizer.slug
    path = (
        reverse("library:resource_detail", kwargs={"organizer_slug": slug, "resource_id": resource.pk})
        if approved else reverse("library:my_library", kwargs={"organizer_slug": slug})
    )
    notify(
        organizer=resource.organizer,
        template="library/proposal_decided",
        dedupe_key=f"library:proposal={resource.pk}:{resource.status}",
        recipient=person,
        context={"name": person.display_name, "title": resource.title, "approved": approved,
                 "note": resource.review_note, "url": absolute_url(path)},
        essential=False,
    )


def delete_resources(*, organizer, resource_ids: Iterable[int]) -> int:
    """Delete resources and, once that is committed, their stored files (Django leaves files behind)."""
    with transaction.atomic(), scopes_disabled():
        resources = Resource.objects.filter(organizer_id=organizer.id, pk__in=list(resource_ids))
        files = [(r.file.storage, r.file.name) for r in resources if r.file]
        deleted = resources.count()
        resources.delete()
        for storage, name in files:
            transaction.on_commit(lambda storage=storage, name=name: storage.delete(name))
    return deleted


def set_audience(*, organizer, resource_ids: Iterable[int], audience: str) -> int:
    """Bulk change to an audience that needs no further choice (public, enrolled, staff)."""
    if audience not in (Resource.Audience.PUBLIC, Resource.Audience.ENROLLED, Resource.Audience.STAFF):
        raise ValueError("Choose programs, cohorts or an affinity group on the resource itself.")
    with scopes_disabled():
        return Resource.objects.filter(organizer_id=organizer.id, pk__in=list(resource_ids)).update(
            audience=audience, updated_at=timezone.now()
        )


def record_view(*, resource: Resource) -> None:
    # F(): concurrent views add up instead of overwriting each other.
    with scopes_disabled():
        Resource.objects.filter(pk=resource.pk).update(view_count=F("view_count") + 1)


def record_download(*, resource: Resource) -> None:
    with scopes_disabled():
        Resource.objects.filter(pk=resource.pk).update(download_count=F("download_count") + 1)


def toggle_bookmark(*, organizer, user, resource: Resource) -> bool:
    """Bookmark or un-bookmark; returns whether it is bookmarked now."""
    with transaction.atomic(), scopes_disabled():
        deleted, _ = Bookmark.objects.filter(organizer_id=organizer.id, user=user, resource=resource).delete()
        if deleted:
            return False
        Bookmark.objects.get_or_create(organizer=organizer, user=user, resource=resource)
        return True


def save_collection_items(*, collection: Collection, resources: list[Resource]) -> None:
    """Replace a collection's items with these resources, in this order (demo and tests)."""
    with transaction.atomic(), scopes_disabled():
        CollectionItem.objects.filter(collection=collection).exclude(resource__in=resources).delete()
        for position, resource in enumerate(resources, start=1):
            CollectionItem.objects.update_or_create(
                collection=collection, resource=resource,
                defaults={"organizer_id": collection.organizer_id, "position": position},
            )
