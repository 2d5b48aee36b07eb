"""Who someone is to a cohort and which sessions they may see and join.

Visibility is computed from explicit filters on the person (enrollments, delegations,
grants, group memberships), so the same rules serve tenant pages (inside a scope) and
the calendar feeds (which span organizers and run with scopes disabled)."""

from datetime import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone
from django_scopes import scopes_disabled

from cohorts.models import Cohort, CohortUserObjectPermission, Enrollment, ModuleDelegate
from core.prepared import PreparedQuery
from organizers.selectors import is_staff_at, memberships_of, staff_organizer_ids

from ..models import AffinityGroup, AffinityMembership, Session


ACTIVE_ENROLLMENT = Enrollment.PARTICIPATING  # the one participating set (cohorts/models.py)

FACILITATE_PERM = "cohorts.facilitate_cohort"



def enrolled_cohort_ids(user) -> set[int]:
    if not user.is_authenticated:
        return set()
    with scopes_disabled():
        return set(
            Enrollment.objects.filter(person=user, status__in=ACTIVE_ENROLLMENT).values_list("cohort_id", flat=True)
        )



def facilitated_cohort_ids(user) -> set[int]:
    """Cohorts this person holds the guardian grant `facilitate_cohort` on."""
    if not user.is_authenticated:
        return set()
    return set(
        CohortUserObjectPermission.objects.filter(
            user=user, permission__codename="facilitate_cohort", permission__content_type__app_label="cohorts"
        ).values_list("content_object_id", flat=True)
    )



def knows_organizer(user, organizer) -> bool:
    """Anyone with a reason to have pages here: a member, or someone enrolled, delegated or granted.

    Everyone else (e.g. another organizer's staff) gets 404 on this organizer's pages.
    """
    if not user.is_authenticated:
        return False
    if user.is_superuser or any(m.organizer_id == organizer.id for m in memberships_of(user)):
        return True
    with scopes_disabled():
        if Enrollment.objects.filter(person=user, organizer_id=organizer.id).exists():
            return True
        if ModuleDelegate.objects.filter(person=user, organizer_id=organizer.id).exists():
            return True
    return CohortUserObjectPermission.objects.filter(user=user, content_object__organizer_id=organizer.id).exists()



def is_enrolled(user, cohort: Cohort) -> bool:
    return cohort.id in enrolled_cohort_ids(user)



def facilitates_cohort(user, cohort: Cohort) -> bool:
    return user.is_authenticated and user.has_perm(FACILITATE_PERM, cohort)



def can_run_session(user, session: Session) -> bool:
    """Record attendance and notes: the organizer's staff, the cohort's facilitators, the session's facilitators."""
    if not user.is_authenticated:
        return False
    if is_staff_at(user, session.organizer_id) or session.facilitators.filter(user=user).exists():
        return True
    if session.affinity_group_id:
        # Who is in an affinity group is for its own facilitators, not every facilitator of the cohort.
        return session.affinity_group.facilitators.filter(user=user).exists()
    return facilitates_cohort(user, session.cohort)



def _visibility_q(user) -> Q:
    if not user.is_authenticated:
        return Q(pk__in=[])
    with scopes_disabled():
        cohorts = enrolled_cohort_ids(user) | facilitated_cohort_ids(user)
        delegated = list(ModuleDelegate.objects.filter(person=user).values_list("cohort_id", "module_id"))
        groups = set(AffinityMembership.objects.filter(person=user).values_list("group_id", flat=True))
        groups |= set(AffinityGroup.objects.filter(facilitators__user=user).values_list("id", flat=True))
        facilitated_sessions = set(
            Session.facilitators.through.objects.filter(facilitator__user=user).values_list("session_id", flat=True)
        )
    member = Q(cohort_id__in=cohorts)
    for cohort_id, module_id in delegated:
        member |= Q(cohort_id=cohort_id, module_id=module_id)
    # Affinity-group sessions: only the group's members and facilitators (and staff).
    member &= Q(affinity_group__isnull=True) | Q(affinity_group_id__in=groups)
    return Q(organizer_id__in=staff_organizer_ids(user)) | member | Q(id__in=facilitated_sessions) | Q(
        affinity_group_id__in=groups
    )



def visible_sessions(user, *, organizer=None) -> QuerySet[Session]:
    """Sessions this person may see: at one organizer (inside its scope) or everywhere (feeds)."""
    if organizer is not None:
        if user.is_authenticated and user.is_superuser:
            return Session.objects.filter(organizer=organizer)
        return Session.objects.filter(_visibility_q(user), organizer=organizer)
    with scopes_disabled():
        return Session.objects.filter(_visibility_q(user))



def can_see_session(user, session: Session) -> bool:
    with scopes_disabled():
        return visible_sessions(user).filter(id=session.id).exists() or (
            user.is_authenticated and user.is_superuser
        )



def enrolled_for_session_ids(session: Session) -> set[int]:
    """Everyone whom `may_join_session` admits as enrolled (and, for an affinity-group
    session, a member of the group), in two queries: a reminder round to 10,000 people
    asks this once and `may_join_session` only about the rest (facilitators, delegates)."""
    with scopes_disabled():
        ids = set(Enrollment.objects.filter(cohort_id=session.cohort_id, status__in=ACTIVE_ENROLLMENT)
                  .values_list("person_id", flat=True))
        if session.affinity_group_id is not None:
            ids &= set(session.affinity_group.members.values_list("id", flat=True))
    return ids



def may_join_session(user, session: Session) -> bool:
    """The video link is for people taking part: enrolled or delegated, facilitators, staff."""
    if can_run_session(user, session):
        return True
    if is_enrolled(user, session.cohort) and (
        session.affinity_group_id is None or session.affinity_group.members.filter(id=user.id).exists()
    ):
        return True
    with scopes_disabled():
        return bool(
            session.module_id
            and ModuleDelegate.objects.filter(person=user, cohort_id=session.cohort_id, module_id=session.module_id).exists()
        )



def schedule_for(user, organizer, *, past: bool = False) -> QuerySet[Session]:
    now = timezone.now()
    sessions = visible_sessions(user, organizer=organizer).select_related("cohort__program", "module", "affinity_group")
    if past:
        return sessions.filter(ends_at__lt=now).order_by("-starts_at")
    return sessions.filter(ends_at__gte=now).order_by("starts_at")



# The program page is among the busiest public pages: its sessions are a prepared read
# (core.prepared), built once per process.
_upcoming_public = PreparedQuery(
    lambda organizer_id, program_id, now: Session.objects.filter(
        organizer_id=organizer_id, cohort__program_id=program_id, cohort__is_published=True, ends_at__gt=now,
        affinity_group__isnull=True,
    ).only("id", "organizer_id", "cohort_id", "title", "kind", "starts_at", "ends_at").order_by("starts_at", "id"),
    params={"organizer_id": int, "program_id": int, "now": datetime}, tenant="organizer_id",
)


def upcoming_public_sessions(*, organizer_id: int, program_id: int, now: datetime,
                             per_cohort: int = 6) -> dict[int, list[Session]]:
    """The next sessions of the program's published cohorts (affinity groups' private
    ones left out), for the public program page: one query however many cohorts, at
    most `per_cohort` each, by cohort id."""
    by_cohort: dict[int, list[Session]] = {}
    for session in _upcoming_public.run(organizer_id=organizer_id, program_id=program_id, now=now):
        found = by_cohort.setdefault(session.cohort_id, [])
        if len(found) < per_cohort:
            found.append(session)
    return by_cohort
