"""Pages of the sessions area. Views parse input, check who may act on the object
(outsiders get 404), call a service and render."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django_scopes import scopes_disabled

from cohorts.models import AffinityGroup, Cohort, Team
from core.urls import absolute_url
from organizers.models import Membership
from organizers.permissions import organizer_view
from organizers.roles import Capability, Role

from . import ics, selectors, services
from .forms import (
    AssistanceAnswerForm,
    AssistanceAssignForm,
    AssistanceRequestForm,
    BookingForm,
    CheckInForm,
    FeedbackForm,
    FollowUpForm,
    RebookForm,
    SessionNotesForm,
)
from .models import (
    AssistanceRequest,
    Attendance,
    CheckInResponse,
    CheckInRound,
    FollowUpAction,
    OfficeHourBooking,
    OfficeHourSlot,
    Session,
    SessionFeedback,
    SessionNote,
)
from .services import SessionsError


def _session_or_404(request, session_id: int) -> Session:
    session = get_object_or_404(
        Session.objects.select_related("cohort__program", "module", "affinity_group"), id=session_id
    )
    if not selectors.can_see_session(request.user, session):
        raise Http404
    return session


def _runnable_session_or_404(request, session_id: int) -> Session:
    session = get_object_or_404(Session.objects.select_related("cohort__program", "module", "affinity_group"), id=session_id)
    if not selectors.can_run_session(request.user, session):
        raise Http404
    return session


def _known_or_404(request) -> None:
    if not selectors.knows_organizer(request.user, request.organizer):
        raise Http404


def _back(request, name: str, **kwargs):
    return redirect(reverse(f"sessions_app:{name}", kwargs={"organizer_slug": request.organizer.slug, **kwargs}))


# --- Schedule and sessions -----------------------------------------------------------------


@organizer_view()
def schedule(request, organizer_slug: str, new_feed_url: str | None = None, new_feed_cohort=None):
    _known_or_404(request)
    user = request.user
    upcoming = list(selectors.schedule_for(user, request.organizer))
    past = list(selectors.schedule_for(user, request.organizer, past=True)[:20])
    cohort_ids = {s.cohort_id for s in upcoming + past}
    cohorts = list(Cohort.objects.filter(id__in=cohort_ids).select_related("program"))
    feeds = [
        {"cohort": cohort, "live": selectors.live_feed(user, cohort),
         "new_url": new_feed_url if new_feed_cohort == cohort.id else None}
        for cohort in cohorts
    ]
    runs = [c for c in cohorts if request.access.is_staff or selectors.facilitates_cohort(user, c)]
    return render(request, "sessions_app/schedule.html", {
        "upcoming": upcoming, "past": past, "personal_feed": selectors.live_feed(user),
        "bookings": selectors.booked_office_hours(user, request.organizer, since=timezone.now()),
        "new_personal_url": new_feed_url if new_feed_url and new_feed_cohort is None else None,
        "cohort_feeds": feeds, "runs": runs, "checkins": selectors.pending_checkins(user, request.organizer),
    })


def _cohort_from_post(request) -> Cohort | None:
    value = request.POST.get("cohort")
    if not value:
        return None
    try:
        return Cohort.objects.get(id=int(value))
    except (ValueError, Cohort.DoesNotExist):
        raise Http404 from None


@require_POST
@organizer_view()
def feed_create(request, organizer_slug: str):
    _known_or_404(request)
    cohort = _cohort_from_post(request)
    try:
        token = services.create_calendar_feed(user=request.user, cohort=cohort)
    except SessionsError as exc:
        messages.error(request, str(exc))
        return _back(request, "schedule")
    url = absolute_url(reverse("feeds:calendar", kwargs={"token": token}), request=request)
    messages.success(request, "Your new calendar feed is ready. Copy the address now: it is shown only once. "
                              "Any older address for this feed has stopped working.")
    return schedule(request, organizer_slug, new_feed_url=url, new_feed_cohort=cohort.id if cohort else None)


@require_POST
@organizer_view()
def feed_revoke(request, organizer_slug: str):
    _known_or_404(request)
    cohort = _cohort_from_post(request)
    if services.revoke_calendar_feed(user=request.user, cohort=cohort):
        messages.success(request, "The calendar feed is switched off; calendars using its address get nothing more.")
    else:
        messages.info(request, "There was no calendar feed to switch off.")
    return _back(request, "schedule")


@organizer_view()
def session_detail(request, organizer_slug: str, session_id: int):
    session = _session_or_404(request, session_id)
    runs = selectors.can_run_session(request.user, session)
    note = SessionNote.objects.filter(session=session).first()
    return render(request, "sessions_app/session_detail.html", {
        "session": session,
        "may_join": selectors.may_join_session(request.user, session),
        "runs": runs,
        "note": note,
        "is_participant": selectors.is_enrolled(request.user, session.cohort),
        "my_follow_ups": FollowUpAction.objects.filter(session=session, person=request.user),
    })


@organizer_view()
def session_ics(request, organizer_slug: str, session_id: int):
    session = _session_or_404(request, session_id)
    body = ics.sessions_calendar(session.title, [session],
                                 show_video=lambda s: selectors.may_join_session(request.user, s))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="session-{session.id}.ics"'
    return response


# --- Roster, notes, follow-ups (facilitators and staff) ------------------------------------


@organizer_view()
def roster(request, organizer_slug: str, session_id: int):
    session = _runnable_session_or_404(request, session_id)
    if request.method == "POST":
        # htmx sends the whole enclosing form; the row that changed is the triggering radio.
        single = request.htmx.trigger_name if request.htmx and "bulk" not in request.POST else None
        marks, error = _parse_marks(request, only=single)
        if error is None:
            try:
                services.record_attendance(session=session, by=request.user, marks=marks)
            except SessionsError as exc:
                error = str(exc)
        if single and marks:
            person_id = next(iter(marks))
            entry = next((e for e in selectors.roster_for(session) if e.person.id == person_id), None)
            if entry is None:
                return HttpResponse(error or "Not on the roster.", status=422)
            return render(request, "sessions_app/_roster_row.html",
                          {"session": session, "entry": entry, "error": error, "saved": error is None,
                           "session_statuses": Attendance.Status.choices},
                          status=422 if error else 200)
        if error:
            messages.error(request, error)
        else:
            messages.success(request, f"Attendance saved for {len(marks)} {'person' if len(marks) == 1 else 'people'}.")
        return _back(request, "roster", session_id=session.id)
    entries = selectors.roster_for(session)
    note = SessionNote.objects.filter(session=session).first()
    teams = Team.objects.filter(cohort=session.cohort)
    return render(request, "sessions_app/roster.html", {
        "session": session, "entries": entries, "session_statuses": Attendance.Status.choices,
        "notes_form": SessionNotesForm(initial={"private_notes": note.private_notes if note else "",
                                                "shared_summary": note.shared_summary if note else ""}),
        "follow_up_form": FollowUpForm(roster=entries, teams=teams),
        "follow_ups": FollowUpAction.objects.filter(session=session).select_related("person", "team"),
    })


def _parse_marks(request, only: str | None = None) -> tuple[dict[int, str], str | None]:
    """Marks come as status-<person id>=<status>; `only` keeps just the field that changed."""
    marks: dict[int, str] = {}
    for key, value in request.POST.items():
        if only and key != only:
            continue
        if key.startswith("status-") and value:
            try:
                marks[int(key.removeprefix("status-"))] = value
            except ValueError:
                return {}, "The form was not understood; reload the page and try again."
    if not marks:
        return {}, "Choose present, late, excused or absent for at least one person."
    return marks, None


@require_POST
@organizer_view()
def roster_all_present(request, organizer_slug: str, session_id: int):
    session = _runnable_session_or_404(request, session_id)
    unmarked = {e.person.id: Attendance.Status.PRESENT for e in selectors.roster_for(session) if not e.attendance}
    if not unmarked:
        messages.info(request, "Everyone is already marked.")
    else:
        try:
            services.record_attendance(session=session, by=request.user, marks=unmarked)
            messages.success(request, f"Marked {len(unmarked)} more as present.")
        except SessionsError as exc:
            messages.error(request, str(exc))
    return _back(request, "roster", session_id=session.id)


@require_POST
@organizer_view()
def session_notes(request, organizer_slug: str, session_id: int):
    session = _runnable_session_or_404(request, session_id)
    form = SessionNotesForm(request.POST)
    if form.is_valid():
        services.save_session_notes(session=session, by=request.user, **form.cleaned_data)
        messages.success(request, "Notes saved.")
    else:
        messages.error(request, "The notes could not be saved; please check them.")
    return _back(request, "roster", session_id=session.id)


@require_POST
@organizer_view()
def follow_up_add(request, organizer_slug: str, session_id: int):
    session = _runnable_session_or_404(request, session_id)
    entries = selectors.roster_for(session)
    form = FollowUpForm(request.POST, roster=entries, teams=Team.objects.filter(cohort=session.cohort))
    if not form.is_valid():
        messages.error(request, "Describe the action and choose one participant or team: "
                       + " ".join(e for errors in form.errors.values() for e in errors))
        return _back(request, "roster", session_id=session.id)
    person_id, team_id = form.owner_ids()
    try:
        services.add_follow_up(session=session, by=request.user, description=form.cleaned_data["description"],
                               person_id=person_id, team_id=team_id, due_on=form.cleaned_data["due_on"])
        messages.success(request, "Follow-up action added.")
    except SessionsError as exc:
        messages.error(request, str(exc))
    return _back(request, "roster", session_id=session.id)


@require_POST
@organizer_view()
def follow_up_done(request, organizer_slug: str, session_id: int, action_id: int):
    session = _runnable_session_or_404(request, session_id)
    action = get_object_or_404(FollowUpAction, id=action_id, session=session)
    services.set_follow_up_done(action=action, done=request.POST.get("done") == "1")
    return _back(request, "roster", session_id=session.id)


@organizer_view()
def attendance_report(request, organizer_slug: str, cohort_id: int):
    cohort = get_object_or_404(Cohort.objects.select_related("program"), id=cohort_id)
    if not (request.access.is_staff or selectors.facilitates_cohort(request.user, cohort)):
        raise Http404
    if request.method == "POST":
        if not request.access.is_staff:
            raise Http404
        try:
            count = services.apply_completion_rule(cohort=cohort, by=request.user)
            messages.success(request, f"{count} {'enrollment' if count == 1 else 'enrollments'} marked completed.")
        except SessionsError as exc:
            messages.error(request, str(exc))
        return _back(request, "attendance_report", cohort_id=cohort.id)
    return render(request, "sessions_app/attendance_report.html", {
        "cohort": cohort, "report": selectors.attendance_report(cohort),
        "rule": selectors.cohort_settings(cohort),
        "rounds": CheckInRound.objects.filter(cohort=cohort) if request.access.is_staff else [],
    })


# --- Feedback and technical assistance -----------------------------------------------------


@organizer_view()
def session_feedback(request, organizer_slug: str, session_id: int):
    session = _session_or_404(request, session_id)
    if not selectors.may_join_session(request.user, session):
        raise Http404
    existing = SessionFeedback.objects.filter(session=session, person=request.user).first()
    form = FeedbackForm(request.POST or None, instance=existing)
    if request.method == "POST" and form.is_valid():
        try:
            services.leave_feedback(session=session, person=request.user, **form.cleaned_data)
            messages.success(request, "Thank you for your feedback.")
            return _back(request, "session_detail", session_id=session.id)
        except SessionsError as exc:
            form.add_error(None, str(exc))
    return render(request, "sessions_app/feedback.html", {"session": session, "form": form})


def _my_teams(user, cohort):
    from cohorts.models import Enrollment

    team_ids = Enrollment.objects.filter(cohort=cohort, person=user, team__isnull=False).values_list("team_id", flat=True)
    return Team.objects.filter(id__in=team_ids)


@organizer_view()
def assistance_new(request, organizer_slug: str, session_id: int):
    session = _session_or_404(request, session_id)
    if not selectors.may_join_session(request.user, session):
        raise Http404
    teams = _my_teams(request.user, session.cohort)
    form = AssistanceRequestForm(request.POST or None, teams=teams)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.request_assistance(
                requester=request.user, cohort=session.cohort, session=session,
                team=form.cleaned_data.get("team"), topic=form.cleaned_data["topic"],
                description=form.cleaned_data["description"], preferred_times=form.cleaned_data["preferred_times"],
            )
            messages.success(request, "Your request is in. You can follow its status here.")
            return _back(request, "assistance_detail", request_id=created.id)
        except SessionsError as exc:
            form.add_error(None, str(exc))
    return render(request, "sessions_app/assistance_new.html", {"session": session, "form": form})


@organizer_view()
def assistance_list(request, organizer_slug: str):
    _known_or_404(request)
    mine = AssistanceRequest.objects.filter(requester=request.user).select_related("assigned_to", "session")
    queue = None
    status = request.GET.get("status") or None
    if status not in (None, *AssistanceRequest.Status.values):
        status = None
    if request.access.is_staff:
        queue = selectors.assistance_queue(request.organizer, status=status)
    elif request.access.can(Capability.ANSWER_ASSISTANCE):
        cohort_ids = selectors.facilitated_cohort_ids(request.user)
        queue = selectors.assistance_queue(request.organizer, status=status).filter(cohort_id__in=cohort_ids)
    return render(request, "sessions_app/assistance_list.html", {
        "mine": mine, "queue": queue, "status": status, "statuses": AssistanceRequest.Status.choices,
    })


def _assistance_candidates(request_obj):
    User = get_user_model()
    with scopes_disabled():
        staff = Membership.objects.filter(organizer_id=request_obj.organizer_id,
                                          role__in=[Role.ADMIN, Role.STAFF]).values_list("user_id", flat=True)
        facilitators = Membership.objects.filter(organizer_id=request_obj.organizer_id,
                                                 role=Role.FACILITATOR).values_list("user_id", flat=True)
    facilitating = [uid for uid in facilitators if uid in _cohort_facilitator_ids(request_obj.cohort)]
    return User.objects.filter(id__in=list(staff) + facilitating).order_by("full_name", "email")


def _cohort_facilitator_ids(cohort) -> set[int]:
    from cohorts.models import CohortUserObjectPermission

    return set(CohortUserObjectPermission.objects.filter(content_object=cohort).values_list("user_id", flat=True))


@organizer_view()
def assistance_detail(request, organizer_slug: str, request_id: int):
    request_obj = get_object_or_404(AssistanceRequest.objects.select_related("cohort", "requester", "assigned_to"),
                                    id=request_id)
    handles = selectors.can_handle_assistance(request.user, request.access, request_obj)
    if not handles and request_obj.requester_id != request.user.id:
        raise Http404
    candidates = _assistance_candidates(request_obj) if handles else None
    answer_form = AssistanceAnswerForm()
    assign_form = AssistanceAssignForm(candidates=candidates) if handles else None
    if request.method == "POST":
        if not handles:
            raise Http404
        action = request.POST.get("action")
        try:
            if action == "assign":
                assign_form = AssistanceAssignForm(request.POST, candidates=candidates)
                if assign_form.is_valid():
                    services.assign_assistance(request_obj=request_obj, assignee=assign_form.cleaned_data["assignee"])
                    messages.success(request, "Assigned.")
                    return _back(request, "assistance_detail", request_id=request_obj.id)
            elif action == "answer":
                answer_form = AssistanceAnswerForm(request.POST)
                if answer_form.is_valid():
                    services.answer_assistance(request_obj=request_obj, by=request.user,
                                               answer=answer_form.cleaned_data["answer"])
                    messages.success(request, "Answer sent to the requester.")
                    return _back(request, "assistance_detail", request_id=request_obj.id)
            elif action == "close":
                services.close_assistance(request_obj=request_obj)
                messages.success(request, "Request closed.")
                return _back(request, "assistance_detail", request_id=request_obj.id)
            else:
                messages.error(request, "Choose assign, answer or close.")
        except SessionsError as exc:
            messages.error(request, str(exc))
    return render(request, "sessions_app/assistance_detail.html", {
        "req": request_obj, "handles": handles, "answer_form": answer_form, "assign_form": assign_form,
    }, status=400 if request.method == "POST" else 200)


# --- Office hours --------------------------------------------------------------------------


@organizer_view()
def office_hours(request, organizer_slug: str):
    _known_or_404(request)
    slots = selectors.open_slots(request.organizer, request.user)
    return render(request, "sessions_app/office_hours.html", {
        "slots": slots, "bookings": selectors.bookings_of(request.user, request.organizer), "form": BookingForm(),
    })


@require_POST
@organizer_view()
def book_slot(request, organizer_slug: str, slot_id: int):
    slot = get_object_or_404(OfficeHourSlot.objects.select_related("window"), id=slot_id)
    if not selectors.may_book_office_hours(request.user, slot.window):
        raise Http404
    form = BookingForm(request.POST)
    topic = form.cleaned_data["topic"] if form.is_valid() else ""
    try:
        services.book_office_hour(slot=slot, person=request.user, topic=topic)
        messages.success(request, "Booked. We have emailed you the details with a calendar invitation.")
    except SessionsError as exc:
        messages.error(request, str(exc))
    return _back(request, "office_hours")


def _own_booking_or_404(request, booking_id: int) -> OfficeHourBooking:
    booking = get_object_or_404(OfficeHourBooking.objects.select_related("slot__window"), id=booking_id)
    if booking.person_id != request.user.id and booking.slot.window.host_id != request.user.id and not request.access.is_staff:
        raise Http404
    return booking


@require_POST
@organizer_view()
def cancel_booking(request, organizer_slug: str, booking_id: int):
    booking = _own_booking_or_404(request, booking_id)
    try:
        services.cancel_booking(booking=booking)
        messages.success(request, "Booking cancelled; both of you have been told.")
    except SessionsError as exc:
        messages.error(request, str(exc))
    return _back(request, "office_hours")


@require_POST
@organizer_view()
def rebook_booking(request, organizer_slug: str, booking_id: int):
    booking = _own_booking_or_404(request, booking_id)
    if booking.person_id != request.user.id:
        raise Http404
    form = RebookForm(request.POST)
    slot = None
    if form.is_valid():
        slot = OfficeHourSlot.objects.filter(id=form.cleaned_data["slot"]).select_related("window").first()
    if slot is None:
        messages.error(request, "Choose one of the open times to move your booking to.")
        return _back(request, "office_hours")
    try:
        services.rebook(booking=booking, slot=slot, person=request.user)
        messages.success(request, "Your booking has moved. We have emailed you the new details.")
    except SessionsError as exc:
        messages.error(request, f"{exc} Your booking was not changed.")
    return _back(request, "office_hours")


# --- Affinity groups -----------------------------------------------------------------------


@organizer_view()
def groups(request, organizer_slug: str):
    _known_or_404(request)
    cohort_ids = selectors.enrolled_cohort_ids(request.user)
    available = AffinityGroup.objects.filter(cohort_id__in=cohort_ids).select_related("cohort__program")
    if request.access.is_staff:
        available = AffinityGroup.objects.select_related("cohort__program")
    mine = set(request.user.affinity_memberships.values_list("group_id", flat=True))
    return render(request, "sessions_app/groups.html", {"groups": available, "mine": mine})


def _group_or_404(request, group_id: int) -> AffinityGroup:
    group = get_object_or_404(AffinityGroup.objects.select_related("cohort__program"), id=group_id)
    if not (selectors.can_see_affinity_group(request.user, group) or selectors.is_enrolled(request.user, group.cohort)):
        raise Http404
    return group


@organizer_view()
def group_detail(request, organizer_slug: str, group_id: int):
    group = _group_or_404(request, group_id)
    inside = selectors.can_see_affinity_group(request.user, group)
    context = {"group": group, "inside": inside,
               "is_member": group.members.filter(id=request.user.id).exists()}
    if inside:
        context["members"] = group.members.order_by("full_name")
        context["sessions"] = Session.objects.filter(affinity_group=group).select_related("note")
    return render(request, "sessions_app/group_detail.html", context)


@require_POST
@organizer_view()
def group_join(request, organizer_slug: str, group_id: int):
    group = _group_or_404(request, group_id)
    try:
        services.join_affinity_group(group=group, person=request.user)
        messages.success(request, f"You joined {group.name}.")
    except SessionsError as exc:
        messages.error(request, str(exc))
    return _back(request, "group_detail", group_id=group.id)


@require_POST
@organizer_view()
def group_leave(request, organizer_slug: str, group_id: int):
    group = _group_or_404(request, group_id)
    try:
        services.leave_affinity_group(group=group, person=request.user)
        messages.success(request, f"You left {group.name}.")
    except SessionsError as exc:
        messages.error(request, str(exc))
    return _back(request, "groups")


# --- Check-ins -----------------------------------------------------------------------------


@organizer_view()
def checkin(request, organizer_slug: str, round_id: int):
    round_ = get_object_or_404(CheckInRound.objects.select_related("cohort__program"), id=round_id)
    if not selectors.checkin_recipients(round_).filter(person=request.user).exists():
        raise Http404
    answered = CheckInResponse.objects.filter(round=round_, person=request.user).first()
    form = CheckInForm(request.POST or None, questions=round_.questions)
    if request.method == "POST" and not answered and form.is_valid():
        try:
            services.submit_checkin(round_=round_, person=request.user, answers=form.answers())
            messages.success(request, "Thank you! Your answers have been sent.")
            return _back(request, "checkin", round_id=round_.id)
        except SessionsError as exc:
            form.add_error(None, str(exc))
    return render(request, "sessions_app/checkin.html", {"round": round_, "form": form, "answered": answered},
                  status=400 if request.method == "POST" else 200)


@organizer_view(capability=Capability.MANAGE_PARTICIPANTS)
def checkin_responses(request, organizer_slug: str, round_id: int):
    round_ = get_object_or_404(CheckInRound.objects.select_related("cohort__program"), id=round_id)
    responses = round_.responses.select_related("person").order_by("submitted_at")
    rows = [{"person": r.person, "pairs": list(zip(round_.questions, r.answers)), "at": r.submitted_at}
            for r in responses]
    return render(request, "sessions_app/checkin_responses.html", {
        "round": round_, "rows": rows, "missing": selectors.checkin_nonresponders(round_),
    })


# --- One-click opt-out from optional messages ---------------------------------------------


# RFC 8058: mail clients POST "List-Unsubscribe=One-Click" without cookies or a CSRF
# token; the signed token is the credential. A GET or HEAD (a person, or a link scanner)
# only shows the confirmation page and changes nothing.
@csrf_exempt
@organizer_view(login=False)
def unsubscribe(request, organizer_slug: str, token: str):
    try:
        user_id = services.read_unsubscribe_token(token, organizer_id=request.organizer.id)
    except services.ExpiredLink:
        return render(request, "sessions_app/unsubscribe.html", {"expired": True}, status=410)
    user = get_user_model().objects.filter(id=user_id).first() if user_id else None
    if user is None:
        raise Http404
    done = None
    if request.method == "POST":
        done = "on" if request.POST.get("resubscribe") == "1" else "off"
        services.set_optional_messages(user=user, opted_out=done == "off")
    return render(request, "sessions_app/unsubscribe.html", {
        "token": token, "done": done, "opted_out": user.opted_out_of_optional_messages,
    })


# --- Calendar feeds (/feeds/, no login: the token is the credential) ----------------------


def calendar_feed(request, token: str):
    with scopes_disabled():
        feed = services.feed_by_token(token)
        body = services.feed_calendar(feed) if feed else None
    if body is None:
        raise Http404
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    return response
