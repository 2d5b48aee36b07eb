from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from timezone_field import TimeZoneField


class UserManager(BaseUserManager):
    # Never scoped: django-scopes on the user manager breaks migrations and logins.
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self._create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person: applicant, participant, facilitator, reviewer or organizer staff.

    Email is the login. Roles are not stored here but per organizer on Membership.
    """

    email = models.EmailField("email address", unique=True)
    full_name = models.CharField(max_length=200, blank=True)
    preferred_name = models.CharField(max_length=100, blank=True, help_text="What people call you.")
    pronouns = models.CharField(max_length=50, blank=True)
    time_zone = TimeZoneField(
        blank=True, null=True, help_text="Times are shown in this zone. Empty: the organizer's zone."
    )
    opted_out_of_optional_messages = models.BooleanField(
        default=False, help_text="Reminders, check-ins and feedback requests are not sent; bookings and changes still are."
    )
    is_staff = models.BooleanField(
        default=False, help_text="Platform operators only; organizer staff reach the admin through their membership."
    )
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """How the person is named wherever others read about them (pages, emails, exports, admin).

        The email stands in only for someone who has given no name at all.
        """
        return self.preferred_name or self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name or self.display_name

    def get_short_name(self) -> str:
        # Django's admin greets staff with this ("Welcome, …"): the name, not the address.
        return self.display_name
