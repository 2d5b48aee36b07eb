"""Catalog pages of one organizer and a person's own programs under /me/."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods
from django_scopes import scope

from accounts import invitations
from accounts.services import set_name
from billing.display import attach_prices
from core.page_cache import cache_anonymous_page
from organizers.permissions import organizer_view
from sessions_app.selectors.sessions import upcoming_public_sessions

from . import display, lifecycle, selectors, services
from .forms import (
    CatalogFilterForm,
    ModuleDelegatesForm,
    RegistrationForm,
    TeamInvitationAnswerForm,
    TeamRegistrationForm,
)
from .models import Cohort, Enrollment

CATALOG_PAGE_SIZE = 25


@organizer_view(login=False)
@cache_anonymous_page
def catalog(request, organizer_slug: str):
    form = CatalogFilterForm(request.GET or None)
    kind = when = ""
    if form.is_valid():
        kind, when = form.cleaned_data["kind"], form.cleaned_data["when"]
    now = timezone.now()
    page = selectors.catalog_page(request.organizer, kind=kind, when=when, page=request.GET.get("page"),
                                  per_page=CATALOG_PAGE_SIZE, now=now)
    cards = display.catalog_cards(page.object_list, organizer_slug=organizer_slug, now=now)
    others = request.GET.copy()
    others.pop("page", None)
    return render(request, "cohorts/catalog.html", {
        "cards": cards, "page": page, "query_string": others.urlencode(),
        "options": display.filter_options(form), "filtered": bool(kind or when),
        "filter_error": form.is_bound and not form.is_valid(),
    })


@organizer_view(login=False)
@cache_anonymous_page
def program_detail(request, organizer_slug: str, program_slug: str):
    program = selectors.program_page(request.organizer, slug=program_slug)
    if program is None:
        raise Http404("No such program.")
    now = timezone.now()
    rows = display.cohort_rows(program, organizer_slug=organizer_slug, now=now)
    attach_prices(rows, on=timezone.localdate())
    sessions = upcoming_public_sessions(organizer_id=request.organizer.id, program_id=program.id, now=now)
    for row in rows:
        row["upcoming_sessions"] = sessions.get(row["cohort"].pk, [])
    display.attach_viewer_places(rows, request.user, organizer_slug=organizer_slug)
    return render(request, "cohorts/program_detail.html", {"program": program, "rows": rows})


def _cohort_or_404(request, program_slug: str, cohort_slug: str) -> Cohort:
    cohort = selectors.cohort_for_registration(request.organizer, program_slug=program_slug, cohort_slug=cohort_slug)
    if cohort is None:
        raise Http404("No such cohort.")
    return cohort


@organizer_view(login=True)
@require_http_methods(["GET", "POST"])
def register(request, organizer_slug: str, program_slug: str, cohort_slug: str):
    cohort = _cohort_or_404(request, program_slug, cohort_slug)
    if cohort.is_team_cohort:
        return redirect("cohorts:register_team", organizer_slug=organizer_slug, program_slug=program_slug,
                        cohort_slug=cohort_slug)
    form = RegistrationForm(request.POST if request.method == "POST" else None, cohort=cohort, person=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():  # the name is kept only with the registration (its email uses it)
                if form.cleaned_data["full_name"]:
                    set_name(user=request.user, full_name=form.cleaned_data["full_name"],
                             pronouns=form.cleaned_data["pronouns"])
                enrollment = lifecycle.register(
                    cohort=cohort, person=request.user, by=request.user,
                    organization_name=form.cleaned_data["organization_name"], title=form.cleaned_data["title"],
                )
        except lifecycle.LifecycleError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            return _registered(request, enrollment)
    return _registration_page(request, cohort, form, "cohorts/register.html")


@organizer_view(login=True)
@require_http_methods(["GET", "POST"])
def register_team(request, organizer_slug: str, program_slug: str, cohort_slug: str):
    cohort = _cohort_or_404(request, program_slug, cohort_slug)
    if not cohort.is_team_cohort:
        return redirect("cohorts:register", organizer_slug=organizer_slug, program_slug=program_slug,
                        cohort_slug=cohort_slug)
    form = TeamRegistrationForm(request.POST if request.method == "POST" else None, cohort=cohort)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = lifecycle.register_team(
                cohort=cohort, lead=request.user, by=request.user, organization_name=data["organization_name"],
                team_name=data["team_name"], lead_title=data["lead_title"],
                lead_is_executive_director=data["lead_is_executive_director"], members=form.members(),
            )
        except lifecycle.LifecycleError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            if result.invitations:
                names = ", ".join(i.full_name for i in result.invitations)
                messages.info(request, f"We emailed {names} a link to confirm their place on the team; "
                                       "their seats are held for the team until they answer.")
            return _registered(request, result.enrollments[0])
    return _registration_page(request, cohort, form, "cohorts/register_team.html")


@organizer_view(login=False)
@require_http_methods(["GET", "POST"])
def team_invitation(request, organizer_slug: str, token: str):
    """A named team member's signed link: what they are asked to join, and their answer.

    The link is the credential (it reached their mailbox); confirming creates their
    account on the way if the address has none, then the held seat becomes theirs.
    """
    try:
        invitation = lifecycle.invitation_from_token(token, request.organizer)
    except invitations.InvalidInvitation as exc:
        return render(request, "cohorts/team_invitation_invalid.html", {"message": exc.message}, status=404)
    form = TeamInvitationAnswerForm(request.POST if request.method == "POST" else None,
                                    initial={"full_name": invitation.full_name})
    error = None
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "decline":
                lifecycle.decline_team_invitation(invitation=invitation)
                messages.info(request, "You declined. Nothing was registered in your name, and we told "
                                       f"{invitation.lead_enrollment.person.display_name}.")
                return redirect(request.path)
            if action == "confirm" and form.is_valid():
                enrollment = lifecycle.confirm_team_invitation(
                    invitation=invitation, full_name=form.cleaned_data["full_name"])
                messages.success(request, f"You are on the team for {enrollment.cohort}: "
                                          f"{enrollment.get_status_display().lower()}. A confirmation is on its way "
                                          "by email.")
                if request.user.is_authenticated and request.user.pk == enrollment.person_id:
                    return redirect("me:enrollment", enrollment_id=enrollment.pk)
                return redirect(request.path)
            if action not in ("confirm", "decline"):
                error = "Choose whether to join the team or decline."
        except lifecycle.LifecycleError as exc:
            error = exc.message
        invitation = lifecycle.invitation_from_token(token, request.organizer)
    signed_in_as_other = (request.user.is_authenticated
                          and request.user.email.lower() != invitation.email.lower())
    return render(request, "cohorts/team_invitation.html", {
        "invitation": invitation, "cohort": invitation.cohort, "lead": invitation.lead_enrollment.person,
        "form": form, "error": error, "signed_in_as_other": signed_in_as_other,
    }, status=400 if error or form.errors else 200)


def _registration_page(request, cohort, form, template):
    problem = selectors.registration_problem(cohort)
    context = {"cohort": cohort, "program": cohort.program, "form": form, "problem": problem,
               "seats_left": selectors.seats_left(cohort),
               "existing": selectors.active_enrollment(cohort, request.user)}
    return render(request, template, context)


def _registered(request, enrollment: Enrollment):
    if enrollment.status == Enrollment.Status.CONFIRMED:
        messages.success(request, f"You are registered for {enrollment.cohort}. A confirmation is on its way by email.")
    elif enrollment.status == Enrollment.Status.AWAITING_PAYMENT:
        messages.success(request, f"A seat in {enrollment.cohort} is held for you until it is paid; "
                                  "choose who pays and how.")
        return redirect("billing:checkout", organizer_slug=enrollment.cohort.organizer.slug,
                        enrollment_id=enrollment.pk)
    else:
        messages.info(request, f"{enrollment.cohort} is full: you are on the waitlist. We will email you if a seat frees up.")
    return redirect("me:enrollment", enrollment_id=enrollment.pk)


# ------------------------------------------------------------------ /me/


@login_required
def my_programs(request):
    enrollments = selectors.enrollments_of(request.user)
    active = [e for e in enrollments if e.status != Enrollment.Status.CANCELLED]
    past = [e for e in enrollments if e.status == Enrollment.Status.CANCELLED]
    return render(request, "cohorts/my_programs.html", {"active": active, "cancelled": past})


def _own_enrollment(request, enrollment_id: int) -> Enrollment:
    enrollment = selectors.enrollment_of(request.user, enrollment_id)
    if enrollment is None:
        raise Http404("No such registration.")
    return enrollment


@login_required
def enrollment_detail(request, enrollment_id: int):
    enrollment = _own_enrollment(request, enrollment_id)
    with scope(organizer=enrollment.organizer_id):
        history = selectors.history_of(enrollment)
        team_invitations = selectors.team_invitations_of(enrollment)
    return render(request, "cohorts/enrollment_detail.html", {
        "enrollment": enrollment, "history": history, "team_invitations": team_invitations,
    })


@login_required
@require_http_methods(["POST"])
def resend_invitation(request, enrollment_id: int, invitation_id: int):
    """The lead sends a member who has not answered their link again."""
    enrollment = _own_enrollment(request, enrollment_id)
    with scope(organizer=enrollment.organizer_id):
        invitation = next((i for i in selectors.team_invitations_of(enrollment) if i.pk == invitation_id), None)
        if invitation is None:
            raise Http404("No such team member.")
        try:
            lifecycle.resend_team_invitation(invitation=invitation, by=request.user)
        except lifecycle.LifecycleError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"We sent {invitation.full_name} their link again.")
    return redirect("me:enrollment", enrollment_id=enrollment.pk)


@login_required
@require_http_methods(["GET", "POST"])
def cancel(request, enrollment_id: int):
    enrollment = _own_enrollment(request, enrollment_id)
    error = None
    if request.method == "POST":
        with scope(organizer=enrollment.organizer_id):
            try:
                lifecycle.cancel(enrollment=enrollment, by=request.user, reason="cancelled by the participant")
            except lifecycle.LifecycleError as exc:
                error = exc.message
            else:
                messages.success(request, f"Your registration for {enrollment.cohort} is cancelled.")
                return redirect("me:enrollment", enrollment_id=enrollment.pk)
    return render(request, "cohorts/cancel.html", {"enrollment": enrollment, "error": error})


@login_required
@require_http_methods(["GET", "POST"])
def offer(request, enrollment_id: int):
    """Accept or decline a seat offered from the waitlist."""
    enrollment = _own_enrollment(request, enrollment_id)
    error = None
    if request.method == "POST":
        action = request.POST.get("action")
        service = {"accept": lifecycle.accept_offer, "decline": lifecycle.decline_offer}.get(action)
        if service is None:
            error = "Choose whether to accept or decline the seat."
        else:
            with scope(organizer=enrollment.organizer_id):
                try:
                    enrollment = service(enrollment=enrollment, by=request.user)
                except lifecycle.LifecycleError as exc:
                    error = exc.message
                else:
                    if action == "accept" and enrollment.status == Enrollment.Status.AWAITING_PAYMENT:
                        return _registered(request, enrollment)
                    if action == "accept":
                        messages.success(request, f"Your seat in {enrollment.cohort} is confirmed.")
                    else:
                        messages.info(request, "You declined the seat; it goes to the next person on the waitlist.")
                    return redirect("me:enrollment", enrollment_id=enrollment.pk)
        enrollment = _own_enrollment(request, enrollment_id)
    return render(request, "cohorts/offer.html", {"enrollment": enrollment, "error": error},
                  status=400 if error else 200)


@login_required
@require_http_methods(["GET", "POST"])
def module_delegates(request, enrollment_id: int):
    """Rotation: the registered participant names who attends each module for the organization."""
    enrollment = _own_enrollment(request, enrollment_id)
    if not enrollment.cohort.rotation_allowed:
        raise Http404("This cohort does not rotate participants between modules.")
    with scope(organizer=enrollment.organizer_id):
        modules = selectors.modules_of(enrollment.cohort)
        current = selectors.delegate_emails(enrollment)
        form = ModuleDelegatesForm(request.POST if request.method == "POST" else None, modules=modules,
                                   current=current)
        if request.method == "POST" and form.is_valid():
            people = selectors.accounts_by_email([email for _, email in form.choices() if email])
            for module, email in form.choices():
                person = people.get(email.lower()) if email else request.user
                if person is None:
                    form.add_error(f"module_{module.pk}", services.not_a_colleague(email, enrollment.organization))
                    continue
                try:
                    services.name_module_delegate(enrollment=enrollment, module=module, person=person)
                except lifecycle.LifecycleError as error:
                    form.add_error(f"module_{module.pk}", error.message)
            if not form.errors:
                messages.success(request, "Saved who attends each module.")
                return redirect("me:enrollment", enrollment_id=enrollment.pk)
        return render(request, "cohorts/module_delegates.html", {"enrollment": enrollment, "form": form})
