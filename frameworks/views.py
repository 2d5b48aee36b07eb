"""Framework pages, self-assessments and team workplans. Views parse, check who may see the
object (everyone else gets 404, exports included), call a service and render."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from cohorts.models import Cohort, Enrollment, Organization, PlanningPartner, Team
from organizers.permissions import organizer_view
from organizers.roles import Capability
from sessions_app.models import CheckInRound

from . import exports, selectors, services
from .forms import (
    ActionForm,
    ActionUpdateForm,
    ConsensusForm,
    GoalForm,
    ProgressUpdateForm,
    RatingForm,
    SupportLogForm,
    SupportRequestForm,
)
from .models import (
    Action,
    Assessment,
    AssessmentPoint,
    Framework,
    FrameworkVersion,
    Goal,
    Item,
    SupportRequest,
    Workplan,
)
from .services import FrameworkError

# --- Public framework pages ------------------------------------------------------------------------


@organizer_view(login=False)
def framework_list(request, organizer_slug: str):
    return render(request, "frameworks/framework_list.html",
                  {"frameworks": selectors.public_frameworks(request.organizer)})


def _framework_page(request, framework: Framework, version: FrameworkVersion | None):
    if version is None:
        raise Http404
    return render(request, "frameworks/framework_detail.html", {
        "framework": framework, "version": version, "areas": selectors.version_content(version),
        "other_versions": framework.versions.filter(status=FrameworkVersion.Status.PUBLISHED).exclude(id=version.id),
        "is_current": version == selectors.current_version(framework),
    })


def _framework_or_404(request, framework_slug: str) -> Framework:
    framework = get_object_or_404(Framework, slug=framework_slug)
    if not framework.is_public and not request.access.is_staff:
        raise Http404
    return framework


@organizer_view(login=False)
def framework_detail(request, organizer_slug: str, framework_slug: str):
    framework = _framework_or_404(request, framework_slug)
    return _framework_page(request, framework, selectors.current_version(framework))


@organizer_view(login=False)
def framework_version(request, organizer_slug: str, framework_slug: str, number: int):
    framework = _framework_or_404(request, framework_slug)
    version = framework.versions.filter(number=number).first()
    if version is not None and not version.is_frozen and not request.access.is_staff:
        version = None  # drafts are for staff
    return _framework_page(request, framework, version)


# --- Assessments -------------------------------------------------------------------------------------


def _known_or_404(request) -> None:
    from sessions_app.selectors.sessions import knows_organizer

    if not knows_organizer(request.user, request.organizer):
        raise Http404


@organizer_view()
def my_assessments(request, organizer_slug: str):
    _known_or_404(request)
    rows = selectors.my_assessment_rows(request.user, request.organizer, today=timezone.localdate())
    cohorts = (Cohort.objects.filter(assessment_points__isnull=False).distinct().select_related("program")
               if request.access.is_staff else [])
    return render(request, "frameworks/my_assessments.html", {"rows": rows, "cohorts": cohorts})


@organizer_view()
@require_POST
def start_assessment(request, organizer_slug: str, point_id: int):
    point = get_object_or_404(AssessmentPoint, id=point_id)
    if selectors.subject_for(point, request.user) is None:
        raise Http404
    try:
        assessment = services.start_assessment(point=point, user=request.user)
    except FrameworkError as error:
        messages.error(request, error.message)
        return redirect("frameworks:my_assessments", organizer_slug=organizer_slug)
    return redirect("frameworks:assessment", organizer_slug=organizer_slug, assessment_id=assessment.id)


def _assessment_or_404(request, assessment_id: int) -> Assessment:
    assessment = get_object_or_404(
        Assessment.objects.select_related("point", "version__framework", "cohort__program", "team", "organization",
                                          "person"), id=assessment_id)
    if not selectors.can_see_assessment(request.user, request.access, assessment):
        raise Http404
    return assessment


def _assessment_context(request, assessment: Assessment) -> dict:
    respondent = selectors.is_respondent(request.user, assessment)
    grid = selectors.assessment_grid(assessment, request.user)
    for area in grid:
        for row in area["rows"]:
            row.rating_form = RatingForm(version=assessment.version, item=row.item, initial={
                "value": row.mine.value if row.mine else None, "comment": row.mine.comment if row.mine else ""})
            row.consensus_form = ConsensusForm(version=assessment.version, item=row.item, initial={
                "value": row.consensus.value if row.consensus else row.suggested,
                "note": row.consensus.note if row.consensus else ""})
    return {"assessment": assessment, "grid": grid, "respondent": respondent,
            "can_edit": respondent and not assessment.is_locked,
            "members": selectors.respondents(assessment), "missing": selectors.missing_consensus(assessment)}


@organizer_view()
def assessment_detail(request, organizer_slug: str, assessment_id: int):
    assessment = _assessment_or_404(request, assessment_id)
    return render(request, "frameworks/assessment.html", _assessment_context(request, assessment))


def _save_item(request, organizer_slug: str, assessment_id: int, item_id: int, *, consensus: bool):
    assessment = _assessment_or_404(request, assessment_id)
    if not selectors.is_respondent(request.user, assessment):
        raise Http404
    item = get_object_or_404(Item, id=item_id, area__version_id=assessment.version_id)
    form_class = ConsensusForm if consensus else RatingForm
    form = form_class(request.POST, version=assessment.version, item=item)
    error = None
    if form.is_valid():
        try:
            if consensus:
                services.save_consensus(assessment=assessment, item_id=item_id, by=request.user,
                                        value=form.cleaned_data["value"], note=form.cleaned_data["note"])
            else:
                services.save_rating(assessment=assessment, item_id=item_id, person=request.user,
                                     value=form.cleaned_data["value"], comment=form.cleaned_data["comment"])
        except FrameworkError as exc:
            error = exc.message
    else:
        error = " ".join(e for errors in form.errors.values() for e in errors)
    if request.htmx:
        # Saved in place: only the item's status line changes, so focus stays where the person is.
        # (200 either way: htmx does not swap error responses, and the reason must be read out.)
        return render(request, "frameworks/_saved.html", {
            "error": error, "what": "Agreed rating saved" if consensus else "Saved"})
    if error:
        messages.error(request, error)
    else:
        messages.success(request, "Agreed rating saved." if consensus else "Your rating is saved.")
    return redirect(f"{_assessment_url(organizer_slug, assessment)}#item-{item_id}")


def _assessment_url(organizer_slug, assessment) -> str:
    from django.urls import reverse

    return reverse("frameworks:assessment", kwargs={"organizer_slug": organizer_slug, "assessment_id": assessment.id})


@organizer_view()
@require_POST
def save_rating(request, organizer_slug: str, assessment_id: int, item_id: int):
    return _save_item(request, organizer_slug, assessment_id, item_id, consensus=False)


@organizer_view()
@require_POST
def save_consensus(request, organizer_slug: str, assessment_id: int, item_id: int):
    return _save_item(request, organizer_slug, assessment_id, item_id, consensus=True)


@organizer_view()
@require_POST
def submit_assessment(request, organizer_slug: str, assessment_id: int):
    assessment = _assessment_or_404(request, assessment_id)
    if not selectors.is_respondent(request.user, assessment):
        raise Http404
    try:
        services.submit_assessment(assessment=assessment, by=request.user)
    except FrameworkError as error:
        messages.error(request, error.message)
        return redirect("frameworks:assessment", organizer_slug=organizer_slug, assessment_id=assessment.id)
    messages.success(request, "Submitted. The assessment is now locked; here are your results.")
    return redirect("frameworks:results", organizer_slug=organizer_slug, assessment_id=assessment.id)


@organizer_view()
def results(request, organizer_slug: str, assessment_id: int):
    assessment = _assessment_or_404(request, assessment_id)
    earlier = [a for a in selectors.comparable_assessments(assessment)
               if selectors.can_see_assessment(request.user, request.access, a)]
    series = sorted([*earlier, assessment] if assessment.is_locked else earlier,
                    key=lambda a: (a.point.opens_on, a.id)) or [assessment]
    averages = selectors.cohort_averages(assessment.point, k=request.organizer.small_cell_k)
    compare = selectors.comparison(series)
    for area in compare["areas"]:
        area["average"] = averages.get(area["title"])
    return render(request, "frameworks/results.html", {
        "assessment": assessment, "areas": selectors.results(assessment), "compare": compare,
        "averages": averages, "k": request.organizer.small_cell_k,
    })


@organizer_view(capability=Capability.MANAGE_PARTICIPANTS)
def cohort_overview(request, organizer_slug: str, cohort_id: int):
    cohort = get_object_or_404(Cohort.objects.select_related("program"), id=cohort_id)
    from reports.exports import ASSESSMENT_KINDS

    return render(request, "frameworks/cohort_overview.html", {
        "cohort": cohort, "points": selectors.cohort_overview(cohort), "assessment_kinds": list(ASSESSMENT_KINDS.items()),
    })


@organizer_view()
def organization_history(request, organizer_slug: str, organization_id: int):
    organization = get_object_or_404(Organization, id=organization_id)
    if not selectors.can_see_organization(request.user, request.access, organization):
        raise Http404
    return render(request, "frameworks/organization_history.html",
                  {"organization": organization, "frameworks": selectors.organization_history(organization)})


# --- Workplans ---------------------------------------------------------------------------------------


@organizer_view()
def workplan_list(request, organizer_slug: str):
    _known_or_404(request)
    plans = list(selectors.visible_workplans(request.user, request.access))
    have = {p.team_id for p in plans}
    if request.access.is_staff:  # the community lead starts a plan for any team that has none
        my_teams = list(Team.objects.filter(workplan__isnull=True).select_related("cohort__program", "organization")
                        .order_by("cohort__program__title", "cohort__title", "name"))
    else:
        my_teams = [e.team for e in Enrollment.objects.filter(
            person=request.user, status__in=selectors.PARTICIPATING, team__isnull=False,
        ).select_related("team__cohort__program") if e.team_id not in have]
    # Planning-team partners download the self-assessments of the teams they support (staff do from the reports).
    from reports.exports import ASSESSMENT_KINDS

    supported = set() if request.access.is_staff else selectors.supported_team_ids(request.user, request.access)
    assessment_cohorts = list(
        Cohort.objects.filter(teams__id__in=supported, assessment_points__isnull=False).distinct()
        .select_related("program").order_by("program__title", "title")
    ) if supported else []
    return render(request, "frameworks/workplan_list.html", {
        "plans": plans, "my_teams": my_teams, "assessment_cohorts": assessment_cohorts,
        "assessment_kinds": list(ASSESSMENT_KINDS.items()),
    })


@organizer_view()
@require_POST
def start_workplan(request, organizer_slug: str, team_id: int):
    team = get_object_or_404(Team, id=team_id)
    if not selectors.can_see_team(request.user, request.access, team):
        raise Http404
    if not (request.access.is_staff or any(p.id == request.user.id for p in selectors.team_members(team))):
        raise Http404
    workplan = services.ensure_workplan(team=team)
    return redirect("frameworks:workplan", organizer_slug=organizer_slug, workplan_id=workplan.id)


def _workplan_or_404(request, workplan_id: int) -> Workplan:
    workplan = get_object_or_404(Workplan.objects.select_related("team__organization", "cohort__program"),
                                 id=workplan_id)
    if not selectors.can_see_team(request.user, request.access, workplan.team):
        raise Http404
    return workplan


def _editable_workplan_or_404(request, workplan_id: int) -> Workplan:
    workplan = _workplan_or_404(request, workplan_id)
    if not selectors.can_edit_workplan(request.user, request.access, workplan):
        raise Http404
    return workplan


def _workplan_page(request, workplan: Workplan, *, status: int = 200, **forms):
    members = selectors.team_members(workplan.team)
    low = selectors.low_rated_items(workplan.team)
    detail = selectors.workplan_detail(workplan)
    can_edit = selectors.can_edit_workplan(request.user, request.access, workplan)
    my_partners = selectors.partner_ids_of(request.user)
    for goal in detail["goals"]:
        for action in goal.actions.all():
            action.form = ActionUpdateForm(members=members, prefix=f"a{action.id}", initial={
                "status": action.status, "notes": action.notes, "owner": action.owner_id, "due_on": action.due_on})
        goal.action_form = ActionForm(members=members, prefix=f"g{goal.id}")
    for req in detail["requests"]:
        req.can_log = request.access.is_staff or req.partner_id in my_partners
    context = {
        "workplan": workplan, **detail, "members": members, "low_items": low, "can_edit": can_edit,
        "goal_form": GoalForm(areas=selectors.framework_areas_for(workplan), low_items=low),
        "update_form": ProgressUpdateForm(),
        "support_form": SupportRequestForm(partners=_partners(workplan)),
        "log_form": SupportLogForm(initial={"given_on": timezone.localdate()}),
        **forms,
    }
    return render(request, "frameworks/workplan.html", context, status=status)


def _partners(workplan: Workplan):
    return list(PlanningPartner.objects.filter(program_id=workplan.cohort.program_id).order_by("order", "name"))


@organizer_view()
def workplan_detail(request, organizer_slug: str, workplan_id: int):
    return _workplan_page(request, _workplan_or_404(request, workplan_id))


def _back(workplan: Workplan, anchor: str = ""):
    return redirect(f"{workplan_url(workplan)}{anchor}")


def workplan_url(workplan: Workplan) -> str:
    from django.urls import reverse

    return reverse("frameworks:workplan", kwargs={"organizer_slug": workplan.organizer.slug,
                                                   "workplan_id": workplan.id})


@organizer_view()
@require_POST
def add_goal(request, organizer_slug: str, workplan_id: int):
    workplan = _editable_workplan_or_404(request, workplan_id)
    low = selectors.low_rated_items(workplan.team)
    form = GoalForm(request.POST, areas=selectors.framework_areas_for(workplan), low_items=low)
    if form.is_valid():
        try:
            services.add_goal(workplan=workplan, by=request.user, **form.cleaned_data)
            messages.success(request, "Goal added.")
            return _back(workplan, "#goals")
        except FrameworkError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
    return _workplan_page(request, workplan, status=400, goal_form=form)


@organizer_view()
@require_POST
def add_action(request, organizer_slug: str, workplan_id: int, goal_id: int):
    workplan = _editable_workplan_or_404(request, workplan_id)
    goal = get_object_or_404(Goal, id=goal_id, workplan=workplan)
    form = ActionForm(request.POST, members=selectors.team_members(workplan.team), prefix=f"g{goal.id}")
    if form.is_valid():
        try:
            services.add_action(goal=goal, title=form.cleaned_data["title"], owner=form.owner(),
                                due_on=form.cleaned_data["due_on"], notes=form.cleaned_data["notes"], by=request.user)
            messages.success(request, "Action added.")
            return _back(workplan, f"#goal-{goal.id}")
        except FrameworkError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
    messages.error(request, "The action was not added: " + " ".join(e for es in form.errors.values() for e in es))
    return _back(workplan, f"#goal-{goal.id}")


@organizer_view()
@require_POST
def update_action(request, organizer_slug: str, workplan_id: int, action_id: int):
    workplan = _editable_workplan_or_404(request, workplan_id)
    action = get_object_or_404(Action.objects.select_related("goal__workplan__team"), id=action_id,
                               goal__workplan=workplan)
    form = ActionUpdateForm(request.POST, members=selectors.team_members(workplan.team), prefix=f"a{action.id}")
    if form.is_valid():
        try:
            services.update_action(action=action, status=form.cleaned_data["status"], notes=form.cleaned_data["notes"],
                                   owner=form.owner(), due_on=form.cleaned_data["due_on"], by=request.user)
            messages.success(request, f"“{action.title}” updated.")
        except FrameworkError as error:
            messages.error(request, error.message)
    else:
        messages.error(request, "Not saved: " + " ".join(e for es in form.errors.values() for e in es))
    return _back(workplan, f"#action-{action.id}")


@organizer_view()
@require_POST
def add_update(request, organizer_slug: str, workplan_id: int):
    workplan = _editable_workplan_or_404(request, workplan_id)
    form = ProgressUpdateForm(request.POST)
    if form.is_valid():
        try:
            services.add_progress_update(workplan=workplan, author=request.user, body=form.cleaned_data["body"])
            messages.success(request, "Progress update posted.")
            return _back(workplan, "#updates")
        except FrameworkError as error:
            form.add_error(None, error.message)
    return _workplan_page(request, workplan, status=400, update_form=form)


@organizer_view()
@require_POST
def request_support(request, organizer_slug: str, workplan_id: int):
    workplan = _editable_workplan_or_404(request, workplan_id)
    form = SupportRequestForm(request.POST, partners=_partners(workplan))
    if form.is_valid():
        try:
            partner = form.partners[form.cleaned_data["partner"]]
            services.request_support(workplan=workplan, partner=partner, message=form.cleaned_data["message"],
                                     by=request.user)
            messages.success(request, f"{partner.name} has been asked.")
            return _back(workplan, "#support")
        except FrameworkError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
    return _workplan_page(request, workplan, status=400, support_form=form)


@organizer_view()
@require_POST
def log_support(request, organizer_slug: str, workplan_id: int, request_id: int):
    workplan = _workplan_or_404(request, workplan_id)
    support = get_object_or_404(SupportRequest.objects.select_related("partner"), id=request_id, workplan=workplan)
    if not (request.access.is_staff or support.partner_id in selectors.partner_ids_of(request.user)):
        raise Http404
    form = SupportLogForm(request.POST)
    if form.is_valid():
        try:
            services.log_support(request=support, by=request.user, **form.cleaned_data)
            messages.success(request, "Support logged.")
            return _back(workplan, "#support")
        except FrameworkError as error:
            form.add_error(None, error.message)
    return _workplan_page(request, workplan, status=400, log_form=form)


@organizer_view()
def export_pdf(request, organizer_slug: str, workplan_id: int):
    workplan = _workplan_or_404(request, workplan_id)
    return exports.workplan_pdf(workplan)


@organizer_view()
def export_csv(request, organizer_slug: str, workplan_id: int):
    workplan = _workplan_or_404(request, workplan_id)
    return exports.workplan_csv(workplan)


# --- Check-ins after the cohort ----------------------------------------------------------------------


@organizer_view()
def workplan_checkin(request, organizer_slug: str, workplan_id: int, round_id: int):
    workplan = _workplan_or_404(request, workplan_id)
    round_ = get_object_or_404(CheckInRound, id=round_id, cohort_id=workplan.cohort_id, sent_at__isnull=False)
    can_edit = selectors.can_edit_workplan(request.user, request.access, workplan)
    answered = workplan.updates.filter(checkin_round=round_).select_related("author").first()
    form = ProgressUpdateForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not can_edit:
            raise Http404
        if form.is_valid():
            try:
                services.add_progress_update(workplan=workplan, author=request.user, body=form.cleaned_data["body"],
                                             checkin_round=round_)
                messages.success(request, "Thank you! Your team's progress update is sent.")
                return redirect("frameworks:workplan_checkin", organizer_slug=organizer_slug,
                                workplan_id=workplan.id, round_id=round_.id)
            except FrameworkError as error:
                form.add_error(None, error.message)
        status = 400
    return render(request, "frameworks/workplan_checkin.html", {
        "workplan": workplan, "round": round_, "answered": answered, "form": form, "can_edit": can_edit,
        **selectors.workplan_detail(workplan),
    }, status=status)


@organizer_view(capability=Capability.MANAGE_PARTICIPANTS)
def checkin_overview(request, organizer_slug: str, round_id: int):
    round_ = get_object_or_404(CheckInRound.objects.select_related("cohort__program"), id=round_id)
    rows = selectors.checkin_workplans(round_)
    return render(request, "frameworks/checkin_overview.html", {
        "round": round_, "rows": rows, "missing": [r for r in rows if r["update"] is None],
    })
