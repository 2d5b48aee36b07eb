"""Who belongs to a space and what they see there: THE rule, in one place.

Membership is computed from the enrollment, never stored: confirmed and completed
people of a cohort are members of its space (a cancelled one is not, from the moment
the enrollment changes); an affinity group's space is for the group's members who still
take part in the cohort; a program's community of practice is for anyone taking part
in, or having completed, any of its cohorts who chose to join (alumni keep it). Staff
invitations add anyone. Facilitators (of the cohort, of the group, of the program)
moderate; the organizer's staff see and moderate every space.

`visible_spaces` (the space-side rule) and `member_ids` (the person-side rule, for
notifications, mentions and the directory) express the same rule in the two
directions; tests/community/test_membership.py checks that they agree.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django_scopes import scopes_disabled

from cohorts.models import Cohort, CohortUserObjectPermission, Enrollment, Facilitator, Program
from sessions_app.models import AffinityGroup, AffinityMembership
from cohorts.selectors import participations
from library.selectors import SEARCH_CONFIG, on_postgres
from organizers.selectors import is_staff_at

from .models import Post, Report, Space, SpaceMember, Thread, ThreadRead

# Statuses that make someone part of a cohort (confirmed, completed): the lifecycle's definition.
PARTICIPATING = Enrollment.PARTICIPATING
FACILITATE_CODENAME = "facilitate_cohort"
K = Space.Kind


def _participations(*, organizer_id: int, person) -> QuerySet[Enrollment]:
    return participations(organizer_id=organizer_id, person_id=person)


def _member_q(*, organizer_id: int, user_id: int) -> Q:
    """Spaces (the outer row) this person is a member of."""
    mine = _participations(organizer_id=organizer_id, person=user_id)
    in_cohort = Exists(mine.filter(cohort_id=OuterRef("cohort_id")))
    in_group = Exists(AffinityMembership.objects.filter(
        organizer_id=organizer_id, person_id=user_id, group_id=OuterRef("affinity_group_id")))
    in_program = Exists(mine.filter(cohort__program_id=OuterRef("program_id")))
    person = SpaceMember.objects.filter(space_id=OuterRef("pk"), person_id=user_id)
    joined = Exists(person.filter(joined_at__isnull=False))
    invited = Exists(person.filter(invited_at__isnull=False))
    return (
        Q(kind=K.COHORT) & in_cohort
        | Q(kind=K.AFFINITY_GROUP) & in_group & in_cohort
        | Q(kind=K.PROGRAM) & joined & in_program
        | invited
    )


def _moderator_q(*, organizer_id: int, user_id: int) -> Q:
    """Spaces (the outer row) this person facilitates."""
    granted = CohortUserObjectPermission.objects.filter(
        user_id=user_id, permission__codename=FACILITATE_CODENAME, content_object__organizer_id=organizer_id
    ).values("content_object_id")
    profiles = Facilitator.objects.filter(organizer_id=organizer_id, user_id=user_id).values("id")
    program_facilitator = Program.facilitators.through.objects.filter(facilitator_id__in=profiles)
    group_facilitator = Exists(AffinityGroup.facilitators.through.objects.filter(
        facilitator_id__in=profiles, affinitygroup_id=OuterRef("affinity_group_id")))
    return (
        Q(kind=K.COHORT) & (Q(cohort_id__in=granted)
                            | Exists(program_facilitator.filter(program_id=OuterRef("cohort__program_id"))))
        | Q(kind=K.AFFINITY_GROUP) & group_facilitator
        | Q(kind=K.PROGRAM) & (Exists(program_facilitator.filter(program_id=OuterRef("program_id")))
                               | Exists(Cohort.objects.filter(program_id=OuterRef("program_id"), id__in=granted)))
    )


def visible_spaces(*, organizer, user, staff: bool | None = None) -> QuerySet[Space]:
    """Spaces of `organizer` this person may open: staff all, others as member or facilitator."""
    with scopes_disabled():
        spaces = Space.objects.filter(organizer_id=organizer.id)
        if not user.is_authenticated:
            return spaces.none()
        if staff is None:
            staff = is_staff_at(user, organizer.id)
        if staff:
            return spaces
        return spaces.filter(_member_q(organizer_id=organizer.id, user_id=user.id)
                             | _moderator_q(organizer_id=organizer.id, user_id=user.id))


def moderated_spaces(*, organizer, user, staff: bool | None = None) -> QuerySet[Space]:
    with scopes_disabled():
        spaces = Space.objects.filter(organizer_id=organizer.id)
        if staff is None:
            staff = is_staff_at(user, organizer.id)
        if staff:
            return spaces
        return spaces.filter(_moderator_q(organizer_id=organizer.id, user_id=user.id))


def joinable_spaces(*, organizer, user) -> QuerySet[Space]:
    """Communities of practice this person may join (taking part in, or done with, one of
    the program's cohorts) and has not joined yet."""
    with scopes_disabled():
        if not user.is_authenticated:
            return Space.objects.none()
        mine = _participations(organizer_id=organizer.id, person=user.id)
        joined = SpaceMember.objects.filter(space_id=OuterRef("pk"), person_id=user.id, joined_at__isnull=False)
        return Space.objects.filter(
            organizer_id=organizer.id, kind=K.PROGRAM, is_archived=False
        ).filter(Exists(mine.filter(cohort__program_id=OuterRef("program_id")))).exclude(Exists(joined))


@dataclass(frozen=True)
class SpaceAccess:
    space: Space
    can_view: bool
    can_moderate: bool
    is_staff: bool
    settings: SpaceMember | None  # the person's own row, if any

    @property
    def can_post(self) -> bool:
        return self.can_view and not self.space.is_archived

    @property
    def notify(self) -> str:
        return self.settings.notify if self.settings else SpaceMember.Notify.REPLIES_AND_MENTIONS

    @property
    def needs_guidelines(self) -> bool:
        """Guidelines are shown (and agreed to) before a person's first post."""
        return bool(self.space.guidelines.strip()) and not (self.settings and self.settings.guidelines_accepted_at)


def access_to(*, space_id: int, organizer, user, staff: bool | None = None) -> SpaceAccess | None:
    """The space if this person may open it (else None), with what they may do there. Two queries."""
    if not user.is_authenticated:
        return None
    if staff is None:
        staff = is_staff_at(user, organizer.id)
    with scopes_disabled():
        moderates = _moderator_q(organizer_id=organizer.id, user_id=user.id)
        row = (
            visible_spaces(organizer=organizer, user=user, staff=staff)
            .filter(pk=space_id)
            .annotate(moderates=Exists(Space.objects.filter(moderates, pk=OuterRef("pk"))) if not staff else Value(True))
            .select_related("cohort__program", "program", "affinity_group")
            .first()
        )
        if row is None:
            return None
        settings = SpaceMember.objects.filter(space_id=row.id, person_id=user.id).first()
    return SpaceAccess(space=row, can_view=True, can_moderate=bool(row.moderates), is_staff=staff, settings=settings)


def may_join(*, space: Space, user) -> bool:
    return joinable_spaces(organizer=space.organizer, user=user).filter(pk=space.pk).exists()


# --- The person-side rule: who is in a space (notifications, mentions, directory) ----------


def member_ids(space: Space) -> set[int]:
    """Members of the space (not counting facilitators and staff)."""
    person = OuterRef("pk")
    with scopes_disabled():
        participating = Enrollment.objects.filter(
            organizer_id=space.organizer_id, person_id=person, status__in=PARTICIPATING)
        rows = SpaceMember.objects.filter(space_id=space.id, person_id=person)
        if space.kind == K.COHORT:
            base = Exists(participating.filter(cohort_id=space.cohort_id))
        elif space.kind == K.AFFINITY_GROUP:
            base = Exists(AffinityMembership.objects.filter(group_id=space.affinity_group_id, person_id=person)) & Exists(
                participating.filter(cohort_id=space.cohort_id))
        else:
            base = Exists(rows.filter(joined_at__isnull=False)) & Exists(
                participating.filter(cohort__program_id=space.program_id))
        return set(get_user_model().objects.filter(base | Exists(rows.filter(invited_at__isnull=False)))
                   .values_list("id", flat=True))


def moderator_ids(space: Space) -> set[int]:
    """Facilitators of the space (the organizer's staff moderate too, but are not listed)."""
    with scopes_disabled():
        profiles = Facilitator.objects.filter(organizer_id=space.organizer_id, user__isnull=False)
        if space.kind == K.AFFINITY_GROUP:
            return set(profiles.filter(affinity_groups__id=space.affinity_group_id).values_list("user_id", flat=True))
        program_id = space.program_id if space.kind == K.PROGRAM else space.cohort.program_id
        cohorts = [space.cohort_id] if space.kind == K.COHORT else list(
            Cohort.objects.filter(program_id=program_id).values_list("id", flat=True))
        granted = CohortUserObjectPermission.objects.filter(
            permission__codename=FACILITATE_CODENAME, content_object_id__in=cohorts).values_list("user_id", flat=True)
        return set(profiles.filter(programs__id=program_id).values_list("user_id", flat=True)) | set(granted)


def people_of(space: Space):
    """Members and facilitators, as users."""
    with scopes_disabled():
        return get_user_model().objects.filter(id__in=member_ids(space) | moderator_ids(space), is_active=True)


def settings_of(space: Space, person_ids) -> dict[int, SpaceMember]:
    with scopes_disabled():
        return {row.person_id: row for row in SpaceMember.objects.filter(space_id=space.id, person_id__in=list(person_ids))}


# --- Threads and posts -----------------------------------------------------------------------


def visible_threads(*, space: Space, moderator: bool) -> QuerySet[Thread]:
    """Threads of a space; hidden ones only for facilitators and staff."""
    with scopes_disabled():
        threads = Thread.objects.filter(space_id=space.id)
        return threads if moderator else threads.filter(is_hidden=False)


def visible_posts(*, thread: Thread, moderator: bool) -> QuerySet[Post]:
    with scopes_disabled():
        posts = Post.objects.filter(thread_id=thread.id)
        return posts if moderator else posts.filter(is_hidden=False)


def find_thread(*, organizer, user, thread_id: int, staff: bool | None = None) -> tuple[Thread, SpaceAccess] | None:
    """A thread this person may read, with their access to its space; None otherwise."""
    with scopes_disabled():
        thread = Thread.objects.filter(organizer_id=organizer.id, pk=thread_id).select_related("author").first()
    if thread is None:
        return None
    access = access_to(space_id=thread.space_id, organizer=organizer, user=user, staff=staff)
    if access is None or (thread.is_hidden and not access.can_moderate):
        return None
    thread.space = access.space
    return thread, access


def find_post(*, organizer, user, post_id: int, staff: bool | None = None) -> tuple[Post, SpaceAccess] | None:
    with scopes_disabled():
        post = Post.objects.filter(organizer_id=organizer.id, pk=post_id).select_related("thread", "author").first()
    if post is None:
        return None
    found = find_thread(organizer=organizer, user=user, thread_id=post.thread_id, staff=staff)
    if found is None or (post.is_hidden and not found[1].can_moderate):
        return None
    post.thread = found[0]
    return post, found[1]


def thread_list(*, space: Space, user, moderator: bool, query: str = "") -> QuerySet[Thread]:
    """The space page's threads, pinned first then by latest post, each with its visible
    reply count and this person's last read time (the page runs a fixed number of queries)."""
    with scopes_disabled():
        replies = Post.objects.filter(thread_id=OuterRef("pk"), is_opening=False, deleted_at__isnull=True)
        if not moderator:
            replies = replies.filter(is_hidden=False)
        counted = replies.order_by().values("thread_id").annotate(n=Count("id")).values("n")
        read = ThreadRead.objects.filter(thread_id=OuterRef("pk"), person_id=user.id).values("read_at")[:1]
        threads = visible_threads(space=space, moderator=moderator).select_related("author").annotate(
            reply_count=Coalesce(Subquery(counted, output_field=IntegerField()), 0),
            read_at=Subquery(read),
        )
        if query.strip():
            return search_threads(threads, query.strip(), moderator=moderator).order_by("-rank", "-last_post_at", "-id")
        return threads.order_by("-is_pinned", "-last_post_at", "-id")


def search_threads(threads: QuerySet[Thread], query: str, *, moderator: bool) -> QuerySet[Thread]:
    """The library's approach: a stored weighted vector on PostgreSQL, substring elsewhere."""
    if on_postgres():
        search = SearchQuery(query, search_type="websearch", config=SEARCH_CONFIG)
        return threads.filter(search_vector=search).annotate(rank=SearchRank(F("search_vector"), search))
    posts = Post.objects.filter(thread_id=OuterRef("pk"), deleted_at__isnull=True, body__icontains=query)
    if not moderator:
        posts = posts.filter(is_hidden=False)
    return threads.filter(Q(title__icontains=query) | Exists(posts)).annotate(rank=Value(1))


def is_unread(thread: Thread) -> bool:
    return thread.read_at is None or thread.last_post_at > thread.read_at


def open_reports(*, space: Space) -> QuerySet[Report]:
    with scopes_disabled():
        return (
            Report.objects.filter(post__thread__space_id=space.id, resolved_at__isnull=True)
            .select_related("post__thread", "post__author", "reporter")
            .order_by("created_at")
        )


def directory(*, space: Space) -> list[SpaceMember]:
    """People who chose to appear in the space's directory and still belong to it."""
    ids = member_ids(space) | moderator_ids(space)
    with scopes_disabled():
        return list(
            SpaceMember.objects.filter(space_id=space.id, in_directory=True, person_id__in=ids)
            .select_related("person").order_by("person__full_name", "person__email")
        )


def move_targets(*, space: Space, user, staff: bool) -> list[Space]:
    """Other spaces of the organizer the person moderates (where a thread may be moved)."""
    return list(moderated_spaces(organizer=space.organizer, user=user, staff=staff).exclude(pk=space.pk).order_by("title"))


# --- Events from sessions_app ------------------------------------------------------------------


def _session_filter(space: Space) -> Q:
    if space.kind == K.AFFINITY_GROUP:
        return Q(affinity_group_id=space.affinity_group_id)
    if space.kind == K.COHORT:
        return Q(cohort_id=space.cohort_id, affinity_group__isnull=True)
    return Q(cohort__program_id=space.program_id, affinity_group__isnull=True)


def space_program_id(space: Space) -> int:
    return space.program_id if space.kind == K.PROGRAM else space.cohort.program_id


def upcoming_events(*, space: Space, user, limit: int = 5) -> dict:
    """The space's upcoming sessions and open office-hour slots, as sessions_app shows them to this person."""
    from sessions_app.selectors.office_hours import open_slots
    from sessions_app.selectors.sessions import visible_sessions

    now = timezone.now()
    upcoming = list(
        visible_sessions(user, organizer=space.organizer).filter(_session_filter(space), ends_at__gte=now)
        .select_related("cohort").order_by("starts_at")[:limit]
    )
    program_id = space_program_id(space)
    slots = [s for s in open_slots(space.organizer, user) if s.window.program_id in (None, program_id)]
    return {"sessions": upcoming, "office_hours": slots[:limit]}


def summarizable_sessions(*, space: Space, user) -> list:
    """Sessions of the space that have started, newest first, for a facilitator's summary."""
    from sessions_app.selectors.sessions import visible_sessions

    return list(
        visible_sessions(user, organizer=space.organizer).filter(_session_filter(space), starts_at__lte=timezone.now())
        .select_related("note").order_by("-starts_at")[:30]
    )
