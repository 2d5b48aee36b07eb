"""Office hours pages: open slots, booking, cancelling, moving a booking."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_POST

from organizers.permissions import organizer_view

from ..forms import BookingForm, RebookForm
from ..models import OfficeHourBooking, OfficeHourSlot
from ..selectors.office_hours import bookings_of, may_book_office_hours, open_slots
from ..services import SessionsError
from ..services import office_hours as office_hour_services
from ..services.office_hours import book_office_hour, rebook
from .base import back, known_or_404


@organizer_view()
def office_hours(request, organizer_slug: str):
    known_or_404(request)
    slots = open_slots(request.organizer, request.user)
    return render(request, "sessions_app/office_hours.html", {
        "slots": slots, "bookings": bookings_of(request.user, request.organizer), "form": BookingForm(),
    })



@require_POST
@organizer_view()
def book_slot(request, organizer_slug: str, slot_id: int):
    slot = get_object_or_404(OfficeHourSlot.objects.select_related("window"), id=slot_id)
    if not may_book_office_hours(request.user, slot.window):
        raise Http404
    form = BookingForm(request.POST)
    topic = form.cleaned_data["topic"] if form.is_valid() else ""
    try:
        book_office_hour(slot=slot, person=request.user, topic=topic)
        messages.success(request, "Booked. We have emailed you the details with a calendar invitation.")
    except SessionsError as exc:
        messages.error(request, str(exc))
    return back(request, "office_hours")



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
        office_hour_services.cancel_booking(booking=booking)
        messages.success(request, "Booking cancelled; both of you have been told.")
    except SessionsError as exc:
        messages.error(request, str(exc))
    return back(request, "office_hours")



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
        return back(request, "office_hours")
    try:
        rebook(booking=booking, slot=slot, person=request.user)
        messages.success(request, "Your booking has moved. We have emailed you the new details.")
    except SessionsError as exc:
        messages.error(request, f"{exc} Your booking was not changed.")
    return back(request, "office_hours")
