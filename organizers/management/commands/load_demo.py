from importlib import import_module

from django.core.management.base import BaseCommand
from django.db import transaction
from django_scopes import scopes_disabled

from organizers import demo as organizers_demo

# Each app that has demo data provides `<app>.demo.load(ctx)`; they run in this order.
DEMO_LOADERS = ["cohorts.demo", "applications.demo", "sessions_app.demo", "library.demo", "billing.demo", "community.demo",
                "frameworks.demo"]


class Command(BaseCommand):
    help = "Create (or refresh) the demo organizers from the five seed programs. Safe to re-run."

    def handle(self, *args, **options):
        ctx = organizers_demo.DemoContext()
        with transaction.atomic(), scopes_disabled():
            organizers_demo.load(ctx)
            for dotted in DEMO_LOADERS:
                try:
                    module = import_module(dotted)
                except ModuleNotFoundError as exc:
                    if exc.name != dotted:
                        raise
                    continue
                module.load(ctx)
        self.stdout.write(self.style.SUCCESS(f"Demo data ready: {len(ctx.organizers)} organizers."))
