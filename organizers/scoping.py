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


def linked_organizer_ids(instance: models.Model, *, fields=None) -> set[int]:
    """The organizers a row belongs to or points at: its own, and that of every tenant
    record (or organizer) its foreign keys name. More than one means the row would link
    two tenants' data.

    `fields` limits the look to those fields (a save with `update_fields`); the row's own
    organizer always counts. Related rows already loaded cost nothing; the others are
    read through the base manager (one small query each), so this also works outside
    a scope.
    """
    from .models import Organizer

    only = None if fields is None else set(fields)
    found = set()
    own = organizer_id_of(instance)
    if own is not None:
        found.add(own)
    for field in instance._meta.concrete_fields:
        if not field.is_relation or field.related_model is None or (only is not None and field.name not in only
                                                                    and field.attname not in only):
            continue
        related_model = field.related_model
        path = None if related_model is Organizer else organizer_path_of(related_model)
        if related_model is not Organizer and path is None:
            continue
        value = getattr(instance, field.attname)
        if value is None:
            continue
        if related_model is Organizer:
            found.add(value)
        elif field.is_cached(instance) and field.get_cached_value(instance) is not None:
            found.add(organizer_id_of(field.get_cached_value(instance)))
        else:
            found.add(
                related_model._base_manager.filter(**{field.target_field.attname: value})
                .values_list(path, flat=True).first()
            )
    found.discard(None)
    return found
