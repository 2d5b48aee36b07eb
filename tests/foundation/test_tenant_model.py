"""Every tenant model derives from organizers.models.TenantModel, and a row never links two
organizers, however it is saved: a form or the admin (clean) or a service, task or shell (save).
The admin's own message is tested in test_admin_scoping."""

import pytest
from django.apps import apps
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scope, scopes_disabled

from cohorts.models import Cohort, Enrollment
from organizers.models import MIXED_ORGANIZERS, Organizer, TenantModel
from organizers.scoping import organizer_path_of
from tests.factories import CohortFactory, ProgramFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_every_model_with_an_organizer_key_is_a_tenant_model():
    tenant = {m._meta.label for m in apps.get_models() if organizer_path_of(m) is not None}
    keyed = {
        m._meta.label for m in apps.get_models()
        if any(f.name == "organizer" and f.related_model is Organizer for f in m._meta.concrete_fields)
    }
    assert keyed and keyed == tenant
    assert {label for label in tenant if not issubclass(apps.get_model(label), TenantModel)} == set()


def test_saving_a_row_that_points_at_another_organizers_record_is_refused(organizer, other_organizer):
    theirs = ProgramFactory(organizer=other_organizer)
    with scope(organizer=organizer), pytest.raises(ValidationError) as refused:
        Cohort.objects.create(organizer=organizer, program=theirs, title="Mixed", slug="mixed")
    assert refused.value.messages == [MIXED_ORGANIZERS]
    with scopes_disabled():
        assert not Cohort.objects.filter(slug="mixed").exists()


def test_the_check_reads_records_named_only_by_id(organizer, other_organizer):
    theirs = CohortFactory(program__organizer=other_organizer)
    person = UserFactory()
    with scope(organizer=organizer), pytest.raises(ValidationError):
        Enrollment.objects.create(organizer=organizer, cohort_id=theirs.id, person=person)
    with scopes_disabled():
        assert not Enrollment.objects.filter(person=person).exists()


def test_changing_a_saved_rows_link_to_another_organizer_is_refused(organizer, other_organizer):
    mine = CohortFactory(program__organizer=organizer)
    theirs = ProgramFactory(organizer=other_organizer)
    mine.program_id = theirs.id
    with pytest.raises(ValidationError):
        mine.save(update_fields=["program"])
    with scopes_disabled():
        mine.refresh_from_db()
    assert mine.program.organizer == organizer


def test_saving_other_fields_costs_no_extra_query(organizer):
    cohort = CohortFactory(program__organizer=organizer)
    with scopes_disabled():
        cohort = Cohort.objects.get(id=cohort.id)  # nothing related loaded
    cohort.title = "Renamed"
    with CaptureQueriesContext(connection) as queries:
        cohort.save(update_fields=["title"])
    assert len(queries) == 1


def test_full_clean_names_the_problem_for_the_form(organizer, other_organizer):
    cohort = Cohort(organizer=organizer, program=ProgramFactory(organizer=other_organizer), title="Mixed", slug="mixed")
    with scope(organizer=organizer), pytest.raises(ValidationError) as refused:
        cohort.full_clean()
    assert refused.value.message_dict[NON_FIELD_ERRORS] == [MIXED_ORGANIZERS]


def test_a_row_of_one_organizer_saves(organizer):
    cohort = CohortFactory(program__organizer=organizer)
    with scope(organizer=organizer):
        enrollment = Enrollment.objects.create(organizer=organizer, cohort_id=cohort.id, person=UserFactory())
    assert enrollment.pk
