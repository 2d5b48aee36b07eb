"""Staff configure calls (questions, demographic categories, rubric, quotas) in the admin.

Demographic answers are not in the admin: they are read through the pages that
check the dedicated permission and log each read.
"""

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db.models import Avg, Count

from organizers.admin_base import OrganizerScopedAdmin, ScopedTabularInline, TenantModelForm
from organizers.admin_zones import ZonedDateTimesAdmin, zoned_column
from organizers.models import Membership
from organizers.roles import Role
from organizers.selectors import staff_organizer_ids

from workplace.admin_filters import ReviewsWantedFilter, TeamConfirmationFilter
from workplace.admin_mixins import CallStaysClosedUntilReady

from .call_rules import category_options, conditions_problem, options_from_post, quota_problem

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


def _call_options(request, call):
    """The call's categories as saved, updated by what this same POST adds or changes."""
    options = category_options(call)
    if request.method == "POST":
        options.update(options_from_post(request.POST))
    return options


class _CheckedLaterChoiceField(forms.ChoiceField):
    """A select whose value is checked by the form's clean(), which names the valid choices."""

    def valid_value(self, value):
        return True


class QuotaForm(TenantModelForm):
    options: dict[str, list[str]] = {}

    class Meta:
        model = Quota
        fields = ["category", "value", "min_seats", "max_seats", "target_share", "reserved", "label"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        hint = None if self.options else "Add demographic categories to the call first; quotas choose from their options."
        self.fields["category"] = _CheckedLaterChoiceField(
            label="Category", choices=[("", "---------")] + [(k, k) for k in self.options], help_text=hint or "",
        )
        grouped = [(k, [(v, v) for v in values]) for k, values in self.options.items()]
        self.fields["value"] = _CheckedLaterChoiceField(label="Value", choices=[("", "---------")] + grouped)

    def clean(self):
        data = super().clean()
        category, value = data.get("category"), data.get("value")
        if category and value:
            problem = quota_problem(category, value, self.options)
            if problem:
                self.add_error("category" if category not in self.options else "value", problem)
        return data


class IntersectionQuotaForm(TenantModelForm):
    options: dict[str, list[str]] = {}

    class Meta:
        model = IntersectionQuota
        fields = ["conditions", "min_seats", "max_seats", "label"]

    def clean_conditions(self):
        conditions = self.cleaned_data.get("conditions")
        problem = conditions_problem(conditions, self.options)
        if problem:
            raise forms.ValidationError(problem)
        return conditions


class _OptionsInline(ScopedTabularInline):
    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form = type(formset.form.__name__, (formset.form,), {"options": _call_options(request, obj)})
        return formset


class QuotaInline(_OptionsInline):
    model = Quota
    form = QuotaForm
    extra = 0


class IntersectionQuotaInline(_OptionsInline):
    model = IntersectionQuota
    form = IntersectionQuotaForm
    extra = 0


class ReviewerInline(ScopedTabularInline):
    """Reviewers are picked from the people holding the reviewer role at the organizer."""

    model = ReviewerAssignment
    extra = 0

    def get_formset(self, request, obj=None, **kwargs):
        self._organizer_ids = [obj.organizer_id] if obj is not None and obj.organizer_id else (
            None if request.user.is_superuser else staff_organizer_ids(request.user)
        )
        return super().get_formset(request, obj, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "reviewer":
            reviewers = Membership.objects.filter(role=Role.REVIEWER)
            ids = getattr(self, "_organizer_ids", None)
            if ids is not None:
                reviewers = reviewers.filter(organizer_id__in=ids)
            # A select of the organizer's reviewers (not the email box other person
            # fields use): the choice is small, known, and names nobody else.
            return forms.ModelChoiceField(
                queryset=get_user_model().objects.filter(pk__in=reviewers.values("user_id")).order_by("full_name", "email"),
                label="Reviewer",
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(ApplicationCall)
class ApplicationCallAdmin(ZonedDateTimesAdmin, CallStaysClosedUntilReady, OrganizerScopedAdmin):
    list_display = ["cohort", "opens_at_zoned", "deadline_zoned", "seats", "open_for_applications", "checklist",
                    "selection_confirmed_at"]
    list_filter = ["open_for_applications", "cohort__program"]
    search_fields = ["cohort__title", "cohort__program__title"]
    list_select_related = ["cohort__program", "cohort__organizer"]
    date_hierarchy = "deadline"
    opens_at_zoned = zoned_column("opens_at", zone_of=lambda c: c.cohort.time_zone, description="opens")
    deadline_zoned = zoned_column("deadline", zone_of=lambda c: c.cohort.time_zone, description="deadline")
    inlines = [QuestionInline, DemographicCategoryInline, RubricInline, QuotaInline, IntersectionQuotaInline, ReviewerInline]
    readonly_fields = ["selection_confirmed_at", "demographics_purged_at"]

    def get_queryset(self, request):
        from workplace.readiness import CALL_CHECKLIST_PREFETCH, organizer_reviewers_count

        queryset = super().get_queryset(request)
        if request.resolver_match and request.resolver_match.url_name.endswith("_changelist"):
            # The checklist column reads each call's rows: fetch them for the page at once.
            queryset = queryset.prefetch_related(*CALL_CHECKLIST_PREFETCH).annotate(
                organizer_reviewers=organizer_reviewers_count()
            )
        return queryset

    @admin.display(description="Checklist")
    def checklist(self, obj):
        from workplace.readiness import blocking, call_checklist

        to_fix = len(blocking(call_checklist(obj)))
        return "Ready" if not to_fix else f"{to_fix} to fix"


@admin.register(Application)
class ApplicationAdmin(OrganizerScopedAdmin):
    list_display = ["applicant", "call", "status", "organization", "reviews", "mean_score", "submitted_at", "fixed"]
    list_filter = ["call", "status", ReviewsWantedFilter, TeamConfirmationFilter, "fixed"]
    search_fields = ["applicant__email", "applicant__full_name", "organization__name", "team_name"]
    list_select_related = ["applicant", "call__cohort__program", "organization"]
    date_hierarchy = "submitted_at"
    raw_id_fields = ["applicant"]
    readonly_fields = ["answers", "submitted_at", "withdrawn_at", "letter_sent_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_reviews=Count("reviews"), _mean=Avg("reviews__score"))

    @admin.display(description="Reviews", ordering="_reviews")
    def reviews(self, obj):
        return obj._reviews

    @admin.display(description="Mean score", ordering="_mean")
    def mean_score(self, obj):
        return "—" if obj._mean is None else f"{obj._mean:.1f}"


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
