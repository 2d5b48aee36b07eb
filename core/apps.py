from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Praxis core"

    def ready(self):
        from . import lookups  # noqa: F401  (registers the overflow-safe integer __in)
        from .page_cache import connect_signals

        connect_signals()
