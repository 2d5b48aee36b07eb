"""What needs staff's attention today, for the admin home: one count per line, each a query.

Every line links to the admin list that shows exactly those rows (the list filters
below are added to those admins), so a count is never a dead end.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, F, OuterRef, Q
from django.utils import timezone

from applications.models import Application, ApplicationCall, TeamMember
from cohorts.models import Cohort, Enrollment
from cohorts.selectors import unconfirmed_team_invitations
from library.models import Resource
from sessions_app.models import AssistanceRequest, Session

OFFER_SOON = dt.timedelta(hours=48)
STARTS_SOON = dt.timedelta(days=30)


@dataclass(frozen=True)
class Attention:
    label: str
    count: int
    url: str


def _mine(queryset, organizer_ids: list[int] | None):
    return queryset if organizer_ids is None else queryset.filter(organizer_id__in=organizer_ids)


def applications_waiting_for_review():
    return Application.objects.filter(status=Application.Status.SUBMITTED).annotate(
        review_count=Count("reviews")
    ).filter(review_count__lt=F("call__reviews_wanted"))


def offers_expiring_soon(*, now: dt.datetime):
    return Enrollment.objects.filter(status=Enrollment.Status.OFFERED, offer_expires_at__lte=now + OFFER_SOON)


def cohorts_starting_soon_without_sessions(*, today: dt.date):
    return Cohort.objects.filter(starts_on__gte=today, starts_on__lte=today + STARTS_SOON).filter(
        ~Exists(Session.objects.filter(cohort=OuterRef("pk")))
    )


def applications_with_unconfirmed_team_members():
    return Application.objects.filter(
        status__in=[Application.Status.DRAFT, Application.Status.SUBMITTED],
    ).filter(Exists(TeamMember.objects.filter(application=OuterRef("pk"), confirmed_at__isnull=True)))


def needs_attention(*, organizer_ids: list[int] | None, now: dt.datetime | None = None) -> list[Attention]:
    now = now or timezone.now()
    today = timezone.localdate(now)
    lines = [
        ("Applications waiting for reviews", applications_waiting_for_review(),
         "/admin/applications/application/?reviews=wanted"),
        ("Seat offers expiring within 48 hours", offers_expiring_soon(now=now),
         "/admin/cohorts/enrollment/?offer=expiring"),
        ("Technical-assistance requests nobody has picked up",
         AssistanceRequest.objects.filter(status=AssistanceRequest.Status.OPEN),
         "/admin/sessions_app/assistancerequest/?status__exact=open"),
        ("Resource proposals waiting for review", Resource.objects.filter(status=Resource.Status.PROPOSED),
         "/admin/library/resource/?status__exact=proposed"),
        ("Team applications waiting for members to confirm", applications_with_unconfirmed_team_members(),
         "/admin/applications/application/?team=waiting"),
        ("Open-cohort team members who have not confirmed", unconfirmed_team_invitations(),
         "/admin/cohorts/teaminvitation/?status__exact=pending"),
        ("Cohorts starting within 30 days without sessions", cohorts_starting_soon_without_sessions(today=today),
         "/admin/cohorts/cohort/?starts_soon=no_sessions"),
        ("Calls kept closed by their checklist",
         ApplicationCall.objects.filter(open_for_applications=False).filter(Q(deadline__isnull=True) | Q(deadline__gt=now)),
         "/admin/applications/applicationcall/?open_for_applications__exact=0"),
    ]
    return [Attention(label, _mine(queryset, organizer_ids).count(), url) for label, queryset, url in lines]
