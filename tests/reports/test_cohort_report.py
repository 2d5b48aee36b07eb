"""The cohort report: roster with attendance per session, completion, team, organization and follow-ups."""

import pytest
from django.urls import reverse
from django_scopes import scope
from guardian.shortcuts import assign_perm

from organizers.roles import Role
from reports.cohort_report import cohort_report
from tests.factories import CohortFactory, member

from . import scenario

pytestmark = pytest.mark.django_db


def url(cohort):
    return reverse("reports:cohort_report", kwargs={"organizer_slug": cohort.organizer.slug, "cohort_id": cohort.id})


def test_roster_numbers_match_the_fixture(organizer):
    known = scenario.build(organizer)
    with scope(organizer=organizer.id):
        report = cohort_report(known.running)
    rows = {row.person.email.split("@")[0]: row for row in report.rows}
    assert [c.percent for c in report.sessions] == [80, 75, None]
    assert rows["ana"].marks == ["P", "P", "–"] and rows["ana"].percent == 67
    assert rows["ben"].marks == ["P", "L", "–"] and rows["ben"].percent == 67
    assert rows["cat"].marks == ["P", "E", "–"] and (rows["cat"].attended, rows["cat"].possible) == (1, 2)
    assert rows["dev"].percent == 33
    assert (report.completion_min, report.meeting_rule, report.completed) == (75, 0, 1)
    assert str(rows["ana"].organization) == "Northside Health" and str(rows["ana"].team) == "Northside team"
    # A person's own follow-up, and the team's for each member of the team.
    assert [f.description for f in rows["dev"].follow_ups] == ["Send slides"]
    assert [f.description for f in rows["ana"].follow_ups] == ["Draft team equity plan"]
    assert [f.description for f in rows["ben"].follow_ups] == ["Draft team equity plan"]
    assert rows["cat"].follow_ups == []


def test_staff_page_lists_everyone_and_prints(organizer, staff_user, client_for):
    known = scenario.build(organizer)
    response = client_for(staff_user).get(url(known.running))
    html = response.content.decode()
    assert response.status_code == 200
    for name in ("Ana", "Ben", "Cat", "Dev", "Eve"):
        assert f'<th scope="row">{name}</th>' in html
    assert "Draft team equity plan" in html and "Northside team" in html
    assert "0 meet the rule today; 1 marked completed" in html
    assert html.count("<svg") == 1 and 'role="img"' in html
    assert "praxis.css" in html  # the print rules live there


def test_facilitator_of_the_cohort_sees_it_others_do_not(organizer, client_for):
    known = scenario.build(organizer)
    facilitator = member(organizer, Role.FACILITATOR)
    assert client_for(facilitator).get(url(known.running)).status_code == 404
    assign_perm("cohorts.facilitate_cohort", facilitator, known.running)
    assert client_for(facilitator).get(url(known.running)).status_code == 200
    # Facilitating one cohort opens no other cohort's report.
    assert client_for(facilitator).get(url(known.ended)).status_code == 404
    assert client_for(known.people["ana"]).get(url(known.running)).status_code == 404


def test_other_organizers_cohort_is_404(organizer, other_organizer, staff_user, client_for):
    theirs = CohortFactory(program__organizer=other_organizer)
    wrong = reverse("reports:cohort_report", kwargs={"organizer_slug": organizer.slug, "cohort_id": theirs.id})
    assert client_for(staff_user).get(wrong).status_code == 404
