"""Every write of the applications app: apply, review, select, offer, replace.

One function owns each state transition (save, audit, notify). Messages go through
`notifications.services.notify` inside the transaction that makes them true.
"""

import datetime as dt
import secrets
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts import invitations
from cohorts import lifecycle
from cohorts.selectors import contact_line
from cohorts.models import Affiliation, Enrollment, Organization
from core.timefmt import format_when
from core.urls import absolute_url
from notifications.alerts import alert_staff
from notifications.services import notify
from organizers.selectors import person_zone

from . import selection as engine
from .engine_input import build_problem, lead_reference
from .models import (
    AccommodationRequest,
    Application,
    ApplicationCall,
    ConflictOfInterest,
    DemographicAccessLog,
    DemographicResponse,
    IntersectionQuota,
    Offer,
    Quota,
    Review,
    RubricCategory,
    SelectionAuditEntry,
    SelectionRun,
    TeamMember,
)

TEAM_SALT = "applications.team-member"
DEADLINE_PASSED = "The deadline for this call has passed; your changes were not saved."
NOT_OPEN = "This call is not open for applications; your changes were not saved."


def audit(*, call, action: str, actor=None, run=None, application=None, **detail: Any) -> None:
    SelectionAuditEntry.objects.create(
        organizer_id=call.organizer_id, call=call, run=run, application=application, actor=actor,
        action=action, detail=detail,
    )



# --- Applying -------------------------------------------------------------------------


def _check_open(call: ApplicationCall, now) -> None:
    """Refuse, naming whom to contact, unless the call is open or takes late applications."""
    if call.is_open(now) or call.takes_late_applications(now):
        return
    contact = contact_line(call.cohort)
    if call.selection_confirmed_at:
        raise ValidationError("This call is closed: the selection has been made and offers sent; your changes were "
                              "not saved." + contact)
    if call.deadline and now > call.deadline:
        raise ValidationError(DEADLINE_PASSED + contact)
    raise ValidationError(NOT_OPEN + contact)


def save_application(*, call: ApplicationCall, applicant, data: dict, submit: bool) -> Application:
    """Save a draft or submit, all or nothing. `data` is a cleaned ApplicationForm.

    Raises ValidationError (nothing saved) when the call is closed, the application
    can no longer be changed, or a submitted team breaks the cohort's team rules.
    """
    now = timezone.now()
    _check_open(call, now)
    with transaction.atomic():
        application, _ = Application.objects.get_or_create(
            call=call, applicant=applicant, defaults={"organizer_id": call.organizer_id}
        )
        # Two tabs saving at once: the second waits and then sees the first one's status.
        application = Application.objects.select_for_update().get(pk=application.pk)
        if application.status not in (Application.Status.DRAFT, Application.Status.SUBMITTED):
            raise ValidationError(f"This application is {application.get_status_display().lower()} and can no longer be changed.")
        _store_answers(application, call, data)
        members = _store_team(application, call, data) if call.ask_team else []
        if call.ask_demographics:
            _store_demographics(application, call, data, now)
        if call.ask_accommodations:
            _store_accommodation(application, data.get("accommodation_needs", ""))
        if submit:
            _check_team_rules(call, application, members)
            _remember_affiliation(application)
            first_submission = application.status == Application.Status.DRAFT
            late = not call.is_open(now)  # only a call that takes late applications lets one through
            application.status = Application.Status.WAITLISTED if late else Application.Status.SUBMITTED
            application.submitted_at = now
            if late:
                application.letter_sent_at = now
            application.save()
            if first_submission and late:
                audit(call=call, action="late_application_waitlisted", actor=applicant, application=application)
                notify(
                    organizer=call.organizer, template="applications/waitlisted", recipient=applicant,
                    dedupe_key=f"applications:letter:application={application.pk}",
                    context={"cohort": str(call.cohort)},
                )
            elif first_submission:
                notify(
                    organizer=call.organizer, template="applications/submitted", recipient=applicant,
                    dedupe_key=f"applications:submitted:application={application.pk}",
                    context={"cohort": str(call.cohort), "status_url": absolute_url(reverse(
                        "applications:application_status",
                        kwargs={"organizer_slug": call.organizer.slug, "application_id": application.pk}))},
                )
                alert_staff(organizer=call.organizer, kind="application", key=f"application={application.pk}",
                            summary=f"{applicant.display_name} applied for {call.cohort}",
                            url=absolute_url(reverse("admin:applications_application_change", args=[application.pk])))
            for member in members:
                if member.confirmed_at is None:
                    send_team_confirmation(member=member, application=application)
        else:
            application.save()
    return application


def _store_answers(application: Application, call: ApplicationCall, data: dict) -> None:
    answers = {}
    for question in call.questions.all():
        value = data.get(f"q_{question.pk}")
        if isinstance(value, dt.date):
            value = value.isoformat()
        elif hasattr(value, "as_tuple"):  # Decimal
            value = str(value)
        if value not in (None, "", []):
            answers[str(question.pk)] = value
    application.answers = answers
    if call.ask_contact:
        application.phone = data.get("phone", "")
        application.organization = _organization(call, data)
    if call.ask_role:
        application.title = data.get("title", "")
        application.is_leader = bool(data.get("is_leader"))
        application.leadership_description = data.get("leadership_description", "")
    if call.ask_team:
        application.team_name = data.get("team_name", "")
        application.is_executive_director = bool(data.get("is_executive_director"))
    if call.ask_scholarship:
        application.scholarship_requested = bool(data.get("scholarship_requested"))
        application.scholarship_note = data.get("scholarship_note", "") if application.scholarship_requested else ""


def _remember_affiliation(application: Application) -> None:
    """Keep the person's position at their organization, so the next form starts from it."""
    if application.organization_id is None:
        return
    defaults = {"organizer_id": application.organizer_id, "is_current": True}
    if application.title:
        defaults.update(title=application.title, is_leader=application.is_leader)
    if application.is_executive_director:
        defaults["is_executive_director"] = True
    Affiliation.objects.update_or_create(person=application.applicant, organization=application.organization,
                                         defaults=defaults)


def _organization(call: ApplicationCall, data: dict) -> Organization | None:
    chosen = data.get("organization")
    if chosen:
        return chosen
    # The one lookup by name (any case, spaces normalised, a concurrent creation read back).
    return lifecycle.organization_named(call.cohort, name=data.get("other_organization") or "")


def _store_team(application: Application, call: ApplicationCall, data: dict) -> list[TeamMember]:
    wanted = {}
    for i, member in enumerate(data.get("team_members", [])):
        email = member["email"].lower()
        if email == application.applicant.email.lower():
            raise ValidationError(f"Team member {i + 1}: that is your own address; list the other leaders.")
        if email in wanted:
            raise ValidationError(f"Team member {i + 1}: {email} is listed twice.")
        wanted[email] = member
    existing = {m.email.lower(): m for m in application.team_members.all()}
    for email, member in existing.items():
        if email not in wanted:
            member.delete()
    kept = []
    for email, fields in wanted.items():
        member = existing.get(email) or TeamMember(organizer_id=call.organizer_id, application=application, email=email)
        member.full_name = fields["full_name"]
        member.title = fields.get("title", "")
        member.role = TeamMember.Role.EXECUTIVE_DIRECTOR if fields.get("is_executive_director") else TeamMember.Role.LEADER
        member.save()
        kept.append(member)
    return kept


def _check_team_rules(call: ApplicationCall, application: Application, members: list[TeamMember]) -> None:
    cohort = call.cohort
    if not cohort.is_team_cohort:
        return
    directors = int(application.is_executive_director) + sum(m.role == TeamMember.Role.EXECUTIVE_DIRECTOR for m in members)
    problem = cohort.team_composition_problem(size=len(members) + 1, executive_directors=directors)
    if problem:
        raise ValidationError(problem)


def _store_demographics(application: Application, call: ApplicationCall, data: dict, now) -> None:
    answers = {}
    for category in call.demographic_categories.all():
        value = data.get(f"demo_{category.key}") or []
        values = [value] if isinstance(value, str) else list(value)
        values = [v for v in values if v in category.value_list]
        if values:
            answers[category.key] = values
    existing = DemographicResponse.objects.filter(application=application).first()
    if not answers:
        if existing:
            existing.delete()
        return
    if not data.get("demographics_consent"):
        raise ValidationError("To share demographic answers, tick the consent box (or choose 'Prefer not to say').")
    if existing is None:
        existing = DemographicResponse(organizer_id=call.organizer_id, application=application)
    if existing.answers != answers or not existing.consented_at:
        existing.consent_text = call.demographics_consent_text
        existing.consented_at = now
    existing.answers = answers
    existing.save()


def _store_accommodation(application: Application, needs: str) -> None:
    needs = (needs or "").strip()
    existing = AccommodationRequest.objects.filter(application=application).first()
    if not needs:
        if existing and existing.status == AccommodationRequest.Status.REQUESTED:
            existing.delete()
        return
    if existing is None:
        AccommodationRequest.objects.create(organizer_id=application.organizer_id, application=application, needs=needs)
    elif existing.needs != needs:
        existing.needs = needs
        existing.status = AccommodationRequest.Status.REQUESTED
        existing.save()


def send_team_confirmation(*, member: TeamMember, application: Application) -> None:
    token = invitations.invitation_token(salt=TEAM_SALT, pk=member.pk, organizer_id=member.organizer_id)
    notify(
        organizer=application.call.organizer, template="applications/team_confirm", to_email=member.email,
        dedupe_key=f"applications:team-confirm:member={member.pk}:email={member.email}",
        context={
            "member_name": member.full_name, "applicant_name": application.applicant.display_name,
            "cohort": str(application.call.cohort),
            "confirm_url": absolute_url(reverse("applications:confirm_team_member", kwargs={
                "organizer_slug": application.call.organizer.slug, "token": token})),
        },
    )


def team_member_from_token(token: str, organizer) -> TeamMember | None:
    try:
        pk = invitations.invitation_pk(token, salt=TEAM_SALT, organizer_id=organizer.pk)
    except invitations.InvalidInvitation:
        return None
    return TeamMember.objects.filter(pk=pk).select_related("application__call").first()


def confirm_team_member(*, member: TeamMember) -> None:
    """A named member confirms through their signed link; their account is created on the
    way if they have none (the address is theirs: the link reached it)."""
    with transaction.atomic():
        if TeamMember.objects.filter(pk=member.pk, confirmed_at__isnull=True).update(confirmed_at=timezone.now()):
            account_for(member)
            audit(call=member.application.call, action="team_member_confirmed", application=member.application,
                  member=member.pk)


def account_for(member: TeamMember):
    """The account of a team member, by email (any case), created if missing (accounts.invitations)."""
    return invitations.account_for(email=member.email, full_name=member.full_name)


def withdraw_application(*, application: Application, by) -> None:
    """The applicant withdraws; an open offer is declined through the lifecycle, which refills the seat."""
    with transaction.atomic():
        lifecycle.locked_cohort(application.call.cohort_id)  # the lifecycle's lock first, as every seat change
        app = Application.objects.select_for_update().get(pk=application.pk)
        if app.status in (Application.Status.WITHDRAWN, Application.Status.ACCEPTED, Application.Status.DECLINED):
            raise ValidationError(f"This application is {app.get_status_display().lower()}; it cannot be withdrawn.")
        app.status = Application.Status.WITHDRAWN
        app.withdrawn_at = timezone.now()
        app.save(update_fields=["status", "withdrawn_at", "updated_at"])
        audit(call=app.call, action="withdrawn", actor=by, application=app)
        for offer in app.offers.filter(status=Offer.Status.PENDING, enrollment__isnull=False):
            lifecycle.decline_offer(enrollment=offer.enrollment, by=by)


def delete_own_demographics(*, application: Application, by) -> bool:
    with transaction.atomic():
        deleted, _ = DemographicResponse.objects.filter(application=application).delete()
        if deleted:
            DemographicAccessLog.objects.create(
                organizer_id=application.organizer_id, viewer=by, application=application,
                action=DemographicAccessLog.Action.DELETE, detail="deleted by the applicant",
            )
    return bool(deleted)


def purge_demographics(*, call: ApplicationCall) -> int:
    from reports.funnel import store_funnel

    with transaction.atomic():
        # The equity funnel keeps its suppressed figures (what its page showed), so it still reads after this.
        store_funnel(call=call)
        deleted, _ = DemographicResponse.objects.filter(application__call=call).delete()
        ApplicationCall.objects.filter(pk=call.pk).update(demographics_purged_at=timezone.now())
        DemographicAccessLog.objects.create(
            organizer_id=call.organizer_id, action=DemographicAccessLog.Action.PURGE,
            detail=f"{deleted} responses of {call} purged after selection",
        )
        audit(call=call, action="demographics_purged", count=deleted)
    return deleted


def calls_due_for_purge(now=None):
    """Calls whose retention period after the confirmed selection has run out."""
    now = now or timezone.now()
    due = []
    for call in ApplicationCall.objects.filter(
        selection_confirmed_at__isnull=False, demographics_retention_days__isnull=False, demographics_purged_at__isnull=True
    ):
        if call.selection_confirmed_at + dt.timedelta(days=call.demographics_retention_days) <= now:
            due.append(call)
    return due


def update_accommodation(*, request: AccommodationRequest, status: str, by) -> None:
    now = timezone.now()
    request.status = status
    if status == AccommodationRequest.Status.ACKNOWLEDGED:
        request.acknowledged_at = request.acknowledged_at or now
    if status == AccommodationRequest.Status.ARRANGED:
        request.acknowledged_at = request.acknowledged_at or now
        request.arranged_at = now
    with transaction.atomic():
        request.save()
        audit(call=request.application.call, action=f"accommodation_{status}", actor=by, application=request.application)


# --- Review ---------------------------------------------------------------------------


def weighted_score(rubric: list[RubricCategory], scores: dict[str, int]) -> float:
    """Weighted mean of the category scores, each scaled to 0-100."""
    total_weight = sum(c.weight for c in rubric) or 1.0
    return round(sum(c.weight * 100 * scores[str(c.pk)] / c.max_score for c in rubric) / total_weight, 2)


def submit_review(*, application: Application, reviewer, scores: dict[str, int], recommendation: str, comment: str) -> Review:
    if ConflictOfInterest.objects.filter(application=application, reviewer=reviewer).exists():
        raise ValidationError("You declared a conflict of interest with this application.")
    rubric = list(application.call.rubric.all())
    with transaction.atomic():
        review, _ = Review.objects.update_or_create(
            application=application, reviewer=reviewer,
            defaults={
                "organizer_id": application.organizer_id, "scores": scores, "score": weighted_score(rubric, scores),
                "recommendation": recommendation, "comment": comment, "submitted_at": timezone.now(),
            },
        )
    return review


def declare_conflict(*, application: Application, reviewer, reason: str) -> None:
    """The reviewer leaves this application: their review (if any) no longer counts."""
    with transaction.atomic():
        ConflictOfInterest.objects.get_or_create(
            application=application, reviewer=reviewer,
            defaults={"organizer_id": application.organizer_id, "reason": reason},
        )
        Review.objects.filter(application=application, reviewer=reviewer).delete()
        audit(call=application.call, action="conflict_of_interest", actor=reviewer, application=application)


# --- Selection runs ---------------------------------------------------------------------


def set_fixed(*, application: Application, fixed: str, by) -> None:
    if fixed not in Application.Fixed.values:
        raise ValidationError("Choose in, out or neither.")
    with transaction.atomic():
        application.fixed = fixed
        application.save(update_fields=["fixed", "updated_at"])
        audit(call=application.call, action="fixed", actor=by, application=application, fixed=fixed or "none")


def start_run(*, call: ApplicationCall, kind: str, by, seed: int | None = None) -> SelectionRun:
    """Record a run and hand it to a worker after commit."""
    if kind not in (SelectionRun.Kind.BEST, SelectionRun.Kind.LOTTERY):
        raise ValidationError("Choose the best-representing cohort or the fair lottery.")
    if call.selection_confirmed_at:
        raise ValidationError("This call's selection is already confirmed; declines are replaced automatically.")
    if not call.seat_count:
        raise ValidationError("Set the number of seats (or the cohort's capacity) first.")
    seed = secrets.randbelow(10**9) if seed is None else seed
    with transaction.atomic():
        run = SelectionRun.objects.create(
            organizer_id=call.organizer_id, call=call, kind=kind, seed=seed, created_by=by, progress="Waiting for a worker",
        )
        audit(call=call, action="run_started", actor=by, run=run, kind=kind, seed=seed)
        _enqueue_run(run)
    return run


# A queued run no worker has picked up after this long had its enqueue lost (broker
# down at commit); the sweep hands it out again. Solving is idempotent per run.
RUN_ENQUEUE_LOST_AFTER = dt.timedelta(minutes=10)


def stalled_runs(*, now=None):
    """Runs still queued long after they were started, across organizers (ids only)."""
    now = now or timezone.now()
    return SelectionRun.objects.filter(
        status=SelectionRun.Status.QUEUED, created_at__lt=now - RUN_ENQUEUE_LOST_AFTER
    ).values_list("id", "organizer_id")


def _enqueue_run(run: SelectionRun) -> None:
    from .tasks import execute_selection_run

    run_id, organizer_id = run.pk, run.organizer_id
    transaction.on_commit(lambda: execute_selection_run.delay(run_id, organizer_id))


def _progress(run: SelectionRun, text: str, **fields) -> None:
    SelectionRun.objects.filter(pk=run.pk).update(progress=text, **fields)


def execute_run(*, run_id: int) -> SelectionRun:
    """Solve a queued run and store its report. Safe to call twice: a finished run is left alone.

    A run left "running" by a worker that died is solved again when its task is
    redelivered; the same seed gives the same result.
    """
    run = SelectionRun.objects.select_related("call__cohort", "call__organizer").get(pk=run_id)
    if run.status not in (SelectionRun.Status.QUEUED, SelectionRun.Status.RUNNING):
        return run
    _progress(run, "Reading the pool", status=SelectionRun.Status.RUNNING, started_at=timezone.now())
    try:
        built = build_problem(run.call, seed=run.seed)
        _progress(run, f"Solving for {built.problem.seats} seats among {len(built.problem.applicants)} applicants")
        result, report = _solve(run.kind, built.problem, on_progress=lambda text: _progress(run, text))
    except Exception as exc:  # stored on the run for staff; nothing else changes
        SelectionRun.objects.filter(pk=run.pk).update(
            status=SelectionRun.Status.FAILED, error=f"{type(exc).__name__}: {exc}"[:2000],
            progress="Failed", finished_at=timezone.now(),
        )
        raise
    with transaction.atomic():
        run = SelectionRun.objects.select_for_update().select_related("call").get(pk=run.pk)
        if run.status != SelectionRun.Status.RUNNING:
            return run  # another delivery of the task finished it first
        run.input_snapshot = built.snapshot()
        run.result = result
        run.solver_version = result.get("solver_version", "")
        run.status = SelectionRun.Status.DONE if result["status"] == "feasible" else SelectionRun.Status.INFEASIBLE
        run.progress = "Finished"
        run.finished_at = timezone.now()
        run.save()
        audit(call=run.call, action="run_finished", run=run, status=run.status, selected=result["selected"])
    return run


def _leximin_progress(on_progress, *, every: float = 2.0):
    """A LEXIMIN progress callback that tells staff at most every ``every`` seconds."""
    last = [float("-inf")]

    def report(state: dict) -> None:
        if on_progress is None or state["elapsed"] - last[0] < every:
            return
        last[0] = state["elapsed"]
        if state.get("method") == "uniform cover":
            text = "Equal chances for everyone proven by a uniform cover"
        else:
            text = (f"LEXIMIN level {state['level']}: {state['lp_solves']} LP solves, "
                    f"{state['panels']} cohorts; lowest chance {state['z']:.5f}, "
                    f"at most {state['gap']:.1e} below the best possible")
        on_progress(text)

    return report


def _solve(kind: str, problem, on_progress=None) -> tuple[dict, "engine.SelectionReport | None"]:
    """Run the engine; return the JSON stored on the run."""
    if kind == SelectionRun.Kind.LOTTERY:
        distribution = engine.leximin(
            problem, time_limit=getattr(settings, "SELECTION_LEXIMIN_TIME_LIMIT", 900),
            progress=_leximin_progress(on_progress))
        if not distribution.feasible:
            return _infeasible(distribution.conflicts, distribution.solver_version, problem), None
        lottery = engine.draw_lottery(distribution, seed=problem.seed)
        report = engine.build_report(lottery)
        selected = list(lottery.selected)
        version = distribution.solver_version
    else:
        best = engine.select_best(problem)
        if not best.feasible:
            return _infeasible(best.conflicts, best.solver_version, problem, status=best.status), None
        report = engine.build_report(best)
        selected = list(best.selected)
        version = best.solver_version
    return {
        "status": "feasible", "selected": selected, "conflicts": None, "solver_version": version,
        "solver": report.solver, "report": report.to_dict(),
    }, report


def _infeasible(conflicts, version: str, problem, status: str = "infeasible") -> dict:
    return {
        "status": status, "selected": [], "solver_version": version,
        "conflicts": conflicts.to_dict() if conflicts else None,
        "settings": problem.settings_snapshot(),
    }


def apply_relaxation(*, run: SelectionRun, index: int, by) -> str:
    """Staff choose one relaxation from a run's conflict report; it changes the call's rules.

    Returns what changed, for the page. A new run is needed to see its effect.
    """
    relaxations = ((run.result or {}).get("conflicts") or {}).get("relaxations", [])
    if not 0 <= index < len(relaxations):
        raise ValidationError("That relaxation is not part of this run's report.")
    r = relaxations[index]
    call = run.call
    kind, _, position = r["row_key"].partition(":")
    new = r["limit"] - r["relax_by"] if r["bound"] == "min" else r["limit"] + r["relax_by"]
    with transaction.atomic():
        if kind == "seats":
            call.seats = new
            call.save(update_fields=["seats"])
        elif kind == "organization":
            call.max_per_organization = new
            call.save(update_fields=["max_per_organization"])
        elif kind in ("quota", "intersection"):
            ids = run.input_snapshot.get("rule_ids", {}).get(kind, [])
            model = Quota if kind == "quota" else IntersectionQuota
            rule = model.objects.filter(pk=ids[int(position)] if int(position) < len(ids) else None, call=call).first()
            if rule is None:
                raise ValidationError("That rule no longer exists; start a new run.")
            if isinstance(rule, Quota) and rule.target_share is not None:
                # Replace the share by the bounds it stood for, with the chosen one moved.
                snapshot = run.input_snapshot["settings"]["quotas"][int(position)]
                rule.min_seats, rule.max_seats, rule.target_share = snapshot["min"], snapshot["max"], None
            if r["bound"] == "min":
                rule.min_seats = max(new, 0)
            else:
                rule.max_seats = new
            rule.save()
        else:
            raise ValidationError("This kind of rule cannot be relaxed from here.")
        change = f"{r['name']}: {r['bound']}imum {r['limit']} → {new}"
        audit(call=call, action="relaxed", actor=by, run=run, change=change)
    return change


def confirm_run(*, run: SelectionRun, by, close_early: bool = False) -> list[Offer]:
    """Staff accept a run's cohort: offers go out now, other runs of the call are discarded,
    and the call closes. Before the deadline staff must say so (`close_early`)."""
    with transaction.atomic():
        call = ApplicationCall.objects.select_for_update().get(pk=run.call_id)
        run = SelectionRun.objects.select_for_update().get(pk=run.pk)
        if run.status != SelectionRun.Status.DONE:
            raise ValidationError("Only a finished run with a cohort can be confirmed.")
        if call.selection_confirmed_at:
            raise ValidationError("Another run of this call is already confirmed.")
        now = timezone.now()
        if call.deadline and now < call.deadline and not close_early:
            raise ValidationError(
                f"The call's deadline ({format_when(call.deadline, call.cohort.time_zone)}) has not passed: people can "
                "still apply. Tick “Close the call now” to confirm anyway; the call then closes to new applications."
            )
        run.status = SelectionRun.Status.CONFIRMED
        run.confirmed_by, run.confirmed_at = by, now
        run.save()
        call.runs.filter(status=SelectionRun.Status.DONE).exclude(pk=run.pk).update(status=SelectionRun.Status.DISCARDED)
        call.selection_confirmed_at = now
        call.save(update_fields=["selection_confirmed_at"])
        audit(call=call, action="run_confirmed", actor=by, run=run,
              closed_before_deadline=bool(call.deadline and now < call.deadline))
        return _make_offers(call=call, run=run, references=run.selected_references, by=by)


def _make_offers(*, call: ApplicationCall, run: SelectionRun, references: list[str], by) -> list[Offer]:
    """Offer seats to the selected: each offer is an OFFERED enrollment for the lead and the
    team (the lifecycle holds the seats), with this application-side record linked to it."""
    leads = sorted({lead_reference(r) for r in references}, key=lambda r: int(r[1:]))
    now = timezone.now()
    expires = now + dt.timedelta(days=call.offer_days)
    cohort = lifecycle.locked_cohort(call.cohort_id)  # cohort before applications, as the lifecycle does
    offers = []
    for ref in leads:
        app = Application.objects.select_for_update().get(pk=int(ref[1:]), call=call)
        if app.status not in (Application.Status.SUBMITTED, Application.Status.WAITLISTED):
            continue  # withdrew (or was already handled) since the run
        try:
            enrollments = lifecycle.offer_seats(
                cohort=cohort, lead=app.applicant, organization=app.organization, members=_selected_members(app),
                team_name=app.team_name, lead_role=_lead_role(app), expires_at=expires, by=by, now=now,
                reason="replacement from the call" if run.kind == SelectionRun.Kind.REPLACEMENT else "selected",
                notify_people=False,
            )
        except lifecycle.LifecycleError as error:
            audit(call=call, action="offer_not_sent", actor=by, run=run, application=app, reason=error.message)
            continue
        offer = Offer.objects.create(organizer_id=call.organizer_id, application=app, run=run, expires_at=expires,
                                     enrollment=enrollments[0])
        app.status = Application.Status.OFFERED
        app.save(update_fields=["status", "updated_at"])
        notify(
            organizer=call.organizer, template="applications/offer", recipient=app.applicant,
            dedupe_key=f"applications:offer={offer.pk}",
            context={
                "cohort": str(call.cohort), "expires_at": format_when(
                    expires, person_zone(app.applicant, default=call.cohort.time_zone)),
                "respond_url": absolute_url(reverse(
                    "applications:application_status", kwargs={"organizer_slug": call.organizer.slug, "application_id": app.pk})),
                "replacement": run.kind == SelectionRun.Kind.REPLACEMENT,
            },
        )
        audit(call=call, action="offer_sent", actor=by, run=run, application=app, expires_at=expires.isoformat())
        offers.append(offer)
    return offers


def _lead_role(app: Application) -> str:
    team = app.call.cohort.is_team_cohort and app.organization_id
    if app.is_executive_director:
        return Enrollment.Role.EXECUTIVE_DIRECTOR
    return Enrollment.Role.TEAM_LEAD if team else Enrollment.Role.PARTICIPANT


def _selected_members(app: Application) -> list:
    """The team's other members (they confirmed before the team could be selected)."""
    if not (app.call.cohort.is_team_cohort and app.organization_id):
        return []
    return [
        lifecycle.SelectedMember(
            person=account_for(member),
            role=Enrollment.Role.EXECUTIVE_DIRECTOR if member.role == TeamMember.Role.EXECUTIVE_DIRECTOR
            else Enrollment.Role.PARTICIPANT,
        )
        for member in app.team_members.all()
    ]


def release_letters(*, call: ApplicationCall, by) -> int:
    """Send the waitlist and rejection letters staff have held back.

    Eligible applicants not offered a seat are waitlisted (replacements come from
    them); ineligible or staff-excluded ones are told they were not selected.
    """
    run = call.runs.filter(status=SelectionRun.Status.CONFIRMED, kind__in=["best", "lottery"]).first()
    if run is None:
        raise ValidationError("Confirm a selection run before releasing letters.")
    eligible = {e["reference"] for e in run.input_snapshot.get("pool", []) if e["eligible"] and e["fixed"] != "out"}
    sent = 0
    with transaction.atomic():
        for app in call.applications.select_for_update().filter(status=Application.Status.SUBMITTED, letter_sent_at__isnull=True):
            waitlisted = app.reference in eligible
            app.status = Application.Status.WAITLISTED if waitlisted else Application.Status.REJECTED
            app.letter_sent_at = timezone.now()
            app.save(update_fields=["status", "letter_sent_at", "updated_at"])
            notify(
                organizer=call.organizer, recipient=app.applicant,
                template="applications/waitlisted" if waitlisted else "applications/not_selected",
                dedupe_key=f"applications:letter:application={app.pk}",
                context={"cohort": str(call.cohort)},
            )
            sent += 1
        audit(call=call, action="letters_released", actor=by, count=sent)
    return sent


# --- Offers and replacements ------------------------------------------------------------


def accept_offer(*, offer: Offer, by) -> Enrollment:
    """The applicant accepts on the application page: the same lifecycle step as the
    enrollment's offer page (the listener below keeps the application in step)."""
    return _answer(offer, lifecycle.accept_offer, by=by)


def decline_offer(*, offer: Offer, by) -> None:
    _answer(offer, lifecycle.decline_offer, by=by)


def _answer(offer: Offer, step, *, by) -> Enrollment:
    offer = Offer.objects.select_related("enrollment").get(pk=offer.pk)
    if offer.status != Offer.Status.PENDING or offer.enrollment is None:
        raise ValidationError("This offer is no longer open.")
    try:
        return step(enrollment=offer.enrollment, by=by)
    except lifecycle.LifecycleError as error:
        raise ValidationError(error.message) from None


# --- Keeping applications in step with their enrollments (hooks of cohorts/lifecycle.py) ------------


def on_enrollment_transition(*, enrollment: Enrollment, from_status: str, to_status: str, by, now, reason: str) -> None:
    """Called by the lifecycle after every transition, in its transaction (cohort locked).

    An offer answered or expired closes the application's offer; an accepted applicant
    who cancels is withdrawn. A lead's answer carries the team's offered seats with it.
    """
    if enrollment.cohort.enrollment_mode != enrollment.cohort.EnrollmentMode.APPLICATION or not from_status:
        return
    offer = (
        Offer.objects.filter(enrollment=enrollment).select_related("application__call__organizer")
        .order_by("-created_at").first()
    )
    if offer is None:
        return
    app = Application.objects.select_for_update().get(pk=offer.application_id)
    call = offer.application.call
    Status = Enrollment.Status
    if from_status == Status.OFFERED and to_status in Enrollment.SEAT_HOLDING and offer.status == Offer.Status.PENDING:
        _close(offer, app, Offer.Status.ACCEPTED, Application.Status.ACCEPTED, now=now)
        audit(call=call, action="offer_accepted", actor=by, application=app, run=offer.run)
        # The lifecycle's confirmation (with the schedule) is the one email about the seat.
        for member in _team_offers(enrollment):
            lifecycle.accept_offer(enrollment=member, by=by, now=now)
    elif from_status == Status.OFFERED and to_status == Status.CANCELLED and offer.status == Offer.Status.PENDING:
        expired = reason == lifecycle.OFFER_EXPIRED
        _close(offer, app, Offer.Status.EXPIRED if expired else Offer.Status.DECLINED,
               Application.Status.EXPIRED if expired else Application.Status.DECLINED, now=now)
        audit(call=call, action=f"offer_{offer.status}", actor=by, application=app, run=offer.run)
        for member in _team_offers(enrollment):
            lifecycle.decline_offer(enrollment=member, by=by, now=now)
    elif to_status == Status.CANCELLED and app.status == Application.Status.ACCEPTED:
        app.status, app.withdrawn_at = Application.Status.WITHDRAWN, now
        app.save(update_fields=["status", "withdrawn_at", "updated_at"])
        audit(call=call, action="withdrawn", actor=by, application=app, after="accepting the offer", reason=reason)


def _close(offer: Offer, app: Application, offer_status: str, app_status: str, *, now) -> None:
    offer.status, offer.responded_at = offer_status, now
    offer.save(update_fields=["status", "responded_at"])
    if app.status == Application.Status.OFFERED:  # a withdrawal already said what happened
        app.status = app_status
        app.save(update_fields=["status", "updated_at"])


def _team_offers(lead_enrollment: Enrollment) -> list[Enrollment]:
    if lead_enrollment.team_id is None:
        return []
    return list(
        Enrollment.objects.filter(team_id=lead_enrollment.team_id, status=Enrollment.Status.OFFERED)
        .exclude(pk=lead_enrollment.pk)
    )


def on_vacancy(*, cohort, now) -> None:
    """A seat freed in an application cohort: run the call's quota-keeping replacement
    (after commit, on a worker); before a selection is confirmed there is nobody to offer."""
    call = ApplicationCall.objects.filter(cohort_id=cohort.pk).first()
    if call is None or not call.selection_confirmed_at:
        lifecycle.offer_free_seats(cohort, now=now)
        return
    _refill_after_commit(call)


def _refill_after_commit(call: ApplicationCall) -> None:
    from .tasks import fill_vacancies_task

    call_id, organizer_id = call.pk, call.organizer_id
    transaction.on_commit(lambda: fill_vacancies_task.delay(call_id, organizer_id))


def fill_vacancies(*, call: ApplicationCall) -> SelectionRun | None:
    """Re-solve with acceptors and open offers fixed in and decliners fixed out.

    The new people get offers at once (staff confirmed the selection they extend);
    when no replacement keeps every quota, staff are told which quota fails. The
    solve runs without locks; the call is locked only to record the outcome, after
    checking nobody answered an offer meanwhile (if someone did, solve again).
    """
    for _ in range(3):
        call = ApplicationCall.objects.select_related("cohort", "organizer").get(pk=call.pk)
        if not call.selection_confirmed_at:
            return None
        apps = list(call.applications.prefetch_related("team_members"))
        state = sorted((a.pk, a.status) for a in apps)
        held = [a for a in apps if a.status in (Application.Status.ACCEPTED, Application.Status.OFFERED)]
        if sum(1 + len(a.team_members.all()) for a in held) >= call.seat_count:
            return None
        seed = secrets.randbelow(10**9)
        built = build_problem(call, seed=seed)
        members: dict[str, list[str]] = {}
        for entry in built.entries:
            members.setdefault(lead_reference(entry.reference), []).append(entry.reference)

        def refs(*statuses) -> list[str]:
            return [m for a in apps if a.status in statuses for m in members.get(a.reference, [])]

        accepted, pending = refs(Application.Status.ACCEPTED), refs(Application.Status.OFFERED)
        declined = refs(Application.Status.DECLINED, Application.Status.EXPIRED)
        result = engine.select_replacements(built.problem, accepted=accepted, declined=declined, pending=pending)
        report = engine.build_report(result) if result.feasible else None
        with transaction.atomic():
            call = ApplicationCall.objects.select_for_update().select_related("cohort", "organizer").get(pk=call.pk)
            if sorted(call.applications.values_list("pk", "status")) != state:
                continue
            snapshot = {**built.snapshot(), "accepted": accepted, "pending": pending, "declined": declined}
            return _record_replacement(call, built, result, report, seed, snapshot)
    return None


def _record_replacement(call, built, result, report, seed: int, snapshot: dict) -> SelectionRun:
    now = timezone.now()
    run = SelectionRun(
        organizer_id=call.organizer_id, call=call, kind=SelectionRun.Kind.REPLACEMENT, seed=seed,
        input_snapshot=snapshot, solver_version=result.solver_version, started_at=now, finished_at=now,
        progress="Finished",
    )
    if result.feasible:
        run.result = {"status": "feasible", "selected": list(result.replacements), "all_selected": list(result.selected),
                      "conflicts": None, "solver_version": result.solver_version, "solver": report.solver,
                      "report": report.to_dict()}
        run.status, run.confirmed_at = SelectionRun.Status.CONFIRMED, now
        run.save()
        audit(call=call, action="replacement_selected", run=run, replacements=list(result.replacements))
        _make_offers(call=call, run=run, references=list(result.replacements), by=None)
        return run
    run.result = _infeasible(result.conflicts, result.solver_version, built.problem, status=result.status)
    run.status = SelectionRun.Status.INFEASIBLE
    run.save()
    audit(call=call, action="replacement_infeasible", run=run)
    if call.organizer.contact_email:
        notify(
            organizer=call.organizer, template="applications/replacement_infeasible",
            to_email=call.organizer.contact_email, dedupe_key=f"applications:replacement-infeasible:run={run.pk}",
            context={"cohort": str(call.cohort), "messages": list(result.conflicts.messages) if result.conflicts else [],
                     "run_url": absolute_url(reverse(
                         "applications:run_detail", kwargs={"organizer_slug": call.organizer.slug, "run_id": run.pk}))},
        )
    return run
