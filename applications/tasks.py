"""Background work of the applications app: selection runs, replacements, retention.

Offers expire with their enrollments (cohorts.tasks.expire_offers): one offer, one expiry task."""

from celery import shared_task
from django_scopes import scope, scopes_disabled

from . import services
from .models import ApplicationCall


@shared_task(acks_late=True)
def execute_selection_run(run_id: int, organizer_id: int) -> str:
    with scope(organizer=organizer_id):
        return services.execute_run(run_id=run_id).status


@shared_task(acks_late=True)
def fill_vacancies_task(call_id: int, organizer_id: int) -> str:
    with scope(organizer=organizer_id):
        run = services.fill_vacancies(call=ApplicationCall.objects.get(pk=call_id))
        return run.status if run else "no vacancy"


@shared_task
def resume_stalled_runs() -> int:
    """Re-enqueue selection runs whose enqueue was lost; run by beat."""
    with scopes_disabled():  # across organizers, filtered by status and age only
        stalled = list(services.stalled_runs())
    for run_id, organizer_id in stalled:
        execute_selection_run.delay(run_id, organizer_id)
    return len(stalled)


@shared_task
def purge_demographics() -> int:
    """Delete demographic answers whose retention after selection has run out; run by beat."""
    with scopes_disabled():
        organizer_ids = list(
            ApplicationCall.objects.filter(selection_confirmed_at__isnull=False, demographics_purged_at__isnull=True)
            .values_list("organizer_id", flat=True).distinct()
        )
    purged = 0
    for organizer_id in organizer_ids:
        with scope(organizer=organizer_id):
            for call in services.calls_due_for_purge():
                purged += services.purge_demographics(call=call)
    return purged
