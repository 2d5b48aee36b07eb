"""Every admin page of one organizer's rows is closed to another organizer's staff.

A sweep over the demo data and every model registered in the admin that carries an
organizer (the new ones included as they are registered): staff of Illinois Partners open
the change, history and delete pages of one row of each other organizer and find
neither the page nor the row's name.
"""

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.urls import reverse
from django_scopes import scopes_disabled

from organizers.models import Organizer

pytestmark = pytest.mark.django_db


def _tenant_models():
    for model, model_admin in admin.site._registry.items():
        if any(f.name == "organizer" and f.is_relation for f in model._meta.fields):
            yield model, model_admin


def test_staff_cannot_open_another_organizers_rows_on_any_admin_page(client):
    call_command("load_demo", verbosity=0)
    with scopes_disabled():
        home = Organizer.objects.get(slug="illinois-partners")
        from organizers.models import Membership
        from organizers.roles import Role

        staff = Membership.objects.filter(organizer=home, role=Role.STAFF).select_related("user").first().user
    client.force_login(staff)
    checked, leaks = 0, []
    for model, _model_admin in _tenant_models():
        with scopes_disabled():
            row = model._base_manager.exclude(organizer=home).order_by("pk").first()
            name = str(row) if row is not None else ""
        if row is None:
            continue
        info = model._meta.app_label, model._meta.model_name
        for view in ("change", "history", "delete"):
            url = reverse(f"admin:{info[0]}_{info[1]}_{view}", args=[row.pk])
            response = client.get(url)
            body = response.content.decode(errors="replace") if response.status_code == 200 else ""
            if response.status_code == 200 or (len(name) > 4 and name in body):
                leaks.append(f"{url} ({model.__name__} “{name}”): {response.status_code}")
        checked += 1
    assert checked >= 30, f"only {checked} admin models had rows of other organizers in the demo"
    assert not leaks, "\n".join(leaks)
