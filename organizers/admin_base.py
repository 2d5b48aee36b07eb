"""Base classes every tenant model's admin uses.

The middleware already scopes the admin to the organizers a person is staff of, so
list pages, lookups and foreign-key choices only contain their rows. These classes
add the rest: non-superusers may only choose their own organizers. That a row may not
link records of two organizers together (which would move data across tenants) is the
model's rule (organizers.models.TenantModel), shown here as the form's message.
"""

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.forms import ModelForm

from .models import MIXED_ORGANIZERS, Organizer, TenantModel
from .scoping import linked_organizer_ids, organizer_id_of
from .selectors import people_of, staff_organizer_ids

NOT_YOUR_ORGANIZER = "You can only save records of organizers you are staff of."


def tenant_problem(instance, *, allowed: list[int] | None) -> str | None:
    """Why this unsaved row may not be saved by this person, or None.

    A row linking two organizers is the model's own rule (`TenantModel.clean`, which the
    form's validation has already run and shown); here only rows of other models are
    checked for it, and every row for organizers this person is not staff of.
    """
    organizers = linked_organizer_ids(instance)
    if len(organizers) > 1:
        return None if isinstance(instance, TenantModel) else MIXED_ORGANIZERS
    if allowed is not None and organizers and not organizers <= set(allowed):
        return NOT_YOUR_ORGANIZER
    return None


class AccountEmailField(forms.ModelChoiceField):
    """A person named by the email of their account.

    The form's initial value for a saved row is the user's id (what `model_to_dict`
    gives); shown as is, the email box would read "42" and saving would fail. Show the
    email instead.
    """

    def prepare_value(self, value):
        if isinstance(value, int):
            email = self.queryset.filter(pk=value).values_list("email", flat=True).first()
            return email or ""
        return super().prepare_value(value)


class PersonField(AccountEmailField):
    """Picks a person by the email of their account, among the people given.

    Staff of an organizer get the people connected to their organizers (see
    ``selectors.people_of``): an id in the address (``?contributor=17``) or a stored
    value of someone else renders as nothing, and their email is refused with the same
    words whether or not the account exists elsewhere.
    """

    widget = forms.EmailInput

    def __init__(self, queryset, **kwargs):
        kwargs.setdefault("label", "Email")
        kwargs.setdefault("error_messages", {
            "invalid_choice": "Nobody connected to your organizer uses this email.",
        })
        super().__init__(queryset, to_field_name="email", **kwargs)

    def prepare_value(self, value):
        if hasattr(value, "_meta"):
            value = value.pk
        if value in (None, ""):
            return ""
        if isinstance(value, str) and "@" in value:
            return value  # what was typed, shown again with the error
        try:
            return self.queryset.filter(pk=value).values_list("email", flat=True).first() or ""
        except (TypeError, ValueError, ValidationError, OverflowError):
            return ""


class TenantModelForm(ModelForm):
    allowed_organizer_ids: list[int] | None = None

    def _get_validation_exclusions(self):
        # An organizer set by the admin (not typed) still counts for unique checks such
        # as (organizer, slug): a duplicate is a message on the form, not an IntegrityError.
        exclusions = super()._get_validation_exclusions()
        if "organizer" in exclusions and getattr(self.instance, "organizer_id", None):
            exclusions.discard("organizer")
        return exclusions

    def _post_clean(self):
        super()._post_clean()
        problem = tenant_problem(self.instance, allowed=self.allowed_organizer_ids)
        if problem:
            self.add_error(None, problem)


def _allowed(request) -> list[int] | None:
    return None if request.user.is_superuser else staff_organizer_ids(request.user)


class _TenantAdminMixin:
    form = TenantModelForm

    def has_module_permission(self, request):
        return request.user.is_superuser or bool(staff_organizer_ids(request.user))

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    has_change_permission = has_view_permission

    def has_delete_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        widgets = getattr(getattr(field, "widget", None), "widgets", None)
        if field is not None and widgets and len(widgets) == 2 and hasattr(field, "fields"):
            # The admin's date and time boxes share one label, which names only the first.
            label = str(field.label or db_field.verbose_name).capitalize()
            widgets[0].attrs.setdefault("aria-label", f"{label}: date")
            widgets[1].attrs.setdefault("aria-label", f"{label}: time")
        return field

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        # Checkboxes rather than Django's two-box selector, whose help icons carry ARIA
        # labels screen readers are not allowed to use, and which is awkward by keyboard.
        kwargs.setdefault("widget", forms.CheckboxSelectMultiple)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is get_user_model() and not request.user.is_superuser:
            # Not the raw-id widget nor a dropdown: both name any account of the platform
            # (and link to the User admin, which is for superusers only).
            return PersonField(
                people_of(staff_organizer_ids(request.user)), required=not db_field.blank,
                label=f"{db_field.verbose_name.capitalize()} (email)", help_text=db_field.help_text,
            )
        if db_field.related_model is Organizer and not request.user.is_superuser:
            kwargs["queryset"] = Organizer.objects.filter(id__in=staff_organizer_ids(request.user))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class OrganizerScopedAdmin(_TenantAdminMixin, admin.ModelAdmin):
    """The organizer is asked once, and only when there is a choice.

    Staff of one organizer never pick it: it is filled in and shown read-only. Staff of
    several pick it when they add a top-level record; afterwards it is read-only for
    everyone but platform superusers (records never move between organizers).
    """

    def get_list_filter(self, request):
        # Organizer is not a scoped model: a plain filter would list every organizer's
        # name. Offer only the organizers present in this person's (scoped) rows.
        return [
            ("organizer", admin.RelatedOnlyFieldListFilter) if entry == "organizer" else entry
            for entry in super().get_list_filter(request)
        ]

    def has_add_permission(self, request):
        return self.has_module_permission(request)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.allowed_organizer_ids = _allowed(request)
        field = form.base_fields.get("organizer")
        if field is not None and not request.user.is_superuser:
            ids = form.allowed_organizer_ids or []
            if obj is not None or len(ids) == 1:
                # Disabled, not read-only: the value still takes part in validation
                # (unique slugs per organizer) but cannot be changed by a tampered POST.
                field.disabled = True
                field.required = False
                if obj is None:
                    field.initial = ids[0]  # a bound add form reads a disabled field from here
                field.help_text = "Set from your organizer." if obj is None else "Records stay with their organizer."
        return form

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        ids = _allowed(request)
        if ids and len(ids) == 1 and "organizer" in [f.name for f in self.model._meta.fields]:
            initial.setdefault("organizer", ids[0])
        return initial


class SameOrganizerFormSet(forms.BaseInlineFormSet):
    """Rows added inline belong to the parent's organizer, so staff never pick it twice."""

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        parent_organizer = organizer_id_of(self.instance) if self.instance is not None else None
        if parent_organizer is None and isinstance(self.instance, Organizer):
            parent_organizer = self.instance.pk
        if parent_organizer and hasattr(form.instance, "organizer_id"):
            form.instance.organizer_id = parent_organizer
        return form


class OrganizerScopedInline(_TenantAdminMixin):
    formset = SameOrganizerFormSet

    def has_add_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def get_fields(self, request, obj=None):
        # The parent already knows the organizer; an inline row never asks for it.
        return [f for f in super().get_fields(request, obj) if f != "organizer"]

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form.allowed_organizer_ids = _allowed(request)
        return formset


class ScopedTabularInline(OrganizerScopedInline, admin.TabularInline):
    pass


class ScopedStackedInline(OrganizerScopedInline, admin.StackedInline):
    pass
