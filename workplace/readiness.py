"""What a call, a cohort or a program still lacks before people can use it.

Each check is a sentence staff can act on. Blocking checks keep a record from people
while one remains: the admin switches a call's "open for applications" off, a cohort's
"is published" off and a program back to draft (workplace.admin_mixins.HiddenUntilReady),
and the public pages follow those switches. The other checks are things to look at.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from applications.call_rules import category_options, conditions_problem, quota_problem
from applications.models import ApplicationCall
from cohorts.models import Cohort, Program
from organizers.models import Membership
from organizers.roles import Role

SESSIONS_WANTED_WITHIN = dt.timedelta(days=30)


@dataclass(frozen=True)
class Check:
    message: str
    blocking: bool = True


# The checklist reads related rows through `.all()`, so a list of calls prefetched with
# CALL_CHECKLIST_PREFETCH (and annotated with organizer_reviewers) costs no query per call.
CALL_CHECKLIST_PREFETCH = [
    "questions", "demographic_categories", "quotas", "intersection_quotas", "rubric", "reviewer_assignments",
]


def organizer_reviewers_count():
    """An annotation: how many reviewers the call's organizer has (the default reviewer pool)."""
    from django.db.models import Count, IntegerField, OuterRef, Subquery

    reviewers = (Membership.objects.filter(organizer_id=OuterRef("organizer_id"), role=Role.REVIEWER)
                 .order_by().values("organizer_id").annotate(n=Count("pk")).values("n"))
    return Subquery(reviewers, output_field=IntegerField())


def _reviewer_count(call: ApplicationCall) -> int:
    assigned = len(call.reviewer_assignments.all())
    if assigned:
        return assigned
    if hasattr(call, "organizer_reviewers"):  # annotated by organizer_reviewers_count()
        return call.organizer_reviewers or 0
    return Membership.objects.filter(organizer_id=call.organizer_id, role=Role.REVIEWER).count()


def call_checklist(call: ApplicationCall) -> list[Check]:
    cohort = call.cohort
    checks: list[Check] = []
    if cohort.enrollment_mode != Cohort.EnrollmentMode.APPLICATION:
        checks.append(Check(f"The cohort “{cohort.title}” takes {cohort.get_enrollment_mode_display().lower()}, "
                            "not applications: set its enrollment mode to “Application and selection”."))
    if call.deadline is None:
        checks.append(Check("Set a deadline."))
    else:
        if call.opens_at and call.opens_at >= call.deadline:
            checks.append(Check("The call opens after its deadline."))
        if cohort.starts_on:
            deadline_day = timezone.localtime(call.deadline, cohort.time_zone).date()
            if deadline_day >= cohort.starts_on:
                checks.append(Check(
                    f"The deadline ({deadline_day:%d %b %Y}) is not before the cohort starts ({cohort.starts_on:%d %b %Y})."
                ))
    if not call.questions.all():
        checks.append(Check("Add at least one question of your own to the form."))
    options = category_options(call)
    if call.ask_demographics and not options:
        checks.append(Check("The form asks for demographics but the call has no demographic categories."))
    for key, values in options.items():
        if not values:
            checks.append(Check(f"The demographic category “{key}” has no answer options."))
    quotas = list(call.quotas.all())
    intersections = list(call.intersection_quotas.all())
    if (quotas or intersections) and not call.ask_demographics:
        checks.append(Check("The call has quotas but its form does not ask for demographics, so they count nobody."))
    for quota in quotas:
        problem = quota_problem(quota.category, quota.value, options)
        if problem:
            checks.append(Check(f"Quota “{quota}”: {problem}"))
    for quota in intersections:
        problem = conditions_problem(quota.conditions, options)
        if problem:
            checks.append(Check(f"Quota “{quota}”: {problem}"))
    seats = call.seat_count
    reserved = sum(q.min_seats for q in quotas if q.reserved)
    if not seats:
        checks.append(Check("Set the number of seats (on the call or as the cohort's capacity)."))
    elif reserved > seats:
        checks.append(Check(f"Reserved seats ({reserved}) are more than the seats to fill ({seats})."))
    if call.reviews_wanted:
        if not call.rubric.all():
            checks.append(Check("Add rubric categories for the reviewers to score."))
        reviewers = _reviewer_count(call)
        if reviewers < call.reviews_wanted:
            checks.append(Check(
                f"Each application wants {call.reviews_wanted} reviews but only {reviewers} "
                f"reviewer{'s' if reviewers != 1 else ''} can review this call."
            ))
    if not cohort.is_published or cohort.program.status != Program.Status.PUBLISHED:
        checks.append(Check("The cohort or its program is not published, so the call is not shown.", blocking=False))
    return checks


def cohort_checklist(cohort: Cohort, *, today: dt.date | None = None) -> list[Check]:
    from sessions_app.models import Session  # sessions build on cohorts, not the other way round

    today = today or timezone.localdate()
    checks: list[Check] = []
    if cohort.registration_opens_at and cohort.registration_closes_at and (
        cohort.registration_closes_at <= cohort.registration_opens_at
    ):
        checks.append(Check("Registration closes before it opens."))
    if cohort.ends_on and cohort.registration_opens_at and (
        timezone.localtime(cohort.registration_opens_at, cohort.time_zone).date() > cohort.ends_on
    ):
        checks.append(Check("Registration opens after the cohort has ended."))
    if cohort.enrollment_mode == Cohort.EnrollmentMode.APPLICATION and not ApplicationCall.objects.filter(
        cohort=cohort
    ).exists():
        checks.append(Check("The cohort selects by application but has no application call yet.", blocking=False))
    if cohort.is_team_cohort and not (cohort.team_size_min or cohort.team_size_max):
        checks.append(Check("Teams join this cohort but no team size is set.", blocking=False))
    if (cohort.registration_closed or cohort.enrollment_mode != Cohort.EnrollmentMode.OPEN) and not (
        cohort.contact_email or cohort.contact_name
    ):
        checks.append(Check("Name a contact: people who cannot register are told whom to ask.", blocking=False))
    if cohort.starts_on and today <= cohort.starts_on <= today + SESSIONS_WANTED_WITHIN and not Session.objects.filter(
        cohort=cohort
    ).exists():
        checks.append(Check(f"The cohort starts on {cohort.starts_on:%d %b %Y} and has no sessions yet.", blocking=False))
    if str(cohort.time_zone) == "UTC" and str(cohort.organizer.time_zone) != "UTC":
        checks.append(Check(
            f"The cohort's time zone is UTC while the organizer's is {cohort.organizer.time_zone}: is that intended?",
            blocking=False,
        ))
    return checks


def program_checklist(program: Program) -> list[Check]:
    checks: list[Check] = []
    for module in program.modules.exclude(cohort=None).exclude(cohort__program=program).select_related("cohort"):
        checks.append(Check(
            f"The module “{module.title}” is tied to “{module.cohort}”, a cohort of another program: "
            "choose one of this program's cohorts or leave it empty."
        ))
    if not program.summary:
        checks.append(Check("Add a one-line summary: the catalog shows it.", blocking=False))
    if program.kind != Program.Kind.FRAMEWORK and not program.cohorts.exists():
        checks.append(Check("The program has no cohort yet, so nobody can join it.", blocking=False))
    elif program.kind != Program.Kind.FRAMEWORK and not program.cohorts.filter(is_published=True).exists():
        checks.append(Check("None of the program's cohorts is published.", blocking=False))
    return checks


def blocking(checks: list[Check]) -> list[Check]:
    return [c for c in checks if c.blocking]
