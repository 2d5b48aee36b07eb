from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.formats import date_format

from django.urls import reverse
from django_scopes import scope

from applications.models import ApplicationCall
from cohorts.models import Cohort, Program
from cohorts.selectors import enrollment_of
from core.spreadsheet import csv_response, xlsx_response
from core.urls import absolute_url
from organizers.permissions import organizer_view
from organizers.roles import Capability
from sessions_app.selectors.sessions import facilitates_cohort

from . import certificates, charts, exports, funnel
from .charts import Point
from .cohort_report import cohort_report as build_cohort_report
from .dashboard import dashboard_sections
from .models import Certificate


@organizer_view(capability=Capability.MANAGE_PROGRAMS)
def dashboard(request, organizer_slug: str):
    sections = dashboard_sections(organizer=request.organizer, access=request.access)
    return render(request, "reports/dashboard.html", {
        "sections": sections, "show_equity": request.access.can(Capability.VIEW_DEMOGRAPHICS),
    })


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
    exports_allowed = request.access.can(Capability.MANAGE_PARTICIPANTS)
    return render(request, "reports/cohort_report.html", {
        "assessment_kinds": list(exports.ASSESSMENT_KINDS.items())
        if exports_allowed and cohort.assessment_points.exists() else [],
        "invoices": request.access.can(Capability.MANAGE_BILLING) and not cohort.is_free,
        "cohort": cohort, "report": report, "chart": chart, "call": call,
        "exports": exports_allowed,
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


def _assessment_teams(request, cohort: Cohort) -> set[int] | None:
    """None: every assessment of the cohort (staff). Else the teams this partner supports in it; none is 404."""
    if request.access.can(Capability.MANAGE_PARTICIPANTS):
        return None
    from frameworks.selectors import supported_team_ids

    supported = supported_team_ids(request.user, request.access) or set()
    teams = set(cohort.teams.filter(id__in=supported).values_list("id", flat=True))
    if not teams:
        raise Http404
    return teams


@organizer_view(capability=Capability.SUPPORT_TEAMS)
def assessment_export(request, organizer_slug: str, cohort_id: int, kind: str, fmt: str):
    """Staff: every self-assessment of the cohort. Planning-team partners: those of the teams they support."""
    if kind not in exports.ASSESSMENT_EXPORTS or fmt not in EXPORT_FORMATS:
        raise Http404
    cohort = get_object_or_404(Cohort, id=cohort_id)
    _, build = exports.ASSESSMENT_EXPORTS[kind]
    return _export_response(build(cohort, team_ids=_assessment_teams(request, cohort)), fmt)


@organizer_view(capability=Capability.MANAGE_BILLING)
def invoice_export(request, organizer_slug: str, fmt: str):
    if fmt not in EXPORT_FORMATS:
        raise Http404
    return _export_response(exports.invoices(request.organizer), fmt)


@organizer_view(capability=Capability.MANAGE_BILLING)
def cohort_invoice_export(request, organizer_slug: str, cohort_id: int, fmt: str):
    if fmt not in EXPORT_FORMATS:
        raise Http404
    cohort = get_object_or_404(Cohort.objects.select_related("program"), id=cohort_id)
    return _export_response(exports.invoices(request.organizer, cohort=cohort), fmt)


@login_required
def certificate_download(request, enrollment_id: int):
    """The person's own certificate of a completed cohort (issued on the first download)."""
    enrollment = enrollment_of(request.user, enrollment_id)
    if enrollment is None:
        raise Http404("No such registration.")
    with scope(organizer=enrollment.organizer_id):
        try:
            certificate = certificates.issue_certificate(enrollment=enrollment)
        except certificates.CertificateError:
            raise Http404("This cohort has not been completed.")
        if certificate.is_revoked:
            return render(request, "reports/certificate_revoked.html", {"certificate": certificate}, status=410)
        verify = absolute_url(reverse("reports:certificate_verify", kwargs={
            "organizer_slug": enrollment.organizer.slug, "code": certificate.code}), request=request)
        pdf = certificates.certificate_pdf(certificate, verify_url=verify)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="certificate-{certificate.code}.pdf"'
    return response


@organizer_view(login=False)
def certificate_verify(request, organizer_slug: str, code: str):
    """Public: only the name, the program and the completion date, or that it was revoked."""
    normalized = certificates.normalize_code(code)
    certificate = (
        Certificate.objects.filter(code=normalized).select_related("enrollment__person", "enrollment__cohort__program")
        .first() if normalized else None
    )
    if certificate is None:
        raise Http404("No certificate has this code.")
    enrollment = certificate.enrollment
    return render(request, "reports/certificate_verify.html", {
        "certificate": certificate, "name": enrollment.person.display_name, "program": enrollment.cohort.program.title,
        "completed_on": enrollment.completed_at or certificate.issued_at,
    })


@organizer_view(capability=Capability.VIEW_DEMOGRAPHICS)
def equity_index(request, organizer_slug: str):
    calls = list(
        ApplicationCall.objects.filter(demographic_categories__isnull=False).distinct()
        .select_related("cohort__program").order_by("cohort__program__title", "deadline", "id")
    )
    programs: dict[int, dict] = {}
    for call in calls:
        programs.setdefault(call.cohort.program_id, {"program": call.cohort.program, "calls": []})["calls"].append(call)
    return render(request, "reports/equity_index.html", {"programs": list(programs.values())})


@organizer_view(capability=Capability.VIEW_DEMOGRAPHICS)
def equity_call(request, organizer_slug: str, call_id: int):
    call = get_object_or_404(ApplicationCall.objects.select_related("cohort__program", "organizer"), id=call_id)
    stored, later_stages_missing = None, False
    if call.demographics_purged_at:
        stored, tables = funnel.stored_call_funnel(call, viewer=request.user)
        if stored is not None:
            ends = call.cohort.ends_on
            later_stages_missing = ends is None or ends >= timezone.localdate(stored.stored_at, request.organizer.time_zone)
    else:
        tables = funnel.call_funnel(call, viewer=request.user)
    return render(request, "reports/equity_call.html", {
        "call": call, "tables": tables, "stages": funnel.STAGES, "k": request.organizer.small_cell_k,
        "stored": stored, "later_stages_missing": later_stages_missing,
    })


@organizer_view(capability=Capability.VIEW_DEMOGRAPHICS)
def equity_program(request, organizer_slug: str, program_id: int):
    program = get_object_or_404(Program, id=program_id)
    calls = list(ApplicationCall.objects.filter(cohort__program=program).select_related("cohort"))
    years = funnel.program_funnel(calls, organizer=request.organizer, viewer=request.user)
    return render(request, "reports/equity_program.html", {
        "program": program, "years": years, "stages": funnel.STAGES, "k": request.organizer.small_cell_k,
        "purged": [c for c in calls if c.demographics_purged_at],
    })
