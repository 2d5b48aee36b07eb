from django.contrib import admin, messages

from organizers.admin_base import OrganizerScopedAdmin

from . import certificates
from .models import Certificate


@admin.action(description="Revoke the selected certificates")
def revoke(modeladmin, request, queryset):
    count = 0
    for certificate in queryset.filter(revoked_at__isnull=True):
        certificates.revoke_certificate(certificate=certificate, reason=f"Revoked in the admin by {request.user.email}")
        count += 1
    messages.success(request, f"{count} certificate{'s' if count != 1 else ''} revoked.")


@admin.register(Certificate)
class CertificateAdmin(OrganizerScopedAdmin):
    """Issued when a person downloads it; staff only revoke (the public page then says so)."""

    list_display = ["code", "person", "cohort", "issued_at", "revoked_at"]
    list_filter = ["organizer", "revoked_at"]
    search_fields = ["code", "enrollment__person__email", "enrollment__person__full_name"]
    readonly_fields = ["organizer", "enrollment", "code", "issued_at", "revoked_at"]
    fields = ["organizer", "enrollment", "code", "issued_at", "revoked_at", "revoked_reason"]
    actions = [revoke]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="Person")
    def person(self, obj):
        return obj.enrollment.person.display_name

    @admin.display(description="Cohort")
    def cohort(self, obj):
        return str(obj.enrollment.cohort)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("enrollment__person", "enrollment__cohort__program")
