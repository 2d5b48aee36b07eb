"""Applicants: draft, submit, withdraw; closed calls and bad input change nothing."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from applications.models import AccommodationRequest, Application, DemographicResponse, Question, TeamMember
from tests.factories import UserFactory

from .factories import CallFactory, CategoryFactory, QuestionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def call(organizer):
    call = CallFactory(cohort__program__organizer=organizer, ask_scholarship=True)
    QuestionFactory(call=call, label="Why do you want to join?", kind=Question.Kind.LONG_TEXT, required=True)
    QuestionFactory(call=call, label="Years in leadership", kind=Question.Kind.NUMBER, required=False)
    QuestionFactory(call=call, label="Sector", kind=Question.Kind.SINGLE_CHOICE, choices="Health\nHuman services",
                    required=True)
    CategoryFactory(call=call)
    return call


def url(call, name="applications:apply"):
    return reverse(name, kwargs={"organizer_slug": call.organizer.slug, "call_id": call.pk})


def questions(call):
    with scopes_disabled():
        return {q.label: f"q_{q.pk}" for q in call.questions.all()}


def answers(call, **extra):
    q = questions(call)
    data = {q["Why do you want to join?"]: "To change how we hire.", q["Sector"]: "Health", "title": "Director",
            "accommodation_needs": "Captions, please.", "demo_race": ["Indigenous"], "demographics_consent": "on"}
    data.update(extra)
    return data


def only_application(call):
    with scopes_disabled():
        return Application.objects.filter(call=call).first()


def test_draft_then_submit_then_withdraw(call, client_for, django_capture_on_commit_callbacks):
    person = UserFactory(full_name="Ada Applicant")
    client = client_for(person)
    page = client.get(url(call))
    assert page.status_code == 200 and "Why do you want to join?" in page.content.decode()
    assert "Prefer not to say" in page.content.decode()

    # A draft may leave required questions empty.
    q = questions(call)
    response = client.post(url(call), {q["Why do you want to join?"]: "Half an answer", "action": "draft"}, follow=True)
    assert "Your draft is saved" in response.content.decode()
    application = only_application(call)
    assert application.status == Application.Status.DRAFT
    assert "Half an answer" in response.content.decode()  # the draft comes back into the form

    # Submitting checks required questions.
    response = client.post(url(call), {q["Why do you want to join?"]: "Full answer", "action": "submit"})
    assert response.status_code == 200 and "This field is required" in response.content.decode()
    assert only_application(call).status == Application.Status.DRAFT

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(call), {**answers(call), "action": "submit"}, follow=True)
    assert "Your application is submitted" in response.content.decode()
    application = only_application(call)
    assert application.status == Application.Status.SUBMITTED
    assert application.answers[q["Sector"][2:]] == "Health"
    with scopes_disabled():
        assert DemographicResponse.objects.get(application=application).answers == {"race": ["Indigenous"]}
        assert AccommodationRequest.objects.get(application=application).status == "requested"
    assert [m.to for m in mail.outbox] == [[person.email]]
    assert "Application received" in mail.outbox[0].subject

    status_url = reverse("applications:application_status",
                         kwargs={"organizer_slug": call.organizer.slug, "application_id": application.pk})
    assert "Submitted" in client.get(status_url).content.decode()
    response = client.post(reverse("applications:withdraw", kwargs={
        "organizer_slug": call.organizer.slug, "application_id": application.pk}), follow=True)
    assert "Your application is withdrawn" in response.content.decode()
    assert only_application(call).status == Application.Status.WITHDRAWN
    # A withdrawn application cannot be changed any more.
    client.post(url(call), {**answers(call), "action": "submit"})
    assert only_application(call).status == Application.Status.WITHDRAWN


def test_deadline_passed_says_so_and_saves_nothing(call, client_for):
    with scopes_disabled():
        call.deadline = timezone.now() - dt.timedelta(minutes=1)
        call.save()
    client = client_for(UserFactory())
    assert "not open for applications" in client.get(url(call)).content.decode()
    response = client.post(url(call), {**answers(call), "action": "submit"})
    assert response.status_code == 200
    assert "The deadline for this call has passed; your changes were not saved." in response.content.decode()
    assert only_application(call) is None
    with scopes_disabled():
        assert not DemographicResponse.objects.exists()


def test_bad_input_is_explained_and_nothing_is_half_saved(call, client_for):
    client = client_for(UserFactory())
    q = questions(call)
    # A number that is not a number, and demographics without consent.
    response = client.post(url(call), {**answers(call), q["Years in leadership"]: "many", "action": "draft"})
    assert response.status_code == 200 and "Enter a number" in response.content.decode()
    assert only_application(call) is None

    response = client.post(url(call), {**answers(call, demographics_consent=""), "action": "submit"})
    assert "tick the consent box" in response.content.decode()
    assert only_application(call) is None  # the application row was rolled back with the rest
    with scopes_disabled():
        assert not AccommodationRequest.objects.exists()

    response = client.post(url(call), {**answers(call, demo_race=["Black", "Prefer not to say"]), "action": "submit"})
    assert "cannot be combined" in response.content.decode()
    assert only_application(call) is None


def test_prefer_not_to_say_stores_no_demographics(call, client_for):
    client = client_for(UserFactory())
    client.post(url(call), {**answers(call, demo_race=["Prefer not to say"], demographics_consent=""), "action": "submit"})
    application = only_application(call)
    assert application.status == Application.Status.SUBMITTED
    with scopes_disabled():
        assert not DemographicResponse.objects.filter(application=application).exists()


def test_team_application_needs_its_executive_director_and_members_confirm(organizer, client_for,
                                                                           django_capture_on_commit_callbacks):
    call = CallFactory(
        cohort__program__organizer=organizer, cohort__is_team_cohort=True, cohort__team_size_min=3,
        cohort__team_size_max=3, cohort__team_requires_executive_director=True, ask_team=True, ask_demographics=False,
    )
    lead = UserFactory(email="lead@state.example")
    client = client_for(lead)
    team = {"title": "Policy director", "team_name": "Arizona state team",
            "member_1_name": "Eve Director", "member_1_email": "eve@state.example",
            "member_2_name": "Sam Organizer", "member_2_email": "sam@state.example", "action": "submit"}
    response = client.post(url(call), team)
    assert "include their executive director" in response.content.decode()
    assert only_application(call) is None

    response = client.post(url(call), {**team, "member_2_name": "", "member_2_email": "", "member_1_director": "on"})
    assert "at least 3 people" in response.content.decode()
    assert only_application(call) is None

    with django_capture_on_commit_callbacks(execute=True):
        client.post(url(call), {**team, "member_1_director": "on"})
    application = only_application(call)
    assert application.status == Application.Status.SUBMITTED
    confirmations = [m for m in mail.outbox if "listed you on a team" in m.subject]
    assert sorted(m.to[0] for m in confirmations) == ["eve@state.example", "sam@state.example"]
    link = next(line for line in confirmations[0].body.splitlines() if "/applications/team/" in line).strip()

    anonymous = client_for(None)
    assert "Yes, I am on this team" in anonymous.get(link).content.decode()
    anonymous.post(link)
    with scopes_disabled():
        member = TeamMember.objects.get(email=confirmations[0].to[0])
    assert member.confirmed_at is not None
    # A tampered link is not found.
    assert anonymous.get(link[:-4] + "xyz/").status_code == 404


def test_accommodation_request_is_tracked_from_requested_to_arranged(organizer, client_for):
    from organizers.roles import Role
    from tests.factories import member

    from .factories import ApplicationFactory

    application = ApplicationFactory(call=CallFactory(cohort__program__organizer=organizer))
    with scopes_disabled():
        AccommodationRequest.objects.create(organizer=organizer, application=application, needs="ASL interpretation")
    kwargs = {"organizer_slug": organizer.slug, "application_id": application.pk}
    staff = client_for(member(organizer, Role.STAFF))
    assert "ASL interpretation" in staff.get(reverse("applications:staff_application", kwargs=kwargs)).content.decode()
    response = staff.post(reverse("applications:accommodation_status", kwargs=kwargs), {"status": "bogus"}, follow=True)
    assert "Choose a status from the list" in response.content.decode()
    staff.post(reverse("applications:accommodation_status", kwargs=kwargs), {"status": "arranged"})
    body = client_for(application.applicant).get(reverse("applications:application_status", kwargs=kwargs)).content.decode()
    assert "ASL interpretation" in body and "Arranged" in body
    with scopes_disabled():
        request = AccommodationRequest.objects.get(application=application)
    assert request.acknowledged_at and request.arranged_at


def test_the_form_starts_from_the_persons_affiliation_and_submitting_updates_it(call, client_for):
    from cohorts.models import Affiliation
    from tests.factories import AffiliationFactory

    person = UserFactory()
    affiliation = AffiliationFactory(person=person, organization__organizer=call.organizer,
                                     organization__name="Skagit Regional Health", title="Clinical Director")
    client = client_for(person)
    body = client.get(url(call)).content.decode()
    assert 'value="Clinical Director"' in body
    assert f'<option value="{affiliation.organization_id}" selected>Skagit Regional Health</option>' in body
    client.post(url(call), {**answers(call, title="Chief Operating Officer",
                                      organization=str(affiliation.organization_id)), "action": "submit"})
    with scopes_disabled():
        assert Affiliation.objects.get(person=person).title == "Chief Operating Officer"
