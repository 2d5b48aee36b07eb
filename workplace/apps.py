from django.apps import AppConfig


class WorkplaceConfig(AppConfig):
    """The admin as staff's workplace: readiness checklists and the "needs attention" home."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "workplace"
