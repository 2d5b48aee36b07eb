"""A person's own data: everything Praxis holds about them, and erasing their account.

The export follows every foreign key to the user in every installed model, so a table
added later is included without touching this module; secrets (password and token
hashes, TOTP secrets) are left out.

Erasure keeps what organizers must keep (enrollments and attendance, so counts and
rates stay true; orders and issued invoices) and removes who it was: the account
becomes "Deleted person" with an address that cannot receive mail and no way to sign
in; everything the person wrote or that only describes them is deleted or blanked.
Issued invoices stay too (numbers, dates, lines, amounts), without the person: a person
who paid for themselves leaves the buyer block ("Deleted person", no email, address or
tax id); an invoice billed to a sponsoring organization keeps the organization and loses
only what names the person. (Whether tax law makes an organizer keep a private buyer's
name on its copy is the organizer's question: see the README's "Personal data".)
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from dataclasses import dataclass
from decimal import Decimal

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django_scopes import scopes_disabled

ERASED_NAME = "Deleted person"
ERASED_TEXT = "(erased)"
ERASED_EMAIL_DOMAIN = "@deleted.invalid"
SECRET_FIELDS = ("password", "token_hash", "secret", "data", "key")
# Tables that are the platform's machinery rather than the person's data.
SKIPPED_EXPORT = {"admin.logentry", "django_celery_beat.clockedschedule"}


PLAIN = (str, int, float, bool, type(None), list, dict, Decimal, dt.date, dt.time, dt.timedelta, uuid.UUID)


@dataclass
class Group:
    label: str
    key: str
    rows: list[dict]


def _user_foreign_keys(model) -> list[models.ForeignKey]:
    user_label = settings.AUTH_USER_MODEL.lower()
    return [
        f for f in model._meta.fields
        if f.is_relation and f.related_model is not None and f.related_model._meta.label_lower == user_label
    ]


def _row(obj) -> dict:
    row = {}
    for field in obj._meta.fields:
        if field.name in SECRET_FIELDS or field.name.endswith("_hash"):
            continue
        value = getattr(obj, field.attname)
        if isinstance(field, models.FileField):
            value = value.name if value else ""
        elif not isinstance(value, PLAIN):
            value = str(value)  # e.g. a time zone
        row[field.name] = value
    return row


def personal_data(user) -> list[Group]:
    """Every row that points at this person, grouped by table (account first)."""
    groups = [Group("Account", "account", [_row(user)])]
    with scopes_disabled():
        for model in apps.get_models():
            if model._meta.label_lower in SKIPPED_EXPORT:
                continue
            fks = _user_foreign_keys(model)
            if not fks:
                continue
            where = Q()
            for fk in fks:
                where |= Q(**{fk.name: user})
            rows = [_row(obj) for obj in model._default_manager.filter(where).order_by("pk")]
            if rows:
                groups.append(Group(str(model._meta.verbose_name_plural).capitalize(), model._meta.label_lower, rows))
    return groups


def personal_data_json(user) -> str:
    return json.dumps(
        {"exported_at": timezone.now(), "tables": {g.key: g.rows for g in personal_data(user)}},
        cls=DjangoJSONEncoder, indent=2, ensure_ascii=False,
    )


def erase_account(*, user, now: dt.datetime | None = None) -> None:
    """Anonymise the account and erase what only describes the person (one transaction)."""
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator

    from applications.models import Application, DemographicResponse, TeamMember
    from cohorts.models import Affiliation, CohortUserObjectPermission, ModuleDelegate
    from notifications.models import OutboundMessage
    from organizers.models import Membership
    from reports.certificates import revoke_certificate
    from reports.models import Certificate
    from sessions_app.models import (
        AffinityMembership,
        AssistanceRequest,
        CalendarFeed,
        CheckInResponse,
        OfficeHourBooking,
        SessionFeedback,
    )

    now = now or timezone.now()
    with transaction.atomic(), scopes_disabled():
        user = get_user_model().objects.select_for_update().get(pk=user.pk)
        for certificate in Certificate.objects.filter(enrollment__person=user):
            revoke_certificate(certificate=certificate, reason="The person deleted their account", now=now)
        DemographicResponse.objects.filter(application__applicant=user).delete()
        TeamMember.objects.filter(email__iexact=user.email).update(full_name=ERASED_NAME, email="", title="")
        Application.objects.filter(applicant=user).update(
            answers={}, phone="", title="", leadership_description="", scholarship_note="", team_name="",
        )
        CheckInResponse.objects.filter(person=user).update(answers=[])
        SessionFeedback.objects.filter(person=user).update(comment="")
        AssistanceRequest.objects.filter(requester=user).update(description=ERASED_TEXT, preferred_times="",
                                                                 answer="")
        OfficeHourBooking.objects.filter(person=user).update(topic="")
        for model in (Membership, Affiliation, AffinityMembership, CalendarFeed, CohortUserObjectPermission,
                      ModuleDelegate, EmailAddress, Authenticator):
            model.objects.filter(**{"user" if _has(model, "user") else "person": user}).delete()
        OutboundMessage.objects.filter(Q(recipient=user) | Q(to_email__iexact=user.email)).delete()
        _erase_in_other_apps(user)
        user.email = f"deleted-{user.pk}{ERASED_EMAIL_DOMAIN}"
        user.full_name, user.preferred_name, user.pronouns = ERASED_NAME, "", ""
        user.is_active = False
        user.set_unusable_password()
        user.save()


def _has(model, field: str) -> bool:
    return any(f.name == field for f in model._meta.fields)


def _erase_in_other_apps(user) -> None:
    """Apps that may not be installed everywhere: community posts, library bookmarks, billing copies."""
    if apps.is_installed("library"):
        from library.models import Bookmark

        Bookmark.objects.filter(user=user).delete()
    if apps.is_installed("community"):
        from community.models import Post, SpaceMember, ThreadRead

        Post.objects.filter(author=user).update(body=ERASED_TEXT, attachment="", attachment_name="")
        ThreadRead.objects.filter(person=user).delete()
        SpaceMember.objects.filter(person=user).delete()
    if apps.is_installed("billing"):
        from billing.models import Invoice, Order

        # Orders and issued invoices stay (amounts, numbers) without the person.
        person_values = {v.casefold() for v in (user.full_name, user.preferred_name, user.email) if v}
        Order.objects.filter(placed_by=user, sponsor__isnull=True).update(
            billing_name=ERASED_NAME, billing_email="", billing_address="", billing_tax_id="",
        )
        Order.objects.filter(placed_by=user, sponsor__isnull=False, billing_email__iexact=user.email).update(
            billing_email="",
        )
        for invoice in Invoice.objects.filter(order__placed_by=user).select_related("order").only(
            "id", "buyer", "order__sponsor_id",
        ):
            buyer = dict(invoice.buyer or {})
            if invoice.order.sponsor_id is None:  # the person was the buyer: nothing of them stays
                buyer = {key: "" for key in buyer} | {"name": ERASED_NAME, "po_reference": buyer.get("po_reference", "")}
            else:  # the organization was the buyer: it stays, the person's name or email leave it
                buyer = {key: ("" if isinstance(value, str) and value.casefold() in person_values else value)
                         for key, value in buyer.items()}
            Invoice.objects.filter(pk=invoice.pk).update(buyer=buyer)  # a save() would refuse an issued invoice


def kept_invoices(user) -> int:
    """How many issued invoices (and credit notes) belong to this person's orders: they outlive the account."""
    if not apps.is_installed("billing"):
        return 0
    from billing.models import Invoice

    with scopes_disabled():
        return Invoice.objects.filter(order__placed_by=user).count()


def cohorts_due_for_retention(*, today: dt.date):
    """(cohort, organizer) pairs past their organizer's retention period and not erased yet (all organizers)."""
    from dateutil.relativedelta import relativedelta

    from cohorts.models import Cohort

    from .models import ErasedCohort, RetentionSettings

    due = []
    with scopes_disabled():
        erased = ErasedCohort.objects.values("cohort_id")
        for policy in RetentionSettings.objects.filter(months_after_cohort_end__isnull=False):
            cutoff = today - relativedelta(months=policy.months_after_cohort_end)
            due += list(Cohort.objects.filter(organizer_id=policy.organizer_id, ends_on__lt=cutoff)
                        .exclude(id__in=erased).values_list("id", "organizer_id"))
    return due


def erase_cohort_details(*, cohort_id: int, now: dt.datetime | None = None) -> bool:
    """Erase what participants wrote or gave about themselves in one cohort; once per cohort."""
    from applications.models import Application, ApplicationCall, DemographicResponse, TeamMember
    from applications.services import purge_demographics
    from cohorts.models import Cohort
    from sessions_app.models import AssistanceRequest, CheckInResponse, SessionFeedback

    from .models import ErasedCohort

    now = now or timezone.now()
    with transaction.atomic():
        cohort = Cohort.objects.select_for_update().get(pk=cohort_id)
        if ErasedCohort.objects.filter(cohort=cohort).exists():
            return False
        applications = Application.objects.filter(call__cohort=cohort)
        call = ApplicationCall.objects.filter(cohort=cohort, demographics_purged_at__isnull=True).first()
        if call is not None:  # as the call's own retention does: the funnel's figures are kept, the call marked
            purge_demographics(call=call)
        DemographicResponse.objects.filter(application__in=applications).delete()
        TeamMember.objects.filter(application__in=applications).update(email="", title="")
        applications.update(answers={}, phone="", leadership_description="", scholarship_note="")
        CheckInResponse.objects.filter(round__cohort=cohort).update(answers=[])
        SessionFeedback.objects.filter(session__cohort=cohort).update(comment="")
        AssistanceRequest.objects.filter(cohort=cohort).update(description=ERASED_TEXT, preferred_times="", answer="")
        ErasedCohort.objects.create(organizer_id=cohort.organizer_id, cohort=cohort, erased_at=now)
    return True
