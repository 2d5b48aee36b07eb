"""Reads for reminders, after-session messages and check-ins."""

from django.db.models import QuerySet
from django_scopes import scopes_disabled

from cohorts.models import Enrollment

from ..models import CheckInRound, DEFAULT_REMINDER_HOURS, OrganizerMessagingSettings, parse_numbers
from .sessions import ACTIVE_ENROLLMENT, enrolled_cohort_ids


def reminder_hours(organizer_id: int, *, office_hours: bool = False) -> list[int]:
    with scopes_disabled():
        found = OrganizerMessagingSettings.objects.filter(organizer_id=organizer_id).first()
    if found is None:
        return list(DEFAULT_REMINDER_HOURS)
    return parse_numbers(found.office_hour_reminder_hours if office_hours else found.session_reminder_hours)



def after_session_message_enabled(organizer_id: int) -> bool:
    with scopes_disabled():
        found = OrganizerMessagingSettings.objects.filter(organizer_id=organizer_id).first()
    return found is None or found.send_after_session_message



def checkin_recipients(round_: CheckInRound) -> QuerySet[Enrollment]:
    return Enrollment.objects.filter(cohort_id=round_.cohort_id, status__in=ACTIVE_ENROLLMENT).select_related("person")



def checkin_nonresponders(round_: CheckInRound) -> list:
    answered = set(round_.responses.values_list("person_id", flat=True))
    return [e.person for e in checkin_recipients(round_) if e.person_id not in answered]



def pending_checkins(user, organizer) -> list[CheckInRound]:
    """Check-in rounds sent to this person that they have not answered yet."""
    cohort_ids = enrolled_cohort_ids(user)
    return list(
        CheckInRound.objects.filter(organizer=organizer, cohort_id__in=cohort_ids, sent_at__isnull=False)
        .exclude(responses__person=user).select_related("cohort__program").order_by("due_on")
    )
