"""Certificates of completion, and the equity funnels stored when a call's answers are deleted."""

from django.db import models

from applications.models import ApplicationCall
from cohorts.models import Enrollment
from organizers.models import TenantModel


class Certificate(TenantModel):
    """Issued the first time a person who completed a cohort downloads it; revoked, never deleted.

    The public verification page (`/<organizer>/certificates/<code>/`) shows only the
    person's name, the program and the completion date, or that it was revoked.
    """

    enrollment = models.OneToOneField(Enrollment, on_delete=models.CASCADE, related_name="certificate")
    code = models.CharField(max_length=14, unique=True, help_text="Printed on the certificate; verifies it.")
    issued_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.CharField(max_length=300, blank=True, help_text="For staff; never shown publicly.")

    class Meta:
        ordering = ["-issued_at"]

    def __str__(self) -> str:
        return f"Certificate {self.code}"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class StoredFunnel(TenantModel):
    """A call's equity funnel as it stood when its self-identification answers were deleted.

    Only the suppressed figures are kept (hidden cells are stored as null, never their
    count), so the funnel of a purged call still renders, and says it comes from here.
    """

    call = models.OneToOneField(ApplicationCall, on_delete=models.CASCADE, related_name="stored_funnel")
    stored_at = models.DateTimeField()
    k = models.PositiveSmallIntegerField(help_text="The small-cell threshold the figures were suppressed with.")
    tables = models.JSONField(default=list)

    def __str__(self) -> str:
        return f"Equity funnel of {self.call} stored {self.stored_at:%Y-%m-%d}"
