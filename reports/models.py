"""Certificates of completion (the reports app's only table)."""

from django.db import models

from cohorts.models import Enrollment
from organizers.models import Organizer
from organizers.scoping import OrganizerScopedManager


class Certificate(models.Model):
    """Issued the first time a person who completed a cohort downloads it; revoked, never deleted.

    The public verification page (`/<organizer>/certificates/<code>/`) shows only the
    person's name, the program and the completion date, or that it was revoked.
    """

    organizer = models.ForeignKey(Organizer, on_delete=models.CASCADE, related_name="+")
    enrollment = models.OneToOneField(Enrollment, on_delete=models.CASCADE, related_name="certificate")
    code = models.CharField(max_length=14, unique=True, help_text="Printed on the certificate; verifies it.")
    issued_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.CharField(max_length=300, blank=True, help_text="For staff; never shown publicly.")

    objects = OrganizerScopedManager()

    class Meta:
        ordering = ["-issued_at"]

    def __str__(self) -> str:
        return f"Certificate {self.code}"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None
