"""CSV and XLSX exports: scoping, the demographics grant and formula neutralisation."""

import csv
import io

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled
from openpyxl import load_workbook

from applications.models import DemographicAccessLog
from organizers.models import Membership
from organizers.roles import Role
from sessions_app.models import CheckInResponse, CheckInRound
from tests.applications.factories import ApplicationFactory, CallFactory, CategoryFactory, demographics, review
from tests.factories import CohortFactory, EnrollmentFactory, OrganizationFactory, UserFactory, member

from . import scenario

pytestmark = pytest.mark.django_db

HOSTILE = ["=HYPERLINK(\"http://evil.example\",\"click\")", "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A2)",
           "\tTabbed", "\rReturn"]


def cohort_url(cohort, kind, fmt, organizer=None):
    return reverse("reports:cohort_export", kwargs={
        "organizer_slug": (organizer or cohort.organizer).slug, "cohort_id": cohort.id, "kind": kind, "fmt": fmt})


def call_url(call, kind, fmt):
    return reverse("reports:call_export", kwargs={
        "organizer_slug": call.organizer.slug, "call_id": call.id, "kind": kind, "fmt": fmt})


def read_csv(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode())))


def read_xlsx(response) -> list[list]:
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_registrations_and_attendance_match_the_cohort(organizer, staff_user, client_for):
    known = scenario.build(organizer)
    client = client_for(staff_user)
    rows = read_csv(client.get(cohort_url(known.running, "registrations", "csv")))
    assert rows[0][:6] == ["Person", "Email", "Organization", "Team", "Role", "Status"]
    statuses = sorted(row[5] for row in rows[1:])
    assert statuses == sorted(["Confirmed"] * 4 + ["Completed", "Waitlisted", "Waitlisted", "Offered a seat",
                                                   "Seat held until payment", "Cancelled"])
    sheet = read_xlsx(client.get(cohort_url(known.running, "attendance", "xlsx")))
    header, body = sheet[0], {row[0]: row for row in sheet[1:]}
    assert [h.split(" (")[0] for h in header[5:8]] == ["Race and Power", "Structural Racism", "Leading Change"]
    assert body["Ben"][5:12] == ["Present", "Late", None, 2, 3, 67, "Not yet"]  # numbers stay numbers
    assert body["Eve"][-1] == "Completed"


def test_checkin_answers(organizer, staff_user, client_for):
    known = scenario.build(organizer)
    rows = read_csv(client_for(staff_user).get(cohort_url(known.ended, "checkins", "csv")))
    assert rows[0] == ["Check-in", "Person", "Email", "Answered", "Question", "Answer"]
    assert len(rows) == 4 and {r[5] for r in rows[1:]} == {"Well"} and rows[1][4] == "How is it going?"


def test_hostile_values_are_neutralised_in_every_cell(organizer, staff_user, client_for):
    cohort = CohortFactory(program__organizer=organizer, slug="hostile")
    for index, value in enumerate(HOSTILE):
        person = UserFactory(full_name=value, email=f"hostile{index}@example.org")
        EnrollmentFactory(cohort=cohort, person=person,
                          organization=OrganizationFactory(organizer=organizer, name=f"{value} org {index}"))
    with scopes_disabled():
        round_ = CheckInRound.objects.create(organizer=organizer, cohort=cohort, months_after=1,
                                             due_on=cohort.ends_on, questions=["=1+1"])
        CheckInResponse.objects.create(organizer=organizer, round=round_, person=person, answers=["@evil()"])
    call = CallFactory(cohort__program__organizer=organizer)
    application = ApplicationFactory(call=call, applicant=UserFactory(full_name="=cmd|calc"), title="+danger")
    review(application, member(organizer, Role.REVIEWER, full_name="-reviewer"), 80)

    client = client_for(staff_user)
    responses = [client.get(cohort_url(cohort, kind, fmt)) for kind in ("registrations", "attendance", "checkins")
                 for fmt in ("csv", "xlsx")]
    responses += [client.get(call_url(call, kind, fmt)) for kind in ("applications", "reviews") for fmt in ("csv", "xlsx")]
    seen = 0
    for response in responses:
        rows = read_csv(response) if response["Content-Type"].startswith("text/csv") else read_xlsx(response)
        for row in rows:
            for cell in row:
                if isinstance(cell, str) and cell:
                    assert cell[0] not in "=+-@\t\r", f"{cell!r} would run as a formula"
                    seen += cell.startswith("'")
    assert seen >= 20
    names = [r[0] for r in read_csv(client.get(cohort_url(cohort, "registrations", "csv")))[1:]]
    assert sorted(names) == sorted("'" + v for v in HOSTILE)


def test_another_organizers_rows_never_appear(organizer, other_organizer, staff_user, client_for):
    mine = CohortFactory(program__organizer=organizer, slug="shared-slug")
    theirs = CohortFactory(program__organizer=other_organizer, slug="shared-slug")
    EnrollmentFactory(cohort=mine, person=UserFactory(full_name="Mine Person"))
    EnrollmentFactory(cohort=theirs, person=UserFactory(full_name="Their Person"))
    their_call = CallFactory(cohort__program__organizer=other_organizer)
    ApplicationFactory(call=their_call)
    client = client_for(staff_user)
    rows = read_csv(client.get(cohort_url(mine, "registrations", "csv")))
    assert [r[0] for r in rows[1:]] == ["Mine Person"]
    # Their cohort and call under our address, and under theirs as our staff: 404.
    assert client.get(cohort_url(theirs, "registrations", "csv", organizer=organizer)).status_code == 404
    assert client.get(cohort_url(theirs, "registrations", "xlsx")).status_code == 404
    assert client.get(reverse("reports:call_export", kwargs={
        "organizer_slug": organizer.slug, "call_id": their_call.id, "kind": "applications", "fmt": "csv"})
    ).status_code == 404


def test_only_staff_export(organizer, client_for):
    cohort = CohortFactory(program__organizer=organizer)
    for role in (Role.FACILITATOR, Role.REVIEWER):
        assert client_for(member(organizer, role)).get(cohort_url(cohort, "registrations", "csv")).status_code == 404
    assert client_for(member(organizer, Role.STAFF)).get(cohort_url(cohort, "registrations", "pdf")).status_code == 404
    assert client_for(member(organizer, Role.STAFF)).get(cohort_url(cohort, "everything", "csv")).status_code == 404


def _call_with_demographics(organizer):
    call = CallFactory(cohort__program__organizer=organizer)
    CategoryFactory(call=call)
    demographics(ApplicationFactory(call=call, applicant=UserFactory(full_name="Ada Applicant")), race=["Indigenous"])
    return call


def test_applications_export_without_the_grant_has_no_demographics_and_logs_nothing(organizer, client_for):
    call = _call_with_demographics(organizer)
    admin = member(organizer, Role.ADMIN)
    rows = read_csv(client_for(admin).get(call_url(call, "applications", "csv")))
    assert not any("self-identified" in h for h in rows[0])
    assert "Indigenous" not in str(rows)
    with scopes_disabled():
        assert not DemographicAccessLog.objects.exists()


def test_applications_export_with_the_grant_includes_demographics_and_is_logged(organizer, client_for):
    call = _call_with_demographics(organizer)
    admin = member(organizer, Role.ADMIN)
    with scopes_disabled():
        Membership.objects.filter(user=admin).update(can_view_demographics=True)
    sheet = read_xlsx(client_for(admin).get(call_url(call, "applications", "xlsx")))
    assert sheet[0][-1] == "Race or ethnicity (self-identified)"
    assert sheet[1][1] == "Ada Applicant" and sheet[1][-1] == "Indigenous"
    with scopes_disabled():
        [log] = DemographicAccessLog.objects.all()
    assert (log.viewer, log.action) == (admin, DemographicAccessLog.Action.EXPORT)
