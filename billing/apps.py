from django.apps import AppConfig


class BillingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "billing"
    verbose_name = "Billing"

    def ready(self):
        # The enrollment lifecycle asks billing how long an unpaid seat is held.
        from reports.hooks import register_dashboard_section

        from . import policy
        from .dashboard import billing_section

        policy.register()
        # Revenue, outstanding and scholarship use on the organizer dashboard.
        register_dashboard_section(billing_section)
