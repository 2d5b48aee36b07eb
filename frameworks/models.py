"""Frameworks and checklists, self-assessments against them, and team workplans.

A `Framework` (CJC's anti-racist workforce framework, Partos' DEI checklist) has
numbered `FrameworkVersion`s; each version has `Area`s and `Item`s and a rating scale.
A published version is frozen: changing it means a new draft version
(`services.new_draft_version`), so an `Assessment` always points to the version, areas
and items it was answered against.

Every model carries `organizer` directly, as the catalog's models do.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from cohorts.models import Cohort, Organization, PlanningPartner, Team
from organizers.models import TenantModel

DEFAULT_SCALE = "Not started\nEmerging\nDeveloping\nEmbedded"
NOT_APPLICABLE = 0  # the rating value of "not applicable"; levels are 1..n


class Framework(TenantModel):
    slug = models.SlugField()
    title = models.CharField(max_length=200)
    summary = models.CharField(max_length=400, blank=True)
    description = models.TextField(blank=True, help_text="Markdown.")
    values = models.TextField(blank=True, help_text="One value per line (e.g. CJC's six values).")
    program = models.ForeignKey(
        "cohorts.Program", null=True, blank=True, on_delete=models.SET_NULL, related_name="frameworks",
        help_text="The program page that links to this framework.",
    )
    is_public = models.BooleanField(default=True, help_text="Anyone may read the published version.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title"]
        constraints = [models.UniqueConstraint(fields=["organizer", "slug"], name="unique_framework_slug")]

    def __str__(self) -> str:
        return self.title

    @property
    def value_list(self) -> list[str]:
        return [line.strip(" -•\t") for line in self.values.splitlines() if line.strip(" -•\t")]


class FrameworkVersion(TenantModel):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published (frozen)"

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    scale = models.TextField(
        default=DEFAULT_SCALE, help_text='The rating levels, lowest first, one per line. "Not applicable" is always offered.'
    )
    label = models.CharField(max_length=200, blank=True, help_text='e.g. "Written for the demo" or "2025 edition".')
    change_note = models.TextField(blank=True, help_text="What changed from the previous version.")
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["framework", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "number"], name="unique_framework_version"),
            models.UniqueConstraint(fields=["framework"], condition=Q(status="draft"), name="one_draft_per_framework"),
        ]

    def __str__(self) -> str:
        return f"{self.framework.title}, version {self.number}"

    @property
    def is_frozen(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def levels(self) -> list[str]:
        return [line.strip() for line in self.scale.splitlines() if line.strip()]

    def level_label(self, value: int | None) -> str:
        if value is None:
            return "Not rated"
        if value == NOT_APPLICABLE:
            return "Not applicable"
        levels = self.levels
        return levels[value - 1] if 0 < value <= len(levels) else str(value)


class Area(TenantModel):
    version = models.ForeignKey(FrameworkVersion, on_delete=models.CASCADE, related_name="areas")
    order = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, help_text="Markdown.")

    class Meta:
        ordering = ["version", "order", "id"]

    def __str__(self) -> str:
        return self.title


class Item(TenantModel):
    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="items")
    order = models.PositiveSmallIntegerField(default=0)
    statement = models.TextField()
    guidance = models.TextField(blank=True, help_text="What to look for; shown under the statement.")

    class Meta:
        ordering = ["area__order", "area_id", "order", "id"]

    def __str__(self) -> str:
        return self.statement[:80]


class AssessmentPoint(TenantModel):
    """A moment the cohort defines for an assessment: baseline, end, or a follow-up."""

    class Kind(models.TextChoices):
        BASELINE = "baseline", "Baseline (start)"
        END = "end", "End of the cohort"
        FOLLOW_UP = "follow_up", "Follow-up"

    class Taker(models.TextChoices):
        TEAM = "team", "Each team"
        ORGANIZATION = "organization", "Each organization"
        PERSON = "person", "Each person"

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="assessment_points")
    version = models.ForeignKey(FrameworkVersion, on_delete=models.PROTECT, related_name="points")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    months_after = models.PositiveSmallIntegerField(
        default=0, help_text="Follow-ups: months after the cohort ends (1, 3, 6, 12); 0 otherwise."
    )
    taker = models.CharField(max_length=20, choices=Taker.choices, default=Taker.ORGANIZATION)
    opens_on = models.DateField()

    class Meta:
        ordering = ["cohort", "opens_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["cohort", "kind", "months_after"], name="unique_assessment_point"),
        ]

    def __str__(self) -> str:
        return f"{self.label} — {self.cohort}"

    @property
    def label(self) -> str:
        if self.kind == self.Kind.FOLLOW_UP and self.months_after:
            return f"{self.months_after}-month follow-up"
        return self.get_kind_display()


class Assessment(TenantModel):
    """One team's, organization's or person's answers at one point, against one frozen version."""

    class Status(models.TextChoices):
        DRAFT = "draft", "In progress"
        SUBMITTED = "submitted", "Submitted"

    point = models.ForeignKey(AssessmentPoint, on_delete=models.PROTECT, related_name="assessments")
    version = models.ForeignKey(FrameworkVersion, on_delete=models.PROTECT, related_name="assessments")
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="+")
    organization = models.ForeignKey(Organization, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="assessments")
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.PROTECT, related_name="assessments")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE,
                               related_name="framework_assessments")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    started_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(fields=["point", "team"], condition=Q(team__isnull=False), name="one_assessment_per_team"),
            models.UniqueConstraint(fields=["point", "organization"],
                                    condition=Q(team__isnull=True, person__isnull=True, organization__isnull=False),
                                    name="one_assessment_per_organization"),
            models.UniqueConstraint(fields=["point", "person"], condition=Q(person__isnull=False),
                                    name="one_assessment_per_person"),
        ]

    def __str__(self) -> str:
        return f"{self.subject_name}: {self.point.label}"

    @property
    def subject_name(self) -> str:
        if self.team_id:
            return str(self.team)
        if self.person_id:
            return self.person.display_name
        return str(self.organization)

    @property
    def is_locked(self) -> bool:
        return self.status == self.Status.SUBMITTED


class Rating(TenantModel):
    """One person's own rating and comment on one item."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="ratings")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    value = models.PositiveSmallIntegerField(null=True, blank=True, help_text="1..levels; 0 = not applicable.")
    comment = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["assessment", "item", "person"], name="one_rating_per_person")]


class ConsensusRating(TenantModel):
    """The rating the team agreed on for one item, with a note."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="consensus")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="+")
    value = models.PositiveSmallIntegerField(help_text="1..levels; 0 = not applicable.")
    note = models.TextField(blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["assessment", "item"], name="one_consensus_per_item")]


# --- Team workplans ---------------------------------------------------------------------------


class Workplan(TenantModel):
    team = models.OneToOneField(Team, on_delete=models.CASCADE, related_name="workplan")
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="workplans")
    summary = models.TextField(blank=True, help_text="Where the team is and what it wants to change.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["cohort", "team__name"]

    def __str__(self) -> str:
        return f"Workplan of {self.team}"


class Goal(TenantModel):
    workplan = models.ForeignKey(Workplan, on_delete=models.CASCADE, related_name="goals")
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    area = models.ForeignKey(Area, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    item = models.ForeignKey(Item, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                             help_text="An item the assessment rated low.")
    order = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["workplan", "order", "id"]

    def __str__(self) -> str:
        return self.title


class Action(TenantModel):
    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        IN_PROGRESS = "in_progress", "In progress"
        DONE = "done", "Done"
        BLOCKED = "blocked", "Blocked"

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="actions")
    title = models.CharField(max_length=300)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    due_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NOT_STARTED)
    notes = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["goal", "due_on", "id"]

    def __str__(self) -> str:
        return self.title


class ProgressUpdate(TenantModel):
    """A dated note on the workplan's progress; check-ins after the cohort ask for one."""

    workplan = models.ForeignKey(Workplan, on_delete=models.CASCADE, related_name="updates")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    body = models.TextField()
    checkin_round = models.ForeignKey("sessions_app.CheckInRound", null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="workplan_updates")
    actions_done = models.PositiveSmallIntegerField(default=0)
    actions_total = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["workplan", "checkin_round"], condition=Q(checkin_round__isnull=False),
                                    name="one_workplan_update_per_checkin"),
        ]


class PartnerPerson(TenantModel):
    """Someone who works for a planning-team partner (their Membership role is `partner`)."""

    partner = models.ForeignKey(PlanningPartner, on_delete=models.CASCADE, related_name="people")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="partner_roles")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["partner", "user"], name="unique_partner_person")]

    def __str__(self) -> str:
        return f"{self.user} for {self.partner}"


class SupportRequest(TenantModel):
    """A team asks a planning-team partner for support in its focus area; the partner then sees the team."""

    class Status(models.TextChoices):
        OPEN = "open", "Asked"
        ACTIVE = "active", "Under way"
        CLOSED = "closed", "Closed"

    workplan = models.ForeignKey(Workplan, on_delete=models.CASCADE, related_name="support_requests")
    partner = models.ForeignKey(PlanningPartner, on_delete=models.PROTECT, related_name="support_requests")
    message = models.TextField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["workplan", "partner"], condition=~Q(status="closed"),
                                    name="one_open_request_per_partner"),
        ]

    def __str__(self) -> str:
        return f"{self.workplan.team} asks {self.partner}"


class SupportLog(TenantModel):
    """Support a partner (or staff) gave a team."""

    request = models.ForeignKey(SupportRequest, on_delete=models.CASCADE, related_name="logs")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    given_on = models.DateField()
    note = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-given_on", "-id"]
