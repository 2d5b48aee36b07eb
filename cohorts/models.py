"""The catalog: programs, their runs (cohorts), modules, organizations, enrollments, teams.

Every model carries `organizer` directly (as pretix puts `event` on everything), so
scoping and hot queries never need joins; services and the admin keep it consistent.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from timezone_field import TimeZoneField

from organizers.models import Organizer, TenantModel


class Organization(TenantModel):
    """A participant's employer or home organization, as one organizer knows it."""

    organizer = models.ForeignKey(Organizer, on_delete=models.CASCADE, related_name="organizations")
    name = models.CharField(max_length=200)
    sector = models.CharField(max_length=100, blank=True, help_text="e.g. health, human services, workforce")
    region = models.CharField(max_length=100, blank=True, help_text="Region or state, e.g. Whatcom County, Arizona")
    website = models.URLField(blank=True)
    is_member = models.BooleanField(default=False, help_text="Member organization (prioritized in selection).")
    is_contributing_partner = models.BooleanField(
        default=False, help_text="Financially contributing partner (partner discount on fees)."
    )
    is_grantee = models.BooleanField(default=False)

    class Meta:
        ordering = ["name"]
        # Any case: "ACME" and "Acme" registering at the same moment are one organization
        # (lifecycle.organization_named reads the winner back), and the admin says so.
        constraints = [
            models.UniqueConstraint(
                "organizer", Lower("name"), name="unique_organization_name_any_case",
                violation_error_message="This organizer already has an organization of this name (in any case).",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Affiliation(TenantModel):
    """A person's position at an organization."""

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="affiliations")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="affiliations")
    title = models.CharField(max_length=200, blank=True)
    is_leader = models.BooleanField(default=False, help_text="Holds a leadership role (director, manager, chair).")
    is_executive_director = models.BooleanField(default=False)
    is_current = models.BooleanField(default=True)

    class Meta:
        ordering = ["organization", "person"]
        constraints = [
            models.UniqueConstraint(fields=["person", "organization"], name="unique_affiliation"),
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.title or 'member'}, {self.organization}"


class Facilitator(TenantModel):
    """Someone who leads sessions: an account holder or a guest known only by name and bio."""

    organizer = models.ForeignKey(Organizer, on_delete=models.CASCADE, related_name="facilitators")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="facilitator_profiles"
    )
    name = models.CharField(max_length=200)
    bio = models.TextField(blank=True)
    affiliation = models.CharField(max_length=200, blank=True)
    website = models.URLField(blank=True)
    is_guest = models.BooleanField(default=False)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Program(TenantModel):
    class Kind(models.TextChoices):
        TRAINING_SERIES = "training_series", "Training series"
        COHORT = "cohort", "Cohort program"
        COMMUNITY_OF_PRACTICE = "community_of_practice", "Community of practice"
        LEARNING_TRAJECTORY = "learning_trajectory", "Learning trajectory"
        WORKSHOP = "workshop", "Workshop"
        FRAMEWORK = "framework", "Framework"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"
        ARCHIVED = "archived", "Archived"

    organizer = models.ForeignKey(Organizer, on_delete=models.CASCADE, related_name="programs")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    title = models.CharField(max_length=200)
    slug = models.SlugField()
    summary = models.CharField(max_length=400, blank=True)
    description = models.TextField(blank=True, help_text="Markdown.")
    audience = models.TextField(blank=True, help_text="Who it is for, e.g. directors, managers, leaders of committees.")
    eligibility = models.TextField(blank=True)
    objectives = models.TextField(blank=True, help_text="One objective per line.")
    values = models.TextField(blank=True, help_text="One value per line.")
    outcomes = models.TextField(blank=True, help_text="Expected outcomes, one per line.")
    facilitators = models.ManyToManyField(Facilitator, blank=True, related_name="programs")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title"]
        constraints = [models.UniqueConstraint(fields=["organizer", "slug"], name="unique_program_slug")]
        indexes = [models.Index(fields=["organizer", "status", "kind"], name="program_catalog_idx")]

    def __str__(self) -> str:
        return self.title

    @staticmethod
    def lines(text: str) -> list[str]:
        return [line.strip(" -•\t") for line in text.splitlines() if line.strip(" -•\t")]

    @property
    def objective_list(self) -> list[str]:
        return self.lines(self.objectives)

    @property
    def value_list(self) -> list[str]:
        return self.lines(self.values)

    @property
    def outcome_list(self) -> list[str]:
        return self.lines(self.outcomes)


class PlanningPartner(TenantModel):
    """A partner organization on a program's planning team, with what it brings (seed 001)."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="planning_partners")
    name = models.CharField(max_length=200)
    focus_area = models.CharField(max_length=300)
    website = models.URLField(blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["program", "order", "name"]

    def __str__(self) -> str:
        return self.name


class Cohort(TenantModel):
    """One run of a program, e.g. "Inaugural series, October 2024" or "Cohort 1"."""

    class EnrollmentMode(models.TextChoices):
        OPEN = "open", "Open registration"
        APPLICATION = "application", "Application and selection"
        INVITATION = "invitation", "Invitation only"

    organizer = models.ForeignKey(Organizer, on_delete=models.CASCADE, related_name="cohorts")
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="cohorts")
    title = models.CharField(max_length=200)
    slug = models.SlugField()
    starts_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)
    time_zone = TimeZoneField(default="UTC")
    capacity = models.PositiveIntegerField(
        null=True, blank=True, help_text="Seats (people). Empty: no limit.", validators=[MinValueValidator(1)]
    )
    enrollment_mode = models.CharField(max_length=20, choices=EnrollmentMode.choices, default=EnrollmentMode.OPEN)
    registration_opens_at = models.DateTimeField(null=True, blank=True)
    registration_closes_at = models.DateTimeField(null=True, blank=True)
    registration_closed = models.BooleanField(default=False, help_text="Closed by staff, whatever the dates say.")
    closed_message = models.TextField(blank=True, help_text="Shown while registration is closed.")
    contact_name = models.CharField(max_length=200, blank=True, help_text="Whom to contact about this cohort.")
    contact_email = models.EmailField(blank=True)
    commitment = models.CharField(max_length=300, blank=True, help_text='e.g. "1 day per module"')
    is_free = models.BooleanField(default=True)
    cost_summary = models.CharField(max_length=300, blank=True, help_text="Shown on the program page.")
    per_organization_limit = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="At most this many participants per organization (e.g. 1). Empty: no limit."
    )
    rotation_allowed = models.BooleanField(
        default=False, help_text="An organization may send different people to different modules."
    )
    is_team_cohort = models.BooleanField(default=False, help_text="Organizations join as teams.")
    team_size_min = models.PositiveSmallIntegerField(null=True, blank=True)
    team_size_max = models.PositiveSmallIntegerField(null=True, blank=True)
    team_requires_executive_director = models.BooleanField(default=False)
    offer_hours = models.PositiveSmallIntegerField(
        default=48, help_text="How long a waitlisted person has to accept a freed seat."
    )
    is_published = models.BooleanField(default=True)

    class Meta:
        ordering = ["program", "starts_on", "title"]
        constraints = [models.UniqueConstraint(fields=["program", "slug"], name="unique_cohort_slug")]
        permissions = [("facilitate_cohort", "Run sessions and record attendance for this cohort")]

    def __str__(self) -> str:
        return f"{self.program.title}: {self.title}"

    def clean(self):
        super().clean()  # TenantModel: one organizer per row
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": "The cohort cannot end before it starts."})
        if self.team_size_min and self.team_size_max and self.team_size_max < self.team_size_min:
            raise ValidationError({"team_size_max": "The largest team size must be at least the smallest."})

    def team_composition_problem(self, *, size: int, executive_directors: int) -> str:
        """Why a team of `size` people (its lead included) with this many people marked as
        executive director does not fit this cohort, or "" when it does.

        The one team-composition rule: open-cohort registration, team applications and
        the selection engine's eligibility all ask it. Seed 001 asks for "a team of three
        leaders, including the executive director": an organization has one executive
        director, so a team includes exactly one when the cohort requires it, and never
        more than one.
        """
        if self.team_size_min and size < self.team_size_min:
            return f"Teams in this cohort have at least {self.team_size_min} people; this team has {size}."
        if self.team_size_max and size > self.team_size_max:
            return f"Teams in this cohort have at most {self.team_size_max} people; this team has {size}."
        if executive_directors > 1:
            return (f"A team includes one executive director; {executive_directors} people are marked as "
                    "executive director.")
        if self.team_requires_executive_director and executive_directors < 1:
            return "Teams in this cohort include their executive director: mark who it is."
        return ""


class Module(TenantModel):
    """An ordered unit of a program or of one cohort, e.g. "October — Leveraging DEI"."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="modules")
    cohort = models.ForeignKey(
        Cohort, null=True, blank=True, on_delete=models.CASCADE, related_name="modules",
        help_text="Empty: the module belongs to every cohort of the program.",
    )
    order = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(max_length=200)
    period = models.CharField(max_length=100, blank=True, help_text='e.g. "September" or "Session 2"')
    description = models.TextField(blank=True, help_text="Markdown.")
    learning_objectives = models.TextField(blank=True, help_text="One objective per line.")
    facilitators = models.ManyToManyField(Facilitator, blank=True, related_name="modules")

    class Meta:
        ordering = ["program", "order", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def objective_list(self) -> list[str]:
        return Program.lines(self.learning_objectives)


class Team(TenantModel):
    """An organization's team in a team cohort; rules come from the cohort."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="teams")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="teams")
    name = models.CharField(max_length=200, blank=True, help_text='e.g. "Arizona state team"')
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["cohort", "name"]
        constraints = [models.UniqueConstraint(fields=["cohort", "organization"], name="one_team_per_organization")]

    def __str__(self) -> str:
        return self.name or str(self.organization)


class Enrollment(TenantModel):
    class Role(models.TextChoices):
        PARTICIPANT = "participant", "Participant"
        TEAM_LEAD = "team_lead", "Team lead"
        EXECUTIVE_DIRECTOR = "executive_director", "Executive director"

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", "Confirmed"
        WAITLISTED = "waitlisted", "Waitlisted"
        OFFERED = "offered", "Offered a seat"
        AWAITING_PAYMENT = "awaiting_payment", "Seat held until payment"
        CANCELLED = "cancelled", "Cancelled"
        COMPLETED = "completed", "Completed"

    # Statuses that hold a seat: an offer holds the seat until it is accepted or expires,
    # a payment hold until it is paid or lapses (cohorts/lifecycle.py owns every change).
    SEAT_HOLDING = (Status.CONFIRMED, Status.OFFERED, Status.AWAITING_PAYMENT, Status.COMPLETED)
    # Statuses that make someone a participant (sessions, library, community, schedules).
    PARTICIPATING = (Status.CONFIRMED, Status.COMPLETED)
    # Statuses a person can still cancel from.
    CANCELLABLE = (Status.CONFIRMED, Status.WAITLISTED, Status.OFFERED, Status.AWAITING_PAYMENT)

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="enrollments")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrollments")
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.SET_NULL, related_name="enrollments"
    )
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="members")
    role = models.CharField(max_length=30, choices=Role.choices, default=Role.PARTICIPANT)
    status = models.CharField(max_length=20, choices=Status.choices)
    offer_expires_at = models.DateTimeField(null=True, blank=True)
    payment_due_at = models.DateTimeField(
        null=True, blank=True, help_text="A seat awaiting payment is released after this moment."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    waitlisted_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["cohort", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "person"], condition=~Q(status="cancelled"), name="one_active_enrollment_per_person"
            ),
        ]
        indexes = [
            models.Index(fields=["cohort", "status", "waitlisted_at"], name="enrollment_waitlist_idx"),
            models.Index(fields=["status", "offer_expires_at"], name="enrollment_offer_expiry_idx"),
            models.Index(fields=["status", "payment_due_at"], name="enrollment_payment_due_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.person} in {self.cohort} ({self.get_status_display()})"


class TeamInvitation(TenantModel):
    """A member a lead named when registering an open cohort's team, until they answer.

    The lead names people by name and email whether or not they have an account; nothing
    is enrolled (and no account created) until the member confirms through their signed
    link (`cohorts.lifecycle.confirm_team_invitation`). While pending, the invitation
    holds a seat for the team whenever the lead's registration holds one, so the
    waitlist never splits a team; when the team is waitlisted it waits with it and the
    team moves up as one. Declining frees the held seat (refilled from the waitlist); a
    lead's cancelled registration withdraws the invitations still pending.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for them to confirm"
        CONFIRMED = "confirmed", "Confirmed"
        DECLINED = "declined", "Declined"
        WITHDRAWN = "withdrawn", "Withdrawn (the team's registration ended)"

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="team_invitations")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="invitations")
    lead_enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="team_invitations",
                                        help_text="The registration of the lead who named them.")
    full_name = models.CharField(max_length=200)
    email = models.EmailField()
    title = models.CharField(max_length=200, blank=True)
    is_executive_director = models.BooleanField(default=False)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    invited_at = models.DateTimeField()
    sent_at = models.DateTimeField(help_text="When the link was last emailed.")
    answered_at = models.DateTimeField(null=True, blank=True)
    reported_at = models.DateTimeField(
        null=True, blank=True, help_text="When the lead and staff were told this member has not confirmed."
    )
    enrollment = models.ForeignKey(Enrollment, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                   help_text="The member's registration, once they confirmed.")

    class Meta:
        ordering = ["team", "id"]
        constraints = [
            models.UniqueConstraint(fields=["team", "email"], condition=Q(status__in=["pending", "confirmed"]),
                                    name="one_open_team_invitation_per_email"),
        ]
        indexes = [models.Index(fields=["status", "invited_at"], name="team_invitation_due_idx")]

    def __str__(self) -> str:
        return f"{self.full_name} <{self.email}> for {self.team} ({self.get_status_display()})"


class EnrollmentEvent(TenantModel):
    """One change of an enrollment's status: who, when, from, to, why (written by cohorts/lifecycle.py)."""

    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text="Empty: the system (a deadline, a freed seat).",
    )
    at = models.DateTimeField()
    from_status = models.CharField(max_length=20, blank=True, help_text="Empty for a new registration.")
    to_status = models.CharField(max_length=20)
    reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["enrollment", "at", "id"]
        indexes = [models.Index(fields=["enrollment", "at"], name="enrollment_event_idx")]

    def __str__(self) -> str:
        return f"{self.enrollment_id}: {self.from_status or 'new'} → {self.to_status}"

    def _label(self, value: str) -> str:
        return Enrollment.Status(value).label if value in Enrollment.Status.values else value

    @property
    def from_label(self) -> str:
        return self._label(self.from_status) if self.from_status else "New"

    @property
    def to_label(self) -> str:
        return self._label(self.to_status)


class ModuleDelegate(TenantModel):
    """Rotation: whom an organization sends to one module (seed 004).

    Attendance later credits both this person and the organization.
    """

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="module_delegates")
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="delegates")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="module_delegates")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="module_delegations")

    class Meta:
        ordering = ["module", "organization"]
        constraints = [
            models.UniqueConstraint(fields=["cohort", "module", "organization", "person"], name="unique_module_delegate"),
        ]

    def __str__(self) -> str:
        return f"{self.person} for {self.organization} at {self.module}"


# Per-object grants (this facilitator runs this cohort), in direct foreign-key tables
# as django-guardian recommends for speed; the organizer remains the tenant boundary.
class CohortUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Cohort, on_delete=models.CASCADE)


class CohortGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Cohort, on_delete=models.CASCADE)
