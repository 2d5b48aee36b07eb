"""Reads of office hours: who may book, open slots, bookings."""

from django.db.models import Q, QuerySet
from django.utils import timezone
from django_scopes import scopes_disabled

from cohorts.models import Enrollment
from organizers.selectors import is_staff_at

from ..models import OfficeHourBooking, OfficeHourSlot, OfficeHourWindow
from .sessions import ACTIVE_ENROLLMENT


def may_book_office_hours(user, window: OfficeHourWindow) -> bool:
    """Participants of the organizer's programs (or of the window's program) and staff."""
    if not user.is_authenticated:
        return False
    if is_staff_at(user, window.organizer_id):
        return True
    with scopes_disabled():
        enrollments = Enrollment.objects.filter(person=user, organizer_id=window.organizer_id, status__in=ACTIVE_ENROLLMENT)
        if window.program_id:
            enrollments = enrollments.filter(cohort__program_id=window.program_id)
        return enrollments.exists()



def open_slots(organizer, user) -> list[OfficeHourSlot]:
    """Future slots nobody has booked, in windows this person may book."""
    slots = (
        OfficeHourSlot.objects.filter(organizer=organizer, starts_at__gt=timezone.now())
        .exclude(bookings__status=OfficeHourBooking.Status.BOOKED)
        .select_related("window", "window__host")
        .order_by("starts_at")
    )
    allowed: dict[int, bool] = {}
    result = []
    for slot in slots:
        if slot.window_id not in allowed:
            allowed[slot.window_id] = may_book_office_hours(user, slot.window)
        if allowed[slot.window_id]:
            result.append(slot)
    return result



def bookings_of(user, organizer) -> QuerySet[OfficeHourBooking]:
    return (
        OfficeHourBooking.objects.filter(organizer=organizer, status=OfficeHourBooking.Status.BOOKED)
        .filter(Q(person=user) | Q(slot__window__host=user))
        .filter(slot__ends_at__gte=timezone.now())
        .select_related("slot__window__host", "person")
        .order_by("slot__starts_at")
    )



def booked_office_hours(user, organizer=None, *, since=None) -> list[OfficeHourBooking]:
    """Office-hour bookings a person takes part in (as booker or host), across organizers
    unless one is given: for My schedule and the personal calendar feed."""
    with scopes_disabled():
        rows = (OfficeHourBooking.objects.filter(status=OfficeHourBooking.Status.BOOKED)
                .filter(Q(person=user) | Q(slot__window__host=user))
                .select_related("slot__window__host", "person", "organizer").order_by("slot__starts_at"))
        if organizer is not None:
            rows = rows.filter(organizer=organizer)
        if since is not None:
            rows = rows.filter(slot__ends_at__gte=since)
        return list(rows)
