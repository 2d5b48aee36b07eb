"""core.prepared: SQL the ORM writes once, run with new values, scoped like a manager."""

import datetime as dt
import zoneinfo

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.db.models import Count, Q
from django.test.utils import CaptureQueriesContext
from django_scopes import ScopeError, scope, scopes_disabled

from cohorts.models import Cohort, Enrollment, Module, Program
from core.prepared import PreparedQuery
from tests.conftest import on_postgres
from tests.factories import CohortFactory, EnrollmentFactory, ProgramFactory

cohorts_of_program = PreparedQuery(
    lambda organizer_id, program_id: Cohort.objects.filter(organizer_id=organizer_id, program_id=program_id)
    .annotate(confirmed=Count("enrollments", filter=Q(enrollments__status=Enrollment.Status.CONFIRMED)))
    .order_by("starts_on", "id"),
    params={"organizer_id": int, "program_id": int}, tenant="organizer_id",
)
program_titles = PreparedQuery(
    lambda organizer_id, slug: Program.objects.filter(organizer_id=organizer_id, slug=slug).values_list("id", "title"),
    params={"organizer_id": int, "slug": str}, tenant="organizer_id",
)


def test_rows_match_the_orm_with_annotations_and_field_conversions(organizer):
    program = ProgramFactory(organizer=organizer)
    later = CohortFactory(program=program, starts_on=dt.date(2027, 3, 1), time_zone="Europe/Amsterdam")
    sooner = CohortFactory(program=program, starts_on=dt.date(2027, 1, 1))
    EnrollmentFactory(cohort=later)
    EnrollmentFactory(cohort=later)
    EnrollmentFactory(cohort=later, status=Enrollment.Status.WAITLISTED)
    CohortFactory(program=ProgramFactory(organizer=organizer))  # another program's run stays out

    with scope(organizer=organizer.id):
        rows = cohorts_of_program.run(organizer_id=organizer.id, program_id=program.id)
        again = cohorts_of_program.run(organizer_id=organizer.id, program_id=program.id)
    assert [c.pk for c in rows] == [sooner.pk, later.pk] == [c.pk for c in again]
    assert [c.confirmed for c in rows] == [0, 2]
    assert rows[1].starts_on == dt.date(2027, 3, 1)
    assert str(rows[1].time_zone) == "Europe/Amsterdam"  # the field's own converter ran
    assert rows[1]._state.adding is False and rows[1]._state.db == "default"


def test_values_list_rows_and_string_parameters(organizer):
    program = ProgramFactory(organizer=organizer, title="Equity in Leadership", slug="equity")
    ProgramFactory(organizer=organizer, title="Other", slug="other")
    with scope(organizer=organizer.id):
        assert program_titles.run(organizer_id=organizer.id, slug="equity") == [(program.id, "Equity in Leadership")]
        assert program_titles.run(organizer_id=organizer.id, slug="nothing-here") == []


cohorts_open_at = PreparedQuery(
    lambda organizer_id, moment: Cohort.objects.filter(organizer_id=organizer_id, registration_closes_at__gt=moment)
    .order_by("registration_closes_at", "id").values_list("id", flat=True),
    params={"organizer_id": int, "moment": dt.datetime}, tenant="organizer_id",
)


def test_datetime_parameters_compare_as_the_orm_would_in_any_zone(organizer):
    closes = dt.datetime(2027, 5, 1, 17, 0, tzinfo=dt.UTC)
    early = CohortFactory(program__organizer=organizer, registration_closes_at=closes)
    late = CohortFactory(program__organizer=organizer, registration_closes_at=closes + dt.timedelta(days=30))
    CohortFactory(program__organizer=organizer, registration_closes_at=None)
    chicago = zoneinfo.ZoneInfo("America/Chicago")
    with scope(organizer=organizer.id):
        for moment in (closes - dt.timedelta(microseconds=1), closes, closes.astimezone(chicago),
                       closes + dt.timedelta(days=31)):
            expected = list(Cohort.objects.filter(registration_closes_at__gt=moment)
                            .order_by("registration_closes_at", "id").values_list("id", flat=True))
            assert cohorts_open_at.run(organizer_id=organizer.id, moment=moment) == expected
        assert cohorts_open_at.run(organizer_id=organizer.id, moment=closes) == [late.id]
        assert cohorts_open_at.run(organizer_id=organizer.id, moment=closes - dt.timedelta(hours=1)) == [
            early.id, late.id]
        with pytest.raises(TypeError, match="aware"):  # a naive time would mean a different moment per backend
            cohorts_open_at.run(organizer_id=organizer.id, moment=dt.datetime(2027, 5, 1, 17, 0))
        with pytest.raises(TypeError):
            cohorts_open_at.run(organizer_id=organizer.id, moment=dt.date(2027, 5, 1))


def test_another_organizers_rows_stay_out_and_the_scope_is_enforced(organizer, other_organizer):
    mine = ProgramFactory(organizer=organizer, slug="shared-slug")
    ProgramFactory(organizer=other_organizer, slug="shared-slug")
    with scope(organizer=organizer.id):
        assert [row[0] for row in program_titles.run(organizer_id=organizer.id, slug="shared-slug")] == [mine.id]
        with pytest.raises(ScopeError):  # asking for another organizer's rows inside this one's scope
            program_titles.run(organizer_id=other_organizer.id, slug="shared-slug")
    with pytest.raises(ScopeError):  # no scope at all: fail closed, like the scoped managers
        program_titles.run(organizer_id=organizer.id, slug="shared-slug")
    with scopes_disabled():
        assert len(program_titles.run(organizer_id=other_organizer.id, slug="shared-slug")) == 1


def test_wrong_arguments_are_refused(organizer):
    with scope(organizer=organizer.id):
        with pytest.raises(TypeError):
            program_titles.run(organizer_id=organizer.id)
        with pytest.raises(TypeError):
            program_titles.run(organizer_id=str(organizer.id), slug="x")


@pytest.mark.parametrize("build, complaint", [
    (lambda organizer_id, title: Program.objects.filter(organizer_id=organizer_id, title__icontains=title),
     "transformed"),
    (lambda organizer_id, title: Program.objects.filter(organizer_id=organizer_id).prefetch_related("modules"),
     "prefetch"),
    (lambda organizer_id, title: Module.objects.filter(organizer_id=organizer_id, title=title)
     .select_related("program"), "select_related"),
    (lambda organizer_id, title: Program.objects.filter(organizer_id=organizer_id), "do not reach the SQL"),
])
def test_queries_it_cannot_run_faithfully_are_refused_when_first_run(organizer, build, complaint):
    query = PreparedQuery(build, params={"organizer_id": int, "title": str}, tenant="organizer_id")
    with scope(organizer=organizer.id), pytest.raises(ImproperlyConfigured, match=complaint):
        query.run(organizer_id=organizer.id, title="Equity")


def test_each_run_is_one_query_in_djangos_log(organizer):
    program = ProgramFactory(organizer=organizer)
    with scope(organizer=organizer.id), CaptureQueriesContext(connection) as queries:
        cohorts_of_program.run(organizer_id=organizer.id, program_id=program.id)
        cohorts_of_program.run(organizer_id=organizer.id, program_id=program.id)
    assert len(queries) == 2
    assert all('"cohorts_cohort"' in q["sql"] for q in queries.captured_queries)


@pytest.mark.postgres
def test_on_postgresql_the_statement_is_prepared_on_the_server(organizer):
    assert on_postgres()
    program = ProgramFactory(organizer=organizer)
    with scope(organizer=organizer.id):
        cohorts_of_program.run(organizer_id=organizer.id, program_id=program.id)
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        statements = [row[0] for row in cursor.fetchall()]
    assert any('FROM "cohorts_cohort"' in s and "$1" in s for s in statements), statements


def test_rows_become_instances_only_when_asked(organizer):
    program = ProgramFactory(organizer=organizer)
    cohort = CohortFactory(program=program, title="Spring")
    EnrollmentFactory(cohort=cohort)
    with scope(organizer=organizer.id):
        rows = cohorts_of_program.rows(organizer_id=organizer.id, program_id=program.id)
        assert rows[0][cohorts_of_program.column("title")] == "Spring"
        assert rows[0][cohorts_of_program.column("confirmed")] == 1
        (built,) = cohorts_of_program.instances(rows)
    assert built.pk == cohort.pk and built.confirmed == 1 and built.title == "Spring"
    with pytest.raises(TypeError):
        program_titles.instances([])


def test_instances_behave_as_the_orms_own(organizer):
    program = ProgramFactory(organizer=organizer, title="Equity in Leadership")
    made = CohortFactory(program=program, title="Spring", time_zone="America/Chicago", capacity=12)
    EnrollmentFactory(cohort=made)
    only_titles = PreparedQuery(
        lambda organizer_id, program_id: Cohort.objects.filter(organizer_id=organizer_id, program_id=program_id)
        .only("id", "organizer_id", "program_id", "title", "time_zone"),
        params={"organizer_id": int, "program_id": int}, tenant="organizer_id",
    )
    with scope(organizer=organizer.id):
        (cohort,) = cohorts_of_program.run(organizer_id=organizer.id, program_id=program.id)
        orm = Cohort.objects.get(pk=made.pk)
        # Every field as the ORM reads it, the time zone as a zone (its descriptor ran), not text.
        assert {f.attname: getattr(cohort, f.attname) for f in Cohort._meta.concrete_fields} == {
            f.attname: getattr(orm, f.attname) for f in Cohort._meta.concrete_fields}
        assert isinstance(cohort.time_zone, zoneinfo.ZoneInfo) and cohort == orm
        assert cohort.program.title == "Equity in Leadership"  # a relation loads on first use
        assert (cohort._state.adding, cohort._state.db) == (False, "default")
        (partial,) = only_titles.run(organizer_id=organizer.id, program_id=program.id)
        assert partial.get_deferred_fields() >= {"capacity", "starts_on"}
        with CaptureQueriesContext(connection) as loaded:
            assert partial.capacity == 12  # a deferred field loads on first use, as with .only()
        assert len(loaded) == 1
        cohort.title = "Spring, renamed"
        cohort.save(update_fields=["title"])  # saved as an update of the row it came from
        assert Cohort.objects.filter(program=program).count() == 1
        assert Cohort.objects.get(pk=made.pk).title == "Spring, renamed"


def test_a_model_with_an_init_receiver_is_built_by_the_orm(organizer):
    from django.db.models.signals import post_init

    program = ProgramFactory(organizer=organizer)
    CohortFactory(program=program)
    seen = []

    def count(sender, instance, **kwargs):
        seen.append(instance)

    fresh = PreparedQuery(  # compiled while the receiver is connected
        lambda organizer_id, program_id: Cohort.objects.filter(organizer_id=organizer_id, program_id=program_id),
        params={"organizer_id": int, "program_id": int}, tenant="organizer_id",
    )
    post_init.connect(count, sender=Cohort)
    try:
        with scope(organizer=organizer.id):
            (cohort,) = fresh.run(organizer_id=organizer.id, program_id=program.id)
    finally:
        post_init.disconnect(count, sender=Cohort)
    assert seen == [cohort]
