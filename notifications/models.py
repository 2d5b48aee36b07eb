from django.conf import settings
from django.db import models

from organizers.models import Organizer, TenantModel


class OutboundMessage(TenantModel):
    """One message Praxis sends, written in the caller's transaction.

    The `dedupe_key` (e.g. "reminder:session=42:user=7:24h"), unique per organizer,
    makes sending idempotent: asking twice for the same message, or delivering its task twice,
    never sends it twice.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to send"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        SUPPRESSED = "suppressed", "Not sent (recipient opted out)"

    organizer = models.ForeignKey(Organizer, on_delete=models.CASCADE, related_name="outbound_messages")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="messages_received"
    )
    to_email = models.EmailField()
    template = models.CharField(max_length=100, help_text="notifications/email/<template>.subject.txt / .txt / .html")
    context = models.JSONField(default=dict, blank=True)
    attachments = models.JSONField(default=list, blank=True, help_text="[{filename, content, mimetype}]")
    dedupe_key = models.CharField(max_length=255)
    essential = models.BooleanField(
        default=True, help_text="Essential messages (bookings, changed times) go even to people who opted out."
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    subject = models.CharField(max_length=255, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"], name="outbox_due_idx")]
        constraints = [models.UniqueConstraint(fields=["organizer", "dedupe_key"], name="unique_outbox_dedupe_key")]

    def __str__(self) -> str:
        return f"{self.template} to {self.to_email} ({self.get_status_display()})"


class StaffAlertPreference(TenantModel):
    """How one staff member of one organizer hears of new requests, proposals and applications."""

    class Mode(models.TextChoices):
        IMMEDIATE = "immediate", "An email for each one, right away"
        DAILY = "daily", "One email a day with everything new"
        OFF = "off", "No email (I check the pages myself)"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_alert_preferences")
    mode = models.CharField(max_length=20, choices=Mode.choices, default=Mode.IMMEDIATE)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organizer", "user"], name="one_alert_preference_per_staff")]

    def __str__(self) -> str:
        return f"{self.user} at {self.organizer}: {self.get_mode_display()}"


class StaffAlertItem(TenantModel):
    """Something new for staff, waiting for a daily digest (one row per staff member)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=40)
    key = models.CharField(max_length=200, help_text="What the alert is about, e.g. application=12")
    summary = models.CharField(max_length=300)
    url = models.URLField(max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)
    digest_key = models.CharField(max_length=255, blank=True, help_text="The digest that carried it, once sent.")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organizer", "user", "kind", "key"], name="one_alert_item_per_event")]
        indexes = [models.Index(fields=["digest_key", "organizer"], name="alert_item_pending_idx")]
