from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from timezone_field import TimeZoneField

from .roles import Role
from .scoping import OrganizerScopedManager, linked_organizer_ids

# First path segments that belong to the platform, never to an organizer.
RESERVED_SLUGS = frozenset(
    {"admin", "accounts", "account", "static", "media", "feeds", "api", "me", "healthz", "favicon.ico"}
)


MIXED_ORGANIZERS = "Everything linked here must belong to the same organizer."


def validate_not_reserved(value: str) -> None:
    if value in RESERVED_SLUGS:
        raise ValidationError("This address is reserved; choose another.")


class Organizer(models.Model):
    """The tenant: an organization that runs learning programs."""

    slug = models.SlugField(unique=True, validators=[validate_not_reserved], help_text="Used in every address: /<slug>/.")
    name = models.CharField(max_length=200)
    short_description = models.CharField(max_length=300, blank=True)
    about = models.TextField(blank=True, help_text="Markdown. Shown on the organizer's landing page.")
    time_zone = TimeZoneField(default="UTC")
    currency = models.CharField(
        max_length=3, default="USD", validators=[RegexValidator(r"^[A-Z]{3}$", "Use a three-letter ISO code.")]
    )
    contact_name = models.CharField(max_length=200, blank=True)
    contact_email = models.EmailField(blank=True)
    website = models.URLField(blank=True)
    brand_colour = models.CharField(
        max_length=7,
        default="#3b5bdb",
        validators=[RegexValidator(r"^#[0-9a-fA-F]{6}$", "Use a colour like #3b5bdb.")],
    )
    small_cell_k = models.PositiveSmallIntegerField(
        default=5,
        validators=[MinValueValidator(2)],
        help_text="Aggregates of demographic answers with fewer people than this are hidden.",
    )
    require_staff_mfa = models.BooleanField(
        default=False, help_text="Admins and staff must set up two-factor authentication before staff pages."
    )
    is_published = models.BooleanField(default=True, help_text="Listed on the home page.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TenantModel(models.Model):
    """A row that belongs to one organizer (the tenant): every tenant model derives from this.

    One place for what they share: the `organizer` key, the scoped manager (a query
    outside `scope(organizer=...)` fails closed instead of returning every tenant's
    rows), and the rule that a row never links records of two organizers. The rule runs
    in `clean()`, so forms and the admin show it as a message, and again in `save()`, so
    a service, a task or a shell cannot move data across tenants either (`bulk_create`
    and `QuerySet.update` bypass `save()`; code using them passes ids it has checked).
    A model whose key needs its own related name, or is one-to-one, redeclares
    `organizer`; the manager and the check stay here.
    """

    organizer = models.ForeignKey(Organizer, on_delete=models.CASCADE, related_name="+")

    objects = OrganizerScopedManager()

    class Meta:
        abstract = True

    def clean(self):
        super().clean()
        self.check_one_organizer()

    def save(self, *args, **kwargs):
        # Only the fields being written can introduce a second organizer.
        self.check_one_organizer(fields=kwargs.get("update_fields"))
        super().save(*args, **kwargs)

    def check_one_organizer(self, *, fields=None) -> None:
        if len(linked_organizer_ids(self, fields=fields)) > 1:
            raise ValidationError(MIXED_ORGANIZERS, code="mixed_organizers")


class Membership(TenantModel):
    """A person's role at one organizer. A person may hold several roles."""

    organizer = models.ForeignKey(Organizer, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)
    can_view_demographics = models.BooleanField(
        default=False,
        help_text="Dedicated permission to read individual demographic answers (special-category data).",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organizer", "user", "role"]
        constraints = [models.UniqueConstraint(fields=["organizer", "user", "role"], name="unique_membership_role")]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} at {self.organizer}"
