"""Tenant scoping: every tenant-owned model gets an `OrganizerScopedManager`.

A query on such a model outside `scope(organizer=...)` raises `ScopeError` instead
of returning every organizer's rows (fail closed). The path from the model to its
organizer is kept on the manager so shared code (admin checks, the isolation test)
can follow it without each model repeating it.
"""

from django.db import models
from django_scopes import ScopedManager


def OrganizerScopedManager(path: str = "organizer", manager_class: type[models.Manager] = models.Manager):
    manager = ScopedManager(_manager_class=manager_class, organizer=path)
    manager.organizer_path = path
    return manager


def organizer_path_of(model: type[models.Model]) -> str | None:
    return getattr(model._default_manager, "organizer_path", None)


def organizer_id_of(obj: models.Model) -> int | None:
    """The organizer an object belongs to, following its manager's path."""
    path = organizer_path_of(type(obj))
    if path is None:
        return None
    *hops, last = path.split("__")
    current = obj
    for hop in hops:
        current = getattr(current, hop, None)
        if current is None:
            return None
    return getattr(current, f"{last}_id", None)
