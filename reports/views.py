from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.formats import date_format

from applications.models import ApplicationCall
from cohorts.models import Cohort
from core.spreadsheet import csv_response, xlsx_response
from organizers.permissions import organizer_view
from organizers.roles import Capability
from sessions_app.selectors import facilitates_cohort

from . import charts, exports
from .charts import Point
from .cohort_report import cohort_report as build_cohort_report
from .dashboard import dashboard_sections


@organizer_view(capability=Capability.MANAGE_PROGRAMS)
def dashboard(request, organizer_slug: str):
    sections = dashboard_sections(organizer=request.organizer, access=request.access)
    return render(request, "reports/dashboard.html", {"sections": sections})


def cohort_for_report(request, cohort_id: int) -> Cohort:
    """The organizer's staff and the cohort's facilitators; everyone else gets 404."""
    cohort = get_object_or_404(Cohort.objects.select_related("program"), id=cohort_id)
    if not (request.access.is_staff or facilitates_cohort(request.user, cohort)):
        raise Http404
    return cohort


@organizer_view()
def cohort_report(request, organizer_slug: str, cohort_id: int):
    cohort = cohort_for_report(request, cohort_id)
    report = build_cohort_report(cohort)
    chart = charts.line_chart(
        title=f"Attendance rate per session, {cohort.title}",
        points=[Point(date_format(timezone.localtime(column.session.starts_at), "j M"), column.percent) for column in report.sessions],
    ) if report.sessions else None
    call = ApplicationCall.objects.filter(cohort=cohort).first() if request.access.can(Capability.MANAGE_APPLICATIONS) else None
    return render(request, "reports/cohort_report.html", {
        "cohort": cohort, "report": report, "chart": chart, "call": call,
        "exports": request.access.can(Capability.MANAGE_PARTICIPANTS),
        "export_kinds": [(kind, label) for kind, (label, _) in exports.COHORT_EXPORTS.items()],
        "call_kinds": list(exports.CALL_EXPORTS.items()),
    })


EXPORT_FORMATS = ("csv", "xlsx")


def _export_response(export: exports.Export, fmt: str):
    if fmt == "csv":
        return csv_response(f"{export.filename}.csv", export.header, export.rows)
    return xlsx_response(f"{export.filename}.xlsx", export.header, export.rows, title=export.title)


@organizer_view(capability=Capability.MANAGE_PARTICIPANTS)
def cohort_export(request, organizer_slug: str, cohort_id: int, kind: str, fmt: str):
    if kind not in exports.COHORT_EXPORTS or fmt not in EXPORT_FORMATS:
        raise Http404
    _, build = exports.COHORT_EXPORTS[kind]
    return _export_response(build(get_object_or_404(Cohort, id=cohort_id)), fmt)


@organizer_view(capability=Capability.MANAGE_APPLICATIONS)
def call_export(request, organizer_slug: str, call_id: int, kind: str, fmt: str):
    if kind not in exports.CALL_EXPORTS or fmt not in EXPORT_FORMATS:
        raise Http404
    call = get_object_or_404(ApplicationCall.objects.select_related("cohort", "organizer"), id=call_id)
    if kind == "applications":
        export = exports.applications(call, viewer=request.user, access=request.access)
    else:
        export = exports.reviews(call)
    return _export_response(export, fmt)
