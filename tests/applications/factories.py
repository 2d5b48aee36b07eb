"""Factories for calls, applications and their rules (created with scopes disabled)."""

import datetime as dt

import factory
from django.utils import timezone
from django_scopes import scopes_disabled

from applications.models import (
    Application,
    ApplicationCall,
    DemographicCategory,
    DemographicResponse,
    IntersectionQuota,
    Question,
    Quota,
    Review,
    RubricCategory,
)
from cohorts.models import Cohort
from tests.factories import CohortFactory, OrganizationFactory, ScopedFactory, UserFactory


class CallFactory(ScopedFactory):
    class Meta:
        model = ApplicationCall

    cohort = factory.SubFactory(CohortFactory, enrollment_mode=Cohort.EnrollmentMode.APPLICATION, capacity=4)
    organizer = factory.SelfAttribute("cohort.organizer")
    deadline = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=14))
    ask_demographics = True


class QuestionFactory(ScopedFactory):
    class Meta:
        model = Question

    call = factory.SubFactory(CallFactory)
    organizer = factory.SelfAttribute("call.organizer")
    label = "Why do you want to join?"
    kind = Question.Kind.LONG_TEXT
    required = True


class CategoryFactory(ScopedFactory):
    class Meta:
        model = DemographicCategory

    call = factory.SubFactory(CallFactory)
    organizer = factory.SelfAttribute("call.organizer")
    key = "race"
    label = "Race or ethnicity"
    values = "Black\nIndigenous\nLatina/o/x\nAsian\nWhite"


class ApplicationFactory(ScopedFactory):
    class Meta:
        model = Application

    call = factory.SubFactory(CallFactory)
    organizer = factory.SelfAttribute("call.organizer")
    applicant = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(OrganizationFactory, organizer=factory.SelfAttribute("..organizer"))
    status = Application.Status.SUBMITTED
    submitted_at = factory.LazyFunction(timezone.now)
    title = "Director"


class RubricFactory(ScopedFactory):
    class Meta:
        model = RubricCategory

    call = factory.SubFactory(CallFactory)
    organizer = factory.SelfAttribute("call.organizer")
    name = "Leadership"
    max_score = 5


def demographics(application, **answers):
    with scopes_disabled():
        return DemographicResponse.objects.create(
            organizer=application.organizer, application=application, answers=answers,
            consent_text="I consent.", consented_at=timezone.now(),
        )


def quota(call, category, value, minimum=0, maximum=None, **extra):
    with scopes_disabled():
        return Quota.objects.create(organizer=call.organizer, call=call, category=category, value=value,
                                    min_seats=minimum, max_seats=maximum, **extra)


def intersection(call, conditions, minimum=0, maximum=None):
    with scopes_disabled():
        return IntersectionQuota.objects.create(organizer=call.organizer, call=call, conditions=conditions,
                                                min_seats=minimum, max_seats=maximum)


def review(application, reviewer, score):
    with scopes_disabled():
        return Review.objects.create(organizer=application.organizer, application=application, reviewer=reviewer,
                                     score=score, recommendation=Review.Recommendation.YES)
