"""Facilitators record attendance and notes; rates and the completion rule follow from them."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from cohorts.models import Enrollment, ModuleDelegate
from organizers.roles import Role
from sessions_app.selectors.attendance import attendance_report
from sessions_app.services import SessionsError
from sessions_app.services.sessions import record_attendance
from sessions_app.models import Attendance, CohortSessionSettings, FollowUpAction, SessionNote
from tests.factories import (
    CohortFactory,
    FacilitatorFactory,
    ModuleFactory,
    OrganizationFactory,
    TeamFactory,
    UserFactory,
    member,
)

from .factories import SessionFactory, enroll, facilitator_of

pytestmark = pytest.mark.django_db


def _past_session(cohort, **kwargs):
    start = timezone.now() - dt.timedelta(days=kwargs.pop("days_ago", 1))
    return SessionFactory(cohort=cohort, starts_at=start, ends_at=start + dt.timedelta(hours=2), **kwargs)


def _url(name, session, **extra):
    return reverse(f"sessions_app:{name}", kwargs={"organizer_slug": session.organizer.slug, "session_id": session.id, **extra})


def _statuses(session):
    with scopes_disabled():
        return dict(Attendance.objects.filter(session=session).values_list("person__email", "status"))


def test_facilitator_marks_attendance_in_place_and_in_bulk(organizer, client_for):
    cohort = CohortFactory(program__organizer=organizer)
    session = _past_session(cohort)
    ana, ben = enroll(cohort).person, enroll(cohort).person
    client = client_for(facilitator_of(cohort))

    page = client.get(_url("roster", session))
    assert page.status_code == 200 and ana.display_name in page.content.decode()

    # htmx: one radio changed, the row comes back saying it was saved.
    # htmx sends the whole form; only the row whose radio changed is saved.
    row = client.post(_url("roster", session), {f"status-{ana.id}": "late", f"status-{ben.id}": "absent"},
                      HTTP_HX_REQUEST="true", HTTP_HX_TRIGGER_NAME=f"status-{ana.id}")
    assert row.status_code == 200 and "Saved: Late" in row.content.decode()
    assert f'id="roster-row-{ana.id}"' in row.content.decode()
    assert _statuses(session) == {ana.email: "late"}

    bulk = client.post(_url("roster", session), {f"status-{ana.id}": "present", f"status-{ben.id}": "excused", "bulk": "1"})
    assert bulk.status_code == 302
    assert _statuses(session) == {ana.email: "present", ben.email: "excused"}


def test_mark_everyone_present_only_fills_the_unmarked(organizer, client_for):
    cohort = CohortFactory(program__organizer=organizer)
    session = _past_session(cohort)
    ana, ben = enroll(cohort).person, enroll(cohort).person
    staff = member(organizer, Role.STAFF)
    with scope(organizer=organizer.id):
        record_attendance(session=session, by=staff, marks={ana.id: "absent"})
    client_for(staff).post(_url("roster_all_present", session))
    assert _statuses(session) == {ana.email: "absent", ben.email: "present"}


@pytest.mark.parametrize("data, message", [
    ({"status-{ana}": "sleeping"}, "Choose present, late, excused or absent"),
    ({"status-{stranger}": "present"}, "not on this session"),
    ({}, "at least one person"),
    ({"status-abc": "present"}, "not understood"),
])
def test_bad_marks_get_a_clear_message_and_change_nothing(organizer, client_for, data, message):
    cohort = CohortFactory(program__organizer=organizer)
    session = _past_session(cohort)
    ana = enroll(cohort).person
    stranger = UserFactory()
    client = client_for(facilitator_of(cohort))
    payload = {k.format(ana=ana.id, stranger=stranger.id): v for k, v in data.items()}
    response = client.post(_url("roster", session), {**payload, "bulk": "1"}, follow=True)
    assert message in response.content.decode()
    assert _statuses(session) == {}


def test_facilitator_of_another_cohort_and_participants_get_404(organizer, client_for):
    cohort = CohortFactory(program__organizer=organizer)
    session = _past_session(cohort)
    ana = enroll(cohort).person
    other_facilitator = facilitator_of(CohortFactory(program__organizer=organizer))
    for user in (other_facilitator, ana, member(organizer, Role.REVIEWER)):
        client = client_for(user)
        assert client.get(_url("roster", session)).status_code == 404
        assert client.post(_url("roster", session), {f"status-{ana.id}": "present"}).status_code == 404
        assert client.post(_url("session_notes", session), {"private_notes": "x"}).status_code == 404
    assert _statuses(session) == {}


def test_session_facilitator_named_on_the_session_may_record(organizer, client_for):
    cohort = CohortFactory(program__organizer=organizer)
    session = _past_session(cohort)
    guest = member(organizer, Role.FACILITATOR)
    with scopes_disabled():
        session.facilitators.add(FacilitatorFactory(organizer=organizer, user=guest))
    ana = enroll(cohort).person
    assert client_for(guest).post(_url("roster", session), {f"status-{ana.id}": "present"}).status_code == 302
    assert _statuses(session) == {ana.email: "present"}


def test_rotation_credits_the_delegate_and_the_organization(organizer, client_for):
    cohort = CohortFactory(program__organizer=organizer, rotation_allowed=True)
    module = ModuleFactory(program=cohort.program)
    session = _past_session(cohort, module=module)
    org = OrganizationFactory(organizer=organizer, name="Wilde Ganzen")
    registered = enroll(cohort, organization=org).person
    delegate = UserFactory(full_name="Delegate For October")
    with scopes_disabled():
        ModuleDelegate.objects.create(organizer=organizer, cohort=cohort, module=module, organization=org, person=delegate)
    client = client_for(facilitator_of(cohort))
    page = client.get(_url("roster", session)).content.decode()
    assert "Delegate For October" in page and "sent for this module" in page
    assert registered.display_name not in page

    client.post(_url("roster", session), {f"status-{delegate.id}": "present"})
    with scopes_disabled():
        record = Attendance.objects.get(session=session)
        assert (record.person, record.organization) == (delegate, org)
        report = attendance_report(cohort)
    assert [(r.label, r.percent) for r in report.organizations] == [("Wilde Ganzen", 100)]
    # The delegate can see and join the session they were sent to.
    assert client_for(delegate).get(_url("session_detail", session)).status_code == 200


def test_private_notes_stay_private_and_the_summary_is_shared(organizer, client_for):
    cohort = CohortFactory(program__organizer=organizer)
    session = _past_session(cohort)
    participant = enroll(cohort).person
    facilitator = facilitator_of(cohort)
    client_for(facilitator).post(_url("session_notes", session), {
        "private_notes": "Ana seemed withdrawn; check in.", "shared_summary": "We mapped **power** in our sector."})
    with scopes_disabled():
        assert SessionNote.objects.get(session=session).updated_by == facilitator

    seen = client_for(participant).get(_url("session_detail", session)).content.decode()
    assert "<strong>power</strong>" in seen and "withdrawn" not in seen
    assert "withdrawn" in client_for(facilitator).get(_url("session_detail", session)).content.decode()
    assert "withdrawn" in client_for(member(organizer, Role.STAFF)).get(_url("session_detail", session)).content.decode()


def test_follow_up_actions_for_a_person_or_a_team(organizer, client_for):
    cohort = CohortFactory(program__organizer=organizer, is_team_cohort=True)
    session = _past_session(cohort)
    team = TeamFactory(cohort=cohort)
    ana = enroll(cohort, team=team, organization=team.organization).person
    client = client_for(facilitator_of(cohort))
    client.post(_url("follow_up_add", session), {"description": "Share the workplan draft", "owner": f"team:{team.id}"})
    client.post(_url("follow_up_add", session), {"description": "Send slides", "owner": f"person:{ana.id}"})
    response = client.post(_url("follow_up_add", session), {"description": "", "owner": f"person:{ana.id}"}, follow=True)
    assert "Describe the action" in response.content.decode()
    with scopes_disabled():
        actions = list(FollowUpAction.objects.order_by("id").values_list("description", "team_id", "person_id"))
    assert actions == [("Share the workplan draft", team.id, None), ("Send slides", None, ana.id)]
    assert "Send slides" in client_for(ana).get(_url("session_detail", session)).content.decode()
    with scopes_disabled():
        action = FollowUpAction.objects.get(person=ana)
    client.post(_url("follow_up_done", session, action_id=action.id), {"done": "1"})
    with scopes_disabled():
        action.refresh_from_db()
    assert action.is_done


def test_rates_and_the_completion_rule(organizer, client_for):
    cohort = CohortFactory(program__organizer=organizer)
    with scopes_disabled():
        CohortSessionSettings.objects.create(organizer=organizer, cohort=cohort, completion_min_attendance=75)
    sessions = [_past_session(cohort, days_ago=d) for d in (4, 3, 2, 1)]
    SessionFactory(cohort=cohort)  # not held yet: does not count
    steady, patchy, excused = (enroll(cohort) for _ in range(3))
    staff = member(organizer, Role.STAFF)
    with scope(organizer=organizer.id):
        for index, session in enumerate(sessions):
            record_attendance(session=session, by=staff, marks={
                steady.person_id: "present" if index < 3 else "late",
                patchy.person_id: "present" if index < 2 else "absent",
                excused.person_id: "excused" if index == 0 else "present",
            })
    url = reverse("sessions_app:attendance_report", kwargs={"organizer_slug": organizer.slug, "cohort_id": cohort.id})
    page = client_for(staff).get(url).content.decode()
    assert "4 sessions held" in page
    with scopes_disabled():
        rates = {r.extra["enrollment"].id: r.percent for r in attendance_report(cohort).people}
    assert rates == {steady.id: 100, patchy.id: 50, excused.id: 100}

    assert client_for(facilitator_of(cohort)).post(url).status_code == 404  # only staff apply the rule
    client_for(staff).post(url)
    with scopes_disabled():
        statuses = dict(Enrollment.objects.filter(cohort=cohort).values_list("id", "status"))
    assert statuses == {steady.id: "completed", patchy.id: "confirmed", excused.id: "completed"}


def test_attendance_cannot_be_recorded_days_ahead(organizer):
    cohort = CohortFactory(program__organizer=organizer)
    session = SessionFactory(cohort=cohort)
    ana = enroll(cohort).person
    with scope(organizer=organizer.id), pytest.raises(SessionsError, match="an hour before"):
        record_attendance(session=session, by=None, marks={ana.id: "present"})
