from django.contrib.admin.apps import AdminConfig


class PraxisAdminConfig(AdminConfig):
    # Organizer staff who are not superusers use the admin, scoped to their organizers.
    default_site = "organizers.admin_site.PraxisAdminSite"
