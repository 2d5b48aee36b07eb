"""A selection run handed to a real Celery worker (PostgreSQL + Redis)."""

import pytest
from django_scopes import scope, scopes_disabled

from applications import services
from applications.models import SelectionRun

from . import scenario

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def _status(run_id):
    with scopes_disabled():
        return SelectionRun.objects.get(pk=run_id).status


def test_a_run_is_solved_by_the_worker_and_the_page_follows_it(real_worker, organizer, client_for):
    s = scenario.build(organizer)
    with scope(organizer=organizer.pk):
        run = services.start_run(call=s.call, kind="lottery", by=s.staff, seed=5)  # autocommit: enqueued now
    real_worker.wait_for(lambda: _status(run.pk) in SelectionRun.FINISHED, timeout=60, what="the selection run")
    assert real_worker.task_results("applications.tasks.execute_selection_run") == ["done"]
    with scopes_disabled():
        run.refresh_from_db()
    assert len(run.selected_references) == 4 and run.started_at and run.finished_at
    response = client_for(s.staff).get(s.url("run_status", run_id=run.pk), HTTP_HX_REQUEST="true")
    assert response["HX-Refresh"] == "true" and "Ready for review" in response.content.decode()
