"""AffinityGroup moved from cohorts to sessions_app (next to its pages) without touching
the database: the tables keep their names and rows, and the content type follows the
models (admin history and permissions stay attached).

The test database itself is built by running every migration from empty (on SQLite,
and on PostgreSQL with DATABASE_URL), so the move also runs on a fresh database.
"""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django_scopes import scopes_disabled

from sessions_app.models import AffinityGroup, AffinityMembership, Session
from tests.factories import AffinityGroupFactory, AffinityMembershipFactory, FacilitatorFactory
from tests.sessions.factories import SessionFactory

# The last migration of each app before the move.
BEFORE_THE_MOVE = [
    ("cohorts", "0004_team_invitation"),
    ("sessions_app", "0004_assistance_reply"),
    ("library", "0003_title_search_gin_index"),
    ("community", "0002_thread_search_gin_index"),
]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_the_tables_keep_their_names():
    assert AffinityGroup._meta.db_table == "cohorts_affinitygroup"
    assert AffinityMembership._meta.db_table == "cohorts_affinitymembership"
    assert AffinityGroup.facilitators.through._meta.db_table == "cohorts_affinitygroup_facilitators"


@pytest.mark.django_db(transaction=True)
def test_groups_members_facilitators_and_sessions_survive_the_move_both_ways():
    group = AffinityGroupFactory(name="People of colour caucus")
    membership = AffinityMembershipFactory(group=group)
    facilitator = FacilitatorFactory(organizer=group.organizer)
    session = SessionFactory(cohort=group.cohort, affinity_group=group)
    with scopes_disabled():
        group.facilitators.add(facilitator)
    type_id = ContentType.objects.get_for_model(AffinityGroup).id

    before = _migrate(BEFORE_THE_MOVE)
    OldGroup = before.get_model("cohorts", "AffinityGroup")
    old = OldGroup.objects.get(id=group.id)
    assert old.name == "People of colour caucus"
    assert list(old.members.values_list("id", flat=True)) == [membership.person_id]
    assert list(old.facilitators.values_list("id", flat=True)) == [facilitator.id]
    assert before.get_model("sessions_app", "Session").objects.get(id=session.id).affinity_group_id == group.id
    assert before.get_model("contenttypes", "ContentType").objects.get(id=type_id).app_label == "cohorts"

    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    ContentType.objects.clear_cache()
    with scopes_disabled():
        moved = AffinityGroup.objects.get(id=group.id)
        assert moved.name == "People of colour caucus"
        assert list(moved.members.values_list("id", flat=True)) == [membership.person_id]
        assert list(moved.facilitators.values_list("id", flat=True)) == [facilitator.id]
        assert Session.objects.get(id=session.id).affinity_group == moved
    assert ContentType.objects.get_for_model(AffinityGroup).id == type_id
    assert ContentType.objects.get(id=type_id).app_label == "sessions_app"
