"""Baseline vs follow-up with known numbers: the chart's data and the table say the same."""

import re

import pytest
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from frameworks import selectors, services
from frameworks.models import NOT_APPLICABLE, AssessmentPoint, Item

from .scenario import make_team, make_world

pytestmark = pytest.mark.django_db


def _take(w, point, values, people=None):
    people = people or [w.alice]
    with scope(organizer=w.organizer.id):
        assessment = services.start_assessment(point=point, user=people[0], today=point.opens_on)
        items = Item.objects.filter(area__version=point.version).order_by("area__order", "order")
        for item, value in zip(items, values):
            services.save_consensus(assessment=assessment, item_id=item.id, by=people[0], value=value)
        return services.submit_assessment(assessment=assessment, by=people[0])


def _follow_up(w, months=3):
    with scopes_disabled():
        return AssessmentPoint.objects.get(cohort=w.cohort, kind="follow_up", months_after=months)


def test_baseline_vs_follow_up_in_chart_data_and_table(organizer, client_for):
    w = make_world(organizer)
    # Items: Strategy (2 statements), Recruitment (1 statement). Scale 1..4.
    baseline = _take(w, w.point, [1, 3, 2])                 # Strategy 2.0, Recruitment 2.0
    follow_up = _take(w, _follow_up(w), [3, 4, NOT_APPLICABLE])  # Strategy 3.5, Recruitment not applicable

    with scope(organizer=organizer.id):
        data = selectors.comparison([baseline, follow_up])
    assert [c["label"].split(",")[0] for c in data["columns"]] == ["Baseline (start)", "3-month follow-up"]
    assert data["areas"] == [{"title": "Strategy", "scores": [2.0, 3.5]},
                             {"title": "Recruitment", "scores": [2.0, None]}]
    chart = str(data["chart"])
    # Bars: 220 px of labels, 350 px for the scale 0..4; the value is written beside each bar.
    bars = re.findall(r'width="([\d.]+)" height="15"></rect><text class="praxis-chart-value" x="[\d.]+" y="[\d.]+">'
                      r'([^<]+)</text>', chart)
    assert bars == [("175.0", "2"), ("306.2", "3.5"), ("175.0", "2"), ("0.0", "no data")]
    assert "Strategy, Baseline (start), " in chart and ": 3.5; Recruitment" in chart and 'role="img"' in chart

    html = client_for(w.alice).get(reverse("frameworks:results", kwargs={
        "organizer_slug": organizer.slug, "assessment_id": follow_up.id})).content.decode()
    table = html[html.index('id="areas-table"'):]
    table = table[:table.index("</table>")]
    rows = re.findall(r'<th scope="row">([^<]+)</th><td>([^<]+)</td><td>([^<]+)</td>', table)
    assert rows == [("Strategy", "2", "3.5"), ("Recruitment", "2", "–")]
    svg = html[html.index("<svg"):html.index("</svg>")]
    assert svg.count('class="praxis-chart-value"') == 4 and ">3.5</text>" in svg
    items = html[html.index('id="items-table"'):]
    assert "We recruit widely." in items and "Not applicable" in items and "Embedded" in items


def test_cohort_average_is_hidden_below_k_for_participants(organizer, client_for):
    w = make_world(organizer)
    _, (carol,) = make_team(organizer, w.cohort, name="Iowa state team", people=1)
    mine = _take(w, w.point, [1, 3, 2])
    _take(w, w.point, [3, 3, 4], people=[carol])
    url = reverse("frameworks:results", kwargs={"organizer_slug": organizer.slug, "assessment_id": mine.id})
    html = client_for(w.alice).get(url).content.decode()
    assert "Hidden (fewer than 5)" in html and "2.5" not in html
    organizer.small_cell_k = 2
    organizer.save()
    html = client_for(w.alice).get(url).content.decode()
    assert "2.5 <span" in html and "(2 organizations)" in html  # Strategy: mean of 2.0 and 3.0


def test_staff_overview_and_organization_history(organizer, client_for):
    w = make_world(organizer)
    _take(w, w.point, [1, 3, 2])
    _take(w, _follow_up(w), [3, 4, 4])
    overview = client_for(w.staff).get(reverse("frameworks:cohort_overview", kwargs={
        "organizer_slug": organizer.slug, "cohort_id": w.cohort.id})).content.decode()
    assert "Arizona state team" in overview and "<td>2</td>" in overview and "<td>3.5</td>" in overview
    assert client_for(w.alice).get(reverse("frameworks:cohort_overview", kwargs={
        "organizer_slug": organizer.slug, "cohort_id": w.cohort.id})).status_code == 404
    history = client_for(w.alice).get(reverse("frameworks:organization_history", kwargs={
        "organizer_slug": organizer.slug, "organization_id": w.team.organization_id})).content.decode()
    assert "<td>2</td><td>3.5</td>" in history and "<td>2</td><td>4</td>" in history
