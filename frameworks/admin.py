"""Staff author frameworks here. A published version is frozen: its areas and items are
read-only, and "Edit as a new version" copies it into a draft (services.new_draft_version)."""

from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.urls import reverse

from organizers.admin_base import OrganizerScopedAdmin, ScopedStackedInline, ScopedTabularInline

from . import services
from .models import (
    Action,
    Area,
    Assessment,
    AssessmentPoint,
    Framework,
    FrameworkVersion,
    Goal,
    Item,
    PartnerPerson,
    SupportLog,
    SupportRequest,
    Workplan,
)


class _FrozenMixin:
    """Rows of a published version cannot change (the version is what assessments answered)."""

    def _frozen(self, obj) -> bool:
        return False

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not (obj is not None and self._frozen(obj))

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not (obj is not None and self._frozen(obj))


class VersionInline(ScopedTabularInline):
    model = FrameworkVersion
    extra = 0
    fields = ["number", "status", "label", "published_at"]
    readonly_fields = fields
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Framework)
class FrameworkAdmin(OrganizerScopedAdmin):
    list_display = ["title", "organizer", "program", "is_public"]
    list_filter = ["organizer"]
    search_fields = ["title", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [VersionInline]
    actions = ["start_new_version"]

    @admin.action(description="Edit as a new version (copy the latest into a draft)")
    def start_new_version(self, request, queryset):
        for framework in queryset:
            draft, _ = services.new_draft_version(framework=framework, by=request.user)
            self.message_user(request, f"{draft} is the draft to edit.", messages.SUCCESS)


class AreaInline(_FrozenMixin, ScopedStackedInline):
    model = Area
    extra = 0
    fields = ["order", "title", "description"]
    show_change_link = True

    def _frozen(self, obj) -> bool:
        return obj.is_frozen  # obj is the version here

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and not (obj is not None and obj.is_frozen)


@admin.register(FrameworkVersion)
class FrameworkVersionAdmin(_FrozenMixin, OrganizerScopedAdmin):
    list_display = ["framework", "number", "status", "label", "published_at"]
    list_filter = ["status", "organizer"]
    fields = ["organizer", "framework", "number", "scale", "label", "change_note"]
    inlines = [AreaInline]
    actions = ["publish", "edit_as_new_version"]

    def _frozen(self, obj) -> bool:
        return obj.is_frozen

    def get_readonly_fields(self, request, obj=None):
        return ["framework", "number"] if obj is not None else []

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        if obj is not None and obj.is_frozen:
            self.message_user(request, "This version is published and frozen. To change it, use the action "
                              "“Edit as a new version” on the versions list: assessments keep pointing to this one.",
                              messages.INFO)
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.action(description="Publish (freezes the version)")
    def publish(self, request, queryset):
        for version in queryset:
            try:
                services.publish_version(version=version, by=request.user)
                self.message_user(request, f"{version} is published.", messages.SUCCESS)
            except services.FrameworkError as error:
                self.message_user(request, f"{version}: {error.message}", messages.ERROR)

    @admin.action(description="Edit as a new version (copy into a draft)")
    def edit_as_new_version(self, request, queryset):
        version = queryset.first()
        if version is None:
            return None
        draft, _ = services.new_draft_version(framework=version.framework, by=request.user)
        self.message_user(request, f"{draft} is the draft to edit.", messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:frameworks_frameworkversion_change", args=[draft.id]))


class ItemInline(_FrozenMixin, ScopedStackedInline):
    model = Item
    extra = 1
    fields = ["order", "statement", "guidance"]

    def _frozen(self, obj) -> bool:
        return obj.version.is_frozen  # obj is the area

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and not (obj is not None and obj.version.is_frozen)


@admin.register(Area)
class AreaAdmin(_FrozenMixin, OrganizerScopedAdmin):
    list_display = ["title", "version", "order"]
    list_filter = ["organizer"]
    fields = ["organizer", "version", "order", "title", "description"]
    inlines = [ItemInline]

    def _frozen(self, obj) -> bool:
        return obj.version.is_frozen

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "version":  # areas are added to drafts only
            kwargs["queryset"] = FrameworkVersion.objects.filter(status=FrameworkVersion.Status.DRAFT)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(AssessmentPoint)
class AssessmentPointAdmin(OrganizerScopedAdmin):
    list_display = ["cohort", "kind", "months_after", "taker", "opens_on", "version"]
    list_filter = ["kind", "organizer"]
    fields = ["organizer", "cohort", "version", "kind", "months_after", "taker", "opens_on"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "version":  # assessments answer a frozen version
            kwargs["queryset"] = FrameworkVersion.objects.filter(status=FrameworkVersion.Status.PUBLISHED)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Assessment)
class AssessmentAdmin(OrganizerScopedAdmin):
    """Answers are the team's: staff read them here (and on the results pages), never edit them."""

    list_display = ["__str__", "cohort", "status", "submitted_at"]
    list_filter = ["status", "organizer"]
    readonly_fields = ["organizer", "point", "version", "cohort", "organization", "team", "person", "status",
                       "submitted_at", "submitted_by"]
    fields = readonly_fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class GoalInline(ScopedTabularInline):
    model = Goal
    extra = 0
    fields = ["order", "title", "area"]
    show_change_link = True


@admin.register(Workplan)
class WorkplanAdmin(OrganizerScopedAdmin):
    list_display = ["team", "cohort", "updated_at"]
    list_filter = ["organizer"]
    fields = ["organizer", "team", "cohort", "summary"]
    inlines = [GoalInline]


class ActionInline(ScopedTabularInline):
    model = Action
    extra = 0
    fields = ["title", "due_on", "status", "notes"]


@admin.register(Goal)
class GoalAdmin(OrganizerScopedAdmin):
    list_display = ["title", "workplan"]
    list_filter = ["organizer"]
    fields = ["organizer", "workplan", "order", "title", "description", "area"]
    inlines = [ActionInline]


class SupportLogInline(ScopedTabularInline):
    model = SupportLog
    extra = 0
    fields = ["given_on", "note"]


@admin.register(SupportRequest)
class SupportRequestAdmin(OrganizerScopedAdmin):
    list_display = ["workplan", "partner", "status", "created_at"]
    list_filter = ["status", "organizer"]
    fields = ["organizer", "workplan", "partner", "message", "status"]
    inlines = [SupportLogInline]


@admin.register(PartnerPerson)
class PartnerPersonAdmin(OrganizerScopedAdmin):
    """Who works for a planning-team partner; give them the "Planning-team partner" role on the organizer too."""

    list_display = ["user", "partner"]
    list_filter = ["organizer"]
    fields = ["organizer", "partner", "user"]
