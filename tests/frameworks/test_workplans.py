"""Team workplans: goals, actions, updates, partner support, exports and check-ins after the cohort."""

import csv
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled
from pypdf import PdfReader

from cohorts.models import PlanningPartner
from frameworks import services
from frameworks.models import Action, Area, Goal, PartnerPerson, SupportLog
from organizers.roles import Role
from sessions_app.models import CheckInRound
from sessions_app.services.sessions import grant_facilitation
from tests.factories import MembershipFactory, UserFactory, member

from .scenario import make_team, make_world

pytestmark = pytest.mark.django_db


def _url(name, organizer, **kwargs):
    return reverse(f"frameworks:{name}", kwargs={"organizer_slug": organizer.slug, **kwargs})


@pytest.fixture
def teams(organizer):
    w = make_world(organizer)
    iowa, (carol,) = make_team(organizer, w.cohort, name="Iowa state team", people=1)
    with scope(organizer=organizer.id):
        arizona_plan = services.ensure_workplan(team=w.team)
        iowa_plan = services.ensure_workplan(team=iowa)
        goal = services.add_goal(workplan=arizona_plan, title="Disaggregate our data")
        services.add_action(goal=goal, title="=HYPERLINK(\"http://evil\")", owner=w.alice)
        services.add_action(goal=goal, title="Publish a fact sheet", owner=w.bob, status=Action.Status.DONE)
        services.add_goal(workplan=iowa_plan, title="Iowa's secret goal")
        data = PlanningPartner.objects.create(organizer=organizer, program=w.cohort.program, name="Child Trends",
                                              focus_area="data")
        policy = PlanningPartner.objects.create(organizer=organizer, program=w.cohort.program, name="CLASP",
                                                focus_area="policy")
    partner = UserFactory(full_name="Dana Data")
    MembershipFactory(organizer=organizer, user=partner, role=Role.PARTNER)
    with scopes_disabled():
        PartnerPerson.objects.create(organizer=organizer, partner=data, user=partner)
    return {"w": w, "arizona": arizona_plan, "iowa": iowa_plan, "carol": carol, "data": data, "policy": policy,
            "partner": partner}


def test_members_plan_goals_and_actions_from_the_assessment(organizer, client_for, teams):
    w = teams["w"]
    alice = client_for(w.alice)
    with scopes_disabled():
        area = Area.objects.filter(version=w.version).first()
    r = alice.post(_url("add_goal", organizer, workplan_id=teams["arizona"].id),
                   {"title": "A strategy people live by", "area": area.id})
    assert r.status_code == 302
    with scopes_disabled():
        goal = Goal.objects.get(title="A strategy people live by")
    assert goal.area == area
    # An owner from outside the team is refused with a message; nothing is added.
    r = alice.post(_url("add_action", organizer, workplan_id=teams["arizona"].id, goal_id=goal.id),
                   {f"g{goal.id}-title": "Draft it", f"g{goal.id}-owner": teams["carol"].id}, follow=True)
    assert "Select a valid choice" in r.content.decode()
    r = alice.post(_url("add_action", organizer, workplan_id=teams["arizona"].id, goal_id=goal.id),
                   {f"g{goal.id}-title": "Draft it", f"g{goal.id}-owner": w.bob.id, f"g{goal.id}-due_on": "2030-01-31"})
    with scopes_disabled():
        action = Action.objects.get(title="Draft it")
    assert action.owner == w.bob and str(action.due_on) == "2030-01-31"
    alice.post(_url("update_action", organizer, workplan_id=teams["arizona"].id, action_id=action.id),
               {f"a{action.id}-status": "done", f"a{action.id}-notes": "Board approved", f"a{action.id}-owner": w.bob.id})
    page = alice.get(_url("workplan", organizer, workplan_id=teams["arizona"].id)).content.decode()
    assert "2 of 3 actions done" in page and "Board approved" in page
    r = alice.post(_url("add_goal", organizer, workplan_id=teams["arizona"].id), {"title": ""})
    assert r.status_code == 400 and "This field is required" in r.content.decode()


def test_a_partner_sees_only_the_teams_that_asked_them(organizer, client_for, teams):
    w = teams["w"]
    partner = client_for(teams["partner"])
    arizona, iowa = teams["arizona"], teams["iowa"]
    assert partner.get(_url("workplan", organizer, workplan_id=arizona.id)).status_code == 404  # not asked yet
    r = client_for(w.alice).post(_url("request_support", organizer, workplan_id=arizona.id),
                                 {"partner": teams["data"].id, "message": "Help us break data down by race"})
    assert r.status_code == 302
    listing = partner.get(_url("workplans", organizer)).content.decode()
    assert "Arizona state team" in listing and "Iowa state team" not in listing
    assert partner.get(_url("workplan", organizer, workplan_id=arizona.id)).status_code == 200
    for name in ("workplan", "export_pdf", "export_csv"):
        assert partner.get(_url(name, organizer, workplan_id=iowa.id)).status_code == 404, name
    # Partners log support, they do not edit the plan.
    with scopes_disabled():
        support = arizona.support_requests.get()
    r = partner.post(_url("log_support", organizer, workplan_id=arizona.id, request_id=support.id),
                     {"given_on": "2026-01-15", "note": "Reviewed their data plan"})
    assert r.status_code == 302
    with scopes_disabled():
        assert SupportLog.objects.get().author == teams["partner"]
        support.refresh_from_db()
        assert support.status == "active"
    assert partner.post(_url("add_goal", organizer, workplan_id=arizona.id), {"title": "x"}).status_code == 404
    # The same on the teams' self-assessments: the supported team's results, not the other's; no rating.
    with scope(organizer=organizer.id):
        theirs = services.start_assessment(point=w.point, user=w.alice)
        other = services.start_assessment(point=w.point, user=teams["carol"])
        item_id = theirs.version.areas.first().items.first().id
    assert partner.get(_url("results", organizer, assessment_id=theirs.id)).status_code == 200
    assert partner.get(_url("assessment", organizer, assessment_id=theirs.id)).status_code == 200
    assert partner.post(_url("rate", organizer, assessment_id=theirs.id, item_id=item_id),
                        {f"r{item_id}-value": "1"}).status_code == 404
    for name in ("results", "assessment"):
        assert partner.get(_url(name, organizer, assessment_id=other.id)).status_code == 404
    # Another partner's person cannot log on Child Trends' request.
    clasp_person = UserFactory()
    MembershipFactory(organizer=organizer, user=clasp_person, role=Role.PARTNER)
    with scopes_disabled():
        PartnerPerson.objects.create(organizer=organizer, partner=teams["policy"], user=clasp_person)
    assert client_for(clasp_person).post(_url("log_support", organizer, workplan_id=arizona.id,
                                              request_id=support.id), {"note": "x"}).status_code == 404
    # The partner was told by email, by name.
    from notifications.models import OutboundMessage
    with scopes_disabled():
        message = OutboundMessage.objects.get(template="frameworks/support_requested")
    assert message.to_email == teams["partner"].email and message.context["person_name"] == "Dana Data"


def test_staff_see_every_team_facilitators_read_other_teams_get_404(organizer, client_for, teams):
    staff = client_for(teams["w"].staff)
    listing = staff.get(_url("workplans", organizer)).content.decode()
    assert "Arizona state team" in listing and "Iowa state team" in listing
    assert "Teams without a workplan" not in listing
    colorado, _ = make_team(organizer, teams["w"].cohort, name="Colorado state team", people=1)
    listing = staff.get(_url("workplans", organizer)).content.decode()
    assert "Teams without a workplan" in listing and "Start the workplan<span class=\"visually-hidden\"> of Colorado" in listing
    assert staff.post(_url("start_workplan", organizer, team_id=colorado.id)).status_code == 302
    carol = client_for(teams["carol"])
    assert carol.get(_url("workplan", organizer, workplan_id=teams["arizona"].id)).status_code == 404
    assert carol.get(_url("export_pdf", organizer, workplan_id=teams["arizona"].id)).status_code == 404
    facilitator = member(organizer, Role.FACILITATOR)
    with scopes_disabled():
        grant_facilitation(cohort=teams["w"].cohort, user=facilitator)
    assert client_for(facilitator).get(_url("workplan", organizer, workplan_id=teams["iowa"].id)).status_code == 200
    assert client_for(facilitator).post(_url("add_goal", organizer, workplan_id=teams["iowa"].id),
                                        {"title": "x"}).status_code == 404


def test_exports_pdf_and_csv(organizer, client_for, teams):
    alice = client_for(teams["w"].alice)
    response = alice.get(_url("export_pdf", organizer, workplan_id=teams["arizona"].id))
    assert response["Content-Type"] == "application/pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Workplan: Arizona state team" in text and "Disaggregate our data" in text
    assert "Publish a fact sheet" in text and "1 of 2 actions done" in text
    response = alice.get(_url("export_csv", organizer, workplan_id=teams["arizona"].id))
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["Goal", "Framework area", "Action", "Owner", "Due", "Status", "Notes"]
    titles = [row[2] for row in rows[1:]]
    assert "'=HYPERLINK(\"http://evil\")" in titles and "Publish a fact sheet" in titles
    assert "Iowa" not in response.content.decode()


def test_a_checkin_after_the_cohort_asks_for_the_workplan_update_and_lists_non_responders(organizer, client_for,
                                                                                         teams):
    w = teams["w"]
    with scopes_disabled():
        round_ = CheckInRound.objects.create(organizer=organizer, cohort=w.cohort, months_after=1,
                                             due_on=timezone.localdate(), questions=["How is it going?"],
                                             sent_at=timezone.now())
    alice = client_for(w.alice)
    checkin = alice.get(reverse("sessions_app:checkin", kwargs={"organizer_slug": organizer.slug,
                                                               "round_id": round_.id})).content.decode()
    assert "Your team's workplan: Arizona state team" in checkin and "1 of 2 actions done" in checkin
    update_url = _url("workplan_checkin", organizer, workplan_id=teams["arizona"].id, round_id=round_.id)
    assert update_url in checkin
    page = alice.get(update_url).content.decode()
    assert "Publish a fact sheet: Done" in page
    assert alice.post(update_url, {"body": ""}).status_code == 400
    r = alice.post(update_url, {"body": "The fact sheet is out; data plan next."})
    assert r.status_code == 302
    r = client_for(w.bob).post(update_url, {"body": "Me too"})
    assert r.status_code == 400 and "already sent its update" in r.content.decode()
    overview = client_for(w.staff).get(_url("checkin_overview", organizer, round_id=round_.id)).content.decode()
    missing = overview[overview.index("Teams without an update"):overview.index('id="updates-heading"')]
    assert "Teams without an update (1)" in missing and "Iowa state team" in missing and "Arizona" not in missing
    assert "The fact sheet is out" in overview
    responses = client_for(w.staff).get(reverse("sessions_app:checkin_responses", kwargs={
        "organizer_slug": organizer.slug, "round_id": round_.id})).content.decode()
    assert _url("checkin_overview", organizer, round_id=round_.id) in responses
    assert client_for(teams["carol"]).get(update_url).status_code == 404
