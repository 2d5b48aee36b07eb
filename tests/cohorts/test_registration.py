"""Registering alone and as a team: seats, waitlist, and every eligibility rule's message."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from cohorts import services
from cohorts.models import Affiliation, Cohort, Enrollment, Organization, Team
from notifications.models import OutboundMessage
from tests.factories import AffiliationFactory, CohortFactory, EnrollmentFactory, OrganizationFactory, UserFactory


def register_url(cohort, name="cohorts:register"):
    return reverse(name, kwargs={"organizer_slug": cohort.organizer.slug, "program_slug": cohort.program.slug,
                                 "cohort_slug": cohort.slug})


def enrollments(cohort):
    with scopes_disabled():
        return list(Enrollment.objects.filter(cohort=cohort).order_by("id"))


@pytest.fixture
def cohort(organizer):
    return CohortFactory(program__organizer=organizer, capacity=2)


def test_anonymous_visitor_is_sent_to_sign_in_and_back(cohort, client_for):
    url = register_url(cohort)
    response = client_for(None).get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert f"next={url}" in response["Location"].replace("%2F", "/")


def test_register_confirms_then_waitlists_when_full(cohort, client_for, django_capture_on_commit_callbacks):
    people = [UserFactory() for _ in range(3)]
    for person in people:
        with django_capture_on_commit_callbacks(execute=True):
            response = client_for(person).post(
                register_url(cohort), {"organization_name": "Heartland", "title": "Director"}
            )
        assert response.status_code == 302
    statuses = [e.status for e in enrollments(cohort)]
    assert statuses == ["confirmed", "confirmed", "waitlisted"]
    follow = client_for(people[2]).get(response["Location"])
    assert "Waitlisted" in follow.content.decode()
    with scopes_disabled():
        # One organization row, not three; each person is affiliated to it with their title.
        assert Organization.objects.filter(organizer=cohort.organizer, name="Heartland").count() == 1
        assert Affiliation.objects.filter(person=people[0], title="Director").exists()
        assert OutboundMessage.objects.filter(template="cohorts/waitlisted", recipient=people[2]).exists()
    subjects = [m.subject for m in mail.outbox]
    assert any("you are registered" in s for s in subjects)
    assert any("waitlist" in s for s in subjects)


def test_registration_page_shows_seats_and_times_with_the_zone(cohort, client_for):
    with scopes_disabled():
        Cohort.objects.filter(pk=cohort.pk).update(
            registration_closes_at=dt.datetime(2099, 3, 1, 18, 0, tzinfo=dt.UTC), commitment="1 day per module"
        )
    page = client_for(UserFactory()).get(register_url(cohort)).content.decode()
    assert "2 of 2 left" in page
    assert "1 day per module" in page
    # A cohort's deadline is on the cohort's clock (America/Chicago), named, whatever the viewer's zone.
    assert "Sun 1 Mar 2099, 12:00 CST" in page


def _refused(client, cohort, data, expected, *, url=None):
    before = len(enrollments(cohort))
    with scopes_disabled():
        messages_before = OutboundMessage.objects.count()
    response = client.post(url or register_url(cohort), data)
    assert response.status_code == 200, response.status_code
    assert expected in response.content.decode()
    assert len(enrollments(cohort)) == before
    with scopes_disabled():
        assert OutboundMessage.objects.count() == messages_before
    return response


@pytest.mark.parametrize(
    "change, expected",
    [
        ({"registration_closed": True, "closed_message": "Registrations are closed now.", "contact_email": "gigi@partos.nl",
          "contact_name": "Gigi"}, "contact Gigi (gigi@partos.nl)"),
        ({"enrollment_mode": Cohort.EnrollmentMode.APPLICATION}, "please apply instead"),
        ({"enrollment_mode": Cohort.EnrollmentMode.INVITATION}, "by invitation only"),
        ({"registration_opens_at": timezone.now() + dt.timedelta(days=3)}, "Registration opens on"),
        ({"registration_closes_at": timezone.now() - dt.timedelta(days=3)}, "Registration closed on"),
    ],
)
def test_closed_cohorts_say_why_and_change_nothing(cohort, client_for, change, expected):
    with scopes_disabled():
        Cohort.objects.filter(pk=cohort.pk).update(**change)
    client = client_for(UserFactory())
    assert expected in client.get(register_url(cohort)).content.decode()
    _refused(client, cohort, {"organization_name": ""}, expected)


def test_already_registered(cohort, client_for):
    person = UserFactory()
    client = client_for(person)
    client.post(register_url(cohort), {})
    _refused(client, cohort, {}, "You are already registered for this cohort")
    assert len(enrollments(cohort)) == 1
    page = client.get(register_url(cohort)).content.decode()
    assert "You are already registered for this cohort (confirmed)" in page
    assert reverse("me:enrollment", args=[enrollments(cohort)[0].pk]) in page


def test_one_participant_per_organization_with_rotation_hint(organizer, client_for):
    cohort = CohortFactory(program__organizer=organizer, per_organization_limit=1, rotation_allowed=True)
    client_for(UserFactory()).post(register_url(cohort), {"organization_name": "Cordaid"})
    client = client_for(UserFactory())
    _refused(client, cohort, {"organization_name": "cordaid"}, "Only 1 participant per organization may register")
    response = _refused(client, cohort, {"organization_name": ""}, "This field is required")
    assert "At most 1 participant(s) per organization" in response.content.decode()
    response = client.post(register_url(cohort), {"organization_name": "Cordaid"})
    assert "different colleague for each module (rotation)" in response.content.decode()
    # Another organization still gets its seat.
    assert client.post(register_url(cohort), {"organization_name": "Wilde Ganzen"}).status_code == 302


def test_team_cohort_refuses_individual_registration(organizer):
    cohort = CohortFactory(program__organizer=organizer, is_team_cohort=True)
    with scopes_disabled(), pytest.raises(services.RegistrationError, match="register your team"):
        services.register(cohort=Cohort.objects.get(pk=cohort.pk), person=UserFactory())


@pytest.fixture
def team_cohort(organizer):
    return CohortFactory(
        program__organizer=organizer, is_team_cohort=True, team_size_min=3, team_size_max=3,
        team_requires_executive_director=True, capacity=6,
    )


def team_data(**overrides):
    data = {"organization_name": "Arizona Early Childhood Advocates", "team_name": "Arizona state team",
            "lead_title": "Policy director", "member_1_name": "Eda Director", "member_1_email": "ed@az.example",
            "member_1_title": "Executive director", "member_1_is_executive_director": "on",
            "member_2_name": "Cam Comms", "member_2_email": "comms@az.example", "member_2_title": "Communications lead"}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_register_a_team_of_three_including_the_executive_director(team_cohort, client_for):
    """The lead takes a seat; the members named are invited, not enrolled, and their seats are held."""
    lead = UserFactory()
    UserFactory(email="ed@az.example")  # an account or not: the members are invited alike
    response = client_for(lead).post(register_url(team_cohort, "cohorts:register_team"), team_data())
    assert response.status_code == 302
    rows = enrollments(team_cohort)
    assert [(e.person.email, e.role, e.status) for e in rows] == [(lead.email, "team_lead", "confirmed")]
    with scopes_disabled():
        team = Team.objects.get(cohort=team_cohort)
        assert team.name == "Arizona state team" and rows[0].team_id == team.id
        assert [(i.full_name, i.email, i.is_executive_director, i.status) for i in team.invitations.all()] == [
            ("Eda Director", "ed@az.example", True, "pending"), ("Cam Comms", "comms@az.example", False, "pending"),
        ]
        # Nobody is affiliated (or enrolled) in their name before they confirm.
        assert list(Affiliation.objects.filter(organization=team.organization).values_list("person", flat=True)) == [
            lead.pk]
        assert services.seats_taken(Cohort.objects.get(pk=team_cohort.pk)) == 3


@pytest.mark.parametrize(
    "overrides, expected",
    [
        ({"member_1_is_executive_director": None}, "include their executive director"),
        ({"lead_is_executive_director": "on"}, "A team includes one executive director; 2 people are marked"),
        ({"member_2_name": None, "member_2_email": None, "member_2_title": None}, "at least 3 people; this team has 2"),
        ({"member_2_email": None}, "Give this member&#x27;s email"),
        ({"member_2_name": ""}, "Give this member&#x27;s name as well as their email"),
        ({"member_2_email": "ed@az.example"}, "Each member may be named only once"),
        ({"organization_name": ""}, "This field is required"),
    ],
)
def test_team_rules_refuse_with_a_message(team_cohort, client_for, overrides, expected):
    for email in ["ed@az.example", "comms@az.example", "extra@az.example"]:
        UserFactory(email=email)
    client = client_for(UserFactory())
    _refused(client, team_cohort, team_data(**overrides), expected, url=register_url(team_cohort, "cohorts:register_team"))
    with scopes_disabled():
        assert not Team.objects.filter(cohort=team_cohort).exists()


def test_team_larger_than_the_cohort_allows_is_refused(team_cohort):
    members = [services.TeamMember(email=UserFactory().email, name=f"Member {n}") for n in range(3)]
    with scopes_disabled(), pytest.raises(services.RegistrationError, match="at most 3 people; this team has 4"):
        services.register_team(cohort=Cohort.objects.get(pk=team_cohort.pk), lead=UserFactory(),
                               organization_name="Iowa", lead_is_executive_director=True, members=members)
    assert enrollments(team_cohort) == []


def test_second_team_of_the_same_organization_is_refused(team_cohort, client_for):
    for email in ["ed@az.example", "comms@az.example", "a@az.example", "b@az.example"]:
        UserFactory(email=email)
    url = register_url(team_cohort, "cohorts:register_team")
    assert client_for(UserFactory()).post(url, team_data()).status_code == 302
    _refused(client_for(UserFactory()), team_cohort,
             team_data(member_1_email="a@az.example", member_2_email="b@az.example"),
             "already has a team in this cohort", url=url)


def test_team_waitlisted_together_when_seats_do_not_fit(team_cohort, client_for):
    with scopes_disabled():
        Cohort.objects.filter(pk=team_cohort.pk).update(capacity=4)
    for email in ["ed@az.example", "comms@az.example", "ed@co.example", "comms@co.example"]:
        UserFactory(email=email)
    url = register_url(team_cohort, "cohorts:register_team")
    client_for(UserFactory()).post(url, team_data())
    client_for(UserFactory()).post(url, team_data(organization_name="Colorado", member_1_email="ed@co.example",
                                                  member_2_email="comms@co.example"))
    # The first team's lead holds a seat and two more are held for its members: 3 of 4.
    statuses = [e.status for e in enrollments(team_cohort)]
    assert statuses == ["confirmed", "waitlisted"]


def test_individual_url_of_a_team_cohort_redirects_to_the_team_form(team_cohort, client_for):
    response = client_for(UserFactory()).get(register_url(team_cohort))
    assert response["Location"] == register_url(team_cohort, "cohorts:register_team")


def test_affiliation_factory_still_works(organizer):
    # The shared factories keep creating rows the registration service reuses.
    affiliation = AffiliationFactory(organization=OrganizationFactory(organizer=organizer))
    assert affiliation.organizer == organizer
    assert EnrollmentFactory(cohort=CohortFactory(program__organizer=organizer)).status == "confirmed"
