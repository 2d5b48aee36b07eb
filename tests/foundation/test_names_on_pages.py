"""People are named by their name on the pages others read, never by their email address.

One person with a name (and an email that must not stand in for it) takes part in a
cohort: enrolled in a team, asking for technical assistance, posting in the community,
contributing to the library, applying. Staff, a facilitator and a reviewer open the pages
that list her; each page names her and none shows her address in place of the name.
"""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from library.models import Resource
from organizers.roles import Role
from sessions_app.models import AssistanceRequest
from tests.applications.factories import ApplicationFactory, CallFactory
from tests.community.factories import cohort_space, start
from tests.factories import CohortFactory, TeamFactory, UserFactory, member
from tests.library.factories import ResourceFactory
from tests.sessions.factories import AffinityGroupFactory, SessionFactory, enroll, facilitator_of, join_group

pytestmark = pytest.mark.django_db

ADA = {"email": "ada.lovelace@names.example", "full_name": "Ada Lovelace"}
GRACE = {"email": "grace.hopper@names.example", "full_name": "Grace Hopper"}


@pytest.fixture
def world(organizer):
    cohort = CohortFactory(program__organizer=organizer, is_team_cohort=True)
    ada = UserFactory(**ADA)
    team = TeamFactory(cohort=cohort, name="Lovelace team")
    enroll(cohort, ada, team=team)
    start_at = timezone.now() - dt.timedelta(days=1)
    session = SessionFactory(cohort=cohort, starts_at=start_at, ends_at=start_at + dt.timedelta(hours=2))
    staff = member(organizer, Role.STAFF, **GRACE)
    facilitator = facilitator_of(cohort)
    reviewer = member(organizer, Role.REVIEWER)
    group = AffinityGroupFactory(cohort=cohort, name="Women in data")
    join_group(group, ada)
    thread = start(cohort_space(cohort), ada, title="Sharing our board memo")
    call = CallFactory(cohort__program__organizer=organizer, blind_review=False)
    application = ApplicationFactory(call=call, applicant=ada)
    with scopes_disabled():
        assistance = AssistanceRequest.objects.create(
            organizer=organizer, cohort=cohort, session=session, requester=ada, team=team, topic="Data story",
            description="Help us tell our data story.", assigned_to=facilitator)
        resource = ResourceFactory(organizer=organizer, contributor=ada, title="Board memo template")
        proposed = ResourceFactory(organizer=organizer, contributor=ada, title="Listening guide",
                                   status=Resource.Status.PROPOSED)
    return dict(organizer=organizer, cohort=cohort, ada=ada, staff=staff, facilitator=facilitator,
                reviewer=reviewer, session=session, group=group, thread=thread, call=call,
                application=application, assistance=assistance, resource=resource, proposed=proposed)


def _url(w, name, **kwargs):
    return reverse(name, kwargs={"organizer_slug": w["organizer"].slug, **kwargs})


def _pages(w):
    """(who looks, url, what the page is) for the pages that name Ada."""
    return [
        (w["staff"], _url(w, "sessions_app:assistance_list"), "staff's technical-assistance queue"),
        (w["staff"], _url(w, "sessions_app:assistance_detail", request_id=w["assistance"].pk), "a TA request"),
        (w["facilitator"], _url(w, "sessions_app:roster", session_id=w["session"].pk), "facilitator's attendance"),
        (w["staff"], _url(w, "sessions_app:group_detail", group_id=w["group"].pk), "an affinity group"),
        (w["staff"], _url(w, "community:thread", thread_id=w["thread"].pk), "a community thread"),
        (w["staff"], _url(w, "community:space", space_id=w["thread"].space_id), "a community space"),
        (w["staff"], _url(w, "library:resource_detail", resource_id=w["resource"].pk), "a library resource"),
        (w["staff"], _url(w, "library:review_queue"), "library proposals"),
        (w["staff"], _url(w, "applications:staff_applications", call_id=w["call"].pk), "applications to a call"),
        (w["staff"], _url(w, "applications:staff_application", application_id=w["application"].pk),
         "an application"),
        (w["reviewer"], _url(w, "applications:review_application", application_id=w["application"].pk),
         "a reviewer's page"),
        (w["staff"], _url(w, "reports:cohort_report", cohort_id=w["cohort"].pk), "the cohort report"),
        (w["staff"], reverse("admin:cohorts_enrollment_changelist"), "the admin's enrollment list"),
        (w["staff"], reverse("admin:sessions_app_assistancerequest_changelist"), "the admin's TA request list"),
    ]


def test_every_page_that_lists_a_person_names_her_by_name(world, client_for):
    missing, leaked = [], []
    for viewer, url, what in _pages(world):
        response = client_for(viewer).get(url)
        assert response.status_code == 200, (what, url, response.status_code)
        page = response.content.decode()
        if ADA["full_name"] not in page:
            missing.append(what)
        if ADA["email"] in page:
            leaked.append(what)
    assert not missing, f"Ada's name is missing on: {missing}"
    assert not leaked, f"Ada's email stands in for her name on: {leaked}"


def test_the_admin_welcomes_staff_by_name(world, client_for):
    page = client_for(world["staff"]).get(reverse("admin:index")).content.decode()
    assert GRACE["full_name"] in page and GRACE["email"] not in page


def test_a_person_without_a_name_is_shown_by_email_and_a_preferred_name_wins():
    nameless = UserFactory.build(email="no.name@names.example", full_name="")
    assert nameless.display_name == "no.name@names.example"
    named = UserFactory.build(email="a@names.example", full_name="Augusta Ada King", preferred_name="Ada")
    assert (named.display_name, named.get_short_name(), named.get_full_name()) == ("Ada", "Ada", "Augusta Ada King")
    assert str(named) == "Ada"
