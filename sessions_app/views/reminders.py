"""Check-in pages and the one-click opt-out from optional messages."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.csrf import csrf_exempt

from notifications.optout import ExpiredLink
from organizers.permissions import organizer_view
from organizers.roles import Capability

from ..forms import CheckInForm
from ..models import CheckInResponse, CheckInRound
from ..selectors.reminders import checkin_nonresponders, checkin_recipients
from ..services import SessionsError
from ..services.reminders import read_unsubscribe_token, set_optional_messages, submit_checkin
from .base import back


@organizer_view()
def checkin(request, organizer_slug: str, round_id: int):
    round_ = get_object_or_404(CheckInRound.objects.select_related("cohort__program"), id=round_id)
    if not checkin_recipients(round_).filter(person=request.user).exists():
        raise Http404
    answered = CheckInResponse.objects.filter(round=round_, person=request.user).first()
    form = CheckInForm(request.POST or None, questions=round_.questions)
    if request.method == "POST" and not answered and form.is_valid():
        try:
            submit_checkin(round_=round_, person=request.user, answers=form.answers())
            messages.success(request, "Thank you! Your answers have been sent.")
            return back(request, "checkin", round_id=round_.id)
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
        "round": round_, "rows": rows, "missing": checkin_nonresponders(round_),
    })



# RFC 8058: mail clients POST "List-Unsubscribe=One-Click" without cookies or a CSRF
# token; the signed token is the credential. A GET or HEAD (a person, or a link scanner)
# only shows the confirmation page and changes nothing.
@csrf_exempt
@organizer_view(login=False)
def unsubscribe(request, organizer_slug: str, token: str):
    try:
        user_id = read_unsubscribe_token(token, organizer_id=request.organizer.id)
    except ExpiredLink:
        return render(request, "sessions_app/unsubscribe.html", {"expired": True}, status=410)
    user = get_user_model().objects.filter(id=user_id).first() if user_id else None
    if user is None:
        raise Http404
    done = None
    if request.method == "POST":
        done = "on" if request.POST.get("resubscribe") == "1" else "off"
        set_optional_messages(user=user, opted_out=done == "off")
    return render(request, "sessions_app/unsubscribe.html", {
        "token": token, "done": done, "opted_out": user.opted_out_of_optional_messages,
    })
