"""Community spaces: discussion that outlives the cohort.

A space belongs to a cohort, to an affinity group, or to a program (its standing
community of practice). Who is a member is never stored as such: it is computed from
enrollments, affinity memberships, facilitation and staff invitations in
`community.selectors` (one rule), so a cancelled enrollment leaves the cohort space
without any sync code. `SpaceMember` keeps what a person chose in a space (joined,
notifications, directory profile, guidelines read) and staff invitations.
"""

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from cohorts.models import Cohort, Program
from sessions_app.models import AffinityGroup
from library.uploads import private_storage_name
from organizers.models import TenantModel

PRIVATE_PREFIX = "private/community"


def attachment_upload_to(instance: "Post", filename: str) -> str:
    """A random storage name under the private prefix, never served as public media."""
    return private_storage_name(PRIVATE_PREFIX, instance.organizer_id, filename)


class Space(TenantModel):
    class Kind(models.TextChoices):
        COHORT = "cohort", "Cohort space"
        AFFINITY_GROUP = "affinity_group", "Affinity-group space"
        PROGRAM = "program", "Community of practice (every cohort, alumni too)"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    cohort = models.ForeignKey(Cohort, null=True, blank=True, on_delete=models.CASCADE, related_name="spaces")
    affinity_group = models.ForeignKey(
        AffinityGroup, null=True, blank=True, on_delete=models.CASCADE, related_name="spaces"
    )
    program = models.ForeignKey(Program, null=True, blank=True, on_delete=models.CASCADE, related_name="spaces")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, help_text="Markdown. What this space is for.")
    guidelines = models.TextField(
        blank=True, help_text="Markdown. Community guidelines, shown to each person before their first post."
    )
    is_archived = models.BooleanField(default=False, help_text="Read-only: no new threads or replies.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title", "id"]
        constraints = [
            models.UniqueConstraint(fields=["cohort"], condition=Q(kind="cohort"), name="one_space_per_cohort"),
            models.UniqueConstraint(
                fields=["affinity_group"], condition=Q(kind="affinity_group"), name="one_space_per_affinity_group"
            ),
            models.UniqueConstraint(fields=["program"], condition=Q(kind="program"), name="one_space_per_program"),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self):
        super().clean()  # TenantModel: one organizer per row
        needed = {self.Kind.COHORT: "cohort", self.Kind.AFFINITY_GROUP: "affinity_group", self.Kind.PROGRAM: "program"}
        field = needed.get(self.kind)
        if field and not getattr(self, f"{field}_id"):
            raise ValidationError({field: "Choose what this space belongs to."})
        for other in set(needed.values()) - {field}:
            setattr(self, other, None)
        if self.kind == self.Kind.AFFINITY_GROUP and self.affinity_group_id:
            self.cohort_id = self.affinity_group.cohort_id  # the group's cohort, for membership and sessions


class SpaceMember(TenantModel):
    """A person's own settings in one space, and staff invitations.

    A row alone does not make anyone a member, except when `invited_at` is set:
    `community.selectors` decides membership from enrollments and grants.
    """

    class Notify(models.TextChoices):
        EVERY_POST = "every_post", "Every new thread and reply"
        REPLIES_AND_MENTIONS = "replies_mentions", "Replies to my threads and mentions of me"
        DAILY_DIGEST = "daily_digest", "A daily digest"
        NOTHING = "nothing", "Nothing"

    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="people")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="community_spaces")
    joined_at = models.DateTimeField(null=True, blank=True, help_text="When they joined a community of practice.")
    invited_at = models.DateTimeField(null=True, blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    notify = models.CharField(max_length=20, choices=Notify.choices, default=Notify.REPLIES_AND_MENTIONS)
    guidelines_accepted_at = models.DateTimeField(null=True, blank=True)
    in_directory = models.BooleanField(default=False)
    organization = models.CharField(max_length=200, blank=True)
    role = models.CharField(max_length=200, blank=True)
    introduction = models.TextField(max_length=1000, blank=True)
    can_help_with = models.TextField(max_length=500, blank=True)

    class Meta:
        ordering = ["space", "person"]
        constraints = [models.UniqueConstraint(fields=["space", "person"], name="unique_space_member")]

    def __str__(self) -> str:
        return f"{self.person} in {self.space}"


class Thread(TenantModel):
    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="threads")
    title = models.CharField(max_length=200)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    session = models.ForeignKey(
        "sessions_app.Session", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text="A session summary posted into the space.",
    )
    is_pinned = models.BooleanField(default=False)
    is_announcement = models.BooleanField(default=False)
    is_locked = models.BooleanField(default=False)
    is_hidden = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_post_at = models.DateTimeField(db_index=True)
    # Title (A) and the visible posts' text (B), refreshed by the services on PostgreSQL.
    search_vector = SearchVectorField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-is_pinned", "-last_post_at", "-id"]
        indexes = [models.Index(fields=["space", "-is_pinned", "-last_post_at"], name="community_thread_list_idx")]

    def __str__(self) -> str:
        return self.title


class Post(TenantModel):
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="posts")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    is_opening = models.BooleanField(default=False)
    body = models.TextField(help_text="Markdown.")
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    is_hidden = models.BooleanField(default=False)
    attachment = models.FileField(upload_to=attachment_upload_to, max_length=255, blank=True)
    attachment_name = models.CharField(max_length=150, blank=True)
    attachment_type = models.CharField(max_length=120, blank=True)
    attachment_size = models.PositiveBigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["thread", "created_at"], name="community_post_thread_idx")]

    def __str__(self) -> str:
        return f"Post {self.pk} in {self.thread_id}"


class ThreadRead(TenantModel):
    """When a person last read a thread; newer posts are unread."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="reads")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    read_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["thread", "person"], name="unique_thread_read")]


class Report(TenantModel):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    reason = models.TextField(max_length=1000)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolution = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["post", "reporter"], name="one_report_per_person_and_post")]


class ModerationEvent(TenantModel):
    """The audit trail of what facilitators and staff did in a space."""

    class Action(models.TextChoices):
        HIDE_POST = "hide_post", "Hid a post"
        SHOW_POST = "show_post", "Showed a hidden post again"
        HIDE_THREAD = "hide_thread", "Hid a thread"
        SHOW_THREAD = "show_thread", "Showed a hidden thread again"
        LOCK = "lock", "Locked a thread"
        UNLOCK = "unlock", "Unlocked a thread"
        PIN = "pin", "Pinned a thread"
        UNPIN = "unpin", "Unpinned a thread"
        ANNOUNCE = "announce", "Marked a thread as an announcement"
        UNANNOUNCE = "unannounce", "Removed the announcement mark"
        MOVE = "move", "Moved a thread"
        DISMISS_REPORT = "dismiss_report", "Dismissed a report"
        INVITE = "invite", "Invited someone"

    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="moderation_events")
    thread = models.ForeignKey(Thread, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    post = models.ForeignKey(Post, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    action = models.CharField(max_length=20, choices=Action.choices)
    detail = models.CharField(max_length=500, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} ({self.at:%Y-%m-%d})"


class DigestRound(TenantModel):
    """One organizer's daily digest for one day: recorded with its outbox rows, so it goes once."""

    day = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)
    recipients = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organizer", "day"], name="unique_digest_round")]
