from django.contrib import admin

from organizers.admin_base import OrganizerScopedAdmin

from .models import OutboundMessage


@admin.register(OutboundMessage)
class OutboundMessageAdmin(OrganizerScopedAdmin):
    """The outbox is a record of what was sent: readable, not editable."""

    list_display = ["created_at", "template", "to_email", "status", "attempts", "sent_at", "organizer"]
    list_filter = ["status", "template", "essential", "organizer"]
    search_fields = ["to_email", "dedupe_key", "subject"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
