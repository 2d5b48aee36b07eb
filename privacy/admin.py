from django.contrib import admin

from organizers.admin_base import OrganizerScopedAdmin

from .models import RetentionSettings


@admin.register(RetentionSettings)
class RetentionSettingsAdmin(OrganizerScopedAdmin):
    list_display = ["organizer", "months_after_cohort_end"]
