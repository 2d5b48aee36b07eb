from django.contrib import admin

from organizers.admin_base import OrganizerScopedAdmin, ScopedStackedInline, ScopedTabularInline

from .models import (
    Affiliation,
    Cohort,
    Enrollment,
    Facilitator,
    Module,
    ModuleDelegate,
    Organization,
    PlanningPartner,
    Program,
    Team,
)


class ModuleInline(ScopedStackedInline):
    model = Module
    extra = 0
    fields = ["order", "title", "period", "cohort", "description", "learning_objectives", "facilitators"]
    filter_horizontal = ["facilitators"]


class PlanningPartnerInline(ScopedTabularInline):
    model = PlanningPartner
    extra = 0
    fields = ["order", "name", "focus_area", "website"]


@admin.register(Program)
class ProgramAdmin(OrganizerScopedAdmin):
    list_display = ["title", "organizer", "kind", "status", "updated_at"]
    list_filter = ["kind", "status", "organizer"]
    search_fields = ["title", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["facilitators"]
    inlines = [ModuleInline, PlanningPartnerInline]


class TeamInline(ScopedTabularInline):
    model = Team
    extra = 0
    fields = ["organization", "name"]


class EnrollmentInline(ScopedTabularInline):
    model = Enrollment
    extra = 0
    fields = ["person", "organization", "team", "role", "status", "offer_expires_at"]
    raw_id_fields = ["person"]


@admin.register(Cohort)
class CohortAdmin(OrganizerScopedAdmin):
    list_display = ["title", "program", "starts_on", "enrollment_mode", "capacity", "registration_closed"]
    list_filter = ["enrollment_mode", "registration_closed", "is_team_cohort", "program__kind", "organizer"]
    search_fields = ["title", "program__title"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "starts_on"
    inlines = [TeamInline, EnrollmentInline]
    fieldsets = [
        (None, {"fields": ["organizer", "program", "title", "slug", "is_published"]}),
        ("Dates", {"fields": ["starts_on", "ends_on", "time_zone", "commitment"]}),
        (
            "Registration",
            {
                "fields": [
                    "enrollment_mode", "capacity", "registration_opens_at", "registration_closes_at",
                    "registration_closed", "closed_message", "contact_name", "contact_email", "offer_hours",
                ]
            },
        ),
        ("Cost", {"fields": ["is_free", "cost_summary"]}),
        (
            "Organizations and teams",
            {
                "fields": [
                    "per_organization_limit", "rotation_allowed", "is_team_cohort", "team_size_min",
                    "team_size_max", "team_requires_executive_director",
                ]
            },
        ),
    ]


@admin.register(Module)
class ModuleAdmin(OrganizerScopedAdmin):
    list_display = ["title", "program", "period", "order"]
    list_filter = ["program", "organizer"]
    search_fields = ["title", "description"]
    filter_horizontal = ["facilitators"]


@admin.register(Facilitator)
class FacilitatorAdmin(OrganizerScopedAdmin):
    list_display = ["name", "affiliation", "is_guest", "organizer"]
    list_filter = ["is_guest", "organizer"]
    search_fields = ["name", "affiliation"]
    raw_id_fields = ["user"]


class AffiliationInline(ScopedTabularInline):
    model = Affiliation
    extra = 0
    raw_id_fields = ["person"]
    fields = ["organizer", "person", "title", "is_leader", "is_executive_director", "is_current"]


@admin.register(Organization)
class OrganizationAdmin(OrganizerScopedAdmin):
    list_display = ["name", "sector", "region", "is_member", "is_contributing_partner", "is_grantee"]
    list_filter = ["is_member", "is_contributing_partner", "is_grantee", "sector", "organizer"]
    search_fields = ["name", "region"]
    inlines = [AffiliationInline]


@admin.register(Enrollment)
class EnrollmentAdmin(OrganizerScopedAdmin):
    list_display = ["person", "cohort", "organization", "role", "status", "created_at"]
    list_filter = ["status", "role", "cohort__program", "organizer"]
    search_fields = ["person__email", "person__full_name", "organization__name"]
    raw_id_fields = ["person"]
    list_select_related = ["person", "cohort__program", "organization"]


@admin.register(Team)
class TeamAdmin(OrganizerScopedAdmin):
    list_display = ["__str__", "cohort", "organization"]
    list_filter = ["cohort", "organizer"]
    search_fields = ["name", "organization__name"]


@admin.register(ModuleDelegate)
class ModuleDelegateAdmin(OrganizerScopedAdmin):
    list_display = ["module", "organization", "person", "cohort"]
    list_filter = ["cohort", "module", "organizer"]
    raw_id_fields = ["person"]
