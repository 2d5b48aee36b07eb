from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Praxis core"

    def ready(self):
        from .page_cache import connect_signals

        connect_signals()
