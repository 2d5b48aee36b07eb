"""Admin forms type and show date-times in the zone they belong to, and say which.

A cohort's registration window, its sessions and its call's deadline are typed on the
cohort's wall clock (17:00 in an Amsterdam cohort is 17:00 CET, whatever the server's
zone); rows without a cohort use their organizer's zone. The zone is activated for the
whole change view, so Django's form fields read the typed value in it and show stored
values in it, and every date-time field's help text names it. Lists name the zone in
each cell (`zoned_column`).
"""

import zoneinfo

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.utils import timezone

from core.timefmt import format_when

from .models import Organizer
from .selectors import staff_organizer_ids


def _zone(name) -> zoneinfo.ZoneInfo | None:
    try:
        return zoneinfo.ZoneInfo(str(name)) if name else None
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a name too long for a file
        return None


def _pk(value) -> int | None:
    """A posted id as a number, or None: the form itself reports a bad id; the zone lookup
    that runs before it must not fail on one (a 500 for "a\\x00b" in the cohort box)."""
    text = str(value or "").strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) < 19 else None


def zoned_column(field: str, *, zone_of, description: str | None = None):
    """A list column showing `field` in the row's zone (`zone_of(obj)`), the zone named."""

    @admin.display(description=description or field.replace("_", " "), ordering=field)
    def column(self, obj):
        value = getattr(obj, field)
        return format_when(value, zone_of(obj)) if value else "-"

    column.__name__ = f"{field}_zoned"
    return column


def _rendered(response):
    """Admin views return lazy TemplateResponses: render while the zone is still active."""
    if hasattr(response, "render") and not getattr(response, "is_rendered", True):
        response.render()
    return response


class ZonedDateTimesAdmin:
    """Mix into an OrganizerScopedAdmin. `zone_owner`: the foreign key to the model whose
    `time_zone` applies (e.g. "cohort"), or None when the row has its own `time_zone`."""

    zone_owner: str | None = "cohort"
    zone_owner_label = "the cohort's time zone"

    class Media:
        # Django's "you are N hours ahead of server time" is wrong here: the zone is named instead.
        css = {"all": ["praxis/admin_zones.css"]}

    def zone_for(self, request, obj) -> tuple[zoneinfo.ZoneInfo, str]:
        data = request.POST if request.method == "POST" else request.GET
        if self.zone_owner is None:
            zone = _zone(data.get("time_zone")) or (obj is not None and _zone(obj.time_zone)) or None
            if zone:
                return zone, self.zone_owner_label
        else:
            field = self.model._meta.get_field(self.zone_owner)
            owner = None
            if _pk(data.get(self.zone_owner)) is not None:
                owner = field.related_model.objects.filter(pk=_pk(data.get(self.zone_owner))).first()
            if owner is None and obj is not None:
                owner = getattr(obj, self.zone_owner, None)
            if owner is not None and _zone(owner.time_zone):
                return _zone(owner.time_zone), self.zone_owner_label
        organizer = self._organizer_for(request, obj, data)
        if organizer is not None and _zone(organizer.time_zone):
            return _zone(organizer.time_zone), f"{organizer.name}'s time zone"
        return zoneinfo.ZoneInfo("UTC"), "UTC"

    @staticmethod
    def _organizer_for(request, obj, data):
        if obj is not None and getattr(obj, "organizer_id", None):
            return Organizer.objects.filter(pk=obj.organizer_id).first()
        if _pk(data.get("organizer")) is not None:
            return Organizer.objects.filter(pk=_pk(data.get("organizer"))).first()
        ids = staff_organizer_ids(request.user)
        return Organizer.objects.filter(pk=ids[0]).first() if len(ids) == 1 else None

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        obj = self.get_object(request, unquote(object_id)) if object_id else None
        zone, why = self.zone_for(request, obj)
        request.praxis_form_zone = (zone, why)
        with timezone.override(zone):
            return _rendered(super().changeform_view(request, object_id, form_url, extra_context))

    def changelist_view(self, request, extra_context=None):
        zone, _ = self.zone_for(request, None)
        with timezone.override(zone):
            return _rendered(super().changelist_view(request, extra_context))

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        zone, why = getattr(request, "praxis_form_zone", None) or self.zone_for(request, obj)
        for field in form.base_fields.values():
            if isinstance(field, forms.SplitDateTimeField | forms.DateTimeField):
                note = f"Time in {zone.key} ({why})."
                field.help_text = f"{field.help_text} {note}".strip()
        return form
