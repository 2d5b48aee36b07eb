"""Writes in the community: spaces, threads, posts, reads, moderation, notifications.

Each function owns one change: it checks what the person may do, saves in a short
transaction, writes the audit entry and queues the emails (through the outbox, with
dedupe keys). Fan-out to many people runs in a task after commit, so posting stays fast
and a task delivered twice sends nothing twice.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable

from django.contrib.postgres.search import SearchVector
from django.db import connection, transaction
from django.db.models import Value
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from library.selectors import SEARCH_CONFIG
from library.uploads import CheckedUpload
from notifications.optout import OPT_OUT_MAX_AGE, ExpiredLink, opt_out_token, read_opt_out_token  # noqa: F401 (ExpiredLink: views)
from notifications.services import notify
from core.urls import absolute_url

from . import selectors
from .models import DigestRound, ModerationEvent, Post, Report, Space, SpaceMember, Thread, ThreadRead

A = ModerationEvent.Action
N = SpaceMember.Notify
UNSUBSCRIBE_SALT = "community.unsubscribe"
UNSUBSCRIBE_MAX_AGE = OPT_OUT_MAX_AGE
EXCERPT_CHARS = 400


class CommunityError(Exception):
    """A refused change, with a message for the page."""


# --- Spaces and who is in them ------------------------------------------------------------------


def create_space(*, organizer, kind: str, title: str, cohort=None, affinity_group=None, program=None,
                 description: str = "", guidelines: str = "") -> Space:
    space = Space(organizer=organizer, kind=kind, title=title, cohort=cohort, affinity_group=affinity_group,
                  program=program, description=description, guidelines=guidelines)
    space.clean()
    with scopes_disabled():
        space.save()
    return space


def _settings_row(space: Space, person) -> SpaceMember:
    with scopes_disabled():
        row, _ = SpaceMember.objects.get_or_create(space=space, person=person, defaults={"organizer_id": space.organizer_id})
    return row


def join(*, space: Space, person, now=None) -> SpaceMember:
    """Join a program's community of practice (anyone taking part in or done with one of its cohorts)."""
    if not selectors.may_join(space=space, user=person):
        raise CommunityError("You can join this community once you take part in one of its program's cohorts.")
    with transaction.atomic():
        row = _settings_row(space, person)
        row.joined_at = now or timezone.now()
        row.save(update_fields=["joined_at"])
    return row


def leave(*, space: Space, person) -> None:
    with scopes_disabled():
        SpaceMember.objects.filter(space=space, person=person).update(joined_at=None, invited_at=None, invited_by=None)


def invite(*, space: Space, person, by, now=None) -> SpaceMember:
    """Staff invite someone (a guest speaker, a partner) into a space."""
    now = now or timezone.now()
    with transaction.atomic():
        row = _settings_row(space, person)
        if row.invited_at:
            return row
        row.invited_at, row.invited_by = now, by
        row.save(update_fields=["invited_at", "invited_by"])
        _audit(space=space, actor=by, action=A.INVITE, detail=f"Invited {person.display_name}")
        notify(
            organizer=space.organizer, template="community/invited", recipient=person,
            dedupe_key=f"community:invite:space={space.pk}:user={person.pk}:{now:%Y%m%d%H%M%S}",
            context={"person_name": person.display_name, "space_title": space.title,
                     "inviter_name": by.display_name if by else space.organizer.name,
                     "url": absolute_url(_space_path(space))},
        )
    return row


def update_settings(*, space: Space, person, notify_level: str, in_directory: bool, organization: str = "",
                    role: str = "", introduction: str = "", can_help_with: str = "") -> SpaceMember:
    if notify_level not in N.values:
        raise CommunityError("Choose how you want to hear about new posts.")
    with transaction.atomic():
        row = _settings_row(space, person)
        row.notify, row.in_directory = notify_level, in_directory
        row.organization, row.role = organization.strip(), role.strip()
        row.introduction, row.can_help_with = introduction.strip(), can_help_with.strip()
        row.save()
    return row


def set_notify(*, space: Space, person, level: str) -> None:
    with transaction.atomic():
        row = _settings_row(space, person)
        row.notify = level
        row.save(update_fields=["notify"])


# --- Threads and posts ----------------------------------------------------------------------------


def _accept_guidelines(access: selectors.SpaceAccess, person, accepted: bool, now) -> None:
    if not access.needs_guidelines:
        return
    if not accepted:
        raise CommunityError("Please read the community guidelines and confirm you will follow them.")
    row = _settings_row(access.space, person)
    row.guidelines_accepted_at = now
    row.save(update_fields=["guidelines_accepted_at"])


def _store_attachment(post: Post, upload, checked: CheckedUpload | None) -> None:
    if upload is None or checked is None:
        return
    post.attachment_name, post.attachment_type, post.attachment_size = checked.filename, checked.content_type, checked.size
    post.attachment.save(checked.filename, upload, save=False)


def _save_with_file(post: Post) -> None:
    try:
        with scopes_disabled():
            post.save()
    except Exception:
        if post.attachment:
            post.attachment.storage.delete(post.attachment.name)
        raise


def start_thread(*, access: selectors.SpaceAccess, author, title: str, body: str, upload=None,
                 checked: CheckedUpload | None = None, accept_guidelines: bool = False, announcement: bool = False,
                 pinned: bool = False, session=None, now=None) -> Thread:
    space = access.space
    if not access.can_post:
        raise CommunityError("This space is archived: it keeps its threads but takes no new ones.")
    if (announcement or pinned or session) and not access.can_moderate:
        raise CommunityError("Only facilitators and staff post announcements and session summaries.")
    title, body = title.strip(), body.strip()
    if not title or not body:
        raise CommunityError("A thread needs a title and a first post.")
    now = now or timezone.now()
    with transaction.atomic():
        _accept_guidelines(access, author, accept_guidelines, now)
        with scopes_disabled():
            thread = Thread.objects.create(
                organizer_id=space.organizer_id, space=space, title=title, author=author, last_post_at=now,
                is_announcement=announcement, is_pinned=pinned or announcement, session=session,
            )
        post = Post(organizer_id=space.organizer_id, thread=thread, author=author, body=body, is_opening=True)
        _store_attachment(post, upload, checked)
        _save_with_file(post)
        _mark_read(thread=thread, person=author, at=now)
        refresh_search(thread_ids=[thread.pk])
        _fan_out_after_commit(post)
    return thread


def reply(*, thread: Thread, access: selectors.SpaceAccess, author, body: str, upload=None,
          checked: CheckedUpload | None = None, accept_guidelines: bool = False, now=None) -> Post:
    if not access.can_post:
        raise CommunityError("This space is archived: it takes no new replies.")
    body = body.strip()
    if not body:
        raise CommunityError("Write something before you send your reply.")
    now = now or timezone.now()
    with transaction.atomic():
        with scopes_disabled():
            locked = Thread.objects.select_for_update().filter(pk=thread.pk).values_list("is_locked", flat=True).first()
        if locked and not access.can_moderate:
            raise CommunityError("This thread is locked: facilitators closed it to new replies.")
        _accept_guidelines(access, author, accept_guidelines, now)
        post = Post(organizer_id=thread.organizer_id, thread=thread, author=author, body=body)
        _store_attachment(post, upload, checked)
        _save_with_file(post)
        with scopes_disabled():
            Thread.objects.filter(pk=thread.pk).update(last_post_at=now)
        _mark_read(thread=thread, person=author, at=now)
        refresh_search(thread_ids=[thread.pk])
        _fan_out_after_commit(post)
    return post


def edit_post(*, post: Post, by, body: str, title: str | None = None, now=None) -> Post:
    """The author edits; the post shows "edited". New mentions notify (earlier ones do not again)."""
    if post.author_id != by.id or post.deleted_at:
        raise CommunityError("Only the author can edit this post.")
    body = body.strip()
    if not body:
        raise CommunityError("A post cannot be empty; delete it instead.")
    now = now or timezone.now()
    with transaction.atomic(), scopes_disabled():
        post.body, post.edited_at = body, now
        post.save(update_fields=["body", "edited_at"])
        if title is not None and post.is_opening and title.strip():
            Thread.objects.filter(pk=post.thread_id).update(title=title.strip())
        refresh_search(thread_ids=[post.thread_id])
        _fan_out_after_commit(post)
    return post


def delete_post(*, post: Post, by, now=None) -> None:
    """The author deletes their post: its text and file are gone, a placeholder keeps the conversation readable."""
    if post.author_id != by.id or post.deleted_at:
        raise CommunityError("Only the author can delete this post.")
    with transaction.atomic(), scopes_disabled():
        stored = (post.attachment.storage, post.attachment.name) if post.attachment else None
        post.body, post.deleted_at, post.attachment = "", now or timezone.now(), ""
        post.attachment_name = post.attachment_type = ""
        post.attachment_size = None
        post.save(update_fields=["body", "deleted_at", "attachment", "attachment_name", "attachment_type", "attachment_size"])
        refresh_search(thread_ids=[post.thread_id])
        if stored:
            transaction.on_commit(lambda: stored[0].delete(stored[1]))


def _mark_read(*, thread: Thread, person, at) -> None:
    with scopes_disabled():
        ThreadRead.objects.update_or_create(
            thread_id=thread.pk, person=person, defaults={"organizer_id": thread.organizer_id, "read_at": at}
        )


def mark_read(*, thread: Thread, person, now=None) -> None:
    _mark_read(thread=thread, person=person, at=max(now or timezone.now(), thread.last_post_at))


def refresh_search(*, thread_ids: Iterable[int]) -> None:
    """Title (A) and the text of posts members can see (B), in one UPDATE per thread (PostgreSQL only)."""
    if connection.vendor != "postgresql":
        return
    with scopes_disabled():
        for thread_id in thread_ids:
            bodies = "\n\n".join(
                Post.objects.filter(thread_id=thread_id, is_hidden=False, deleted_at__isnull=True)
                .order_by("created_at", "id").values_list("body", flat=True)
            )
            Thread.objects.filter(pk=thread_id).update(
                search_vector=SearchVector("title", weight="A", config=SEARCH_CONFIG)
                + SearchVector(Value(bodies), weight="B", config=SEARCH_CONFIG)
            )


# --- Moderation ---------------------------------------------------------------------------------------


def _audit(*, space: Space, actor, action: str, thread=None, post=None, detail: str = "") -> None:
    with scopes_disabled():
        ModerationEvent.objects.create(organizer_id=space.organizer_id, space=space, thread=thread, post=post,
                                       actor=actor, action=action, detail=detail[:500])


def report_post(*, post: Post, access: selectors.SpaceAccess, reporter, reason: str) -> Report:
    reason = reason.strip()
    if not reason:
        raise CommunityError("Tell the facilitators what is wrong with this post.")
    if post.author_id == reporter.id:
        raise CommunityError("This is your own post: edit or delete it instead.")
    space = access.space
    with transaction.atomic(), scopes_disabled():
        report, created = Report.objects.get_or_create(
            post=post, reporter=reporter, defaults={"organizer_id": post.organizer_id, "reason": reason})
        if not created:
            raise CommunityError("You have already reported this post; the facilitators will look at it.")
        url = absolute_url(reverse("community:reports", kwargs={"organizer_slug": space.organizer.slug, "space_id": space.pk}))
        for person in _moderators_to_tell(space):
            notify(
                organizer=space.organizer, template="community/reported", recipient=person,
                dedupe_key=f"community:report={report.pk}:user={person.pk}",
                context={"person_name": person.display_name, "space_title": space.title,
                         "thread_title": post.thread.title, "reporter_name": reporter.display_name,
                         "reason": reason, "excerpt": _excerpt(post.body), "url": url},
            )
    return report


def _moderators_to_tell(space: Space) -> list:
    """The space's facilitators; when it has none, the organizer's admins and staff."""
    from django.contrib.auth import get_user_model

    from organizers.models import Membership
    from organizers.roles import STAFF_ROLES

    ids = selectors.moderator_ids(space)
    if not ids:
        with scopes_disabled():
            ids = set(Membership.objects.filter(organizer_id=space.organizer_id, role__in=STAFF_ROLES)
                      .values_list("user_id", flat=True))
    return list(get_user_model().objects.filter(id__in=ids, is_active=True).order_by("id"))


def hide_post(*, post: Post, by, reason: str = "", hidden: bool = True) -> None:
    """Hide a post from members (facilitators and staff still see it), or show it again."""
    thread = post.thread
    space = thread.space
    with transaction.atomic(), scopes_disabled():
        if post.is_opening:
            changed = Thread.objects.filter(pk=thread.pk, is_hidden=not hidden).update(is_hidden=hidden)
            action = A.HIDE_THREAD if hidden else A.SHOW_THREAD
        else:
            changed = Post.objects.filter(pk=post.pk, is_hidden=not hidden).update(is_hidden=hidden)
            action = A.HIDE_POST if hidden else A.SHOW_POST
        if post.is_opening:
            Post.objects.filter(pk=post.pk).update(is_hidden=hidden)
        if not changed:
            return
        post.is_hidden = hidden
        _audit(space=space, actor=by, action=action, thread=thread, post=post, detail=reason)
        now = timezone.now()
        if hidden:
            Report.objects.filter(post=post, resolved_at__isnull=True).update(
                resolved_at=now, resolved_by=by, resolution="Post hidden")
            if post.author_id and post.author_id != by.id:
                author = post.author
                notify(
                    organizer=space.organizer, template="community/post_hidden", recipient=author,
                    dedupe_key=f"community:hidden:post={post.pk}:{now:%Y%m%d%H%M%S}",
                    context={"person_name": author.display_name, "space_title": space.title,
                             "thread_title": thread.title, "reason": reason, "excerpt": _excerpt(post.body),
                             "whole_thread": post.is_opening},
                )
        refresh_search(thread_ids=[thread.pk])


def dismiss_report(*, report: Report, by, space: Space) -> None:
    with transaction.atomic(), scopes_disabled():
        if Report.objects.filter(pk=report.pk, resolved_at__isnull=True).update(
                resolved_at=timezone.now(), resolved_by=by, resolution="Dismissed"):
            _audit(space=space, actor=by, action=A.DISMISS_REPORT, thread=report.post.thread, post=report.post,
                   detail=report.reason)


THREAD_FLAGS = {
    A.LOCK: ("is_locked", True), A.UNLOCK: ("is_locked", False),
    A.PIN: ("is_pinned", True), A.UNPIN: ("is_pinned", False),
    A.ANNOUNCE: ("is_announcement", True), A.UNANNOUNCE: ("is_announcement", False),
}


def moderate_thread(*, thread: Thread, by, action: str, reason: str = "", target: Space | None = None) -> None:
    """Lock, pin, mark as announcement (and undo), hide or move a thread; each leaves an audit entry."""
    space = thread.space
    if action in (A.HIDE_THREAD, A.SHOW_THREAD):
        with scopes_disabled():
            opening = Post.objects.select_related("thread__space", "author").filter(thread=thread, is_opening=True).first()
        if opening is not None:
            opening.thread = thread
            hide_post(post=opening, by=by, reason=reason, hidden=action == A.HIDE_THREAD)
        return
    with transaction.atomic(), scopes_disabled():
        if action == A.MOVE:
            if target is None or target.organizer_id != thread.organizer_id or target.pk == space.pk:
                raise CommunityError("Choose another space of this organizer to move the thread to.")
            Thread.objects.filter(pk=thread.pk).update(space=target)
            _audit(space=space, actor=by, action=A.MOVE, thread=thread, detail=f"To “{target.title}”. {reason}".strip())
            _audit(space=target, actor=by, action=A.MOVE, thread=thread, detail=f"From “{space.title}”. {reason}".strip())
            return
        if action not in THREAD_FLAGS:
            raise CommunityError("Unknown moderation action.")
        field, value = THREAD_FLAGS[action]
        if Thread.objects.filter(pk=thread.pk).exclude(**{field: value}).update(**{field: value}):
            _audit(space=space, actor=by, action=action, thread=thread, detail=reason)


# --- Notifications ------------------------------------------------------------------------------------


def _space_path(space: Space) -> str:
    return reverse("community:space", kwargs={"organizer_slug": space.organizer.slug, "space_id": space.pk})


def _thread_url(thread: Thread, post: Post | None = None) -> str:
    path = reverse("community:thread", kwargs={"organizer_slug": thread.organizer.slug, "thread_id": thread.pk})
    return absolute_url(path + (f"#post-{post.pk}" if post else ""))


def _excerpt(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= EXCERPT_CHARS else text[:EXCERPT_CHARS].rsplit(" ", 1)[0] + " …"


def unsubscribe_token(*, space: Space, person) -> str:
    return opt_out_token(salt=UNSUBSCRIBE_SALT, organizer_id=space.organizer_id, s=space.pk, u=person.pk)


def unsubscribe_url(*, space: Space, person) -> str:
    return absolute_url(reverse("community:unsubscribe", kwargs={
        "organizer_slug": space.organizer.slug, "token": unsubscribe_token(space=space, person=person)}))


def read_unsubscribe_token(token: str, *, organizer_id: int) -> tuple[int, int] | None:
    """(space id, user id) from a valid token of this organizer; None for a forged or foreign one.
    Raises ExpiredLink for a genuine token older than UNSUBSCRIBE_MAX_AGE."""
    data = read_opt_out_token(token, salt=UNSUBSCRIBE_SALT, organizer_id=organizer_id, max_age=UNSUBSCRIBE_MAX_AGE)
    return (data.get("s"), data.get("u")) if data else None


def _optional(space: Space, person) -> dict:
    url = unsubscribe_url(space=space, person=person)
    # list_unsubscribe: notifications.services.deliver adds the RFC 8058 headers.
    return {"unsubscribe_url": url, "list_unsubscribe": url, "space_title": space.title,
            "settings_url": absolute_url(reverse("community:settings", kwargs={
                "organizer_slug": space.organizer.slug, "space_id": space.pk}))}


def mentioned_ids(body: str, people) -> set[int]:
    """People named as @Their Name (as the directory shows it) in the text."""
    if "@" not in body:
        return set()
    found = set()
    for person in people:
        name = person.display_name.strip()
        if name and re.search(rf"(?<![\w@])@{re.escape(name)}(?!\w)", body, flags=re.IGNORECASE):
            found.add(person.pk)
    return found


def _fan_out_after_commit(post: Post) -> None:
    from .tasks import fan_out_post

    post_id, organizer_id = post.pk, post.organizer_id
    transaction.on_commit(lambda: fan_out_post.delay(post_id, organizer_id))


def fan_out_post(*, post_id: int) -> int:
    """Email the people who asked to hear about this post; returns how many were queued.

    Every post: members choosing "every post". Replies to my threads: the thread's author,
    and announcements: everyone (unless they chose the digest or nothing). Mentions:
    whoever is named, unless they chose nothing. One email per person and post (dedupe key), even when the post is
    edited or the task runs twice.
    """
    with scopes_disabled():
        post = Post.objects.select_related("thread__space__organizer", "author").filter(pk=post_id).first()
    if post is None or post.is_hidden or post.deleted_at or post.thread.is_hidden:
        return 0
    thread, space = post.thread, post.thread.space
    people = list(selectors.people_of(space))
    by_id = {p.pk: p for p in people}
    if thread.author_id and thread.author_id not in by_id and thread.author is not None:
        if selectors.access_to(space_id=space.pk, organizer=space.organizer, user=thread.author) is not None:
            by_id[thread.author_id] = thread.author
    mentioned = mentioned_ids(post.body, by_id.values())
    chosen = selectors.settings_of(space, by_id)
    queued = 0
    author_name = post.author.display_name if post.author else "Someone"
    with transaction.atomic():
        for person_id, person in by_id.items():
            if person_id == post.author_id:
                continue
            level = chosen[person_id].notify if person_id in chosen else N.REPLIES_AND_MENTIONS
            reply_to_mine = not post.is_opening and thread.author_id == person_id
            if person_id in mentioned and level != N.NOTHING:
                reason = "mention"
            elif reply_to_mine and level in (N.EVERY_POST, N.REPLIES_AND_MENTIONS):
                reason = "reply"
            elif post.is_opening and thread.is_announcement and level in (N.EVERY_POST, N.REPLIES_AND_MENTIONS):
                reason = "announcement"
            elif level == N.EVERY_POST and not post.edited_at:
                reason = "every_post"
            else:
                continue
            _, created = notify(
                organizer=space.organizer, template="community/new_post", recipient=person, essential=False,
                dedupe_key=f"community:post={post.pk}:user={person_id}",
                context={"person_name": person.display_name, "author_name": author_name, "reason": reason,
                         "thread_title": thread.title, "is_opening": post.is_opening,
                         "excerpt": _excerpt(post.body), "url": _thread_url(thread, post), **_optional(space, person)},
            )
            queued += created
    return queued


# --- Daily digest ------------------------------------------------------------------------------------


def digest_day(organizer, now=None) -> dt.date:
    """The day a digest sent now covers: yesterday in the organizer's time zone."""
    now = now or timezone.now()
    return timezone.localtime(now, organizer.time_zone).date() - dt.timedelta(days=1)


def due_digests(*, now=None) -> list[tuple[int, str]]:
    """(organizer id, day) for organizers with digest readers whose digest for yesterday has not gone."""
    from organizers.models import Organizer

    with scopes_disabled():
        organizer_ids = set(SpaceMember.objects.filter(notify=N.DAILY_DIGEST).values_list("organizer_id", flat=True))
        due = []
        for organizer in Organizer.objects.filter(id__in=organizer_ids):
            day = digest_day(organizer, now)
            if not DigestRound.objects.filter(organizer=organizer, day=day).exists():
                due.append((organizer.pk, day.isoformat()))
    return due


def send_digest(*, organizer_id: int, day: dt.date) -> int:
    """One organizer's digests for `day` (its local day); returns how many were queued, 0 when already sent.

    The round row and the outbox rows commit together; a second run (a redelivered task,
    a second sweep) finds the round, and each message has its dedupe key besides.
    """
    from organizers.models import Organizer

    with transaction.atomic(), scopes_disabled():
        organizer = Organizer.objects.get(pk=organizer_id)
        round_, created = DigestRound.objects.get_or_create(organizer=organizer, day=day)
        if not created:
            return 0
        tz = organizer.time_zone
        start = timezone.make_aware(dt.datetime.combine(day, dt.time.min), tz)
        end = start + dt.timedelta(days=1)
        readers = defaultdict(list)
        for row in SpaceMember.objects.filter(organizer=organizer, notify=N.DAILY_DIGEST).select_related("space", "person"):
            readers[row.person].append(row.space)
        queued = 0
        for person, spaces in sorted(readers.items(), key=lambda item: item[0].pk):
            sections = _digest_sections(organizer, person, spaces, start, end)
            if not sections:
                continue
            first_space = sections[0]["space"]
            _, made = notify(
                organizer=organizer, template="community/digest", recipient=person, essential=False,
                dedupe_key=f"community:digest:day={day.isoformat()}:user={person.pk}",
                context={"person_name": person.display_name, "day": day.strftime("%A %-d %B %Y"),
                         "sections": [{k: v for k, v in s.items() if k != "space"} for s in sections],
                         **_optional(first_space, person)},
            )
            queued += made
        round_.recipients = queued
        round_.save(update_fields=["recipients"])
    return queued


def _digest_sections(organizer, person, spaces, start, end) -> list[dict]:
    sections = []
    for space in sorted(spaces, key=lambda s: s.title):
        access = selectors.access_to(space_id=space.pk, organizer=organizer, user=person)
        if access is None:
            continue  # no longer a member (e.g. cancelled): nothing from this space
        posts = list(
            Post.objects.filter(thread__space=space, created_at__gte=start, created_at__lt=end, deleted_at__isnull=True)
            .exclude(author=person).filter(**({} if access.can_moderate else {"is_hidden": False, "thread__is_hidden": False}))
            .select_related("thread", "author").order_by("thread__title", "created_at")
        )
        if not posts:
            continue
        lines = [{"thread_title": p.thread.title, "author_name": p.author.display_name if p.author else "Someone",
                  "is_opening": p.is_opening, "excerpt": _excerpt(p.body)[:200], "url": _thread_url(p.thread, p)}
                 for p in posts]
        sections.append({"space": space, "space_title": space.title, "posts": lines,
                         "unsubscribe_url": unsubscribe_url(space=space, person=person)})
    return sections


# --- Session summaries -------------------------------------------------------------------------------


def post_session_summary(*, access: selectors.SpaceAccess, author, session, body: str, now=None) -> Thread:
    """A facilitator posts a session's summary into the space as a pinned thread."""
    return start_thread(access=access, author=author, title=f"Session summary: {session.title}", body=body,
                        session=session, pinned=True, accept_guidelines=True, now=now)
