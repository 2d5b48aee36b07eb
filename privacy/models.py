"""Per-organizer retention of participants' personal details."""

from django.db import models

from cohorts.models import Cohort
from organizers.models import Organizer, TenantModel


class RetentionSettings(TenantModel):
    organizer = models.OneToOneField(Organizer, on_delete=models.CASCADE, related_name="retention_settings")
    months_after_cohort_end = models.PositiveSmallIntegerField(
        null=True, blank=True,
        help_text="Erase participants' answers, comments and contact details of a cohort this many months after it "
        "ended (attendance and enrollments stay, for your totals). Empty: keep them.",
    )

    class Meta:
        verbose_name = verbose_name_plural = "personal data retention"

    def __str__(self) -> str:
        return f"Retention at {self.organizer}"


class ErasedCohort(TenantModel):
    """A cohort whose participants' personal details the retention sweep has erased (it skips it next time)."""

    cohort = models.OneToOneField(Cohort, on_delete=models.CASCADE, related_name="+")
    erased_at = models.DateTimeField()
