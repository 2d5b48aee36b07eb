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
