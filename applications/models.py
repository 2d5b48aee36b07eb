"""Applications, reviews, representation quotas, selection runs and offers.

Every model carries `organizer` directly (scoping without joins). Demographic answers
are special-category data and live in `DemographicResponse`, apart from the
application; pages read them only through `applications.demographics`, which checks
the dedicated permission and writes a `DemographicAccessLog` row for each read.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from cohorts.models import Cohort, Organization
from organizers.models import TenantModel

PREFER_NOT_TO_SAY = "Prefer not to say"


def lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class ApplicationCall(TenantModel):
    """A cohort's call for applications: deadline, form sections, review and selection rules."""

    cohort = models.OneToOneField(Cohort, on_delete=models.CASCADE, related_name="application_call")
    introduction = models.TextField(blank=True, help_text="Markdown, shown above the form.")
    opens_at = models.DateTimeField(null=True, blank=True)
    deadline = models.DateTimeField(null=True, blank=True, help_text="Applications are accepted until this moment.")
    open_for_applications = models.BooleanField(
        default=True,
        help_text="Accept applications between the opening date and the deadline. Switched off, and kept off, "
        "while the call's checklist has an item to fix.",
    )
    # Standard sections the cohort switches on.
    ask_contact = models.BooleanField(default=True, help_text="Contact details and organization.")
    ask_role = models.BooleanField(default=True, help_text="Role/title and leadership.")
    ask_team = models.BooleanField(default=False, help_text="Team members (team cohorts).")
    ask_demographics = models.BooleanField(default=False, help_text="Voluntary demographic self-identification.")
    ask_accommodations = models.BooleanField(default=True)
    ask_scholarship = models.BooleanField(default=False)
    demographics_consent_text = models.TextField(
        blank=True,
        default=(
            "I agree that the answers I give in this section are used only to build a representative cohort. "
            "They are stored apart from my application, seen individually only by staff with a dedicated "
            "permission, reported to others only as totals of at least several people, and deleted after selection."
        ),
    )
    demographics_retention_days = models.PositiveIntegerField(
        null=True, blank=True, default=30,
        help_text="Delete demographic answers this many days after the selection is confirmed. Empty: keep.",
    )
    demographics_purged_at = models.DateTimeField(null=True, blank=True)
    # Review.
    blind_review = models.BooleanField(default=False, help_text="Hide applicant names and organizations from reviewers.")
    reviewers_see_demographics = models.BooleanField(default=False)
    reviews_wanted = models.PositiveSmallIntegerField(default=2)
    # Selection rules.
    seats = models.PositiveIntegerField(null=True, blank=True, help_text="People to select. Empty: the cohort capacity.")
    max_per_organization = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="At most this many people per organization. Empty: the cohort's own limit.",
    )
    organization_limit_is_soft = models.BooleanField(
        default=False,
        help_text="More people per organization than the cohort's limit are allowed only when representation needs them.",
    )
    member_priority = models.FloatField(default=0, help_text="Added to the score of applicants from member organizations.")
    min_review_score = models.FloatField(null=True, blank=True, help_text="Applicants scored below this are not eligible.")
    offer_days = models.PositiveSmallIntegerField(default=7, help_text="Days an applicant has to accept an offer.")
    selection_confirmed_at = models.DateTimeField(null=True, blank=True)
    late_applications_to_waitlist = models.BooleanField(
        default=False,
        help_text="After the deadline (or the confirmed selection), still take applications, straight onto the "
        "waitlist from which replacements are chosen.",
    )

    class Meta:
        ordering = ["cohort"]

    class Phase(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"
        SELECTED = "selected", "Selected (offers sent)"
        FINISHED = "finished", "Finished"

    def phase(self, now=None) -> str:
        """open → closed (deadline passed or closed by staff) → selected (offers sent) → finished (the cohort ended)."""
        now = now or timezone.now()
        ends = self.cohort.ends_on
        if self.selection_confirmed_at and ends and ends < timezone.localdate(now):
            return self.Phase.FINISHED
        if self.selection_confirmed_at:
            return self.Phase.SELECTED
        return self.Phase.OPEN if self.is_open(now) else self.Phase.CLOSED

    def takes_late_applications(self, now=None) -> bool:
        """Closed by its deadline or its selection (not by staff), and staff allow late ones onto the waitlist."""
        now = now or timezone.now()
        if not self.late_applications_to_waitlist or not self.open_for_applications:
            return False
        if self.cohort.registration_closed or self.cohort.enrollment_mode != Cohort.EnrollmentMode.APPLICATION:
            return False
        return bool(self.selection_confirmed_at or (self.deadline and now > self.deadline))

    def __str__(self) -> str:
        return f"Applications for {self.cohort}"

    @property
    def organization_limit(self) -> int | None:
        return self.max_per_organization or self.cohort.per_organization_limit

    @property
    def seat_count(self) -> int:
        return self.seats or self.cohort.capacity or 0

    def is_open(self, now=None) -> bool:
        now = now or timezone.now()
        if not self.open_for_applications or self.selection_confirmed_at:  # a confirmed selection closes the call
            return False
        if self.cohort.enrollment_mode != Cohort.EnrollmentMode.APPLICATION or self.cohort.registration_closed:
            return False
        if self.opens_at and now < self.opens_at:
            return False
        return not (self.deadline and now > self.deadline)


class Question(TenantModel):
    class Kind(models.TextChoices):
        TEXT = "text", "Short text"
        LONG_TEXT = "long_text", "Long text"
        SINGLE_CHOICE = "single_choice", "Single choice"
        MULTIPLE_CHOICE = "multiple_choice", "Multiple choice"
        YES_NO = "yes_no", "Yes or no"
        NUMBER = "number", "Number"
        DATE = "date", "Date"

    call = models.ForeignKey(ApplicationCall, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveSmallIntegerField(default=0)
    label = models.CharField(max_length=300)
    help_text = models.CharField(max_length=500, blank=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.TEXT)
    required = models.BooleanField(default=False)
    choices = models.TextField(blank=True, help_text="For choice questions: one option per line.")

    class Meta:
        ordering = ["call", "order", "id"]

    def __str__(self) -> str:
        return self.label

    @property
    def choice_list(self) -> list[str]:
        return lines(self.choices)


class DemographicCategory(TenantModel):
    """A self-identification question of one call, e.g. race/ethnicity; quotas name its key."""

    call = models.ForeignKey(ApplicationCall, on_delete=models.CASCADE, related_name="demographic_categories")
    key = models.SlugField(help_text='Used by quotas, e.g. "race".')
    label = models.CharField(max_length=200)
    help_text = models.CharField(max_length=500, blank=True)
    values = models.TextField(help_text="One value per line. 'Prefer not to say' is always offered.")
    multiple = models.BooleanField(default=True, help_text="A person may belong to several values.")
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["call", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["call", "key"], name="unique_demographic_category")]
        verbose_name_plural = "demographic categories"

    def __str__(self) -> str:
        return self.label

    @property
    def value_list(self) -> list[str]:
        return [v for v in lines(self.values) if v != PREFER_NOT_TO_SAY]


class Application(TenantModel):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        WITHDRAWN = "withdrawn", "Withdrawn"
        OFFERED = "offered", "Offered a seat"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        EXPIRED = "expired", "Offer expired"
        WAITLISTED = "waitlisted", "Waitlisted"
        REJECTED = "rejected", "Not selected"

    class Fixed(models.TextChoices):
        NONE = "", "Decided by the selection"
        IN = "in", "Fixed in by staff"
        OUT = "out", "Fixed out by staff"

    # Applications still in the running for a seat.
    IN_POOL = (Status.SUBMITTED, Status.OFFERED, Status.ACCEPTED, Status.WAITLISTED)

    call = models.ForeignKey(ApplicationCall, on_delete=models.CASCADE, related_name="applications")
    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="applications")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    answers = models.JSONField(default=dict, blank=True, help_text="Answers to the call's own questions, by question id.")
    # Contact and organization.
    phone = models.CharField(max_length=50, blank=True)
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.SET_NULL, related_name="applications"
    )
    # Role and leadership.
    title = models.CharField(max_length=200, blank=True)
    is_leader = models.BooleanField(default=False)
    is_executive_director = models.BooleanField(default=False)
    leadership_description = models.TextField(blank=True)
    team_name = models.CharField(max_length=200, blank=True)
    scholarship_requested = models.BooleanField(default=False)
    scholarship_note = models.TextField(blank=True)
    fixed = models.CharField(max_length=3, choices=Fixed.choices, default=Fixed.NONE, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    letter_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["call", "submitted_at", "id"]
        constraints = [models.UniqueConstraint(fields=["call", "applicant"], name="one_application_per_call")]
        indexes = [models.Index(fields=["call", "status"], name="application_pool_idx")]

    def __str__(self) -> str:
        return f"{self.applicant} for {self.call.cohort}"

    @property
    def reference(self) -> str:
        """The id the selection engine and the reports use; names no person."""
        return f"A{self.pk}"


class TeamMember(TenantModel):
    """Another leader on a team application (seed 001), confirming by a signed email link."""

    class Role(models.TextChoices):
        EXECUTIVE_DIRECTOR = "executive_director", "Executive director"
        LEADER = "leader", "Leader"

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="team_members")
    full_name = models.CharField(max_length=200)
    email = models.EmailField()
    title = models.CharField(max_length=200, blank=True)
    role = models.CharField(max_length=30, choices=Role.choices, default=Role.LEADER)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["application", "id"]
        constraints = [models.UniqueConstraint(fields=["application", "email"], name="unique_team_member_email")]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.get_role_display()})"


class AccommodationRequest(TenantModel):
    class Status(models.TextChoices):
        REQUESTED = "requested", "Requested"
        ACKNOWLEDGED = "acknowledged", "Acknowledged"
        ARRANGED = "arranged", "Arranged"

    application = models.OneToOneField(Application, on_delete=models.CASCADE, related_name="accommodation")
    needs = models.TextField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.REQUESTED)
    requested_at = models.DateTimeField(auto_now_add=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    arranged_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Accommodation for {self.application} ({self.get_status_display()})"


class DemographicResponse(TenantModel):
    """Special-category data: one applicant's voluntary self-identification.

    `answers` maps a category key to a list of values; an absent key or an empty
    list means "prefer not to say". Read only through `applications.demographics`.
    """

    application = models.OneToOneField(Application, on_delete=models.CASCADE, related_name="demographics")
    answers = models.JSONField(default=dict)
    consent_text = models.TextField()
    consented_at = models.DateTimeField()
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Demographic answers #{self.pk}"


class DemographicAccessLog(TenantModel):
    class Action(models.TextChoices):
        VIEW = "view", "Viewed"
        EXPORT = "export", "Exported"
        DELETE = "delete", "Deleted"
        PURGE = "purge", "Purged on schedule"

    viewer = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    application = models.ForeignKey(Application, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    action = models.CharField(max_length=10, choices=Action.choices)
    detail = models.CharField(max_length=300, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.viewer} {self.get_action_display().lower()} demographics of {self.application_id} at {self.at}"


class ReviewerAssignment(TenantModel):
    """Reviewers of one call. A call with none is reviewed by every reviewer of the organizer."""

    call = models.ForeignKey(ApplicationCall, on_delete=models.CASCADE, related_name="reviewer_assignments")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["call", "reviewer"], name="unique_reviewer_assignment")]


class RubricCategory(TenantModel):
    call = models.ForeignKey(ApplicationCall, on_delete=models.CASCADE, related_name="rubric")
    name = models.CharField(max_length=200)
    description = models.CharField(max_length=500, blank=True)
    weight = models.FloatField(default=1, validators=[MinValueValidator(0)])
    max_score = models.PositiveSmallIntegerField(default=5, validators=[MinValueValidator(1), MaxValueValidator(100)])
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["call", "order", "id"]
        verbose_name_plural = "rubric categories"

    def __str__(self) -> str:
        return self.name


class Review(TenantModel):
    class Recommendation(models.TextChoices):
        STRONG_YES = "strong_yes", "Strongly recommend"
        YES = "yes", "Recommend"
        MAYBE = "maybe", "Unsure"
        NO = "no", "Do not recommend"

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    scores = models.JSONField(default=dict, help_text="Score per rubric category id.")
    score = models.FloatField(help_text="Weighted score on a 0–100 scale.")
    recommendation = models.CharField(max_length=20, choices=Recommendation.choices)
    comment = models.TextField(blank=True)
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["application", "submitted_at"]
        constraints = [models.UniqueConstraint(fields=["application", "reviewer"], name="one_review_per_reviewer")]


class ConflictOfInterest(TenantModel):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="conflicts")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=300, blank=True)
    declared_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["application", "reviewer"], name="one_conflict_per_reviewer")]


class Quota(TenantModel):
    """Seats for one demographic value: at least `min_seats`, at most `max_seats` or a target share."""

    call = models.ForeignKey(ApplicationCall, on_delete=models.CASCADE, related_name="quotas")
    category = models.SlugField(help_text="Key of a demographic category of this call.")
    value = models.CharField(max_length=200)
    min_seats = models.PositiveIntegerField(default=0)
    max_seats = models.PositiveIntegerField(null=True, blank=True)
    target_share = models.FloatField(
        null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text="Share of the seats, e.g. 0.3 (rounded down and up around it).",
    )
    reserved = models.BooleanField(default=False, help_text='Reserved seats, e.g. "people in rightsholder positions".')
    label = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["call", "category", "value"]
        constraints = [models.UniqueConstraint(fields=["call", "category", "value"], name="unique_quota")]

    def __str__(self) -> str:
        return self.label or f"{self.category}: {self.value}"


class IntersectionQuota(TenantModel):
    """Seats for people matching several values at once, e.g. at least one Indigenous woman."""

    call = models.ForeignKey(ApplicationCall, on_delete=models.CASCADE, related_name="intersection_quotas")
    conditions = models.JSONField(help_text='Category key to value, e.g. {"race": "Indigenous", "gender": "Woman"}.')
    min_seats = models.PositiveIntegerField(default=0)
    max_seats = models.PositiveIntegerField(null=True, blank=True)
    label = models.CharField(max_length=200, blank=True)

    def __str__(self) -> str:
        return self.label or " and ".join(f"{k}: {v}" for k, v in sorted(self.conditions.items()))


class SelectionRun(TenantModel):
    class Kind(models.TextChoices):
        BEST = "best", "Best-representing cohort"
        LOTTERY = "lottery", "Fair lottery"
        REPLACEMENT = "replacement", "Replacement"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Ready for review"
        INFEASIBLE = "infeasible", "No cohort meets every rule"
        FAILED = "failed", "Failed"
        CONFIRMED = "confirmed", "Confirmed"
        DISCARDED = "discarded", "Discarded"

    FINISHED = (Status.DONE, Status.INFEASIBLE, Status.FAILED, Status.CONFIRMED, Status.DISCARDED)

    call = models.ForeignKey(ApplicationCall, on_delete=models.CASCADE, related_name="runs")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    seed = models.BigIntegerField()
    progress = models.CharField(max_length=200, blank=True)
    input_snapshot = models.JSONField(default=dict)
    result = models.JSONField(default=dict)
    error = models.TextField(blank=True)
    solver_version = models.CharField(max_length=50, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk} ({self.get_status_display()})"

    @property
    def is_finished(self) -> bool:
        return self.status in self.FINISHED

    @property
    def selected_references(self) -> list[str]:
        return list(self.result.get("selected", []))


class Offer(TenantModel):
    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for an answer"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        EXPIRED = "expired", "Expired"

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="offers")
    run = models.ForeignKey(SelectionRun, on_delete=models.PROTECT, related_name="offers")
    # The seat itself: an OFFERED enrollment (cohorts/lifecycle.py) holds it until it is
    # answered or expires; this row records the application's side and follows it.
    enrollment = models.ForeignKey(
        "cohorts.Enrollment", null=True, blank=True, on_delete=models.SET_NULL, related_name="application_offers"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    expires_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["application"], condition=Q(status__in=["pending", "accepted"]), name="one_open_offer_per_application"
            ),
        ]
        indexes = [models.Index(fields=["status", "expires_at"], name="offer_expiry_idx")]

    def __str__(self) -> str:
        return f"Offer to {self.application} ({self.get_status_display()})"


class SelectionAuditEntry(TenantModel):
    """Who decided what about a call's selection, and when (runs, confirmations, offers, letters)."""

    call = models.ForeignKey(ApplicationCall, on_delete=models.CASCADE, related_name="audit_entries")
    run = models.ForeignKey(SelectionRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="audit_entries")
    application = models.ForeignKey(Application, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    action = models.CharField(max_length=50)
    detail = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name_plural = "selection audit entries"

    def __str__(self) -> str:
        return f"{self.action} at {self.at}"

    @property
    def action_label(self) -> str:
        return self.action.replace("_", " ")
