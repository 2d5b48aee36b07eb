"""Pages: applicants (apply, status, withdraw, own demographics), reviewers, staff selection."""


from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from core.spreadsheet import csv_response
from organizers.permissions import organizer_view
from organizers.roles import Capability

from cohorts.selectors import contact_line

from . import demographics, selectors, services
from .forms import (
    AccommodationStatusForm,
    ApplicationForm,
    ConflictForm,
    FixedForm,
    ReviewForm,
    RunForm,
    initial_from,
)
from .models import (
    AccommodationRequest,
    Application,
    ApplicationCall,
    DemographicAccessLog,
    DemographicResponse,
    Offer,
    SelectionRun,
)
from .report import report_rows, visible_conflicts


def _attempt(request, action, success):
    """Call a service; show its ValidationError as a message, or the success text."""
    try:
        result = action()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return None
    messages.success(request, success(result) if callable(success) else success)
    return result


# --- Applicants -------------------------------------------------------------------------


@organizer_view(login=False)
def home(request, organizer_slug: str):
    mine = []
    if request.user.is_authenticated:
        mine = list(
            Application.objects.filter(applicant=request.user).select_related("call__cohort__program")
            .order_by("-created_at")
        )
    return render(request, "applications/home.html", {"calls": selectors.open_calls(), "mine": mine})


def _call(call_id: int) -> ApplicationCall:
    return get_object_or_404(ApplicationCall.objects.select_related("cohort__program", "organizer"), pk=call_id)


@organizer_view()
def apply(request, organizer_slug: str, call_id: int):
    call = _call(call_id)
    if not call.cohort.is_published and not request.access.is_staff:
        raise Http404
    application = Application.objects.filter(call=call, applicant=request.user).first()
    editable = application is None or application.status in (Application.Status.DRAFT, Application.Status.SUBMITTED)
    if request.method == "POST" and editable:
        submit = request.POST.get("action") == "submit"
        form = ApplicationForm(request.POST, call=call, for_submission=submit)
        if form.is_valid():
            try:
                application = services.save_application(
                    call=call, applicant=request.user, data=form.cleaned_data, submit=submit
                )
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error(None, message)
            else:
                if submit:
                    messages.success(request, "Your application is submitted. We emailed you a confirmation.")
                    return redirect("applications:application_status", organizer_slug=organizer_slug, application_id=application.pk)
                messages.success(request, "Your draft is saved. You can come back and finish it before the deadline.")
                return redirect("applications:apply", organizer_slug=organizer_slug, call_id=call.pk)
    else:
        own = DemographicResponse.objects.filter(application=application).first() if application else None
        initial = initial_from(application, own.answers if own else None, person=request.user, call=call)
        form = ApplicationForm(initial=initial, call=call)
    return render(request, "applications/apply.html", {
        "call": call, "form": form, "application": application, "editable": editable, "is_open": call.is_open(),
        "late_to_waitlist": call.takes_late_applications(), "contact": contact_line(call.cohort).strip(),
    })


def _own_application(request, application_id: int) -> Application:
    return get_object_or_404(
        Application.objects.select_related("call__cohort__program"), pk=application_id, applicant=request.user
    )


@organizer_view()
def application_status(request, organizer_slug: str, application_id: int):
    application = _own_application(request, application_id)
    offer = application.offers.filter(status=Offer.Status.PENDING).first()
    return render(request, "applications/status.html", {
        "application": application, "offer": offer,
        "accommodation": AccommodationRequest.objects.filter(application=application).first(),
        "team_members": application.team_members.all(),
        "has_demographics": DemographicResponse.objects.filter(application=application).exists(),
    })


@require_POST
@organizer_view()
def withdraw(request, organizer_slug: str, application_id: int):
    application = _own_application(request, application_id)
    _attempt(request, lambda: services.withdraw_application(application=application, by=request.user),
             "Your application is withdrawn.")
    return redirect("applications:application_status", organizer_slug=organizer_slug, application_id=application.pk)


@require_POST
@organizer_view()
def respond_to_offer(request, organizer_slug: str, application_id: int):
    application = _own_application(request, application_id)
    offer = application.offers.filter(status=Offer.Status.PENDING).first()
    answer = request.POST.get("answer")
    if offer is None or answer not in ("accept", "decline"):
        messages.error(request, "There is no open offer to answer.")
    else:
        try:
            if answer == "accept":
                services.accept_offer(offer=offer, by=request.user)
                messages.success(request, "Welcome! Your seat is confirmed.")
            else:
                services.decline_offer(offer=offer, by=request.user)
                messages.info(request, "You declined the offer. Thank you for letting us know.")
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    return redirect("applications:application_status", organizer_slug=organizer_slug, application_id=application.pk)


@organizer_view()
def my_demographics(request, organizer_slug: str, application_id: int):
    application = _own_application(request, application_id)
    if request.method == "POST":
        if services.delete_own_demographics(application=application, by=request.user):
            messages.success(request, "Your demographic answers are deleted.")
        return redirect("applications:my_demographics", organizer_slug=organizer_slug, application_id=application.pk)
    response = DemographicResponse.objects.filter(application=application).first()
    return render(request, "applications/my_demographics.html", {
        "application": application, "response": response,
        "answers": demographics.labelled(application.call, response.answers) if response else [],
    })


@organizer_view(login=False)
def confirm_team_member(request, organizer_slug: str, token: str):
    member = services.team_member_from_token(token, request.organizer)
    if member is None:
        raise Http404
    if request.method == "POST":
        services.confirm_team_member(member=member)
        member.refresh_from_db()
        messages.success(request, "Thank you: you are confirmed as a member of this team.")
    return render(request, "applications/team_confirm.html", {"member": member, "application": member.application})


# --- Reviewers --------------------------------------------------------------------------


@organizer_view(capability=Capability.REVIEW_APPLICATIONS)
def review_queue(request, organizer_slug: str):
    calls = selectors.calls_for_reviewer(request.user)
    queues = [(call, list(selectors.review_queue(call, request.user))) for call in calls]
    return render(request, "applications/review_queue.html", {"queues": queues})


def _reviewable_call(request, call_id: int) -> ApplicationCall:
    call = _call(call_id)
    if not selectors.may_review(request.user, call):
        raise Http404
    return call


@organizer_view(capability=Capability.REVIEW_APPLICATIONS)
def review_next(request, organizer_slug: str, call_id: int):
    call = _reviewable_call(request, call_id)
    application = selectors.next_for_review(call, request.user)
    if application is None:
        messages.info(request, "You have reviewed every application you can for this call.")
        return redirect("applications:review_queue", organizer_slug=organizer_slug)
    return redirect("applications:review_application", organizer_slug=organizer_slug, application_id=application.pk)


def _reviewable_application(request, application_id: int) -> Application:
    application = get_object_or_404(
        Application.objects.select_related("call__cohort", "applicant", "organization"),
        pk=application_id, status=Application.Status.SUBMITTED,
    )
    if not selectors.may_review(request.user, application.call) or application.applicant_id == request.user.pk:
        raise Http404
    if application.conflicts.filter(reviewer=request.user).exists():
        raise Http404
    return application


@organizer_view(capability=Capability.REVIEW_APPLICATIONS)
def review_application(request, organizer_slug: str, application_id: int):
    application = _reviewable_application(request, application_id)
    call = application.call
    rubric = call.rubric.all()
    existing = application.reviews.filter(reviewer=request.user).first()
    if request.method == "POST":
        form = ReviewForm(request.POST, rubric=rubric)
        if form.is_valid():
            try:
                services.submit_review(
                    application=application, reviewer=request.user, scores=form.scores(),
                    recommendation=form.cleaned_data["recommendation"], comment=form.cleaned_data["comment"],
                )
            except ValidationError as exc:
                form.add_error(None, " ".join(exc.messages))
            else:
                messages.success(request, "Your review is saved.")
                return redirect("applications:review_next", organizer_slug=organizer_slug, call_id=call.pk)
    else:
        initial = {}
        if existing:
            initial = {f"score_{k}": v for k, v in existing.scores.items()}
            initial.update(recommendation=existing.recommendation, comment=existing.comment)
        form = ReviewForm(initial=initial, rubric=rubric)
    answers = [(q, application.answers.get(str(q.pk))) for q in call.questions.all()]
    return render(request, "applications/review.html", {
        "application": application, "call": call, "form": form, "answers": answers,
        "blind": call.blind_review, "conflict_form": ConflictForm(),
        "demographics": demographics.read_individual(
            application=application, viewer=request.user, access=request.access, as_reviewer=True
        ),
    })


@require_POST
@organizer_view(capability=Capability.REVIEW_APPLICATIONS)
def declare_conflict(request, organizer_slug: str, application_id: int):
    application = _reviewable_application(request, application_id)
    form = ConflictForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    services.declare_conflict(application=application, reviewer=request.user, reason=reason)
    messages.success(request, "Conflict of interest recorded; this application is removed from your queue.")
    return redirect("applications:review_queue", organizer_slug=organizer_slug)


# --- Staff ------------------------------------------------------------------------------

STAFF = Capability.MANAGE_APPLICATIONS


@organizer_view(capability=STAFF)
def calls(request, organizer_slug: str):
    return render(request, "applications/calls.html", {
        "calls": ApplicationCall.objects.select_related("cohort__program").order_by("-cohort__starts_on"),
    })


@organizer_view(capability=STAFF)
def pool(request, organizer_slug: str, call_id: int):
    call = _call(call_id)
    exact = demographics.may_read_individual(request.access)
    run_id = request.GET.get("run", "")
    run = call.runs.filter(pk=run_id, status__in=[SelectionRun.Status.DONE, SelectionRun.Status.CONFIRMED]).first() \
        if run_id.isdigit() else None
    return render(request, "applications/pool.html", {
        "call": call, "exact": exact, "k": request.organizer.small_cell_k,
        "hidden_legend": demographics.hidden_legend(request.organizer.small_cell_k),
        "runs": call.runs.select_related("created_by", "confirmed_by")[:50],
        "run_form": RunForm(), **selectors.pool_dashboard(call, exact=exact, run=run),
    })


@organizer_view(capability=STAFF)
def staff_applications(request, organizer_slug: str, call_id: int):
    call = _call(call_id)
    return render(request, "applications/staff_applications.html", {
        "call": call, "rows": selectors.staff_application_rows(call),
    })


def _staff_application(application_id: int) -> Application:
    return get_object_or_404(
        Application.objects.select_related("call__cohort", "applicant", "organization"), pk=application_id
    )


@organizer_view(capability=STAFF)
def staff_application(request, organizer_slug: str, application_id: int):
    application = _staff_application(application_id)
    reviews = list(application.reviews.all())
    return render(request, "applications/staff_application.html", {
        "application": application, "call": application.call,
        "answers": [(q, application.answers.get(str(q.pk))) for q in application.call.questions.all()],
        "reviews": reviews, "stats": selectors.score_stats([r.score for r in reviews]),
        "conflicts": application.conflicts.all(), "team_members": application.team_members.all(),
        "accommodation": AccommodationRequest.objects.filter(application=application).first(),
        "accommodation_form": AccommodationStatusForm(),
        "fixed_form": FixedForm(initial={"fixed": application.fixed}),
        "demographics": demographics.read_individual(application=application, viewer=request.user, access=request.access),
    })


@require_POST
@organizer_view(capability=STAFF)
def set_fixed(request, organizer_slug: str, application_id: int):
    application = _staff_application(application_id)
    form = FixedForm(request.POST)
    if form.is_valid():
        services.set_fixed(application=application, fixed=form.cleaned_data["fixed"], by=request.user)
        messages.success(request, "Staff decision saved; it applies to the next run.")
    else:
        messages.error(request, "Choose in, out or neither.")
    return redirect("applications:staff_application", organizer_slug=organizer_slug, application_id=application.pk)


@require_POST
@organizer_view(capability=STAFF)
def accommodation_status(request, organizer_slug: str, application_id: int):
    application = _staff_application(application_id)
    accommodation = get_object_or_404(AccommodationRequest, application=application)
    form = AccommodationStatusForm(request.POST)
    if form.is_valid():
        services.update_accommodation(request=accommodation, status=form.cleaned_data["status"], by=request.user)
        messages.success(request, "Accommodation status updated.")
    else:
        messages.error(request, "Choose a status from the list.")
    return redirect("applications:staff_application", organizer_slug=organizer_slug, application_id=application.pk)


@require_POST
@organizer_view(capability=STAFF)
def start_run(request, organizer_slug: str, call_id: int):
    call = _call(call_id)
    form = RunForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a method; the seed must be a whole number.")
        return redirect("applications:pool", organizer_slug=organizer_slug, call_id=call.pk)
    try:
        run = services.start_run(call=call, kind=form.cleaned_data["kind"], seed=form.cleaned_data["seed"], by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("applications:pool", organizer_slug=organizer_slug, call_id=call.pk)
    return redirect("applications:run_detail", organizer_slug=organizer_slug, run_id=run.pk)


def _run(run_id: int) -> SelectionRun:
    return get_object_or_404(SelectionRun.objects.select_related("call__cohort", "created_by", "confirmed_by"), pk=run_id)


def _run_context(request, run: SelectionRun) -> dict:
    exact = demographics.may_read_individual(request.access)
    k = request.organizer.small_cell_k
    return {
        "run": run, "call": run.call, "exact": exact,
        "before_deadline": bool(run.call.deadline and timezone.now() < run.call.deadline),
        "rows": report_rows(run, exact=exact) if run.is_finished else [],
        "conflicts": visible_conflicts(run, exact=exact, k=k),
        "offers": run.offers.select_related("application__applicant"),
        "audit": run.audit_entries.select_related("actor", "application__applicant")[:100],
    }


@organizer_view(capability=STAFF)
def run_detail(request, organizer_slug: str, run_id: int):
    return render(request, "applications/run_detail.html", _run_context(request, _run(run_id)))


@organizer_view(capability=STAFF)
def run_status(request, organizer_slug: str, run_id: int):
    """The polled part of the run page (htmx); once the run is finished it asks for a full reload."""
    run = _run(run_id)
    response = render(request, "applications/_run_status.html", {"run": run})
    if run.is_finished and request.htmx:
        response["HX-Refresh"] = "true"
    return response


@organizer_view(capability=STAFF)
def run_csv(request, organizer_slug: str, run_id: int):
    run = _run(run_id)
    exact = demographics.may_read_individual(request.access)
    rows = report_rows(run, exact=exact)
    settings = run.input_snapshot.get("settings", {})
    preamble = [["# run", run.pk, "kind", run.kind, "status", run.status, "seed", run.seed,
                 "solver", run.result.get("solver") or run.solver_version, "seats", settings.get("seats")]]
    for q in settings.get("quotas", []):
        preamble.append(["# quota", q["label"], "min", q["min"], "max", q["max"], "reserved" if q["reserved"] else ""])
    for iq in settings.get("intersections", []):
        preamble.append(["# intersection quota", iq["label"], "min", iq["min"], "max", iq["max"]])
    preamble.append(["# organization limit", settings.get("max_per_organization"),
                     "soft" if settings.get("soft_organization_limit") else "hard", "# minimum score",
                     settings.get("min_score")])
    columns = ["reference", "applicant", "organization", "team", "score", "priority", "eligible", "fixed",
               "selected", "probability", "reasons"]
    response = csv_response(f"selection-run-{run.pk}.csv", columns,
                            ([row.get(c, "") for c in columns] for row in rows), preamble=preamble)
    if exact:
        DemographicAccessLog.objects.create(
            organizer_id=run.organizer_id, viewer=request.user, action=DemographicAccessLog.Action.EXPORT,
            detail=f"selection report of run {run.pk} with quota reasons",
        )
    return response


@require_POST
@organizer_view(capability=STAFF)
def confirm_run(request, organizer_slug: str, run_id: int):
    run = _run(run_id)
    close_early = request.POST.get("close_early") == "yes"
    _attempt(request, lambda: services.confirm_run(run=run, by=request.user, close_early=close_early),
             lambda offers: f"Selection confirmed: {len(offers)} offers sent.")
    return redirect("applications:run_detail", organizer_slug=organizer_slug, run_id=run.pk)


@require_POST
@organizer_view(capability=STAFF)
def apply_relaxation(request, organizer_slug: str, run_id: int):
    run = _run(run_id)
    try:
        index = int(request.POST.get("index", ""))
    except ValueError:
        index = -1
    if _attempt(request, lambda: services.apply_relaxation(run=run, index=index, by=request.user),
                lambda change: f"Changed {change}. Start a new run to see the effect."):
        return redirect("applications:pool", organizer_slug=organizer_slug, call_id=run.call_id)
    return redirect("applications:run_detail", organizer_slug=organizer_slug, run_id=run.pk)


@require_POST
@organizer_view(capability=STAFF)
def release_letters(request, organizer_slug: str, call_id: int):
    call = _call(call_id)
    _attempt(request, lambda: services.release_letters(call=call, by=request.user),
             lambda sent: f"{sent} waitlist and decision letters sent.")
    return redirect("applications:pool", organizer_slug=organizer_slug, call_id=call.pk)


@organizer_view(capability=Capability.VIEW_DEMOGRAPHICS)
def access_log(request, organizer_slug: str):
    """Who read, exported or deleted individual demographic answers (for the permission holders)."""
    entries = DemographicAccessLog.objects.select_related("viewer", "application__applicant", "application__call__cohort")
    return render(request, "applications/access_log.html", {"entries": entries[:500]})
