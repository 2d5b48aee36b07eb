"""RFC 5545 calendars built with `icalendar`.

Session times are written in UTC (the trailing Z); calendar apps show them in the reader's
zone, so a 10:00 Chicago session stays at 10:00 local across the DST change. A TA
appointment is written on the cohort's wall clock with its TZID and VTIMEZONE.
"""

import datetime as dt
import zoneinfo

from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

from core.urls import absolute_url

PRODID = "-//Praxis//Sessions//EN"


def new_calendar(name: str, *, method: str | None = None) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "UTC")
    if method:
        calendar.add("method", method)
    return calendar


def _event(*, uid: str, summary: str, starts_at, ends_at, updated, description: str = "", location: str = "", url: str = ""):
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", updated or timezone.now())
    event.add("dtstart", starts_at.astimezone(dt.timezone.utc))
    event.add("dtend", ends_at.astimezone(dt.timezone.utc))
    event.add("summary", summary)
    if description:
        event.add("description", description)
    if location:
        event["location"] = vText(location)
    if url:
        event.add("url", url)
    return event


def session_event(session, *, show_video: bool):
    url = absolute_url(reverse("sessions_app:session_detail", kwargs={
        "organizer_slug": session.organizer.slug, "session_id": session.id}))
    description = session.description
    if show_video and session.video_url:
        description = f"{description}\n\nJoin: {session.video_url}".strip()
    location = session.location or (session.video_url if show_video else "")
    return _event(
        uid=f"session-{session.id}@praxis",
        summary=f"{session.title} ({session.cohort.program.title})",
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        updated=session.updated_at,
        description=description,
        location=location,
        url=url,
    )


def sessions_calendar(name: str, sessions, *, show_video, bookings=(), appointments=()) -> bytes:
    """`show_video(session) -> bool` decides per session whether the link goes in;
    `bookings`: office-hour bookings, `appointments`: agreed TA calls to list too (the personal feed)."""
    calendar = new_calendar(name)
    for session in sessions:
        calendar.add_component(session_event(session, show_video=show_video(session)))
    for booking in bookings:
        calendar.add_component(booking_event(booking))
    for request_obj in appointments:
        calendar.add_component(appointment_event(request_obj))
    if appointments:
        calendar.add_missing_timezones()
    return calendar.to_ical()


def appointment_event(request_obj, *, starts_at=None, ends_at=None, cancelled: bool = False):
    """A technical-assistance call, written on the cohort's wall clock (DTSTART;TZID=…, with
    its VTIMEZONE) because that is the zone it was agreed in. `starts_at`/`ends_at`: the
    time being cancelled, when the request no longer holds it."""
    zone = zoneinfo.ZoneInfo(str(request_obj.cohort.time_zone))
    starts_at = starts_at or request_obj.appointment_starts_at
    ends_at = ends_at or request_obj.appointment_ends_at
    url = absolute_url(reverse("sessions_app:assistance_detail", kwargs={
        "organizer_slug": request_obj.organizer.slug, "request_id": request_obj.id}))
    helper = request_obj.assigned_to
    event = Event()
    event.add("uid", f"assistance-appointment-{request_obj.id}@praxis")
    event.add("dtstamp", request_obj.appointment_changed_at or timezone.now())
    event.add("dtstart", starts_at.astimezone(zone))
    event.add("dtend", ends_at.astimezone(zone))
    event.add("summary", f"Technical assistance: {request_obj.topic}")
    where = request_obj.appointment_where
    description = f"{request_obj.cohort.program.title}: {request_obj.cohort.title}"
    if where:
        description += f"\n\nWhere or how to join: {where}"
        event["location"] = vText(where)
    event.add("description", description)
    event.add("url", url)
    event.add("sequence", request_obj.appointment_sequence)
    if helper is not None:
        organizer = vCalAddress(f"mailto:{helper.email}")
        organizer.params["cn"] = vText(helper.display_name)
        event.add("organizer", organizer)
    attendee = vCalAddress(f"mailto:{request_obj.requester.email}")
    attendee.params["cn"] = vText(request_obj.requester.display_name)
    event.add("attendee", attendee)
    if cancelled:
        event.add("status", "CANCELLED")
    return event


def appointment_calendar(request_obj, *, starts_at=None, ends_at=None, cancelled: bool = False,
                         invitation: bool = True) -> str:
    """The invitation (or its cancellation) attached to the TA appointment emails; with
    `invitation=False`, a plain calendar file to download ("Add to calendar")."""
    method = ("CANCEL" if cancelled else "REQUEST") if invitation else None
    calendar = new_calendar(f"Technical assistance: {request_obj.topic}", method=method)
    calendar.add_component(appointment_event(request_obj, starts_at=starts_at, ends_at=ends_at, cancelled=cancelled))
    calendar.add_missing_timezones()
    return calendar.to_ical().decode()


def booking_event(booking, *, cancelled: bool = False):
    slot, window = booking.slot, booking.slot.window
    event = _event(
        uid=f"office-hours-booking-{booking.id}@praxis",
        summary=f"{window.title} with {window.host.display_name} and {booking.person.display_name}",
        starts_at=slot.starts_at,
        ends_at=slot.ends_at,
        updated=timezone.now(),
        description=(booking.topic or "") + (f"\n\nJoin: {window.video_url}" if window.video_url else ""),
        location=window.location or window.video_url,
    )
    # iTIP (RFC 5546) invitations name the organizer and the attendee.
    organizer = vCalAddress(f"mailto:{window.host.email}")
    organizer.params["cn"] = vText(window.host.display_name)
    event.add("organizer", organizer)
    attendee = vCalAddress(f"mailto:{booking.person.email}")
    attendee.params["cn"] = vText(booking.person.display_name)
    event.add("attendee", attendee)
    event.add("sequence", 1 if cancelled else 0)
    if cancelled:
        event.add("status", "CANCELLED")
    return event


def booking_calendar(booking, *, cancelled: bool = False) -> str:
    calendar = new_calendar(booking.slot.window.title, method="CANCEL" if cancelled else "REQUEST")
    calendar.add_component(booking_event(booking, cancelled=cancelled))
    return calendar.to_ical().decode()
