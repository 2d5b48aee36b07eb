"""Read queries about organizers and memberships that several pages share."""

from django.db import models
from django.db.models import QuerySet
from django_scopes import scopes_disabled

from .models import Membership, Organizer
from .roles import STAFF_ROLES, OrganizerAccess, access_for


def published_organizers() -> QuerySet[Organizer]:
    return Organizer.objects.filter(is_published=True).order_by("name")


def memberships_of(user) -> list[Membership]:
    """Every membership of one person, across organizers (for the nav and the admin).

    Filtering by user explicitly is what makes it safe to leave the organizer scope.
    Kept on the user object, so one request (nav, access, admin) asks the database once.
    """
    if not user.is_authenticated:
        return []
    cached = getattr(user, "_praxis_memberships", None)
    if cached is None:
        with scopes_disabled():
            cached = list(Membership.objects.filter(user=user).select_related("organizer").order_by("organizer__name"))
        user._praxis_memberships = cached
    return cached


def organizers_of(user) -> list[Organizer]:
    seen: dict[int, Organizer] = {}
    for membership in memberships_of(user):
        seen.setdefault(membership.organizer_id, membership.organizer)
    return list(seen.values())


def staff_organizer_ids(user) -> list[int]:
    """Organizers whose data this person may configure in the admin."""
    return sorted({m.organizer_id for m in memberships_of(user) if m.role in STAFF_ROLES})


def is_staff_at(user, organizer_id: int) -> bool:
    """Admin or staff of this organizer (or a platform superuser), from the cached memberships."""
    return user.is_authenticated and (user.is_superuser or organizer_id in staff_organizer_ids(user))


def access_of(user, organizer: Organizer) -> OrganizerAccess:
    if not user.is_authenticated:
        return OrganizerAccess(organizer_id=organizer.id)
    mine = [m for m in memberships_of(user) if m.organizer_id == organizer.id]
    return access_for(
        organizer_id=organizer.id,
        roles={m.role for m in mine},
        superuser=user.is_superuser,
        demographics_grant=any(m.can_view_demographics for m in mine),
    )


def people_of(organizer_ids) -> QuerySet:
    """Accounts connected to these organizers: anyone a row of theirs points to.

    Members, participants, applicants, facilitators, contributors... every tenant model
    (one with an organizer path) with a foreign key to the user counts, so a model added
    later widens the circle by itself. Admin fields that pick people offer only these,
    so staff of one organizer never see or pick the people of another.
    """
    from django.apps import apps
    from django.contrib.auth import get_user_model

    from .scoping import organizer_path_of

    user_model = get_user_model()
    ids = list(organizer_ids)
    query = models.Q(pk__in=[])
    with scopes_disabled():
        for model in apps.get_models():
            path = organizer_path_of(model)
            if path is None:
                continue
            for field in model._meta.concrete_fields:
                if field.is_relation and field.related_model is user_model:
                    rows = model._default_manager.filter(**{f"{path}__in": ids}).values(field.attname)
                    query |= models.Q(pk__in=rows)
    return user_model.objects.filter(query)


def person_zone(user, *, default=None):
    """The zone a person reads their own times in: their profile's, else `default` (e.g.
    the cohort an email is about), else the zone of the cohort they most recently joined,
    else their organizer's, else UTC. Kept on the user object for the request."""
    import zoneinfo

    if getattr(user, "time_zone", None):
        return zoneinfo.ZoneInfo(str(user.time_zone))
    if default:
        return zoneinfo.ZoneInfo(str(default))
    if not getattr(user, "is_authenticated", False):
        return zoneinfo.ZoneInfo("UTC")
    cached = getattr(user, "_praxis_zone", None)
    if cached is None:
        from cohorts.models import Enrollment

        with scopes_disabled():
            latest = (Enrollment.objects.filter(person=user).order_by("-created_at")
                      .values_list("cohort__time_zone", flat=True).first())
        memberships = memberships_of(user)
        name = latest or (memberships[0].organizer.time_zone if memberships else None) or "UTC"
        cached = user._praxis_zone = zoneinfo.ZoneInfo(str(name))
    return cached
