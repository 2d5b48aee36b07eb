"""Export the selected rows of any admin list as CSV or XLSX (admin actions on every list).

The columns are the list's own columns, so staff get what they see; the rows are the
changelist's, which the admin runs inside the scope of the person's organizers, so
another organizer's rows cannot be selected into an export. Every cell goes through
`core.spreadsheet.safe_cell`. Demographic answers never leave through here (their
export is the logged applications export of the cohort report).
"""

from django.contrib import admin, messages
from django.contrib.admin.utils import label_for_field, lookup_field
from django.utils.html import strip_tags
from django.utils.text import capfirst, slugify

from core.spreadsheet import csv_response, xlsx_response

NEVER_EXPORTED = {"applications.demographicresponse", "applications.demographicaccesslog"}


def _table(modeladmin, request, queryset):
    names = [n for n in modeladmin.get_list_display(request) if n != "action_checkbox"]
    header = [capfirst(strip_tags(str(label_for_field(n, queryset.model, modeladmin)))) for n in names]
    rows = []
    for obj in queryset:
        row = []
        for name in names:
            _, _, value = lookup_field(name, obj, modeladmin)
            row.append(strip_tags(str(value)) if hasattr(value, "__html__") else value)
        rows.append(row)
    return header, rows


def _export(modeladmin, request, queryset, fmt: str):
    if queryset.model._meta.label_lower in NEVER_EXPORTED:
        messages.error(request, "Demographic answers are exported only from the cohort report, with the permission.")
        return None
    header, rows = _table(modeladmin, request, queryset)
    name = slugify(queryset.model._meta.verbose_name_plural) or "export"
    if fmt == "csv":
        return csv_response(f"{name}.csv", header, rows)
    return xlsx_response(f"{name}.xlsx", header, rows, title=str(queryset.model._meta.verbose_name_plural))


@admin.action(description="Export selected rows as CSV", permissions=["view"])
def export_csv(modeladmin, request, queryset):
    return _export(modeladmin, request, queryset, "csv")


@admin.action(description="Export selected rows as Excel (XLSX)", permissions=["view"])
def export_xlsx(modeladmin, request, queryset):
    return _export(modeladmin, request, queryset, "xlsx")


def register() -> None:
    admin.site.add_action(export_csv)
    admin.site.add_action(export_xlsx)
