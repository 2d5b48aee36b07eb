"""A small pool with a representation quota, shared by the selection tests.

Four seats; at least two Indigenous people. Review scores favour the White and
Black applicants, so the quota (not the score) decides who the Indigenous seats go to.
"""

import datetime as dt
from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone

from organizers.roles import Role
from tests.factories import UserFactory, member

from .factories import ApplicationFactory, CallFactory, CategoryFactory, demographics, quota, review

POOL = [  # (name, race, score)
    ("White One", "White", 90),
    ("White Two", "White", 85),
    ("Black One", "Black", 80),
    ("Indigenous One", "Indigenous", 70),
    ("Indigenous Two", "Indigenous", 60),
    ("Indigenous Three", "Indigenous", 50),
]


@dataclass
class Scenario:
    call: object
    staff: object
    people: dict  # name -> application

    def url(self, name: str, **kwargs) -> str:
        return reverse(f"applications:{name}", kwargs={"organizer_slug": self.call.organizer.slug, **kwargs})


def build(organizer, *, indigenous_min: int = 2, pool=POOL) -> Scenario:
    # Selection happens after the deadline (confirming earlier needs an explicit "close the call now").
    call = CallFactory(cohort__program__organizer=organizer, cohort__capacity=4, cohort__title="Equity in Leadership",
                       deadline=timezone.now() - dt.timedelta(hours=1))
    CategoryFactory(call=call, key="race", values="Black\nIndigenous\nWhite")
    quota(call, "race", "Indigenous", minimum=indigenous_min)
    reviewer = member(organizer, Role.REVIEWER)
    people = {}
    for name, race, score in pool:
        slug = name.lower().replace(" ", ".")
        app = ApplicationFactory(call=call, applicant=UserFactory(full_name=name, email=f"{slug}@example.org"))
        demographics(app, race=[race])
        review(app, reviewer, score)
        people[name] = app
    return Scenario(call=call, staff=member(organizer, Role.STAFF), people=people)
