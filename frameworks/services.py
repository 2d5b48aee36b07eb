"""Every write of the frameworks app: versions, assessments, workplans and partner support.

Functions take keyword-only arguments, run in short transactions and raise
`FrameworkError(message, field=None)` with a message meant for the page.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone

from cohorts.models import Cohort, Team
from notifications.services import notify

from . import selectors
from .models import (
    NOT_APPLICABLE,
    Action,
    Area,
    Assessment,
    AssessmentPoint,
    ConsensusRating,
    Framework,
    FrameworkVersion,
    Goal,
    Item,
    PartnerPerson,
    ProgressUpdate,
    Rating,
    SupportLog,
    SupportRequest,
    Workplan,
)


class FrameworkError(Exception):
    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


def _url(name: str, organizer, **kwargs) -> str:
    from django.urls import reverse

    from core.urls import absolute_url

    return absolute_url(reverse(name, kwargs={"organizer_slug": organizer.slug, **kwargs}))


# --- Versions -------------------------------------------------------------------------------------


def _locked_framework(framework_id: int) -> Framework:
    return Framework.objects.select_for_update().get(id=framework_id)


def new_draft_version(*, framework: Framework, by=None) -> tuple[FrameworkVersion, dict[int, Item]]:
    """The framework's draft, copied from its latest version when there is none.

    Returns the draft and, when it was just copied, a map from the copied version's
    item ids to the new items (so an edit can land on the right copy).
    """
    with transaction.atomic():
        _locked_framework(framework.id)
        draft = framework.versions.filter(status=FrameworkVersion.Status.DRAFT).first()
        if draft is not None:
            return draft, {}
        latest = framework.versions.order_by("-number").first()
        draft = FrameworkVersion.objects.create(
            organizer_id=framework.organizer_id, framework=framework, number=(latest.number + 1) if latest else 1,
            scale=latest.scale if latest else FrameworkVersion._meta.get_field("scale").default,
            label=latest.label if latest else "",
        )
        copied: dict[int, Item] = {}
        if latest is not None:
            for area in selectors.version_content(latest):
                new_area = Area.objects.create(organizer_id=area.organizer_id, version=draft, order=area.order,
                                               title=area.title, description=area.description)
                for item in area.items.all():
                    copied[item.id] = Item.objects.create(organizer_id=item.organizer_id, area=new_area,
                                                          order=item.order, statement=item.statement,
                                                          guidance=item.guidance)
        return draft, copied


def publish_version(*, version: FrameworkVersion, by=None, now: dt.datetime | None = None) -> FrameworkVersion:
    with transaction.atomic():
        _locked_framework(version.framework_id)
        version = FrameworkVersion.objects.get(id=version.id)
        if version.is_frozen:
            raise FrameworkError("This version is already published.")
        if not Item.objects.filter(area__version=version).exists():
            raise FrameworkError("Add at least one area with an item before publishing.")
        version.status = FrameworkVersion.Status.PUBLISHED
        version.published_at = now or timezone.now()
        version.save(update_fields=["status", "published_at"])
    return version


def edit_item(*, item: Item, statement: str, guidance: str = "", by=None) -> Item:
    """Change an item's wording. On a published (frozen) version this makes a new draft version."""
    statement = statement.strip()
    if not statement:
        raise FrameworkError("An item needs a statement.", field="statement")
    version = item.area.version
    if version.is_frozen:
        draft, copied = new_draft_version(framework=version.framework, by=by)
        # The draft existed already: the item in the same place (area and item order).
        target = copied.get(item.id) or Item.objects.filter(
            area__version=draft, area__order=item.area.order, area__title=item.area.title, order=item.order).first()
        if target is None:
            raise FrameworkError("The draft version no longer has this item; edit the draft instead.")
        item = target
    item.statement, item.guidance = statement, guidance
    item.save(update_fields=["statement", "guidance"])
    return item


# --- Assessment points -------------------------------------------------------------------------------

FOLLOW_UP_MONTHS = (1, 3, 6, 12)


def schedule_points(*, cohort: Cohort, version: FrameworkVersion, taker: str = AssessmentPoint.Taker.ORGANIZATION,
                    follow_up_months=FOLLOW_UP_MONTHS) -> list[AssessmentPoint]:
    """Baseline at the start, one at the end and the follow-ups after it (existing points are kept)."""
    from sessions_app.services.reminders import add_months

    if not version.is_frozen:
        raise FrameworkError("Assessments use a published version; publish this one first.")
    if not (cohort.starts_on and cohort.ends_on):
        raise FrameworkError("The cohort needs start and end dates first.")
    wanted = [(AssessmentPoint.Kind.BASELINE, 0, cohort.starts_on), (AssessmentPoint.Kind.END, 0, cohort.ends_on)]
    wanted += [(AssessmentPoint.Kind.FOLLOW_UP, m, add_months(cohort.ends_on, m)) for m in follow_up_months]
    points = []
    with transaction.atomic():
        for kind, months, opens_on in wanted:
            point, _ = AssessmentPoint.objects.get_or_create(
                cohort=cohort, kind=kind, months_after=months,
                defaults={"organizer_id": cohort.organizer_id, "version": version, "taker": taker, "opens_on": opens_on},
            )
            points.append(point)
    return points


# --- Assessments -------------------------------------------------------------------------------------


def start_assessment(*, point: AssessmentPoint, user, today: dt.date | None = None) -> Assessment:
    today = today or timezone.localdate()
    if point.opens_on > today:
        raise FrameworkError(f"This assessment opens on {point.opens_on:%B %-d, %Y}.")
    subject = selectors.subject_for(point, user)
    if subject is None:
        raise FrameworkError("You are not part of a team or organization that takes this assessment.")
    lookup = {"point": point, **selectors._subject_filter(subject)}
    existing = Assessment.objects.filter(**lookup).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return Assessment.objects.create(
                organizer_id=point.organizer_id, point=point, version=point.version, cohort_id=point.cohort_id,
                organization=subject.get("organization"), team=subject.get("team"), person=subject.get("person"),
            )
    except IntegrityError:  # a teammate started it at the same moment
        return Assessment.objects.get(**lookup)


def _locked_draft(assessment: Assessment) -> Assessment:
    locked = Assessment.objects.select_for_update().get(id=assessment.id)
    if locked.is_locked:
        raise FrameworkError("This assessment was submitted and is locked; it can no longer be changed.")
    return locked


def _check_value(version: FrameworkVersion, value: int | None, *, required: bool) -> None:
    if value is None:
        if required:
            raise FrameworkError("Choose a rating.", field="value")
        return
    if value != NOT_APPLICABLE and not 1 <= value <= len(version.levels):
        raise FrameworkError("Choose one of the ratings offered.", field="value")


def _item_of(assessment: Assessment, item_id: int) -> Item:
    item = Item.objects.filter(id=item_id, area__version_id=assessment.version_id).first()
    if item is None:
        raise FrameworkError("This statement is not part of this assessment.")
    return item


def save_rating(*, assessment: Assessment, item_id: int, person, value: int | None, comment: str = "") -> Rating:
    """A respondent's own rating (a draft: saved as they go, changeable until the team submits)."""
    _check_value(assessment.version, value, required=False)
    if not selectors.is_respondent(person, assessment):
        raise FrameworkError("Only members of the team rate this assessment.")
    item = _item_of(assessment, item_id)
    with transaction.atomic():
        _locked_draft(assessment)
        rating, _ = Rating.objects.update_or_create(
            assessment=assessment, item=item, person=person,
            defaults={"organizer_id": assessment.organizer_id, "value": value, "comment": comment.strip()},
        )
    return rating


def save_consensus(*, assessment: Assessment, item_id: int, by, value: int | None, note: str = "") -> ConsensusRating:
    _check_value(assessment.version, value, required=True)
    if not selectors.is_respondent(by, assessment):
        raise FrameworkError("Only members of the team record the agreed rating.")
    item = _item_of(assessment, item_id)
    with transaction.atomic():
        _locked_draft(assessment)
        consensus, _ = ConsensusRating.objects.update_or_create(
            assessment=assessment, item=item,
            defaults={"organizer_id": assessment.organizer_id, "value": value, "note": note.strip(), "decided_by": by},
        )
    return consensus


def submit_assessment(*, assessment: Assessment, by, now: dt.datetime | None = None) -> Assessment:
    """Lock the assessment once every item has an agreed rating; the team is told by email."""
    if not selectors.is_respondent(by, assessment):
        raise FrameworkError("Only members of the team submit this assessment.")
    with transaction.atomic():
        locked = _locked_draft(assessment)
        missing = selectors.missing_consensus(locked)
        if missing:
            raise FrameworkError(f"Agree on a rating for every statement first ({missing} still without one).")
        locked.status = Assessment.Status.SUBMITTED
        locked.submitted_at = now or timezone.now()
        locked.submitted_by = by
        locked.save(update_fields=["status", "submitted_at", "submitted_by"])
        for person in selectors.respondents(locked):
            notify(organizer=locked.organizer, recipient=person, template="frameworks/assessment_submitted",
                   dedupe_key=f"assessment-submitted:{locked.id}:user={person.id}",
                   context={"person_name": person.display_name, "submitted_by": by.display_name,
                            "subject": locked.subject_name, "point": locked.point.label,
                            "framework": locked.version.framework.title,
                            "url": _url("frameworks:results", locked.organizer, assessment_id=locked.id)})
    return locked


# --- Workplans ---------------------------------------------------------------------------------------


def ensure_workplan(*, team: Team) -> Workplan:
    workplan, _ = Workplan.objects.get_or_create(team=team, defaults={"organizer_id": team.organizer_id,
                                                                      "cohort_id": team.cohort_id})
    return workplan


def add_goal(*, workplan: Workplan, title: str, description: str = "", area: Area | None = None,
             item: Item | None = None, by=None) -> Goal:
    if not title.strip():
        raise FrameworkError("Give the goal a title.", field="title")
    if item is not None and area is None:
        area = item.area
    if area is not None and not selectors.framework_areas_for(workplan).filter(id=area.id).exists():
        raise FrameworkError("Choose an area of the framework this cohort uses.", field="area")
    order = workplan.goals.count()
    return Goal.objects.create(organizer_id=workplan.organizer_id, workplan=workplan, title=title.strip(),
                               description=description.strip(), area=area, item=item, order=order)


def _check_owner(workplan: Workplan, owner) -> None:
    if owner is not None and owner.id not in {p.id for p in selectors.team_members(workplan.team)}:
        raise FrameworkError("The owner must be a member of the team.", field="owner")


def add_action(*, goal: Goal, title: str, owner=None, due_on: dt.date | None = None, notes: str = "",
               status: str = Action.Status.NOT_STARTED, by=None) -> Action:
    if not title.strip():
        raise FrameworkError("Describe the action.", field="title")
    _check_owner(goal.workplan, owner)
    return Action.objects.create(organizer_id=goal.organizer_id, goal=goal, title=title.strip(), owner=owner,
                                 due_on=due_on, notes=notes.strip(), status=status)


def update_action(*, action: Action, status: str, notes: str, owner=None, due_on: dt.date | None = None,
                  by=None) -> Action:
    if status not in Action.Status.values:
        raise FrameworkError("Choose a status.", field="status")
    _check_owner(action.goal.workplan, owner)
    action.status, action.notes, action.owner, action.due_on = status, notes.strip(), owner, due_on
    action.save(update_fields=["status", "notes", "owner", "due_on", "updated_at"])
    return action


def add_progress_update(*, workplan: Workplan, author, body: str, checkin_round=None) -> ProgressUpdate:
    """A progress note; with `checkin_round`, the team's answer to that check-in (one per round)."""
    if not body.strip():
        raise FrameworkError("Write a few words on the progress.", field="body")
    if checkin_round is not None:
        if checkin_round.cohort_id != workplan.cohort_id or not checkin_round.sent_at:
            raise FrameworkError("This check-in is not for this team's cohort.")
    now = selectors.progress(workplan)
    try:
        with transaction.atomic():
            return ProgressUpdate.objects.create(
                organizer_id=workplan.organizer_id, workplan=workplan, author=author, body=body.strip(),
                checkin_round=checkin_round, actions_done=now["done"], actions_total=now["total"],
            )
    except IntegrityError:
        raise FrameworkError("Your team has already sent its update for this check-in.") from None


def request_support(*, workplan: Workplan, partner, message: str, by) -> SupportRequest:
    """The team asks a planning-team partner; the partner's people are told and now see the team."""
    if not message.strip():
        raise FrameworkError("Say what support you would like.", field="message")
    if partner.program_id != workplan.cohort.program_id:
        raise FrameworkError("Choose a partner of this program's planning team.", field="partner")
    try:
        with transaction.atomic():
            request = SupportRequest.objects.create(organizer_id=workplan.organizer_id, workplan=workplan,
                                                    partner=partner, message=message.strip(), requested_by=by)
            for link in PartnerPerson.objects.filter(partner=partner).select_related("user"):
                notify(organizer=workplan.organizer, recipient=link.user, template="frameworks/support_requested",
                       dedupe_key=f"support-request:{request.id}:user={link.user_id}",
                       context={"person_name": link.user.display_name, "team": str(workplan.team),
                                "partner": partner.name, "asked_by": by.display_name, "message": request.message,
                                "url": _url("frameworks:workplan", workplan.organizer, workplan_id=workplan.id)})
    except IntegrityError:
        raise FrameworkError(f"Your team already has an open request with {partner.name}.", field="partner") from None
    return request


def log_support(*, request: SupportRequest, by, note: str, given_on: dt.date | None = None,
                close: bool = False) -> SupportLog:
    if not note.strip():
        raise FrameworkError("Describe the support given.", field="note")
    with transaction.atomic():
        locked = SupportRequest.objects.select_for_update().get(id=request.id)
        if locked.status == SupportRequest.Status.CLOSED:
            raise FrameworkError("This request is closed.")
        log = SupportLog.objects.create(organizer_id=locked.organizer_id, request=locked, author=by,
                                        given_on=given_on or timezone.localdate(), note=note.strip())
        locked.status = SupportRequest.Status.CLOSED if close else SupportRequest.Status.ACTIVE
        locked.save(update_fields=["status"])
    return log
