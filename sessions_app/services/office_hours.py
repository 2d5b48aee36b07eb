"""Writes of office hours: publishing a window's slots, booking, cancelling and moving a booking."""

import datetime as dt
import zoneinfo

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from core.timefmt import relative_when, zone_label
from core.urls import absolute_url
from notifications.services import notify

from .. import ics
from ..models import OfficeHourBooking, OfficeHourSlot, OfficeHourWindow
from ..selectors.office_hours import may_book_office_hours
from . import SessionsError


@transaction.atomic
def publish_office_hours(*, window: OfficeHourWindow) -> list[OfficeHourSlot]:
    """Create the window's slots (idempotent: re-publishing after an edit adds missing ones)."""
    zone = zoneinfo.ZoneInfo(str(window.time_zone))
    last = window.repeat_weekly_until or window.first_date
    day = window.first_date
    slots = []
    while day <= last:
        start = dt.datetime.combine(day, window.start_time).replace(tzinfo=zone)
        for index in range(window.slots_per_window):
            starts_at = (start + dt.timedelta(minutes=index * window.slot_minutes)).astimezone(dt.timezone.utc)
            slot, _ = OfficeHourSlot.objects.get_or_create(
                window=window, starts_at=starts_at,
                defaults={"organizer_id": window.organizer_id,
                          "ends_at": starts_at + dt.timedelta(minutes=window.slot_minutes)},
            )
            slots.append(slot)
        day += dt.timedelta(days=7)
    return slots

SLOT_TAKEN = "Someone has just booked this slot. Please choose another time."



def _booking_messages(booking: OfficeHourBooking, *, template: str, key: str, cancelled: bool = False) -> None:
    window = booking.slot.window
    attachment = {"filename": "office-hours.ics", "content": ics.booking_calendar(booking, cancelled=cancelled),
                  "mimetype": "text/calendar"}
    for person in {booking.person, window.host}:
        notify(
            organizer=booking.organizer, recipient=person, template=template,
            dedupe_key=f"{key}:booking={booking.id}:user={person.id}",
            context=booking_context(booking, person), essential=True, attachments=[attachment],
        )



def booking_context(booking: OfficeHourBooking, person) -> dict:
    """What both sides' office-hour messages say, with the time in the reader's zone."""
    window = booking.slot.window
    zone = zoneinfo.ZoneInfo(str(person.time_zone or window.time_zone))
    local = timezone.localtime(booking.slot.starts_at, zone)
    return {
        "person_name": person.display_name, "title": window.title, "host_name": window.host.display_name,
        "booker_name": booking.person.display_name, "topic": booking.topic,
        "is_booker": person.pk == booking.person_id,
        "when": f"{local:%A %-d %B %Y, %H:%M} {zone_label(local)} ({zone.key})",
        "starts_in": relative_when(booking.slot.starts_at, zone),
        "location": window.location, "video_url": window.video_url,
        "office_hours_url": absolute_url(reverse("sessions_app:office_hours",
                                                 kwargs={"organizer_slug": booking.organizer.slug})),
    }



def book_office_hour(*, slot: OfficeHourSlot, person, topic: str = "") -> OfficeHourBooking:
    """Book a slot. The slot row lock serializes bookers; the partial unique index is the guarantee."""
    try:
        with transaction.atomic():
            slot = OfficeHourSlot.objects.select_for_update().select_related("window__host").get(id=slot.id)
            if slot.starts_at <= timezone.now():
                raise SessionsError("This slot has already started; choose a later one.")
            if not may_book_office_hours(person, slot.window):
                raise SessionsError("These office hours are for participants of the organizer's programs.")
            if OfficeHourBooking.objects.filter(slot=slot, status=OfficeHourBooking.Status.BOOKED).exists():
                raise SessionsError(SLOT_TAKEN)
            if slot.window.host_id == person.id:
                raise SessionsError("You host these office hours.")
            booking = OfficeHourBooking.objects.create(
                organizer_id=slot.organizer_id, slot=slot, person=person, topic=topic.strip()[:300]
            )
            _booking_messages(booking, template="sessions/booking_confirmed", key="office-hours-booked")
            return booking
    except IntegrityError:
        raise SessionsError(SLOT_TAKEN) from None



@transaction.atomic
def cancel_booking(*, booking: OfficeHourBooking) -> OfficeHourBooking:
    booking = OfficeHourBooking.objects.select_for_update().get(id=booking.id)
    if booking.status != OfficeHourBooking.Status.BOOKED:
        raise SessionsError("This booking is already cancelled.")
    booking.status = OfficeHourBooking.Status.CANCELLED
    booking.cancelled_at = timezone.now()
    booking.save(update_fields=["status", "cancelled_at"])
    _booking_messages(booking, template="sessions/booking_cancelled", key="office-hours-cancelled", cancelled=True)
    return booking



def rebook(*, booking: OfficeHourBooking, slot: OfficeHourSlot, person) -> OfficeHourBooking:
    """Move a booking to another slot: both happen or neither (the old slot is kept if the new one is taken)."""
    if booking.slot_id == slot.id:
        raise SessionsError("That is the slot you already have.")
    with transaction.atomic():
        cancel_booking(booking=booking)
        return book_office_hour(slot=slot, person=person, topic=booking.topic)
