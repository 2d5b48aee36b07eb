"""The admin home says what needs staff's attention, counted for their organizer only, in constant queries."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from applications.models import ApplicationCall, TeamMember
from cohorts import lifecycle
from cohorts.models import Cohort, Enrollment
from library.models import Resource
from sessions_app.models import AssistanceRequest
from tests.applications.factories import ApplicationFactory, CallFactory, review
from tests.factories import CohortFactory, EnrollmentFactory, UserFactory
from tests.library.factories import ResourceFactory

pytestmark = pytest.mark.django_db


def _world(organizer, *, size: int):
    """`size` of each thing that needs attention, plus rows that do not."""
    now = timezone.now()
    call = CallFactory(cohort__program__organizer=organizer, reviews_wanted=2)
    for n in range(size):
        waiting = ApplicationFactory(call=call)
        review(waiting, UserFactory(), 80)  # one review of the two wanted
        with scopes_disabled():
            TeamMember.objects.create(organizer=organizer, application=waiting, full_name=f"Member {n}",
                                      email=f"member{n}@example.org")
        EnrollmentFactory(cohort__program__organizer=organizer, status=Enrollment.Status.OFFERED, confirmed_at=None,
                          offer_expires_at=now + dt.timedelta(hours=20))
        with scopes_disabled():
            AssistanceRequest.objects.create(organizer=organizer, cohort=call.cohort, requester=UserFactory(),
                                             topic="Help with our workplan", description="Please.")
        ResourceFactory(organizer=organizer, status=Resource.Status.PROPOSED)
        CohortFactory(program__organizer=organizer, title=f"Soon {n}", starts_on=timezone.localdate() + dt.timedelta(days=7))
        CallFactory(cohort__program__organizer=organizer, open_for_applications=False)
    # An open team cohort whose lead named `size` members, none of whom has answered, and one who declined.
    team_cohort = CohortFactory(program__organizer=organizer, is_team_cohort=True, capacity=20)
    with scope(organizer=organizer.pk):
        registration = lifecycle.register_team(
            cohort=team_cohort, lead=UserFactory(), organization_name="Waiting Team",
            members=[lifecycle.TeamMemberInvite(email=f"invited{n}@example.org", name=f"Invited {n}")
                     for n in range(size + 1)],
        )
        lifecycle.decline_team_invitation(invitation=registration.invitations[-1])
    # Not needing attention: fully reviewed, offer far away, answered request, published resource.
    done = ApplicationFactory(call=call)
    review(done, UserFactory(), 70)
    review(done, UserFactory(), 90)
    EnrollmentFactory(cohort__program__organizer=organizer, status=Enrollment.Status.OFFERED, confirmed_at=None,
                      offer_expires_at=now + dt.timedelta(days=6))
    ResourceFactory(organizer=organizer)
    CohortFactory(program__organizer=organizer, starts_on=timezone.localdate() + dt.timedelta(days=90))
    with scopes_disabled():  # every other cohort starts well after the 30 days
        later = timezone.localdate() + dt.timedelta(days=90)
        Cohort.objects.filter(organizer=organizer).exclude(title__startswith="Soon").update(
            starts_on=later, ends_on=later + dt.timedelta(days=90)
        )


def _counts(html: str) -> dict[str, int]:
    rows = re.findall(r'<th scope="row">(?:<a href="([^"]+)">)?([^<]+)(?:</a>)?</th>\s*<td class="count">(\d+)</td>', html)
    return {label: int(count) for _, label, count in rows}


def test_counts_are_this_organizers_only(organizer, other_organizer, staff_user, client_for):
    _world(organizer, size=2)
    _world(other_organizer, size=3)
    counts = _counts(client_for(staff_user).get("/admin/").content.decode())
    assert counts == {
        "Applications waiting for reviews": 2,
        "Seat offers expiring within 48 hours": 2,
        "Technical-assistance requests nobody has picked up": 2,
        "Resource proposals waiting for review": 2,
        "Team applications waiting for members to confirm": 2,
        "Open-cohort team members who have not confirmed": 2,
        "Cohorts starting within 30 days without sessions": 2,
        "Calls kept closed by their checklist": 2,
    }


def test_each_line_links_to_a_list_of_exactly_those_rows(organizer, other_organizer, staff_user, client_for):
    _world(organizer, size=2)
    _world(other_organizer, size=1)
    client = client_for(staff_user)
    html = client.get("/admin/").content.decode()
    links = re.findall(r'<th scope="row"><a href="([^"]+)">([^<]+)</a></th>\s*<td class="count">(\d+)</td>', html)
    assert len(links) == 8
    for url, label, count in links:
        listing = client.get(url.replace("&amp;", "&")).content.decode()
        shown = re.search(r"(\d+) results? \(", listing) or re.search(r"(\d+) \w+s?\s*</span>", listing)
        rows = len(re.findall(r'<tr[^>]*>\s*<td class="action-checkbox">', listing))
        assert rows == int(count), (label, url, rows, count, shown)


def test_the_home_runs_a_constant_number_of_queries(organizer, staff_user, client_for):
    client = client_for(staff_user)
    _world(organizer, size=1)
    client.get("/admin/")
    with CaptureQueriesContext(connection) as small:
        client.get("/admin/")
    _world(organizer, size=6)
    with CaptureQueriesContext(connection) as large:
        client.get("/admin/")
    assert len(large.captured_queries) == len(small.captured_queries)
