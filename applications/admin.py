"""Staff configure calls (questions, demographic categories, rubric, quotas) in the admin.

Demographic answers are not in the admin: they are read through the pages that
check the dedicated permission and log each read.
"""

from django.contrib import admin

from organizers.admin_base import OrganizerScopedAdmin, ScopedTabularInline

from .models import (
    AccommodationRequest,
    Application,
    ApplicationCall,
    DemographicCategory,
    IntersectionQuota,
    Question,
    Quota,
    ReviewerAssignment,
    RubricCategory,
    SelectionAuditEntry,
)


class QuestionInline(ScopedTabularInline):
    model = Question
    extra = 0


class DemographicCategoryInline(ScopedTabularInline):
    model = DemographicCategory
    extra = 0


class RubricInline(ScopedTabularInline):
    model = RubricCategory
    extra = 0


class QuotaInline(ScopedTabularInline):
    model = Quota
    extra = 0


class IntersectionQuotaInline(ScopedTabularInline):
    model = IntersectionQuota
    extra = 0


class ReviewerInline(ScopedTabularInline):
    model = ReviewerAssignment
    extra = 0
    raw_id_fields = ["reviewer"]


@admin.register(ApplicationCall)
class ApplicationCallAdmin(OrganizerScopedAdmin):
    list_display = ["cohort", "deadline", "seats", "selection_confirmed_at"]
    inlines = [QuestionInline, DemographicCategoryInline, RubricInline, QuotaInline, IntersectionQuotaInline, ReviewerInline]
    readonly_fields = ["selection_confirmed_at", "demographics_purged_at"]


@admin.register(Application)
class ApplicationAdmin(OrganizerScopedAdmin):
    list_display = ["applicant", "call", "status", "organization", "submitted_at", "fixed"]
    list_filter = ["status"]
    search_fields = ["applicant__email", "applicant__full_name"]
    raw_id_fields = ["applicant"]
    readonly_fields = ["answers", "submitted_at", "withdrawn_at", "letter_sent_at"]


@admin.register(AccommodationRequest)
class AccommodationRequestAdmin(OrganizerScopedAdmin):
    list_display = ["application", "status", "requested_at"]
    list_filter = ["status"]


@admin.register(SelectionAuditEntry)
class SelectionAuditEntryAdmin(OrganizerScopedAdmin):
    list_display = ["at", "call", "action", "actor", "application"]
    list_filter = ["action"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False
