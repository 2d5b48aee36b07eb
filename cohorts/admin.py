from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.db.models import Count, Q
from django.http import HttpResponseRedirect
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from organizers.admin_base import (
    AccountEmailField,
    OrganizerScopedAdmin,
    ScopedStackedInline,
    ScopedTabularInline,
    TenantModelForm,
)
from organizers.admin_zones import ZonedDateTimesAdmin, zoned_column

from workplace.admin_filters import OfferExpiresSoonFilter, StartsSoonFilter
from workplace.admin_mixins import CohortStaysUnpublishedUntilReady, ProgramStaysDraftUntilReady

from . import lifecycle, selectors
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
    TeamInvitation,
)


def person_by_email(*, required: bool = True) -> forms.ModelChoiceField:
    # Staff name people by email, as in organizers.admin.MembershipForm: the User admin
    # (and its raw-id popup) is for superusers only, and a dropdown of every account
    # would show staff the people of other organizers.
    return AccountEmailField(
        queryset=get_user_model().objects.all(),
        to_field_name="email",
        widget=forms.EmailInput,
        label="Account email",
        required=required,
        error_messages={"invalid_choice": "No account uses this email yet; ask the person to sign up first."},
    )


def form_naming_person(model, field: str = "person", *, required: bool = True) -> type[TenantModelForm]:
    """A tenant form whose `field` takes an account email; the admin adds the other
    fields at request time, inside the scope (declaring them here would query outside it)."""
    meta = type("Meta", (), {"model": model, "fields": [field]})
    attrs = {field: person_by_email(required=required), "Meta": meta}
    return type(f"{model.__name__}Form", (TenantModelForm,), attrs)


EnrollmentForm = form_naming_person(Enrollment)
AffiliationForm = form_naming_person(Affiliation)
FacilitatorForm = form_naming_person(Facilitator, "user", required=False)
ModuleDelegateForm = form_naming_person(ModuleDelegate)


# ---------------------------------------------------------------- programs


class ModuleInline(ScopedStackedInline):
    model = Module
    extra = 0
    fields = ["order", "title", "period", "cohort", "description", "learning_objectives", "facilitators"]


class PlanningPartnerInline(ScopedTabularInline):
    model = PlanningPartner
    extra = 0
    fields = ["order", "name", "focus_area", "website"]


@admin.register(Program)
class ProgramAdmin(ProgramStaysDraftUntilReady, OrganizerScopedAdmin):
    readiness = "program"
    list_display = ["title", "organizer", "kind", "status", "updated_at"]
    list_filter = ["kind", "status", "organizer"]
    search_fields = ["title", "summary", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [ModuleInline, PlanningPartnerInline]
    fieldsets = [
        (None, {"fields": ["organizer", "kind", "title", "slug", "status", "summary", "description"]}),
        ("Who it is for", {"fields": ["audience", "eligibility"]}),
        ("Objectives, values and outcomes", {"fields": ["objectives", "values", "outcomes"]}),
        ("Facilitators", {"fields": ["facilitators"]}),
    ]


# ---------------------------------------------------------------- cohorts


class TeamInline(ScopedTabularInline):
    model = Team
    extra = 0
    fields = ["organization", "name"]


class EnrollmentInline(ScopedTabularInline):
    """Who is in the cohort, at a glance. Registrations are added, cancelled and
    completed from the Enrollment admin, whose services keep seats and waitlist right."""

    model = Enrollment
    extra = 0
    fields = ["person", "organization", "team", "role", "status", "offer_expires_at"]
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("person", "organization", "team", "cohort")


@admin.register(Cohort)
class CohortAdmin(ZonedDateTimesAdmin, CohortStaysUnpublishedUntilReady, OrganizerScopedAdmin):
    readiness = "cohort"
    zone_owner = None
    list_display = [
        "title", "program", "starts_on", "enrollment_mode", "capacity", "confirmed", "waitlisted", "registration_closed",
    ]
    list_filter = [
        "enrollment_mode", "registration_closed", "is_team_cohort", "is_published", StartsSoonFilter, "program__kind",
        "program", "organizer",
    ]
    search_fields = ["title", "program__title"]
    list_select_related = ["program"]
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

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(
            _confirmed=Count("enrollments", filter=Q(enrollments__status=Enrollment.Status.CONFIRMED)),
            _waitlisted=Count("enrollments", filter=Q(enrollments__status=Enrollment.Status.WAITLISTED)),
        )

    @admin.display(description="Confirmed", ordering="_confirmed")
    def confirmed(self, obj):
        return obj._confirmed

    @admin.display(description="Waitlisted", ordering="_waitlisted")
    def waitlisted(self, obj):
        return obj._waitlisted


@admin.register(Module)
class ModuleAdmin(OrganizerScopedAdmin):
    list_display = ["title", "program", "period", "order"]
    list_filter = ["program", "organizer"]
    search_fields = ["title", "description", "learning_objectives"]
    list_select_related = ["program"]


@admin.register(Facilitator)
class FacilitatorAdmin(OrganizerScopedAdmin):
    form = FacilitatorForm
    fields = ["organizer", "name", "user", "affiliation", "bio", "website", "is_guest"]
    list_display = ["name", "affiliation", "is_guest", "organizer"]
    list_filter = ["is_guest", "organizer"]
    search_fields = ["name", "affiliation", "user__email"]


# ---------------------------------------------------------------- organizations and people


class AffiliationInline(ScopedTabularInline):
    model = Affiliation
    form = AffiliationForm
    extra = 0
    fields = ["person", "title", "is_leader", "is_executive_director", "is_current"]


@admin.register(Organization)
class OrganizationAdmin(OrganizerScopedAdmin):
    list_display = ["name", "sector", "region", "is_member", "is_contributing_partner", "is_grantee"]
    list_filter = ["is_member", "is_contributing_partner", "is_grantee", "sector", "organizer"]
    search_fields = ["name", "region"]
    inlines = [AffiliationInline]


@admin.register(Affiliation)
class AffiliationAdmin(OrganizerScopedAdmin):
    form = AffiliationForm
    fields = ["organizer", "person", "organization", "title", "is_leader", "is_executive_director", "is_current"]
    list_display = ["person", "organization", "title", "is_leader", "is_executive_director", "is_current"]
    list_filter = ["is_leader", "is_executive_director", "is_current", "organizer"]
    search_fields = ["person__email", "person__full_name", "organization__name", "title"]
    list_select_related = ["person", "organization"]


def _apply_to_each(modeladmin, request, queryset, service, done: str) -> None:
    applied, refused = 0, []
    for enrollment in queryset.select_related("person"):
        try:
            service(enrollment=enrollment, by=request.user)
            applied += 1
        except lifecycle.LifecycleError as error:
            refused.append(f"{enrollment.person.display_name}: {error.message}")
    modeladmin.message_user(request, f"{done} {applied}.", messages.SUCCESS if applied else messages.INFO)
    for reason in refused:
        modeladmin.message_user(request, reason, messages.WARNING)


@admin.action(description="Cancel the selected registrations (frees seats and offers them to the waitlist)")
def cancel_enrollments(modeladmin, request, queryset):
    _apply_to_each(modeladmin, request, queryset, lifecycle.cancel, "Cancelled")


@admin.action(description="Accept the offered seat on the person's behalf")
def accept_offers(modeladmin, request, queryset):
    _apply_to_each(modeladmin, request, queryset, lifecycle.accept_offer, "Confirmed")


@admin.action(description="Mark the selected confirmed registrations completed")
def complete_enrollments(modeladmin, request, queryset):
    _apply_to_each(modeladmin, request, queryset, lifecycle.complete, "Marked completed:")


@admin.action(description="Record the payment for the selected seats held until payment")
def confirm_payments(modeladmin, request, queryset):
    _apply_to_each(modeladmin, request, queryset, lifecycle.confirm_payment, "Payment recorded:")


class EnrollmentAddForm(EnrollmentForm):
    def clean(self):
        data = super().clean()
        cohort, person, team = data.get("cohort"), data.get("person"), data.get("team")
        if cohort and team and team.cohort_id != cohort.pk:
            self.add_error("team", "That team belongs to another cohort.")
        elif cohort and person:
            problem = selectors.staff_enrollment_problem(cohort=cohort, person=person,
                                                        organization=data.get("organization"))
            if problem:
                raise forms.ValidationError(problem)
        return data


@admin.register(Enrollment)
class EnrollmentAdmin(ZonedDateTimesAdmin, OrganizerScopedAdmin):
    """Seats change only through the services (register, cancel, offers, complete), so
    the waitlist moves and people get their emails: the status and its timestamps are
    shown, never edited; staff use the actions. Adding someone takes a seat the same way
    (confirmed while one is free, waitlisted after). Cancel instead of deleting."""

    form = EnrollmentForm
    add_form = EnrollmentAddForm
    seat_fields = ["status", "offer_expires_at", "payment_due_at", "waitlisted_at", "confirmed_at", "cancelled_at",
                   "completed_at"]
    list_display = ["person", "cohort", "organization", "team", "role", "status", "offer_expires_at_zoned", "created_at"]
    list_filter = ["status", OfferExpiresSoonFilter, "role", "cohort__program", "cohort", "organizer"]
    offer_expires_at_zoned = zoned_column("offer_expires_at", zone_of=lambda e: e.cohort.time_zone,
                                          description="offer expires")
    search_fields = ["person__email", "person__full_name", "organization__name", "cohort__title"]
    list_select_related = ["person", "cohort__program", "organization", "team"]
    actions = [cancel_enrollments, accept_offers, complete_enrollments, confirm_payments]

    @admin.display(description="History")
    def history(self, obj):
        """The enrollment's audit entries (cohorts/lifecycle.py writes one per change)."""
        rows = [
            (timezone.localtime(e.at).strftime("%d %b %Y %H:%M"), e.from_label, e.to_label,
             e.actor.display_name if e.actor else "system", e.reason)
            for e in selectors.history_of(obj)
        ]
        if not rows:
            return "—"
        return format_html(
            '<table id="enrollment-history"><thead><tr><th scope="col">When</th><th scope="col">From</th>'
            '<th scope="col">To</th><th scope="col">By</th><th scope="col">Why</th></tr></thead><tbody>{}</tbody></table>',
            format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>", rows),
        )

    def get_fields(self, request, obj=None):
        common = ["organizer", "cohort", "person", "organization", "team", "role"]
        return common if obj is None else [*common, *self.seat_fields, "history"]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else ["organizer", "cohort", "person", *self.seat_fields, "history"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = self.add_form
        return super().get_form(request, obj, change, **kwargs)

    def has_delete_permission(self, request, obj=None):
        return False

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except lifecycle.LifecycleError as error:
            # The form checked the same rules a moment earlier; only a concurrent
            # registration (same person, the organization's last place) gets here.
            self.message_user(request, error.message, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        enrollment = lifecycle.enroll_by_staff(
            cohort=obj.cohort, person=obj.person, organization=obj.organization, team=obj.team, role=obj.role,
            by=request.user,
        )
        # The admin goes on with `obj` (history entry, redirect, message): make it the saved row.
        obj.pk, obj.status, obj._state.adding = enrollment.pk, enrollment.status, False
        if enrollment.status == Enrollment.Status.WAITLISTED:
            self.message_user(request, "The cohort is full: the person is on the waitlist.", messages.WARNING)


class TeamInvitationInline(ScopedTabularInline):
    model = TeamInvitation
    fk_name = "team"
    extra = 0
    fields = ["full_name", "email", "is_executive_director", "status", "invited_at", "sent_at", "answered_at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(TeamInvitation)
class TeamInvitationAdmin(ZonedDateTimesAdmin, OrganizerScopedAdmin):
    """Members a team's lead named in an open cohort: read-only, they answer through their
    own link (cohorts.lifecycle), and nothing is enrolled before they do."""

    list_display = ["full_name", "email", "team", "cohort", "status", "invited_at_zoned", "sent_at_zoned"]
    invited_at_zoned = zoned_column("invited_at", zone_of=lambda i: i.cohort.time_zone, description="invited")
    sent_at_zoned = zoned_column("sent_at", zone_of=lambda i: i.cohort.time_zone, description="last sent")
    list_filter = ["status", "cohort", "organizer"]
    search_fields = ["full_name", "email", "team__name", "team__organization__name"]
    list_select_related = ["team__organization", "cohort__program", "organizer"]
    readonly_fields = ["organizer", "cohort", "team", "lead_enrollment", "full_name", "email", "title",
                       "is_executive_director", "status", "invited_at", "sent_at", "answered_at", "reported_at",
                       "enrollment"]
    fields = readonly_fields

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class TeamMemberInline(EnrollmentInline):
    fields = ["person", "cohort", "organization", "role", "status"]
    readonly_fields = fields


@admin.register(Team)
class TeamAdmin(OrganizerScopedAdmin):
    list_display = ["__str__", "cohort", "organization"]
    list_filter = ["cohort", "organizer"]
    search_fields = ["name", "organization__name"]
    list_select_related = ["cohort__program", "organization"]
    inlines = [TeamMemberInline, TeamInvitationInline]


@admin.register(ModuleDelegate)
class ModuleDelegateAdmin(OrganizerScopedAdmin):
    form = ModuleDelegateForm
    fields = ["organizer", "cohort", "module", "organization", "person"]
    list_display = ["module", "organization", "person", "cohort"]
    list_filter = ["cohort", "module", "organizer"]
    search_fields = ["person__email", "organization__name", "module__title"]
    list_select_related = ["module", "organization", "person", "cohort__program"]
