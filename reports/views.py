from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.formats import date_format

from cohorts.models import Cohort
from organizers.permissions import organizer_view
from organizers.roles import Capability
from sessions_app.selectors import facilitates_cohort

from . import charts
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
    return render(request, "reports/cohort_report.html", {"cohort": cohort, "report": report, "chart": chart})
