"""The shared resource library: resources, topics, collections, bookmarks.

Who may see a resource is decided in one place, `library.selectors.visible_resources`;
the fields here only record the audience staff chose.
"""

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models

from cohorts.models import Cohort, Module, Program
from organizers.models import TenantModel
from sessions_app.models import AffinityGroup, Session

from .uploads import private_storage_name

LANGUAGES = [
    ("en", "English"),
    ("nl", "Dutch"),
    ("es", "Spanish"),
    ("fr", "French"),
    ("de", "German"),
    ("pt", "Portuguese"),
]

# Every stored file lives under this prefix, which is never served as public media:
# files leave the app only through the audience-checking download view.
PRIVATE_PREFIX = "private/library"


def library_upload_to(instance: "Resource", filename: str) -> str:
    """A random storage name: the person's file name never reaches the storage path."""
    return private_storage_name(PRIVATE_PREFIX, instance.organizer_id, filename)


class Topic(TenantModel):
    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=100)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["organizer", "slug"], name="unique_library_topic_slug")]

    def __str__(self) -> str:
        return self.name


class Resource(TenantModel):
    class Kind(models.TextChoices):
        DOCUMENT = "document", "Document"
        LINK = "link", "Link"
        VIDEO = "video", "Video"
        TOOLKIT = "toolkit", "Toolkit"
        FRAMEWORK = "framework", "Framework"
        CHECKLIST = "checklist", "Checklist"
        TEMPLATE = "template", "Template"

    class Audience(models.TextChoices):
        PUBLIC = "public", "Everyone (public)"
        ENROLLED = "enrolled", "Anyone enrolled in our programs"
        PROGRAMS = "programs", "Participants of chosen programs or cohorts"
        AFFINITY_GROUP = "affinity_group", "One affinity group"
        STAFF = "staff", "Staff only"

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Proposed, awaiting review"
        PUBLISHED = "published", "Published"
        REJECTED = "rejected", "Not accepted"

    title = models.CharField(max_length=200)
    summary = models.CharField(max_length=500, blank=True, help_text="One or two sentences shown in lists.")
    body = models.TextField(blank=True, help_text="Markdown.")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.DOCUMENT)
    file = models.FileField(upload_to=library_upload_to, max_length=255, blank=True)
    original_filename = models.CharField(
        max_length=150, blank=True, editable=False, help_text="Sanitized; used as the download's file name."
    )
    content_type = models.CharField(max_length=120, blank=True, editable=False)
    file_size = models.PositiveBigIntegerField(null=True, blank=True, editable=False)
    url = models.URLField(max_length=500, blank=True, help_text="A link to the resource elsewhere.")
    topics = models.ManyToManyField(Topic, blank=True, related_name="resources")
    language = models.CharField(max_length=8, choices=LANGUAGES, default="en")
    author = models.CharField(max_length=200, blank=True, help_text="Who wrote or published it.")
    contributor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="library_contributions",
        help_text="The person who added or proposed it.",
    )

    audience = models.CharField(max_length=20, choices=Audience.choices, default=Audience.ENROLLED)
    audience_programs = models.ManyToManyField(Program, blank=True, related_name="+")
    audience_cohorts = models.ManyToManyField(Cohort, blank=True, related_name="+")
    audience_affinity_group = models.ForeignKey(
        AffinityGroup, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PUBLISHED)
    review_note = models.TextField(blank=True, help_text="Shown to the person who proposed it.")
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)

    view_count = models.PositiveIntegerField(default=0, editable=False)
    download_count = models.PositiveIntegerField(default=0, editable=False)
    # Filled by library.services.refresh_search_vectors on PostgreSQL (title A, summary B,
    # body C); a GIN index is added by a PostgreSQL-only migration. Unused on SQLite.
    search_vector = SearchVectorField(null=True, blank=True, editable=False)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["organizer", "status", "audience"], name="library_resource_audience_idx"),
            models.Index(fields=["organizer", "status", "-created_at"], name="library_resource_recent_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self):
        super().clean()  # TenantModel: one organizer per row
        if self.audience == self.Audience.AFFINITY_GROUP and not self.audience_affinity_group_id:
            raise ValidationError({"audience_affinity_group": "Choose the affinity group that may see this resource."})

    @property
    def has_file(self) -> bool:
        return bool(self.file)


class Collection(TenantModel):
    """An ordered reading list, optionally "for" a program, module, cohort or session."""

    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, help_text="Markdown.")
    program = models.ForeignKey(Program, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    module = models.ForeignKey(Module, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    cohort = models.ForeignKey(Cohort, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    session = models.ForeignKey(Session, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    resources = models.ManyToManyField(Resource, through="CollectionItem", related_name="collections")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def clean(self):
        super().clean()  # TenantModel: one organizer per row
        # The program is the one a module, cohort or session belongs to, so the library's
        # program filter can follow a single column.
        programs = {
            obj.program_id for obj in (self.module, self.cohort) if obj is not None
        } | ({self.session.cohort.program_id} if self.session is not None else set())
        if self.program_id:
            programs.add(self.program_id)
        if len(programs) > 1:
            raise ValidationError("The module, cohort and session must belong to the chosen program.")
        if programs and not self.program_id:
            self.program_id = programs.pop()

    @property
    def attached_to(self) -> list[str]:
        return [str(obj) for obj in (self.program, self.cohort, self.module, self.session) if obj is not None]


class CollectionItem(TenantModel):
    collection = models.ForeignKey(Collection, on_delete=models.CASCADE, related_name="items")
    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="collection_items")
    position = models.PositiveSmallIntegerField(default=0)
    note = models.CharField(max_length=300, blank=True, help_text="Why it is here, e.g. \"read before session 2\".")

    class Meta:
        ordering = ["collection", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["collection", "resource"], name="unique_collection_item")]

    def __str__(self) -> str:
        return f"{self.position}. {self.resource}"


class Bookmark(TenantModel):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="library_bookmarks")
    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="bookmarks")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["user", "resource"], name="unique_library_bookmark")]
