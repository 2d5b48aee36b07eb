"""Staff alerts: new technical-assistance requests, resource proposals, applications and
team members who have not confirmed, to each staff member as they chose (right away, a
daily digest, or not at all; default right away).

`alert_staff(...)` is called in the transaction that makes the news true; immediate
alerts are outbox messages (dedupe key per event and person), daily ones wait as
`StaffAlertItem` rows until `send_digests` (beat, hourly; one digest per person and
day, dedupe key `staff-digest:user=..:day=..`) sends them and marks them in the same
transaction.
"""

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from organizers.models import Membership
from organizers.roles import STAFF_ROLES

from .models import StaffAlertItem, StaffAlertPreference
from .services import notify

KINDS = {
    "assistance": "New technical-assistance request",
    "assistance_reply": "A reply on a technical-assistance request",
    "proposal": "New resource proposal",
    "application": "New application",
    "unconfirmed_team": "Team members who have not confirmed",
}
UNCONFIRMED_AFTER = dt.timedelta(days=3)


def staff_of(organizer) -> list:
    with scopes_disabled():
        return sorted({m.user for m in Membership.objects.filter(organizer=organizer, role__in=STAFF_ROLES)
                       .select_related("user") if m.user.is_active}, key=lambda u: u.pk)


def mode_of(organizer, user) -> str:
    with scopes_disabled():
        found = StaffAlertPreference.objects.filter(organizer=organizer, user=user).values_list("mode", flat=True).first()
    return found or StaffAlertPreference.Mode.IMMEDIATE


def set_mode(*, organizer, user, mode: str) -> StaffAlertPreference:
    if mode not in StaffAlertPreference.Mode.values:
        raise ValueError("Choose how you want to hear of new requests.")
    with scope(organizer=organizer.id):
        preference, _ = StaffAlertPreference.objects.update_or_create(
            organizer=organizer, user=user, defaults={"mode": mode})
    return preference


def alert_staff(*, organizer, kind: str, key: str, summary: str, url: str) -> int:
    """Tell every staff member of `organizer` about one event; returns immediate emails queued."""
    queued = 0
    for person in staff_of(organizer):
        mode = mode_of(organizer, person)
        if mode == StaffAlertPreference.Mode.IMMEDIATE:
            _, created = notify(
                organizer=organizer, template="praxis/staff_alert", recipient=person,
                dedupe_key=f"staff-alert:{kind}:{key}:user={person.pk}",
                context={"person_name": person.display_name, "what": KINDS[kind], "summary": summary, "url": url},
            )
            queued += created
        elif mode == StaffAlertPreference.Mode.DAILY:
            try:
                with transaction.atomic(), scopes_disabled():
                    StaffAlertItem.objects.create(organizer=organizer, user=person, kind=kind, key=key,
                                                  summary=summary[:300], url=url)
            except IntegrityError:
                pass  # already waiting for the digest
    return queued


def alert_unconfirmed_teams(*, now: dt.datetime | None = None) -> int:
    """Submitted team applications whose members have not confirmed after a few days: once each."""
    from applications.models import Application

    from core.urls import absolute_url
    from django.urls import reverse

    now = now or timezone.now()
    with scopes_disabled():
        waiting = list(Application.objects.filter(
            status=Application.Status.SUBMITTED, submitted_at__lte=now - UNCONFIRMED_AFTER,
            team_members__confirmed_at__isnull=True).distinct().select_related("call__cohort__program", "organizer",
                                                                                "applicant"))
    for application in waiting:
        with scopes_disabled():
            names = ", ".join(m.full_name for m in application.team_members.filter(confirmed_at__isnull=True))
        alert_staff(organizer=application.organizer, kind="unconfirmed_team", key=f"application={application.pk}",
                    summary=f"{application.applicant.display_name}'s team for {application.call.cohort}: {names}",
                    url=absolute_url(reverse("admin:applications_application_change", args=[application.pk])))
    return len(waiting)


def send_digests(*, now: dt.datetime | None = None) -> int:
    """One digest a day per staff member with news waiting; returns how many were queued.

    The dedupe key names the person and the day: a second run the same day sends
    nothing and leaves newer items for tomorrow's digest.
    """
    now = now or timezone.now()
    with scopes_disabled():
        waiting = list(StaffAlertItem.objects.filter(digest_key="").select_related("organizer", "user")
                       .order_by("organizer_id", "user_id", "created_at", "id"))
    groups: dict[tuple[int, int], list[StaffAlertItem]] = {}
    for item in waiting:
        groups.setdefault((item.organizer_id, item.user_id), []).append(item)
    sent = 0
    for items in groups.values():
        organizer, person = items[0].organizer, items[0].user
        key = f"staff-digest:user={person.pk}:day={now.date().isoformat()}"
        with transaction.atomic(), scopes_disabled():
            _, created = notify(
                organizer=organizer, template="praxis/staff_digest", recipient=person, dedupe_key=key,
                context={"person_name": person.display_name,
                         "items": [f"{KINDS[i.kind]}: {i.summary} — {i.url}" for i in items]},
            )
            if created:
                StaffAlertItem.objects.filter(pk__in=[i.pk for i in items]).update(digest_key=key)
        sent += created
    return sent
