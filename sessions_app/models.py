"""Sessions of a cohort. The sessions issue adds attendance, notes, office hours, TA and feeds."""

from django.db import models

from cohorts.models import AffinityGroup, Cohort, Facilitator, Module
from organizers.models import Organizer
from organizers.scoping import OrganizerScopedManager


class Session(models.Model):
    class Kind(models.TextChoices):
        TRAINING = "training", "Training"
        MASTERCLASS = "masterclass", "Masterclass"
        AFFINITY = "affinity", "Affinity-group session"
        CHECK_IN = "check_in", "Check-in"
        OFFICE_HOURS = "office_hours", "Office hours"

    organizer = models.ForeignKey(Organizer, on_delete=models.CASCADE, related_name="+")
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="sessions")
    module = models.ForeignKey(Module, null=True, blank=True, on_delete=models.SET_NULL, related_name="sessions")
    affinity_group = models.ForeignKey(
        AffinityGroup, null=True, blank=True, on_delete=models.CASCADE, related_name="sessions",
        help_text="Only this group's members, its facilitators and staff see the session.",
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.TRAINING)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, help_text="Markdown.")
    # Stored in UTC (USE_TZ); shown in the viewer's zone with the zone named.
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    location = models.CharField(max_length=300, blank=True)
    video_url = models.URLField(blank=True, help_text="Shown only to people enrolled in the cohort.")
    capacity = models.PositiveIntegerField(null=True, blank=True)
    facilitators = models.ManyToManyField(Facilitator, blank=True, related_name="sessions")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OrganizerScopedManager()

    class Meta:
        ordering = ["starts_at"]
        indexes = [models.Index(fields=["cohort", "starts_at"], name="session_schedule_idx")]
        constraints = [models.CheckConstraint(condition=models.Q(ends_at__gt=models.F("starts_at")), name="session_ends_after_start")]

    def __str__(self) -> str:
        return self.title
