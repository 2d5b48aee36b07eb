"""Exports of self-assessments and invoices: content, neutralisation, scoping, partners' restriction."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from billing import services as billing
from cohorts.models import PlanningPartner
from frameworks import services as frameworks
from frameworks.models import AssessmentPoint, Item, PartnerPerson, SupportRequest
from organizers.roles import Role
from tests.billing.helpers import bare_order, priced_cohort
from tests.factories import MembershipFactory, UserFactory, member
from tests.frameworks.scenario import make_team, make_world

from .test_exports import HOSTILE, read_csv, read_xlsx

pytestmark = pytest.mark.django_db


def assessment_url(cohort, kind, fmt, organizer=None):
    return reverse("reports:assessment_export", kwargs={
        "organizer_slug": (organizer or cohort.organizer).slug, "cohort_id": cohort.id, "kind": kind, "fmt": fmt})


def invoices_url(organizer, fmt, cohort=None):
    if cohort is None:
        return reverse(f"reports:invoice_export_{fmt}", kwargs={"organizer_slug": organizer.slug})
    return reverse("reports:cohort_invoice_export", kwargs={
        "organizer_slug": organizer.slug, "cohort_id": cohort.id, "fmt": fmt})


def take(w, point, values, person, note=""):
    with scope(organizer=w.organizer.id):
        assessment = frameworks.start_assessment(point=point, user=person, today=point.opens_on)
        items = Item.objects.filter(area__version=point.version).order_by("area__order", "order")
        for item, value in zip(items, values):
            frameworks.save_consensus(assessment=assessment, item_id=item.id, by=person, value=value, note=note)
        return frameworks.submit_assessment(assessment=assessment, by=person)


@pytest.fixture
def world(organizer):
    """Arizona (baseline 1,3,2 then 3-month follow-up 3,4,4) and Iowa (baseline 4,4,1); Iowa asked a partner."""
    w = make_world(organizer)
    iowa, (carol,) = make_team(organizer, w.cohort, name="Iowa state team", people=1)
    with scopes_disabled():
        follow_up = AssessmentPoint.objects.get(cohort=w.cohort, kind="follow_up", months_after=3)
    take(w, w.point, [1, 3, 2], w.alice, note="Started here")
    take(w, follow_up, [3, 4, 4], w.alice)
    take(w, w.point, [4, 4, 1], carol)
    partner_user = UserFactory(full_name="Dana Data")
    MembershipFactory(organizer=organizer, user=partner_user, role=Role.PARTNER)
    with scopes_disabled():
        partner = PlanningPartner.objects.create(organizer=organizer, program=w.cohort.program, name="Child Trends")
        PartnerPerson.objects.create(organizer=organizer, partner=partner, user=partner_user)
        workplan = frameworks.ensure_workplan(team=iowa)
        SupportRequest.objects.create(organizer=organizer, workplan=workplan, partner=partner, message="Help")
    w.partner = partner_user
    w.iowa = iowa
    return w


def test_assessment_ratings_and_scores_baseline_to_follow_up(world, client_for):
    client = client_for(world.staff)
    ratings = read_csv(client.get(assessment_url(world.cohort, "ratings", "csv")))
    assert ratings[0][:4] == ["Assessment", "Opened", "Framework", "Taken by"]
    arizona_baseline = [r for r in ratings[1:] if r[3] == "Arizona state team" and r[0] == "Baseline (start)"]
    # Area, area score, item, agreed rating: the results page's numbers.
    assert [r[8:12] for r in arizona_baseline] == [
        ["Strategy", "2.0", "We have a DEI strategy.", "1"], ["Strategy", "2.0", "Leaders own it.", "3"],
        ["Recruitment", "2.0", "We recruit widely.", "2"]]
    assert arizona_baseline[0][6] == "Submitted" and arizona_baseline[0][13] == "Started here"
    assert len(ratings) == 1 + 3 * 3

    scores = read_xlsx(client.get(assessment_url(world.cohort, "scores", "xlsx")))
    header = scores[0]
    assert header[:4] == ["Taken by", "Team", "Organization", "Area"] and header[-1] == "Change (first to last)"
    baseline, follow_up = header.index("Baseline (start)"), header.index("3-month follow-up")
    rows = {(r[0], r[3]): r for r in scores[1:]}
    assert (rows["Arizona state team", "Strategy"][baseline], rows["Arizona state team", "Strategy"][follow_up],
            rows["Arizona state team", "Strategy"][-1]) == (2.0, 3.5, 1.5)  # numbers stay numbers
    assert rows["Arizona state team", "Recruitment"][-1] == 2.0
    assert rows["Iowa state team", "Strategy"][baseline] == 4.0 and rows["Iowa state team", "Strategy"][-1] is None


def test_a_partner_exports_only_the_teams_they_support(world, client_for):
    partner = client_for(world.partner)
    for kind in ("ratings", "scores"):
        rows = read_csv(partner.get(assessment_url(world.cohort, kind, "csv")))
        column = rows[0].index("Taken by")
        assert {r[column] for r in rows[1:]} == {"Iowa state team"}, kind
    listing = partner.get(reverse("frameworks:workplans", kwargs={"organizer_slug": world.organizer.slug}))
    assert assessment_url(world.cohort, "ratings", "csv") in listing.content.decode()
    # A partner nobody asked, a facilitator and a participant: 404.
    idle = UserFactory()
    MembershipFactory(organizer=world.organizer, user=idle, role=Role.PARTNER)
    for person in (idle, member(world.organizer, Role.FACILITATOR), world.alice):
        assert client_for(person).get(assessment_url(world.cohort, "ratings", "csv")).status_code == 404


def test_assessment_exports_are_listed_for_staff(world, client_for):
    client = client_for(world.staff)
    url = assessment_url(world.cohort, "scores", "xlsx")
    for page in (reverse("reports:cohort_report", kwargs={"organizer_slug": world.organizer.slug,
                                                          "cohort_id": world.cohort.id}),
                 reverse("frameworks:cohort_overview", kwargs={"organizer_slug": world.organizer.slug,
                                                               "cohort_id": world.cohort.id})):
        assert url in client.get(page).content.decode()


@pytest.fixture
def invoiced(organizer):
    """IP-…-0001: 100.00 paid; 0002: 80.00 credited in full; 0003: 60.00, 20.00 credited, overdue; 0004: 50 open."""
    cohort = priced_cohort(organizer)
    today = dt.date.today()
    orders = [bare_order(cohort, gross=g, buyer=UserFactory(full_name=f"Buyer {n}"))
              for n, g in enumerate(["100.00", "80.00", "60.00", "50.00"], start=1)]
    with scope(organizer=organizer.id):
        first, second, third, fourth = [billing.issue_invoice(order=o) for o in orders]
        billing.record_payment(order=orders[0], amount=Decimal("100.00"), method="bank_transfer")
        billing.issue_credit_note(invoice=second, amount=Decimal("80.00"), reason="Cancelled")
        billing.issue_credit_note(invoice=third, amount=Decimal("20.00"), reason="Goodwill")
    with scopes_disabled():
        type(third).objects.filter(pk=third.pk).update(due_on=today - dt.timedelta(days=3))
        type(fourth).objects.filter(pk=fourth.pk).update(due_on=today + dt.timedelta(days=3))
    return cohort, [first, second, third, fourth]


def test_invoices_export_numbers_buyers_amounts_and_status(organizer, invoiced, staff_user, client_for):
    cohort, (first, second, third, fourth) = invoiced
    client = client_for(staff_user)
    rows = read_csv(client.get(invoices_url(organizer, "csv", cohort)))
    header, body = rows[0], {r[0]: dict(zip(rows[0], r)) for r in rows[1:]}
    assert header[:6] == ["Number", "Kind", "Issued", "Due", "Cohort", "Buyer"]
    assert len(body) == 6  # four invoices, two credit notes
    assert {n: (body[n]["Buyer"], body[n]["Gross"], body[n]["Status"], body[n]["Paid (order)"], body[n]["Credited"])
            for n in (first.number, second.number, third.number, fourth.number)} == {
        first.number: ("Buyer 1", "100.00", "paid", "100.00", "0.00"),
        second.number: ("Buyer 2", "80.00", "credited", "0.00", "80.00"),
        third.number: ("Buyer 3", "60.00", "overdue", "0.00", "20.00"),
        fourth.number: ("Buyer 4", "50.00", "unpaid", "0.00", "0.00"),
    }
    notes = [r for r in body.values() if r["Kind"] == "Credit note"]
    assert sorted((r["Gross"], r["Credits invoice"], r["Status"]) for r in notes) == [
        ("-20.00", third.number, "credit note"), ("-80.00", second.number, "credit note")]
    sheet = read_xlsx(client.get(invoices_url(organizer, "xlsx")))
    assert len(sheet) == 7 and sheet[0][13] == "Gross" and sorted(r[13] for r in sheet[1:]) == [-80, -20, 50, 60, 80, 100]
    # Listed on the billing page and the cohort's report.
    billing_page = client.get(reverse("billing:staff_home", kwargs={"organizer_slug": organizer.slug})).content.decode()
    assert invoices_url(organizer, "xlsx") in billing_page
    report = client.get(reverse("reports:cohort_report", kwargs={"organizer_slug": organizer.slug,
                                                                 "cohort_id": cohort.id})).content.decode()
    assert invoices_url(organizer, "csv", cohort) in report


def test_invoice_and_assessment_exports_neutralise_hostile_values(organizer, staff_user, client_for):
    cohort = priced_cohort(organizer)
    with scope(organizer=organizer.id):
        for index, value in enumerate(HOSTILE):
            order = bare_order(cohort, buyer=UserFactory(full_name=value, email=f"h{index}@example.org"))
            type(order).objects.filter(pk=order.pk).update(billing_address=value, po_reference=value)
            order.refresh_from_db()
            billing.issue_invoice(order=order)
    w = make_world(organizer)
    take(w, w.point, [1, 2, 3], w.alice, note="=HYPERLINK(\"http://evil.example\")")
    with scopes_disabled():
        type(w.team).objects.filter(pk=w.team.pk).update(name="@SUM(A1)")
    client = client_for(staff_user)
    responses = [client.get(invoices_url(organizer, fmt)) for fmt in ("csv", "xlsx")]
    responses += [client.get(assessment_url(w.cohort, kind, fmt)) for kind in ("ratings", "scores")
                  for fmt in ("csv", "xlsx")]
    seen = 0
    for response in responses:
        rows = read_csv(response) if response["Content-Type"].startswith("text/csv") else read_xlsx(response)
        for row in rows:
            for cell in row:
                if isinstance(cell, str) and cell:
                    assert cell[0] not in "=+-@\t\r", f"{cell!r} would run as a formula"
                    seen += cell.startswith("'")
    assert seen >= 2 * 3 * len(HOSTILE) + 4


def test_outsiders_get_404_and_never_another_organizers_rows(organizer, other_organizer, invoiced, staff_user,
                                                             client_for):
    cohort, _ = invoiced
    theirs = priced_cohort(other_organizer)
    with scope(organizer=other_organizer.id):
        billing.issue_invoice(order=bare_order(theirs, buyer=UserFactory(full_name="Their Buyer")))
    w = make_world(other_organizer)
    client = client_for(staff_user)
    assert "Their Buyer" not in client.get(invoices_url(organizer, "csv")).content.decode()
    assert client.get(invoices_url(organizer, "csv", theirs)).status_code == 404
    assert client.get(invoices_url(other_organizer, "csv")).status_code == 404
    assert client.get(assessment_url(w.cohort, "ratings", "csv", organizer=organizer)).status_code == 404
    assert client.get(assessment_url(w.cohort, "ratings", "csv")).status_code == 404
    for role in (Role.FACILITATOR, Role.REVIEWER, Role.PARTNER):
        assert client_for(member(organizer, role)).get(invoices_url(organizer, "csv")).status_code == 404
    assert client.get(invoices_url(organizer, "pdf", cohort)).status_code == 404
    assert client.get(assessment_url(cohort, "everything", "csv")).status_code == 404
