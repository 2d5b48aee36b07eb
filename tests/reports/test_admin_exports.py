"""The admin lists' export actions: the list's columns, scoped rows, neutralised cells."""

import csv
import io

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled
from openpyxl import load_workbook

from organizers.roles import Role
from tests.factories import CohortFactory, EnrollmentFactory, OrganizationFactory, UserFactory, member

pytestmark = pytest.mark.django_db


def export(client, model_url, ids, action):
    return client.post(reverse(model_url), {"action": action, "_selected_action": [str(i) for i in ids]})


def test_enrollments_export_with_hostile_values_and_only_own_rows(organizer, other_organizer, client_for):
    cohort = CohortFactory(program__organizer=organizer)
    hostile = EnrollmentFactory(cohort=cohort, person=UserFactory(full_name="=HYPERLINK(\"http://x\")"),
                                organization=OrganizationFactory(organizer=organizer, name="@SUM(A1)"))
    plain = EnrollmentFactory(cohort=cohort, person=UserFactory(full_name="Plain Person"))
    theirs = EnrollmentFactory(cohort=CohortFactory(program__organizer=other_organizer),
                               person=UserFactory(full_name="Their Person"))
    client = client_for(member(organizer, Role.STAFF))
    url = "admin:cohorts_enrollment_changelist"
    response = export(client, url, [hostile.id, plain.id, theirs.id], "export_csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["Person", "Cohort", "Organization"]
    people = sorted(row[0] for row in rows[1:])
    assert len(people) == 2 and "Their Person" not in response.content.decode()
    assert any(p.startswith("'=HYPERLINK") for p in people)
    assert "'@SUM(A1)" in [row[2] for row in rows[1:]]
    response = export(client, url, [hostile.id], "export_xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = [c for row in sheet.iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert cells and not any(c[0] in "=+-@\t\r" for c in cells)


def test_demographic_answers_never_leave_through_the_admin(organizer, rf):
    from django.contrib.messages import get_messages
    from django.contrib.messages.storage.fallback import FallbackStorage

    from applications.models import DemographicResponse
    from reports import admin_exports

    request = rf.post("/admin/")
    request.session, request._messages = {}, None
    request._messages = FallbackStorage(request)
    with scopes_disabled():
        assert admin_exports.export_csv(None, request, DemographicResponse.objects.all()) is None
    assert "only from the cohort report" in str(list(get_messages(request))[0])
