"""Technical assistance after a session, and self-selected affinity groups."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from sessions_app.models import AffinityMembership
from organizers.roles import Role
from sessions_app.models import AssistanceRequest, SessionNote
from tests.factories import CohortFactory, FacilitatorFactory, TeamFactory, UserFactory, member

from .factories import AffinityGroupFactory, SessionFactory, enroll, facilitator_of, join_group

pytestmark = pytest.mark.django_db


def _url(organizer, name, **kwargs):
    return reverse(f"sessions_app:{name}", kwargs={"organizer_slug": organizer.slug, **kwargs})


def _past_session(cohort, **kwargs):
    start = timezone.now() - dt.timedelta(days=1)
    return SessionFactory(cohort=cohort, starts_at=start, ends_at=start + dt.timedelta(hours=2), **kwargs)


def test_assistance_request_from_ask_to_close(organizer, client_for, django_capture_on_commit_callbacks):
    cohort = CohortFactory(program__organizer=organizer, is_team_cohort=True)
    session = _past_session(cohort)
    team = TeamFactory(cohort=cohort)
    requester = enroll(cohort, team=team).person
    client = client_for(requester)

    empty = client.post(_url(organizer, "assistance_new", session_id=session.id), {"topic": "", "description": ""})
    assert empty.status_code == 200 and "This field is required" in empty.content.decode()
    response = client.post(_url(organizer, "assistance_new", session_id=session.id), {
        "topic": "Communication materials", "description": "Help with our newsletter wording on racial equity.",
        "preferred_times": "Tuesday afternoons", "team": team.id}, follow=True)
    assert "Waiting for someone to pick it up" in response.content.decode()
    with scopes_disabled():
        request_obj = AssistanceRequest.objects.get()
    assert request_obj.team == team and request_obj.session == session

    # Staff see it in the queue, assign it to a facilitator of the cohort, who answers.
    staff = member(organizer, Role.STAFF)
    assert "Communication materials" in client_for(staff).get(_url(organizer, "assistance_list")).content.decode()
    facilitator = facilitator_of(cohort)
    detail = _url(organizer, "assistance_detail", request_id=request_obj.id)
    with django_capture_on_commit_callbacks(execute=True):
        client_for(staff).post(detail, {"action": "assign", "assignee": facilitator.id})
    assert [m.to[0] for m in mail.outbox] == [facilitator.email]
    assert "Communication materials" in client_for(facilitator).get(_url(organizer, "assistance_list")).content.decode()

    blank = client_for(facilitator).post(detail, {"action": "answer", "answer": " "})
    assert blank.status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        client_for(facilitator).post(detail, {"action": "answer", "answer": "Try leading with shared values."})
    assert mail.outbox[-1].to == [requester.email] and "shared values" in mail.outbox[-1].body
    page = client.get(detail).content.decode()
    assert "Answered" in page and "shared values" in page and "Send answer" not in page

    client_for(staff).post(detail, {"action": "close"})
    assert "Closed" in client.get(detail).content.decode()
    # The requester cannot act on it; other participants and other cohorts' facilitators cannot see it.
    assert client.post(detail, {"action": "close"}).status_code == 404
    assert client_for(enroll(cohort).person).get(detail).status_code == 404
    assert client_for(facilitator_of(CohortFactory(program__organizer=organizer))).get(detail).status_code == 404


def test_only_people_in_the_session_can_ask_after_it(organizer, client_for):
    session = _past_session(CohortFactory(program__organizer=organizer))
    outsider = enroll(CohortFactory(program__organizer=organizer)).person
    assert client_for(outsider).get(_url(organizer, "assistance_new", session_id=session.id)).status_code == 404


def test_affinity_group_join_leave_and_privacy(organizer, client_for):
    cohort = CohortFactory(program__organizer=organizer)
    group = AffinityGroupFactory(cohort=cohort, name="People of colour caucus")
    group_session = _past_session(cohort, affinity_group=group, kind="affinity", title="Caucus: racial justice practice")
    with scopes_disabled():
        SessionNote.objects.create(organizer=organizer, session=group_session, shared_summary="We named our practices.")
    ana = enroll(cohort, UserFactory(full_name="Ana Member")).person
    ben = enroll(cohort, UserFactory(full_name="Ben Browser")).person
    join_group(group, ana)
    detail = _url(organizer, "group_detail", group_id=group.id)

    # Ben is enrolled but not a member: he may join, but cannot see who is in it or its sessions.
    page = client_for(ben).get(detail).content.decode()
    assert "Join this group" in page and "Ana Member" not in page and "named our practices" not in page
    session_url = _url(organizer, "session_detail", session_id=group_session.id)
    assert client_for(ben).get(session_url).status_code == 404
    assert client_for(ana).get(session_url).status_code == 200
    assert "named our practices" in client_for(ana).get(detail).content.decode()

    client_for(ben).post(_url(organizer, "group_join", group_id=group.id))
    page = client_for(ben).get(detail).content.decode()
    assert "Ana Member" in page and "Leave this group" in page
    client_for(ben).post(_url(organizer, "group_leave", group_id=group.id))
    with scopes_disabled():
        assert list(AffinityMembership.objects.values_list("person__email", flat=True)) == [ana.email]

    # Not enrolled: 404 on every group page; the group's facilitator and staff see members.
    stranger = enroll(CohortFactory(program__organizer=organizer)).person
    for name in ("group_detail", "group_join", "group_leave"):
        assert client_for(stranger).post(_url(organizer, name, group_id=group.id)).status_code in (404, 405)
    assert client_for(stranger).get(detail).status_code == 404
    group_facilitator = member(organizer, Role.FACILITATOR)
    with scopes_disabled():
        group.facilitators.add(FacilitatorFactory(organizer=organizer, user=group_facilitator))
    assert "Ana Member" in client_for(group_facilitator).get(detail).content.decode()
    assert "Ana Member" in client_for(member(organizer, Role.STAFF)).get(detail).content.decode()
    # A facilitator of the whole cohort who does not run the group does not see the members.
    assert client_for(facilitator_of(cohort)).get(detail).status_code == 404


def test_an_affinity_session_roster_is_for_the_groups_facilitators_and_staff(organizer, client_for):
    cohort = CohortFactory(program__organizer=organizer)
    group = AffinityGroupFactory(cohort=cohort)
    session = _past_session(cohort, affinity_group=group, kind="affinity")
    member_person = enroll(cohort, UserFactory(full_name="Ana Member")).person
    join_group(group, member_person)
    roster = _url(organizer, "roster", session_id=session.id)
    assert client_for(facilitator_of(cohort)).get(roster).status_code == 404
    group_facilitator = member(organizer, Role.FACILITATOR)
    with scopes_disabled():
        group.facilitators.add(FacilitatorFactory(organizer=organizer, user=group_facilitator))
    page = client_for(group_facilitator).get(roster)
    assert page.status_code == 200 and "Ana Member" in page.content.decode()
    assert "Ana Member" in client_for(member(organizer, Role.STAFF)).get(roster).content.decode()
