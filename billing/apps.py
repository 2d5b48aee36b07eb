from django.apps import AppConfig


class BillingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "billing"
    verbose_name = "Billing"

    def ready(self):
        # The enrollment lifecycle asks billing how long an unpaid seat is held.
        from . import policy

        policy.register()
