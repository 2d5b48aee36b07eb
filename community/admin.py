"""Staff set up spaces in the admin; conversations are moderated on the space pages,
where each action leaves an audit entry. Posts, reports and the audit log are
read-only here."""

from django.contrib import admin
from django_scopes import scopes_disabled

from organizers.admin_base import OrganizerScopedAdmin, TenantModelForm

from .models import ModerationEvent, Report, Space, SpaceMember, Thread

with scopes_disabled():

    class SpaceAdminForm(TenantModelForm):
        class Meta:
            model = Space
            fields = ["organizer", "kind", "title", "cohort", "affinity_group", "program", "description", "guidelines",
                      "is_archived"]


@admin.register(Space)
class SpaceAdmin(OrganizerScopedAdmin):
    form = SpaceAdminForm
    list_display = ["title", "kind", "cohort", "affinity_group", "program", "is_archived", "organizer"]
    list_filter = ["kind", "is_archived", "organizer"]
    search_fields = ["title"]


class _ReadOnly(OrganizerScopedAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(SpaceMember)
class SpaceMemberAdmin(_ReadOnly):
    list_display = ["person", "space", "notify", "in_directory", "joined_at", "invited_at"]
    list_filter = ["notify", "in_directory", "organizer"]
    search_fields = ["person__email", "person__full_name", "space__title"]


@admin.register(Thread)
class ThreadAdmin(_ReadOnly):
    list_display = ["title", "space", "author", "is_pinned", "is_announcement", "is_locked", "is_hidden", "last_post_at"]
    list_filter = ["is_hidden", "is_locked", "organizer"]
    search_fields = ["title"]
    exclude = ["search_vector"]


@admin.register(Report)
class ReportAdmin(_ReadOnly):
    list_display = ["post", "reporter", "created_at", "resolved_at", "resolution"]
    list_filter = ["organizer"]


@admin.register(ModerationEvent)
class ModerationEventAdmin(_ReadOnly):
    list_display = ["at", "space", "actor", "action", "thread", "detail"]
    list_filter = ["action", "organizer"]
