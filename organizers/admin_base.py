"""Base classes every tenant model's admin uses.

The middleware already scopes the admin to the organizers a person is staff of, so
list pages, lookups and foreign-key choices only contain their rows. These classes
add the rest: non-superusers may only choose their own organizers, and a row may not
link records of two organizers together (which would move data across tenants).
"""

from django.contrib import admin
from django.forms import ModelForm

from .models import Organizer
from .scoping import organizer_id_of, organizer_path_of
from .selectors import staff_organizer_ids

MIXED_ORGANIZERS = "Everything linked here must belong to the same organizer."
NOT_YOUR_ORGANIZER = "You can only save records of organizers you are staff of."


def tenant_problem(instance, *, allowed: list[int] | None) -> str | None:
    """Why this unsaved row may not be saved by this person, or None."""
    organizers = set()
    own = organizer_id_of(instance)
    if own is not None:
        organizers.add(own)
    for field in instance._meta.concrete_fields:
        if not field.is_relation or field.related_model is None:
            continue
        if organizer_path_of(field.related_model) is None and field.related_model is not Organizer:
            continue
        related_id = getattr(instance, field.attname)
        if related_id is None:
            continue
        if field.related_model is Organizer:
            organizers.add(related_id)
        else:
            related = getattr(instance, field.name)
            organizers.add(organizer_id_of(related))
    organizers.discard(None)
    if len(organizers) > 1:
        return MIXED_ORGANIZERS
    if allowed is not None and organizers and not organizers <= set(allowed):
        return NOT_YOUR_ORGANIZER
    return None


class TenantModelForm(ModelForm):
    allowed_organizer_ids: list[int] | None = None

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

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is Organizer and not request.user.is_superuser:
            kwargs["queryset"] = Organizer.objects.filter(id__in=staff_organizer_ids(request.user))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class OrganizerScopedAdmin(_TenantAdminMixin, admin.ModelAdmin):
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
        return form

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        ids = _allowed(request)
        if ids and len(ids) == 1 and "organizer" in [f.name for f in self.model._meta.fields]:
            initial.setdefault("organizer", ids[0])
        return initial


class OrganizerScopedInline(_TenantAdminMixin):
    def has_add_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form.allowed_organizer_ids = _allowed(request)
        return formset


class ScopedTabularInline(OrganizerScopedInline, admin.TabularInline):
    pass


class ScopedStackedInline(OrganizerScopedInline, admin.StackedInline):
    pass
