"""Factories and helpers for the sessions tests."""

import datetime as dt

import factory
from django.utils import timezone
from django_scopes import scopes_disabled

from cohorts.models import Enrollment
from organizers.roles import Role
from sessions_app.services.office_hours import publish_office_hours
from sessions_app.services.sessions import grant_facilitation
from sessions_app.models import OfficeHourWindow, Session
from tests.factories import (
    AffinityGroupFactory,
    AffinityMembershipFactory,
    CohortFactory,
    EnrollmentFactory,
    FacilitatorFactory,
    OrganizerFactory,
    ScopedFactory,
    UserFactory,
    member,
)


class SessionFactory(ScopedFactory):
    class Meta:
        model = Session

    cohort = factory.SubFactory(CohortFactory)
    organizer = factory.SelfAttribute("cohort.organizer")
    title = factory.Sequence(lambda n: f"Session {n}")
    kind = Session.Kind.TRAINING
    starts_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=3))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + dt.timedelta(hours=2))
    location = "Room 1"
    video_url = "https://video.example/secret-room"


class OfficeHourWindowFactory(ScopedFactory):
    class Meta:
        model = OfficeHourWindow

    organizer = factory.SubFactory(OrganizerFactory)
    title = "Office hours"
    host = factory.SubFactory(UserFactory)
    time_zone = "America/Chicago"
    first_date = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=7))
    start_time = dt.time(14, 0)
    slot_minutes = 30
    slots_per_window = 2
    video_url = "https://video.example/office-hours"


def enroll(cohort, person=None, **kwargs):
    return EnrollmentFactory(cohort=cohort, person=person or UserFactory(), **kwargs)


def facilitator_of(cohort):
    """A facilitator member of the cohort's organizer with the cohort grant."""
    user = member(cohort.organizer, Role.FACILITATOR)
    with scopes_disabled():
        grant_facilitation(cohort=cohort, user=user)
    return user


def join_group(group, person):
    return AffinityMembershipFactory(group=group, person=person)


def publish(window):
    with scopes_disabled():
        return publish_office_hours(window=window)


__all__ = ["Enrollment", "FacilitatorFactory", "SessionFactory", "AffinityGroupFactory", "OfficeHourWindowFactory",
           "enroll", "facilitator_of", "join_group", "publish"]
