"""Sessions of a cohort. The sessions issue adds attendance, notes, office hours, TA and feeds."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from timezone_field import TimeZoneField

from cohorts.models import Cohort, Facilitator, Module, Organization, Program, Team
from organizers.models import Organizer, TenantModel


class AffinityGroup(TenantModel):
    """A self-selected group within a cohort (seed 004 runs racial-justice sessions in affinity groups).

    Membership, the group's sessions and its notes are visible only to its members,
    its facilitators and the organizer's staff.
    """

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="affinity_groups")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    facilitators = models.ManyToManyField(Facilitator, blank=True, related_name="affinity_groups")
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="AffinityMembership", related_name="affinity_groups", blank=True
    )

    class Meta:
        db_table = "cohorts_affinitygroup"  # born in cohorts; moved next to its pages, the table kept
        ordering = ["cohort", "name"]
        constraints = [models.UniqueConstraint(fields=["cohort", "name"], name="unique_affinity_group_name")]

    def __str__(self) -> str:
        return self.name


class AffinityMembership(TenantModel):
    group = models.ForeignKey(AffinityGroup, on_delete=models.CASCADE, related_name="memberships")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="affinity_memberships")
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "cohorts_affinitymembership"
        constraints = [models.UniqueConstraint(fields=["group", "person"], name="unique_affinity_membership")]


class Session(TenantModel):
    class Kind(models.TextChoices):
        TRAINING = "training", "Training"
        MASTERCLASS = "masterclass", "Masterclass"
        AFFINITY = "affinity", "Affinity-group session"
        CHECK_IN = "check_in", "Check-in"
        OFFICE_HOURS = "office_hours", "Office hours"

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

    class Meta:
        ordering = ["starts_at"]
        indexes = [
            models.Index(fields=["cohort", "starts_at"], name="session_schedule_idx"),
            # The reminder and after-session sweeps select by time across organizers.
            models.Index(fields=["starts_at"], name="session_start_idx"),
            models.Index(fields=["ends_at"], name="session_end_idx"),
        ]
        constraints = [models.CheckConstraint(condition=models.Q(ends_at__gt=models.F("starts_at")), name="session_ends_after_start")]

    def __str__(self) -> str:
        return self.title


# --- Attendance, notes and follow-ups -------------------------------------------------


class Attendance(TenantModel):
    """Who was at a session. For rotation cohorts the person an organization sent is
    recorded with that organization, so the attendance counts for both."""

    class Status(models.TextChoices):
        PRESENT = "present", "Present"
        LATE = "late", "Late"
        EXCUSED = "excused", "Excused"
        ABSENT = "absent", "Absent"

    ATTENDED = (Status.PRESENT, Status.LATE)

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendances")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attendances")
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.SET_NULL, related_name="attendances"
    )
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="attendances")
    status = models.CharField(max_length=10, choices=Status.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["session", "person"]
        constraints = [models.UniqueConstraint(fields=["session", "person"], name="one_attendance_per_person")]

    def __str__(self) -> str:
        return f"{self.person} at {self.session}: {self.get_status_display()}"


class SessionNote(TenantModel):
    """Notes of one session: private ones for staff and the cohort's facilitators, a summary for participants."""

    session = models.OneToOneField(Session, on_delete=models.CASCADE, related_name="note")
    private_notes = models.TextField(blank=True, help_text="Only staff and this cohort's facilitators see these.")
    shared_summary = models.TextField(blank=True, help_text="Markdown. Participants of the session see this.")
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Notes for {self.session}"


class FollowUpAction(TenantModel):
    """Something to do after a session, for one participant or one team."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="follow_ups")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="follow_up_actions"
    )
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.CASCADE, related_name="follow_up_actions")
    description = models.CharField(max_length=500)
    due_on = models.DateField(null=True, blank=True)
    is_done = models.BooleanField(default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["session", "created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(person__isnull=False) | models.Q(team__isnull=False), name="follow_up_has_owner"
            )
        ]

    def __str__(self) -> str:
        return self.description


# --- Per-cohort and per-organizer settings owned by this app ---------------------------


def _positive_numbers(value: str) -> None:
    try:
        numbers = parse_numbers(value)
    except ValueError:
        raise ValidationError("Use whole numbers separated by commas, e.g. 24, 1.")
    if not numbers or any(n <= 0 for n in numbers):
        raise ValidationError("Give at least one number above zero.")


def parse_numbers(value: str) -> list[int]:
    return sorted({int(part) for part in value.replace(" ", "").split(",") if part}, reverse=True)


class CohortSessionSettings(TenantModel):
    """How a cohort is completed and followed up after it ends."""

    cohort = models.OneToOneField(Cohort, on_delete=models.CASCADE, related_name="session_settings")
    completion_min_attendance = models.PositiveSmallIntegerField(
        default=75, validators=[MaxValueValidator(100)],
        help_text="Percent of held sessions a participant must attend (present or late) to complete the cohort.",
    )
    checkin_months = models.CharField(
        max_length=50, default="1, 3, 6, 12", validators=[_positive_numbers],
        help_text="Months after the cohort ends when participants get a check-in.",
    )
    checkin_questions = models.TextField(
        blank=True,
        default="What have you put into practice since the cohort ended?\nWhat is getting in the way?\nWhat support would help now?",
        help_text="One question per line.",
    )

    class Meta:
        verbose_name = "cohort completion and check-in settings"
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return f"Settings for {self.cohort}"

    @property
    def question_list(self) -> list[str]:
        return [line.strip() for line in self.checkin_questions.splitlines() if line.strip()]


class OrganizerMessagingSettings(TenantModel):
    """When an organizer's reminders go out."""

    organizer = models.OneToOneField(Organizer, on_delete=models.CASCADE, related_name="messaging_settings")
    session_reminder_hours = models.CharField(
        max_length=50, default="24, 1", validators=[_positive_numbers],
        help_text="Hours before a session when participants get a reminder (at most 48).",
    )
    office_hour_reminder_hours = models.CharField(
        max_length=50, default="24, 1", validators=[_positive_numbers],
        help_text="Hours before an office-hour booking when both sides get a reminder (at most 48).",
    )
    send_after_session_message = models.BooleanField(
        default=True, help_text="After a session, offer technical assistance and ask for feedback."
    )

    class Meta:
        verbose_name = "messaging settings"
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return f"Messaging settings of {self.organizer}"

    def clean(self):
        super().clean()  # TenantModel: one organizer per row
        for name in ("session_reminder_hours", "office_hour_reminder_hours"):
            try:
                if any(h > MAX_REMINDER_HOURS for h in parse_numbers(getattr(self, name))):
                    raise ValidationError({name: f"Reminders go at most {MAX_REMINDER_HOURS} hours ahead."})
            except ValueError:
                pass  # the field validator reports it


MAX_REMINDER_HOURS = 48
DEFAULT_REMINDER_HOURS = [24, 1]


class SessionReminder(TenantModel):
    """A reminder round of one session that has been sent (the sweep skips it next time)."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="reminders")
    hours_before = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField(auto_now_add=True)
    recipients = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["session", "hours_before"], name="one_reminder_round")]


class SessionFollowUpMessage(TenantModel):
    """The after-session message (TA offer and feedback request) went out for this session."""

    session = models.OneToOneField(Session, on_delete=models.CASCADE, related_name="after_message")
    sent_at = models.DateTimeField(auto_now_add=True)


class SessionFeedback(TenantModel):
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="feedback")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    rating = models.PositiveSmallIntegerField(
        choices=[(i, str(i)) for i in range(1, 6)], help_text="1 (not useful) to 5 (very useful)"
    )
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["session", "person"], name="one_feedback_per_person")]


# --- Office hours ------------------------------------------------------------------------


class OfficeHourWindow(TenantModel):
    """Availability staff publish: one window, or the same window every week until a date."""

    title = models.CharField(max_length=200, default="Office hours")
    host = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="office_hour_windows")
    program = models.ForeignKey(
        Program, null=True, blank=True, on_delete=models.CASCADE, related_name="office_hour_windows",
        help_text="Who may book: participants of this program. Empty: participants of any of the organizer's programs.",
    )
    time_zone = TimeZoneField(default="UTC")
    first_date = models.DateField()
    start_time = models.TimeField(help_text="Local time in the window's time zone.")
    slot_minutes = models.PositiveSmallIntegerField(default=30, validators=[MinValueValidator(5), MaxValueValidator(240)])
    slots_per_window = models.PositiveSmallIntegerField(default=4, validators=[MinValueValidator(1), MaxValueValidator(24)])
    repeat_weekly_until = models.DateField(null=True, blank=True, help_text="Empty: a one-off window.")
    location = models.CharField(max_length=300, blank=True)
    video_url = models.URLField(blank=True, help_text="Sent to the person who books.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["first_date", "start_time"]

    def __str__(self) -> str:
        return f"{self.title} from {self.first_date}"

    def clean(self):
        super().clean()  # TenantModel: one organizer per row
        if self.repeat_weekly_until and self.first_date and self.repeat_weekly_until < self.first_date:
            raise ValidationError({"repeat_weekly_until": "The last week cannot be before the first date."})


class OfficeHourSlot(TenantModel):
    window = models.ForeignKey(OfficeHourWindow, on_delete=models.CASCADE, related_name="slots")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()

    class Meta:
        ordering = ["starts_at"]
        constraints = [models.UniqueConstraint(fields=["window", "starts_at"], name="unique_office_hour_slot")]
        indexes = [models.Index(fields=["starts_at"], name="office_hour_slot_start_idx")]

    def __str__(self) -> str:
        return f"{self.window.title} at {self.starts_at:%Y-%m-%d %H:%M} UTC"


class OfficeHourBooking(TenantModel):
    class Status(models.TextChoices):
        BOOKED = "booked", "Booked"
        CANCELLED = "cancelled", "Cancelled"

    slot = models.ForeignKey(OfficeHourSlot, on_delete=models.CASCADE, related_name="bookings")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="office_hour_bookings")
    topic = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.BOOKED)
    created_at = models.DateTimeField(auto_now_add=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["slot__starts_at"]
        constraints = [
            # The database, not the page, guarantees a slot is never double-booked.
            models.UniqueConstraint(fields=["slot"], condition=models.Q(status="booked"), name="one_booking_per_slot"),
        ]

    def __str__(self) -> str:
        return f"{self.person} at {self.slot}"


class OfficeHourReminder(TenantModel):
    booking = models.ForeignKey(OfficeHourBooking, on_delete=models.CASCADE, related_name="reminders")
    hours_before = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["booking", "hours_before"], name="one_office_hour_reminder")]


# --- Technical assistance ----------------------------------------------------------------


class AssistanceRequest(TenantModel):
    class Status(models.TextChoices):
        OPEN = "open", "Waiting for someone to pick it up"
        ASSIGNED = "assigned", "Assigned"
        ANSWERED = "answered", "Answered"
        CLOSED = "closed", "Closed"

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="assistance_requests")
    session = models.ForeignKey(Session, null=True, blank=True, on_delete=models.SET_NULL, related_name="assistance_requests")
    requester = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assistance_requests")
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="assistance_requests")
    topic = models.CharField(max_length=200)
    description = models.TextField()
    preferred_times = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="assigned_assistance"
    )
    answer = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # The agreed TA call, set by staff or the facilitator (services.assistance.schedule_appointment).
    appointment_starts_at = models.DateTimeField("appointment starts", null=True, blank=True)
    appointment_ends_at = models.DateTimeField("appointment ends", null=True, blank=True)
    appointment_where = models.CharField(
        "where or how to join", max_length=500, blank=True,
        help_text="A room, a phone number or a video link: what the participant needs to join.",
    )
    # Calendar apps replace an event only when its SEQUENCE grows: bumped on every change and cancellation.
    appointment_sequence = models.PositiveIntegerField(default=0, editable=False)
    appointment_changed_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["organizer", "status", "created_at"], name="assistance_queue_idx"),
            models.Index(fields=["requester", "appointment_starts_at"], name="assistance_appointment_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(appointment_starts_at__isnull=True, appointment_ends_at__isnull=True)
                | Q(appointment_ends_at__gt=F("appointment_starts_at")),
                name="assistance_appointment_ends_after_start",
                violation_error_message="The call needs both a start and an end, and ends after it starts.",
            ),
        ]

    def __str__(self) -> str:
        return self.topic

    @property
    def has_appointment(self) -> bool:
        return self.appointment_starts_at is not None


class AssistanceReply(TenantModel):
    """One message in a request's thread after it was asked: an answer from whoever handles
    it, or the requester's reply to one (which reopens an answered or closed request)."""

    request = models.ForeignKey(AssistanceRequest, on_delete=models.CASCADE, related_name="replies")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name_plural = "assistance replies"

    def __str__(self) -> str:
        return f"Reply on {self.request_id}"


# --- Calendar feeds ----------------------------------------------------------------------


class CalendarFeed(models.Model):
    """A private ICS feed: a person's whole schedule (no cohort) or one cohort's sessions.

    Only a SHA-256 of the token is stored; the address is shown once when made.
    Not organizer-scoped: a personal feed spans organizers, and the token is looked up
    before any organizer is known.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feeds")
    cohort = models.ForeignKey(Cohort, null=True, blank=True, on_delete=models.CASCADE, related_name="calendar_feeds")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "revoked_at"], name="calendar_feed_owner_idx")]

    def __str__(self) -> str:
        return f"Calendar feed of {self.user}" + (f" for {self.cohort_id}" if self.cohort_id else "")


# --- Check-ins after a cohort ends -------------------------------------------------------


class CheckInRound(TenantModel):
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="checkin_rounds")
    months_after = models.PositiveSmallIntegerField()
    due_on = models.DateField()
    questions = models.JSONField(default=list, help_text="The questions as they were when the round went out.")
    sent_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["cohort", "months_after"]
        constraints = [models.UniqueConstraint(fields=["cohort", "months_after"], name="one_checkin_round")]
        indexes = [models.Index(fields=["reminded_at", "sent_at"], name="checkin_reminder_idx")]

    def __str__(self) -> str:
        return f"{self.months_after}-month check-in of {self.cohort}"


class CheckInResponse(TenantModel):
    round = models.ForeignKey(CheckInRound, on_delete=models.CASCADE, related_name="responses")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="checkin_responses")
    answers = models.JSONField(default=list)
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["round", "person"], name="one_checkin_response")]
