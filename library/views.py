from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST
from django_scopes import scopes_disabled

from core.html import select_options
from core.page_cache import cache_anonymous_page
from organizers.permissions import organizer_view
from organizers.roles import Capability

from . import selectors, services
from .forms import LibraryFilterForm, ProposeResourceForm, ReviewForm
from .models import Resource, Topic
from .uploads import UploadSizeLimitHandler, private_file_response

PAGE_SIZE = selectors.PUBLIC_FIRST_PAGE
_KIND_LABELS = dict(Resource.Kind.choices)
_LANGUAGE_LABELS = dict(Resource._meta.get_field("language").choices)
_AUDIENCE_LABELS = dict(Resource.Audience.choices)


def _staff(request) -> bool:
    return request.access.is_staff


def _counts_visible(request) -> bool:
    return request.access.can(Capability.MANAGE_LIBRARY)


def _visible(request):
    return selectors.visible_resources(organizer=request.organizer, user=request.user, staff=_staff(request))


def _find_visible(request, resource_id: int) -> Resource | None:
    return _visible(request).filter(pk=resource_id).select_related("contributor").first()


def _refuse(request):
    """Anonymous visitors are asked to sign in whether or not the object exists, so the
    answer tells them nothing; signed-in people who may not see it get 404."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    raise Http404


@organizer_view(login=False)
@cache_anonymous_page
def library_index(request, organizer_slug: str):
    organizer = request.organizer
    topics, programs = selectors.filter_choices(organizer=organizer)
    # The form only checks what was typed; an empty query string (most visits) needs none.
    form = LibraryFilterForm(request.GET, topics=topics, programs=programs) if request.GET else None
    values = form.cleaned_or_empty() if form is not None else {}
    filters = selectors.LibraryFilters(**{k: v for k, v in values.items() if v})
    if (filters == selectors.LibraryFilters() and request.GET.get("page", "1") == "1"
            and not request.user.is_authenticated and not _staff(request)):
        # The busiest read (everyone's first look, uncached): two prepared queries.
        total, newest = selectors.public_first_page(organizer=organizer)
        page = Paginator(_KnownFirstPage(total, newest), PAGE_SIZE).get_page(1)
        rows, snippets = list(page.object_list), {}
    else:
        resources = selectors.browse_resources(
            organizer=organizer, user=request.user, filters=filters, staff=_staff(request)
        )
        with selectors.search_transaction(needed=bool(filters.q)):
            paginator = (selectors.CappedPaginator(resources, PAGE_SIZE, query=filters.q) if filters.q
                         else Paginator(resources, PAGE_SIZE))
            page = paginator.get_page(request.GET.get("page"))
            rows = list(page.object_list)
            snippets = selectors.search_snippets(rows, filters.q)
    ids = [r.pk for r in rows]
    bookmarked = selectors.bookmarked_ids(organizer=organizer, user=request.user, resource_ids=ids)
    topics_of = selectors.topic_names(resource_ids=ids, topics=topics)
    # Every row links to r/<id>/ under the library: one reverse for the page, not one per row.
    detail_base = reverse("library:index", kwargs={"organizer_slug": organizer.slug}) + "r/"
    for resource in rows:
        resource.snippet = snippets.get(resource.pk, "")
        resource.is_bookmarked = resource.pk in bookmarked
        resource.topic_names = topics_of.get(resource.pk, [])
        resource.detail_url = f"{detail_base}{resource.pk}/"
        # Labels by dict: get_FOO_display() flattens the field's choices on every call.
        resource.kind_label = _KIND_LABELS.get(resource.kind, resource.kind)
        resource.language_label = _LANGUAGE_LABELS.get(resource.language, resource.language)
        resource.audience_label = _AUDIENCE_LABELS.get(resource.audience, resource.audience)
    query_string = request.GET.copy()
    query_string.pop("page", None)
    return render(request, "library/index.html", {
        "search_label": LibraryFilterForm.base_fields["q"].label,
        "selects": _filter_selects(form, topics=topics, programs=programs),
        "filters": filters,
        "page": page,
        "resources": rows,
        "collections": selectors.index_collections(organizer=organizer, user=request.user, staff=_staff(request)),
        "can_propose": _can_propose(request),
        "has_library": _is_library_person(request),
        "show_counts": _counts_visible(request),
        "query_string": query_string.urlencode(),
    })


class _KnownFirstPage:
    """A result list whose size and first page are already read (for the Paginator)."""

    def __init__(self, total: int, first: list):
        self.total, self.first = total, first

    def count(self) -> int:
        return self.total

    def __len__(self) -> int:
        return self.total

    def __getitem__(self, index):
        return self.first[index]


def _filter_selects(form: LibraryFilterForm | None, *, topics, programs) -> list[dict]:
    """The filter drop-downs with their options, the one typed in the address selected
    (`form` is None when nothing was), from the form's own fields and choices."""
    organizer_choices = LibraryFilterForm.organizer_choices(topics=topics, programs=programs)
    selects = []
    for name, field in LibraryFilterForm.base_fields.items():
        if name == "q":
            continue
        chosen = form[name].value() if form is not None else None
        chosen = "" if chosen is None else str(chosen)
        options = select_options(organizer_choices.get(name, field.choices), chosen=chosen)
        selects.append({"name": name, "id": f"id_{name}", "label": field.label, "options": options})
    return selects


def _is_participant(request) -> bool:
    if not hasattr(request, "_library_participant"):
        request._library_participant = selectors.is_participant(organizer=request.organizer, user=request.user)
    return request._library_participant


def _is_library_person(request) -> bool:
    """Members and participants of the organizer keep a library here; others only browse."""
    return request.user.is_authenticated and (request.access.is_member or _is_participant(request))


def _can_propose(request) -> bool:
    return request.user.is_authenticated and (_staff(request) or _is_participant(request))


@organizer_view(login=False)
def resource_detail(request, organizer_slug: str, resource_id: int):
    resource = _find_visible(request, resource_id)
    if resource is None:
        return _refuse(request)
    if resource.status == Resource.Status.PUBLISHED:
        services.record_view(resource=resource)
    with scopes_disabled():
        topics = list(resource.topics.all())
    return render(request, "library/resource_detail.html", {
        "resource": resource,
        "topics": topics,
        "bookmarked": bool(selectors.bookmarked_ids(organizer=request.organizer, user=request.user, resource_ids=[resource.pk])),
        "can_bookmark": resource.status == Resource.Status.PUBLISHED and _is_library_person(request),
        "show_counts": _counts_visible(request),
    })


@organizer_view(login=False)
def resource_download(request, organizer_slug: str, resource_id: int):
    resource = _find_visible(request, resource_id)
    if resource is None:
        return _refuse(request)
    if not resource.file:
        raise Http404("This resource has no file.")
    response = private_file_response(resource.file, filename=resource.original_filename or "resource",
                                     content_type=resource.content_type)
    services.record_download(resource=resource)
    return response


@require_POST
@organizer_view(login=True)
def resource_bookmark(request, organizer_slug: str, resource_id: int):
    if not _is_library_person(request):
        raise Http404
    resource = _visible(request).filter(pk=resource_id, status=Resource.Status.PUBLISHED).first()
    if resource is None:
        raise Http404
    now = services.toggle_bookmark(organizer=request.organizer, user=request.user, resource=resource)
    messages.success(request, f"“{resource.title}” is {'in' if now else 'no longer in'} your library.")
    return redirect("library:resource_detail", organizer_slug=organizer_slug, resource_id=resource.pk)


@organizer_view(login=False)
def collection_detail(request, organizer_slug: str, collection_id: int):
    collection = selectors.visible_collections(
        organizer=request.organizer, user=request.user, staff=_staff(request)
    ).filter(pk=collection_id).select_related("program", "module", "cohort__program", "session").first()
    if collection is None:
        return _refuse(request)
    return render(request, "library/collection_detail.html", {
        "collection": collection,
        "items": selectors.collection_resources(collection=collection, user=request.user, staff=_staff(request)),
    })


@organizer_view(login=True)
def my_library(request, organizer_slug: str):
    if not _is_library_person(request):
        raise Http404
    organizer = request.organizer
    return render(request, "library/my_library.html", {
        "bookmarks": selectors.my_bookmarks(organizer=organizer, user=request.user, staff=_staff(request)),
        "proposals": selectors.my_proposals(organizer=organizer, user=request.user),
        "can_propose": _can_propose(request),
    })


# csrf_exempt + csrf_protect inside: the size-limit handler must be installed before
# the CSRF check reads the body (Django's documented pattern for upload handlers).
@csrf_exempt
@organizer_view(login=True)
def propose_resource(request, organizer_slug: str):
    if not _can_propose(request):
        raise Http404
    if request.method == "POST":
        request.upload_handlers.insert(0, UploadSizeLimitHandler(request))
    return _propose(request, organizer_slug)


@csrf_protect
def _propose(request, organizer_slug: str):
    organizer = request.organizer
    if request.method == "POST":
        form = ProposeResourceForm(
            request.POST, request.FILES, organizer=organizer,
            refused_upload=getattr(request, "library_upload_refused", None),
        )
        if form.is_valid():
            data = form.cleaned_data
            services.propose_resource(
                organizer=organizer, proposer=request.user,
                upload=data["upload"] if form.checked_upload else None, checked=form.checked_upload,
                topics=data["topics"], **{f: data[f] for f in services.RESOURCE_FIELDS},
            )
            messages.success(request, "Thank you. Staff will review your proposal; you can follow it here.")
            return redirect("library:my_library", organizer_slug=organizer_slug)
    else:
        form = ProposeResourceForm(organizer=organizer)
    return render(request, "library/propose.html", {"form": form}, status=400 if form.errors else 200)


@organizer_view(capability=Capability.MANAGE_LIBRARY)
def review_queue(request, organizer_slug: str):
    return render(request, "library/review_queue.html", {
        "proposals": selectors.review_queue(organizer=request.organizer),
        "form": ReviewForm(),
    })


@require_POST
@organizer_view(capability=Capability.MANAGE_LIBRARY)
def review_decide(request, organizer_slug: str, resource_id: int):
    resource = get_object_or_404(selectors.review_queue(organizer=request.organizer), pk=resource_id)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose approve or reject.")
        return redirect("library:review_queue", organizer_slug=organizer_slug)
    decide = services.approve_resources if form.cleaned_data["decision"] == "approve" else services.reject_resources
    decide(organizer=request.organizer, resource_ids=[resource.pk], reviewer=request.user, note=form.cleaned_data["note"])
    verb = "approved and published" if decide is services.approve_resources else "rejected"
    messages.success(request, f"“{resource.title}” {verb}.")
    return redirect("library:review_queue", organizer_slug=organizer_slug)
