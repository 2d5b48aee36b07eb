from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model

from .admin_base import AccountEmailField, ScopedTabularInline, TenantModelForm
from .models import Membership, Organizer
from .roles import Capability, Role
from .selectors import access_of, memberships_of, organizers_of, staff_organizer_ids


class MembershipForm(TenantModelForm):
    # People are named by email: a dropdown or lookup of every account would show
    # organizer staff the people of other organizers.
    user = AccountEmailField(
        queryset=get_user_model().objects.all(),
        to_field_name="email",
        widget=forms.EmailInput,
        label="Email",
        error_messages={"invalid_choice": "No account uses this email yet; ask the person to sign up first."},
    )

    class Meta:
        model = Membership
        fields = ["user", "role", "can_view_demographics"]


class MembershipInline(ScopedTabularInline):
    """Only the organizer's admins (and superusers) grant roles."""

    model = Membership
    form = MembershipForm
    extra = 0

    def _is_admin(self, request, obj) -> bool:
        if request.user.is_superuser:
            return True
        return obj is not None and any(
            m.organizer_id == obj.id and m.role == Role.ADMIN for m in memberships_of(request.user)
        )

    def has_add_permission(self, request, obj=None):
        return self._is_admin(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._is_admin(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._is_admin(request, obj)


@admin.register(Organizer)
class OrganizerAdmin(admin.ModelAdmin):
    """Organizers are not scoped models: staff see and edit only their own."""

    list_display = ["name", "slug", "time_zone", "currency", "is_published"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return qs.filter(id__in=staff_organizer_ids(request.user))

    def has_module_permission(self, request):
        return request.user.is_superuser or bool(staff_organizer_ids(request.user))

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_change_permission(self, request, obj=None):
        """Settings and roles are the organizer admins' (roles.py: MANAGE_ORGANIZER);
        staff see them read-only, and a POST from them is refused (403) with nothing saved."""
        if request.user.is_superuser:
            return True
        organizers = [obj] if obj is not None else organizers_of(request.user)
        return any(access_of(request.user, o).can(Capability.MANAGE_ORGANIZER) for o in organizers)

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def get_readonly_fields(self, request, obj=None):
        # The slug is in every address of the organizer: only platform superusers change it.
        return [] if request.user.is_superuser else ["slug"]

    def get_prepopulated_fields(self, request, obj=None):
        return self.prepopulated_fields if request.user.is_superuser else {}
