"""Pages of sessions and attendance: the schedule, a session, its roster, notes, follow-ups,
feedback and the cohort's attendance report."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from cohorts.models import Cohort, Team
from organizers.permissions import organizer_view

from .. import ics
from ..forms import FeedbackForm, FollowUpForm, SessionNotesForm
from ..models import Attendance, CheckInRound, FollowUpAction, SessionFeedback, SessionNote
from ..selectors import attendance as attendance_selectors
from ..selectors.attendance import cohort_settings, roster_for
from ..selectors.assistance import appointments_for
from ..selectors.feeds import live_feed
from ..selectors.office_hours import booked_office_hours
from ..selectors.reminders import pending_checkins
from ..selectors.sessions import can_run_session, facilitates_cohort, is_enrolled, may_join_session, schedule_for
from ..services import SessionsError
from ..services.sessions import (
    add_follow_up,
    apply_completion_rule,
    leave_feedback,
    record_attendance,
    save_session_notes,
    set_follow_up_done,
)
from .base import back, known_or_404, runnable_session_or_404, session_or_404


@organizer_view()
def schedule(request, organizer_slug: str, new_feed_url: str | None = None, new_feed_cohort=None):
    known_or_404(request)
    user = request.user
    upcoming = list(schedule_for(user, request.organizer))
    past = list(schedule_for(user, request.organizer, past=True)[:20])
    cohort_ids = {s.cohort_id for s in upcoming + past}
    cohorts = list(Cohort.objects.filter(id__in=cohort_ids).select_related("program"))
    feeds = [
        {"cohort": cohort, "live": live_feed(user, cohort),
         "new_url": new_feed_url if new_feed_cohort == cohort.id else None}
        for cohort in cohorts
    ]
    runs = [c for c in cohorts if request.access.is_staff or facilitates_cohort(user, c)]
    return render(request, "sessions_app/schedule.html", {
        "upcoming": upcoming, "past": past, "personal_feed": live_feed(user),
        "bookings": booked_office_hours(user, request.organizer, since=timezone.now()),
        "appointments": appointments_for(user, request.organizer, since=timezone.now()),
        "new_personal_url": new_feed_url if new_feed_url and new_feed_cohort is None else None,
        "cohort_feeds": feeds, "runs": runs, "checkins": pending_checkins(user, request.organizer),
    })



@organizer_view()
def session_detail(request, organizer_slug: str, session_id: int):
    session = session_or_404(request, session_id)
    runs = can_run_session(request.user, session)
    note = SessionNote.objects.filter(session=session).first()
    return render(request, "sessions_app/session_detail.html", {
        "session": session,
        "may_join": may_join_session(request.user, session),
        "runs": runs,
        "note": note,
        "is_participant": is_enrolled(request.user, session.cohort),
        "my_follow_ups": FollowUpAction.objects.filter(session=session, person=request.user),
    })



@organizer_view()
def session_ics(request, organizer_slug: str, session_id: int):
    session = session_or_404(request, session_id)
    body = ics.sessions_calendar(session.title, [session],
                                 show_video=lambda s: may_join_session(request.user, s))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="session-{session.id}.ics"'
    return response



@organizer_view()
def roster(request, organizer_slug: str, session_id: int):
    session = runnable_session_or_404(request, session_id)
    if request.method == "POST":
        # htmx sends the whole enclosing form; the row that changed is the triggering radio.
        single = request.htmx.trigger_name if request.htmx and "bulk" not in request.POST else None
        marks, error = _parse_marks(request, only=single)
        if error is None:
            try:
                record_attendance(session=session, by=request.user, marks=marks)
            except SessionsError as exc:
                error = str(exc)
        if single and marks:
            person_id = next(iter(marks))
            entry = next((e for e in roster_for(session) if e.person.id == person_id), None)
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
        return back(request, "roster", session_id=session.id)
    entries = roster_for(session)
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
    session = runnable_session_or_404(request, session_id)
    unmarked = {e.person.id: Attendance.Status.PRESENT for e in roster_for(session) if not e.attendance}
    if not unmarked:
        messages.info(request, "Everyone is already marked.")
    else:
        try:
            record_attendance(session=session, by=request.user, marks=unmarked)
            messages.success(request, f"Marked {len(unmarked)} more as present.")
        except SessionsError as exc:
            messages.error(request, str(exc))
    return back(request, "roster", session_id=session.id)



@require_POST
@organizer_view()
def session_notes(request, organizer_slug: str, session_id: int):
    session = runnable_session_or_404(request, session_id)
    form = SessionNotesForm(request.POST)
    if form.is_valid():
        save_session_notes(session=session, by=request.user, **form.cleaned_data)
        messages.success(request, "Notes saved.")
    else:
        messages.error(request, "The notes could not be saved; please check them.")
    return back(request, "roster", session_id=session.id)



@require_POST
@organizer_view()
def follow_up_add(request, organizer_slug: str, session_id: int):
    session = runnable_session_or_404(request, session_id)
    entries = roster_for(session)
    form = FollowUpForm(request.POST, roster=entries, teams=Team.objects.filter(cohort=session.cohort))
    if not form.is_valid():
        messages.error(request, "Describe the action and choose one participant or team: "
                       + " ".join(e for errors in form.errors.values() for e in errors))
        return back(request, "roster", session_id=session.id)
    person_id, team_id = form.owner_ids()
    try:
        add_follow_up(session=session, by=request.user, description=form.cleaned_data["description"],
                               person_id=person_id, team_id=team_id, due_on=form.cleaned_data["due_on"])
        messages.success(request, "Follow-up action added.")
    except SessionsError as exc:
        messages.error(request, str(exc))
    return back(request, "roster", session_id=session.id)



@require_POST
@organizer_view()
def follow_up_done(request, organizer_slug: str, session_id: int, action_id: int):
    session = runnable_session_or_404(request, session_id)
    action = get_object_or_404(FollowUpAction, id=action_id, session=session)
    set_follow_up_done(action=action, done=request.POST.get("done") == "1")
    return back(request, "roster", session_id=session.id)



@organizer_view()
def attendance_report(request, organizer_slug: str, cohort_id: int):
    cohort = get_object_or_404(Cohort.objects.select_related("program"), id=cohort_id)
    if not (request.access.is_staff or facilitates_cohort(request.user, cohort)):
        raise Http404
    if request.method == "POST":
        if not request.access.is_staff:
            raise Http404
        try:
            count = apply_completion_rule(cohort=cohort, by=request.user)
            messages.success(request, f"{count} {'enrollment' if count == 1 else 'enrollments'} marked completed.")
        except SessionsError as exc:
            messages.error(request, str(exc))
        return back(request, "attendance_report", cohort_id=cohort.id)
    return render(request, "sessions_app/attendance_report.html", {
        "cohort": cohort, "report": attendance_selectors.attendance_report(cohort),
        "rule": cohort_settings(cohort),
        "rounds": CheckInRound.objects.filter(cohort=cohort) if request.access.is_staff else [],
    })



@organizer_view()
def session_feedback(request, organizer_slug: str, session_id: int):
    session = session_or_404(request, session_id)
    if not may_join_session(request.user, session):
        raise Http404
    existing = SessionFeedback.objects.filter(session=session, person=request.user).first()
    form = FeedbackForm(request.POST or None, instance=existing)
    if request.method == "POST" and form.is_valid():
        try:
            leave_feedback(session=session, person=request.user, **form.cleaned_data)
            messages.success(request, "Thank you for your feedback.")
            return back(request, "session_detail", session_id=session.id)
        except SessionsError as exc:
            form.add_error(None, str(exc))
    return render(request, "sessions_app/feedback.html", {"session": session, "form": form})
