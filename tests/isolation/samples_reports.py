"""Isolation samples for the reports area (dashboard, cohort reports, exports)."""

from tests.factories import CohortFactory, EnrollmentFactory

from . import no_arguments, sample

sample("reports:dashboard")(no_arguments)


def _cohort(organizer):
    cohort = CohortFactory(program__organizer=organizer)
    EnrollmentFactory(cohort=cohort)
    return {"cohort_id": cohort.id}


sample("reports:cohort_report")(_cohort)
