"""The read API (django-ninja, OpenAPI 3): `/api/v1/<organizer>/...`, schema at `/api/v1/openapi.json`,
browsable documentation at `/api/v1/docs`.

The organizer comes from the address: `OrganizerMiddleware` resolves it and runs the
request inside its scope, as for every tenant page. Programs, cohorts, sessions and
public library resources are public; enrollments, attendance and applications need
`Authorization: Bearer <token>` with a live token of that same organizer (any other
token, revoked or of another organizer, is 401). Every list is paginated
(`?page=`, `?page_size=` up to 100) and rate-limited per token or, anonymously, per
address (`PRAXIS_API_RATES`).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import NinjaAPI, Schema
from ninja.pagination import PageNumberPagination, paginate
from ninja.security import HttpBearer
from ninja.throttling import AnonRateThrottle, AuthRateThrottle

from applications.models import Application
from cohorts.models import Cohort, Enrollment, Program
from library.models import Resource
from library.selectors import visible_resources
from sessions_app.models import Attendance, Session

from . import services


class OrganizerToken(HttpBearer):
    def authenticate(self, request, token: str):
        if request.organizer is None:
            return None
        return services.authenticate(organizer=request.organizer, raw=token)


ANON_THROTTLE = AnonRateThrottle(settings.PRAXIS_API_RATES["anon"])
TOKEN_THROTTLE = AuthRateThrottle(settings.PRAXIS_API_RATES["token"])

api = NinjaAPI(
    title="Praxis read API",
    version="1",
    description=(
        "Read-only access to one organizer's programs, cohorts, sessions and public library resources "
        "(public), and to its enrollments, attendance and applications (organizer API token; demographic "
        "answers are never part of the API). Lists are paginated and rate-limited."
    ),
    urls_namespace="api",
    throttle=[ANON_THROTTLE, TOKEN_THROTTLE],
)
PUBLIC = "Public"
PRIVATE = "Organizer token"


class Page(PageNumberPagination):
    def __init__(self, **kwargs):
        super().__init__(page_size=50, max_page_size=100, **kwargs)


def _organizer(request):
    if request.organizer is None:  # pragma: no cover - the middleware 404s first
        raise Http404
    return request.organizer


# --- Public ------------------------------------------------------------------------------------


class ProgramOut(Schema):
    id: int
    slug: str
    title: str
    kind: str
    summary: str
    audience: str


class CohortOut(Schema):
    id: int
    program_id: int
    slug: str
    title: str
    starts_on: dt.date | None
    ends_on: dt.date | None
    time_zone: str
    enrollment_mode: str
    capacity: int | None
    seats_taken: int
    is_free: bool
    cost_summary: str

    @staticmethod
    def resolve_time_zone(obj) -> str:
        return str(obj.time_zone)


class SessionOut(Schema):
    id: int
    cohort_id: int
    title: str
    kind: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    module: str | None

    @staticmethod
    def resolve_module(obj) -> str | None:
        return obj.module.title if obj.module_id else None


class ResourceOut(Schema):
    id: int
    title: str
    summary: str
    kind: str
    language: str
    author: str
    url: str
    topics: list[str]

    @staticmethod
    def resolve_topics(obj) -> list[str]:
        return [topic.name for topic in obj.topics.all()]


def _published_programs(request):
    return Program.objects.filter(organizer=_organizer(request), status=Program.Status.PUBLISHED)


def _published_cohorts(request):
    from cohorts.selectors import seats_taken_count

    return Cohort.objects.filter(
        organizer=_organizer(request), is_published=True, program__status=Program.Status.PUBLISHED
    ).annotate(seats_taken=seats_taken_count())


@api.get("/{organizer_slug}/programs", response=list[ProgramOut], tags=[PUBLIC], auth=None)
@paginate(Page)
def list_programs(request, organizer_slug: str):
    return _published_programs(request).order_by("title", "id")


@api.get("/{organizer_slug}/programs/{program_id}", response=ProgramOut, tags=[PUBLIC], auth=None)
def get_program(request, organizer_slug: str, program_id: int):
    return get_object_or_404(_published_programs(request), id=program_id)


@api.get("/{organizer_slug}/cohorts", response=list[CohortOut], tags=[PUBLIC], auth=None)
@paginate(Page)
def list_cohorts(request, organizer_slug: str, program: int | None = None):
    cohorts = _published_cohorts(request)
    if program is not None:
        cohorts = cohorts.filter(program_id=program)
    return cohorts.order_by("starts_on", "id")


@api.get("/{organizer_slug}/cohorts/{cohort_id}/sessions", response=list[SessionOut], tags=[PUBLIC], auth=None)
@paginate(Page)
def list_sessions(request, organizer_slug: str, cohort_id: int):
    """A cohort's sessions (not affinity-group sessions); places and video links are for participants only."""
    cohort = get_object_or_404(_published_cohorts(request), id=cohort_id)
    return Session.objects.filter(cohort=cohort, affinity_group__isnull=True).select_related("module").order_by(
        "starts_at", "id"
    )


@api.get("/{organizer_slug}/library", response=list[ResourceOut], tags=[PUBLIC], auth=None)
@paginate(Page)
def list_library(request, organizer_slug: str):
    """Published resources whose audience is everyone."""
    return visible_resources(organizer=_organizer(request), user=AnonymousUser(), staff=False).prefetch_related(
        "topics"
    ).order_by("title", "id")


# --- With an organizer token ----------------------------------------------------------------------


class PersonRow(Schema):
    """A row about one person (an enrollment, an attendance mark, an application) and their organization."""

    person_name: str
    person_email: str
    organization: str | None

    @staticmethod
    def _person(obj):
        return obj.applicant if isinstance(obj, Application) else obj.person

    @staticmethod
    def resolve_person_name(obj) -> str:
        return PersonRow._person(obj).display_name

    @staticmethod
    def resolve_person_email(obj) -> str:
        return PersonRow._person(obj).email

    @staticmethod
    def resolve_organization(obj) -> str | None:
        return obj.organization.name if obj.organization_id else None


class EnrollmentOut(PersonRow):
    id: int
    cohort_id: int
    team: str | None
    role: str
    status: str
    created_at: dt.datetime
    confirmed_at: dt.datetime | None
    completed_at: dt.datetime | None
    cancelled_at: dt.datetime | None

    @staticmethod
    def resolve_team(obj) -> str | None:
        return str(obj.team) if obj.team_id else None


class AttendanceOut(PersonRow):
    id: int
    session_id: int
    cohort_id: int
    status: str

    @staticmethod
    def resolve_cohort_id(obj) -> int:
        return obj.session.cohort_id


class ApplicationOut(PersonRow):
    id: int
    reference: str
    call_id: int
    cohort_id: int
    title: str
    status: str
    submitted_at: dt.datetime | None
    scholarship_requested: bool

    @staticmethod
    def resolve_cohort_id(obj) -> int:
        return obj.call.cohort_id


@api.get("/{organizer_slug}/enrollments", response=list[EnrollmentOut], tags=[PRIVATE], auth=OrganizerToken())
@paginate(Page)
def list_enrollments(request, organizer_slug: str, cohort: int | None = None, status: str | None = None):
    enrollments = Enrollment.objects.filter(organizer=_organizer(request)).select_related("person", "organization", "team")
    if cohort is not None:
        enrollments = enrollments.filter(cohort_id=cohort)
    if status:
        enrollments = enrollments.filter(status=status)
    return enrollments.order_by("cohort_id", "created_at", "id")


@api.get("/{organizer_slug}/attendance", response=list[AttendanceOut], tags=[PRIVATE], auth=OrganizerToken())
@paginate(Page)
def list_attendance(request, organizer_slug: str, cohort: int | None = None, session: int | None = None):
    records = Attendance.objects.filter(organizer=_organizer(request)).select_related("person", "organization", "session")
    if cohort is not None:
        records = records.filter(session__cohort_id=cohort)
    if session is not None:
        records = records.filter(session_id=session)
    return records.order_by("session__starts_at", "session_id", "id")


@api.get("/{organizer_slug}/applications", response=list[ApplicationOut], tags=[PRIVATE], auth=OrganizerToken())
@paginate(Page)
def list_applications(request, organizer_slug: str, call: int | None = None, status: str | None = None):
    """Submitted applications and where they stand; drafts and demographic answers are never included."""
    applications = Application.objects.filter(organizer=_organizer(request)).exclude(
        status=Application.Status.DRAFT
    ).select_related("applicant", "organization", "call")
    if call is not None:
        applications = applications.filter(call_id=call)
    if status:
        applications = applications.filter(status=status)
    return applications.order_by("call_id", "submitted_at", "id")
