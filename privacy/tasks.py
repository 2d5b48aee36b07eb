"""Retention: each organizer's participants' personal details leave after its chosen period (beat, daily)."""

from celery import shared_task
from django.utils import timezone
from django_scopes import scope

from . import services


@shared_task
def apply_retention() -> int:
    erased = 0
    for cohort_id, organizer_id in services.cohorts_due_for_retention(today=timezone.localdate()):
        with scope(organizer=organizer_id):
            erased += services.erase_cohort_details(cohort_id=cohort_id)
    return erased

