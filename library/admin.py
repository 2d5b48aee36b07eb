from django import forms
from django.contrib import admin, messages
from django_scopes import scopes_disabled

from organizers.admin_base import OrganizerScopedAdmin, ScopedTabularInline, TenantModelForm

from . import services
from .models import Collection, CollectionItem, Resource, Topic
from .uploads import UploadRefused, check_upload


# Choice querysets are built at import (no scope); the admin rebuilds them per request.
with scopes_disabled():

    class ResourceAdminForm(TenantModelForm):
        class Meta:
            model = Resource
            fields = "__all__"

        def clean_file(self):
            upload = self.cleaned_data.get("file")
            # Only a newly uploaded file has `content_type`; an unchanged file is already checked.
            if upload and hasattr(upload, "content_type"):
                try:
                    self.checked_upload = check_upload(upload)
                except UploadRefused as refused:
                    raise forms.ValidationError(str(refused))
            return upload

        def _post_clean(self):
            super()._post_clean()
            checked = getattr(self, "checked_upload", None)
            if checked is not None:
                self.instance.original_filename = checked.filename
                self.instance.content_type = checked.content_type
                self.instance.file_size = checked.size


def _by_organizer(modeladmin, request, queryset):
    """Bulk actions go through the services, one organizer at a time."""
    groups: dict = {}
    for resource in queryset.select_related("organizer"):
        groups.setdefault(resource.organizer, []).append(resource.pk)
    return groups.items()


@admin.action(description="Approve selected proposals (publish)")
def approve(modeladmin, request, queryset):
    done = sum(services.approve_resources(organizer=o, resource_ids=ids, reviewer=request.user) for o, ids in _by_organizer(modeladmin, request, queryset))
    messages.success(request, f"{done} proposal(s) approved.")


@admin.action(description="Reject selected proposals")
def reject(modeladmin, request, queryset):
    done = sum(services.reject_resources(organizer=o, resource_ids=ids, reviewer=request.user) for o, ids in _by_organizer(modeladmin, request, queryset))
    messages.success(request, f"{done} proposal(s) rejected.")


def _audience_action(audience: str, label: str):
    def action(modeladmin, request, queryset):
        done = sum(services.set_audience(organizer=o, resource_ids=ids, audience=audience) for o, ids in _by_organizer(modeladmin, request, queryset))
        messages.success(request, f"{done} resource(s) now visible to: {label}.")

    action.__name__ = f"audience_{audience}"
    return admin.action(description=f"Change audience to: {label}")(action)


@admin.register(Resource)
class ResourceAdmin(OrganizerScopedAdmin):
    form = ResourceAdminForm
    list_display = ["title", "kind", "audience", "status", "language", "view_count", "download_count", "updated_at"]
    list_filter = ["status", "audience", "kind", "language", "topics", "organizer"]
    search_fields = ["title", "summary", "author"]
    raw_id_fields = ["contributor"]
    readonly_fields = ["original_filename", "content_type", "file_size", "view_count", "download_count",
                       "reviewed_by", "reviewed_at", "created_at", "updated_at"]
    actions = [
        approve, reject,
        _audience_action(Resource.Audience.PUBLIC, "everyone (public)"),
        _audience_action(Resource.Audience.ENROLLED, "anyone enrolled"),
        _audience_action(Resource.Audience.STAFF, "staff only"),
    ]
    fieldsets = [
        (None, {"fields": ["organizer", "title", "kind", "summary", "body", "author", "language", "topics"]}),
        ("File or link", {"fields": ["file", "url", "original_filename", "content_type", "file_size"]}),
        ("Audience", {"fields": ["audience", "audience_programs", "audience_cohorts", "audience_affinity_group"]}),
        ("Review", {"fields": ["status", "contributor", "review_note", "reviewed_by", "reviewed_at"]}),
        ("Use", {"fields": ["view_count", "download_count", "created_at", "updated_at"]}),
    ]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        services.refresh_search_vectors(resource_ids=[form.instance.pk])

    def delete_model(self, request, obj):
        services.delete_resources(organizer=obj.organizer, resource_ids=[obj.pk])

    def delete_queryset(self, request, queryset):
        for organizer, ids in _by_organizer(self, request, queryset):
            services.delete_resources(organizer=organizer, resource_ids=ids)


@admin.register(Topic)
class TopicAdmin(OrganizerScopedAdmin):
    list_display = ["name", "slug", "organizer"]
    list_filter = ["organizer"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


class CollectionItemInline(ScopedTabularInline):
    model = CollectionItem
    extra = 1
    fields = ["position", "resource", "note"]
    ordering = ["position", "id"]


@admin.register(Collection)
class CollectionAdmin(OrganizerScopedAdmin):
    list_display = ["title", "program", "module", "cohort", "session", "organizer"]
    list_filter = ["program", "organizer"]
    search_fields = ["title"]
    inlines = [CollectionItemInline]

    def save_formset(self, request, form, formset, change):
        # Items belong to their collection's organizer; nobody picks it per row.
        for item in formset.save(commit=False):
            item.organizer_id = form.instance.organizer_id
            item.save()
        for item in formset.deleted_objects:
            item.delete()
        formset.save_m2m()
