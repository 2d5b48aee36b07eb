"""Isolation samples for the reports area (dashboard, cohort reports, exports)."""

from tests.factories import CohortFactory, EnrollmentFactory

from . import no_arguments, sample

sample("reports:dashboard")(no_arguments)


def _cohort(organizer):
    cohort = CohortFactory(program__organizer=organizer)
    EnrollmentFactory(cohort=cohort)
    return {"cohort_id": cohort.id}


sample("reports:cohort_report")(_cohort)


@sample("reports:cohort_export")
def cohort_export(organizer):
    return {**_cohort(organizer), "kind": "registrations", "fmt": "csv"}


@sample("reports:call_export")
def call_export(organizer):
    from tests.applications.factories import ApplicationFactory

    application = ApplicationFactory(call__cohort__program__organizer=organizer)
    return {"call_id": application.call_id, "kind": "applications", "fmt": "xlsx"}


def _certificate(organizer):
    from django_scopes import scopes_disabled

    from cohorts.models import Enrollment
    from reports.certificates import issue_certificate

    enrollment = EnrollmentFactory(cohort=CohortFactory(program__organizer=organizer), status=Enrollment.Status.COMPLETED)
    with scopes_disabled():
        return enrollment, issue_certificate(enrollment=enrollment)


@sample("reports:certificate_verify", public=True)
def certificate_verify(organizer):
    """Public by design (name, program, date); under another organizer's address it is 404."""
    return {"code": _certificate(organizer)[1].code}


@sample("reports_me:certificate")
def certificate_download(organizer):
    """Only the person who completed downloads it; everyone else gets 404 (tests/reports/test_certificates.py)."""
    return {"enrollment_id": _certificate(organizer)[0].id}


sample("reports:equity_index")(no_arguments)


@sample("reports:equity_call")
def equity_call(organizer):
    from tests.applications.factories import CallFactory

    return {"call_id": CallFactory(cohort__program__organizer=organizer).id}


@sample("reports:equity_program")
def equity_program(organizer):
    from tests.applications.factories import CallFactory

    return {"program_id": CallFactory(cohort__program__organizer=organizer).cohort.program_id}


@sample("reports:assessment_export")
def assessment_export(organizer):
    from tests.frameworks.scenario import make_world

    return {"cohort_id": make_world(organizer).cohort.id, "kind": "ratings", "fmt": "csv"}


@sample("reports:cohort_invoice_export")
def cohort_invoice_export(organizer):
    from django_scopes import scopes_disabled

    from billing import services
    from tests.billing.helpers import bare_order, priced_cohort

    order = bare_order(priced_cohort(organizer))
    with scopes_disabled():
        services.issue_invoice(order=order)
    return {"cohort_id": order.cohort_id, "fmt": "csv"}


sample("reports:invoice_export_csv")(no_arguments)
sample("reports:invoice_export_xlsx")(no_arguments)
