"""Reviewers: rubric scores, the fewest-reviews queue, conflicts of interest, blind review."""

import pytest
from django_scopes import scopes_disabled

from applications.models import ConflictOfInterest, Review, ReviewerAssignment
from organizers.roles import Role
from tests.factories import UserFactory, member

from . import scenario
from .factories import ApplicationFactory, CallFactory, RubricFactory, review

pytestmark = pytest.mark.django_db


@pytest.fixture
def call(organizer):
    call = CallFactory(cohort__program__organizer=organizer)
    RubricFactory(call=call, name="Leadership", weight=2, max_score=5)
    RubricFactory(call=call, name="Commitment to equity", weight=1, max_score=5)
    return call


def url(call, name, **kwargs):
    return scenario.Scenario(call=call, staff=None, people={}).url(name, **kwargs)


def scores(call, *values):
    with scopes_disabled():
        rubric = list(call.rubric.all())
    return {f"score_{c.pk}": v for c, v in zip(rubric, values)}


def test_next_application_has_the_fewest_reviews_and_scores_are_weighted(organizer, call, client_for):
    busy = ApplicationFactory(call=call)
    quiet = ApplicationFactory(call=call)
    others = [member(organizer, Role.REVIEWER) for _ in range(2)]
    review(busy, others[0], 50)
    review(busy, others[1], 70)
    reviewer = member(organizer, Role.REVIEWER)
    client = client_for(reviewer)
    response = client.get(url(call, "review_next", call_id=call.pk))
    assert response["Location"] == url(call, "review_application", application_id=quiet.pk)

    response = client.post(response["Location"], {**scores(call, 5, 2), "recommendation": "yes"})
    assert response.status_code == 302
    with scopes_disabled():
        saved = Review.objects.get(reviewer=reviewer)
    assert saved.score == pytest.approx((2 * 100 + 1 * 40) / 3, abs=0.01)  # weights 2 and 1

    # Out-of-range scores are refused with a message and nothing is stored.
    response = client.post(url(call, "review_application", application_id=busy.pk),
                           {**scores(call, 9, 2), "recommendation": "yes"})
    assert "less than or equal to 5" in response.content.decode()
    with scopes_disabled():
        assert not Review.objects.filter(reviewer=reviewer, application=busy).exists()


def test_conflict_of_interest_removes_the_reviewer_from_that_application(organizer, call, client_for):
    application = ApplicationFactory(call=call)
    reviewer = member(organizer, Role.REVIEWER)
    review(application, reviewer, 90)
    client = client_for(reviewer)
    page = url(call, "review_application", application_id=application.pk)
    assert client.get(page).status_code == 200
    response = client.post(url(call, "declare_conflict", application_id=application.pk), {"reason": "Former colleague"},
                           follow=True)
    assert "removed from your queue" in response.content.decode()
    with scopes_disabled():
        assert ConflictOfInterest.objects.get(reviewer=reviewer).reason == "Former colleague"
        assert not Review.objects.filter(reviewer=reviewer).exists()  # the earlier score no longer counts
    assert client.get(page).status_code == 404
    assert client.get(url(call, "review_next", call_id=call.pk))["Location"].endswith("/review/")
    assert application.applicant.display_name not in client.get(url(call, "review_queue")).content.decode()


def test_blind_review_hides_name_and_organization(organizer, call, client_for):
    applicant = UserFactory(full_name="Marisol Quintero")
    application = ApplicationFactory(call=call, applicant=applicant, organization__name="Skagit Health Collective")
    client = client_for(member(organizer, Role.REVIEWER))
    pages = [url(call, "review_queue"), url(call, "review_application", application_id=application.pk)]
    for page in pages:
        body = client.get(page).content.decode()
        assert "Marisol Quintero" in body and "Skagit Health Collective" in body
    with scopes_disabled():
        call.blind_review = True
        call.save()
    for page in pages:
        body = client.get(page).content.decode()
        assert "Marisol Quintero" not in body and "Skagit Health Collective" not in body
        assert application.reference in body


def test_only_assigned_reviewers_see_a_call_with_assignments(organizer, call, client_for):
    application = ApplicationFactory(call=call)
    assigned, other = member(organizer, Role.REVIEWER), member(organizer, Role.REVIEWER)
    with scopes_disabled():
        ReviewerAssignment.objects.create(organizer=organizer, call=call, reviewer=assigned)
    page = url(call, "review_application", application_id=application.pk)
    assert client_for(assigned).get(page).status_code == 200
    assert client_for(other).get(page).status_code == 404


def test_staff_see_mean_median_and_disagreement(organizer, call, client_for):
    application = ApplicationFactory(call=call, applicant=UserFactory(full_name="Dana Reyes"))
    for score in (20, 60, 100):
        review(application, member(organizer, Role.REVIEWER), score)
    body = client_for(member(organizer, Role.STAFF)).get(url(call, "staff_applications", call_id=call.pk)).content.decode()
    assert "Dana Reyes" in body
    assert "<td>60.0</td><td>60.0</td>" in body.replace("\n", "").replace("    ", "")  # mean and median
    assert "32.7" in body and "80.0" in body and "reviewers disagree" in body  # std. dev. and range
