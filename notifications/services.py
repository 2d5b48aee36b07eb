"""The one way Praxis sends email: `notify()` writes an outbox row, a task sends it."""

import base64
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.template.loader import TemplateDoesNotExist, render_to_string
from django.utils import timezone

from .models import OutboundMessage

# A message claimed by a worker that died is handed out again after this long.
CLAIM_EXPIRES_AFTER = timedelta(minutes=10)
MAX_ATTEMPTS = 5


def notify(
    *,
    organizer,
    template: str,
    dedupe_key: str,
    recipient=None,
    to_email: str | None = None,
    context: dict[str, Any] | None = None,
    essential: bool = True,
    attachments: list[dict[str, str]] | None = None,
) -> tuple[OutboundMessage, bool]:
    """Queue one message. Returns (message, created); an existing key is left alone.

    `attachments`: [{filename, content, mimetype}], plus `"encoding": "base64"` when
    `content` is a binary file in base64 (the outbox row stores JSON).

    Call it inside the transaction that makes the message true (the seat is taken,
    the offer is made): the row commits or rolls back with it, and the send is
    enqueued only after commit.
    """
    email = to_email or (recipient.email if recipient is not None else None)
    if not email:
        raise ValueError("A message needs a recipient or an email address.")
    _check_links(context or {})
    # Explicit organizer filter: works inside the caller's scope and in tasks or commands alike.
    outbox = OutboundMessage.objects.with_scope(organizer=organizer.id)
    existing = outbox.filter(dedupe_key=dedupe_key).first()
    if existing is not None:
        return existing, False
    status = _first_status(recipient, essential)
    try:
        with transaction.atomic():  # a savepoint, so a lost race leaves the caller's transaction usable
            message = outbox.create(
                organizer=organizer,
                recipient=recipient,
                to_email=email,
                template=template,
                context=context or {},
                attachments=attachments or [],
                dedupe_key=dedupe_key,
                essential=essential,
                status=status,
            )
    except IntegrityError:
        return outbox.get(dedupe_key=dedupe_key), False
    if status == OutboundMessage.Status.PENDING:
        enqueue_send(message)
    return message, True


@dataclass(frozen=True)
class Notice:
    """One message of a ``notify_many`` call: ``notify``'s per-message arguments."""

    recipient: Any
    dedupe_key: str
    context: dict[str, Any]


def notify_many(*, organizer, template: str, notices: list[Notice], essential: bool = True) -> int:
    """``notify()`` for many recipients of one template at once; returns how many were queued.

    The same outbox rows, keys and sends as calling ``notify()`` for each, in a few
    queries per thousand instead of four per message: existing keys are read in one
    query and the new rows inserted together (a reminder round to 10,000 people).
    Should another transaction insert one of the keys meanwhile, the insert is undone
    (a savepoint) and every notice goes through ``notify()`` one by one.
    """
    outbox = OutboundMessage.objects.with_scope(organizer=organizer.id)
    created = 0
    for start in range(0, len(notices), 1000):
        chunk = notices[start:start + 1000]
        for notice in chunk:
            if notice.recipient is None or not notice.recipient.email:
                raise ValueError("A message needs a recipient or an email address.")
            _check_links(notice.context)
        existing = set(outbox.filter(dedupe_key__in=[n.dedupe_key for n in chunk]).values_list("dedupe_key", flat=True))
        fresh: dict[str, OutboundMessage] = {}
        for notice in chunk:
            if notice.dedupe_key in existing or notice.dedupe_key in fresh:
                continue
            fresh[notice.dedupe_key] = OutboundMessage(
                organizer=organizer, recipient=notice.recipient, to_email=notice.recipient.email, template=template,
                context=notice.context, attachments=[], dedupe_key=notice.dedupe_key, essential=essential,
                status=_first_status(notice.recipient, essential),
            )
        try:
            with transaction.atomic():
                rows = outbox.bulk_create(list(fresh.values()))
        except IntegrityError:  # a key appeared meanwhile: one by one, as notify() decides
            created += sum(
                notify(organizer=organizer, template=template, recipient=n.recipient, dedupe_key=n.dedupe_key,
                       context=n.context, essential=essential)[1]
                for n in chunk if n.dedupe_key in fresh
            )
            continue
        for message in rows:
            if message.status == OutboundMessage.Status.PENDING:
                enqueue_send(message)
        created += len(rows)
    return created


def _first_status(recipient, essential: bool) -> str:
    """Pending, or suppressed for someone who opted out of optional messages (kept, never sent)."""
    if recipient is not None and recipient.opted_out_of_optional_messages and not essential:
        return OutboundMessage.Status.SUPPRESSED
    return OutboundMessage.Status.PENDING


def _check_links(context: dict[str, Any]) -> None:
    """Links in an email must work from a mail client: absolute (see core.urls.absolute_url)."""
    for key, value in context.items():
        if (key == "url" or key.endswith("_url")) and value and not urlsplit(str(value)).scheme:
            raise ValueError(f"The link {key}={value!r} is relative; build it with core.urls.absolute_url().")


_batching = threading.local()
BATCH_SIZE = 200  # messages per batch task (one SMTP connection each)


def enqueue_send(message: OutboundMessage) -> None:
    from .tasks import send_outbound_message

    message_id, organizer_id = message.id, message.organizer_id
    pending = getattr(_batching, "ids", None)
    if pending is not None:
        pending.setdefault(organizer_id, []).append(message_id)
        return
    transaction.on_commit(lambda: send_outbound_message.delay(message_id, organizer_id))


@contextmanager
def batched_sends():
    """Inside, ``notify()`` collects its sends; on commit they go out as batch tasks of
    BATCH_SIZE messages, each sent over one SMTP connection (a reminder round to
    10,000 people is 50 tasks, not 10,000). Claiming stays per message, so a batch
    and a single send (or the sweep) never both send one message."""
    from .tasks import send_outbound_batch

    outer = getattr(_batching, "ids", None)
    if outer is not None:  # nested: the outer block sends
        yield
        return
    _batching.ids = collected = {}
    try:
        yield
    finally:
        _batching.ids = None
    for organizer_id, ids in collected.items():
        for start in range(0, len(ids), BATCH_SIZE):
            chunk = ids[start:start + BATCH_SIZE]
            transaction.on_commit(lambda chunk=chunk, organizer_id=organizer_id:
                                  send_outbound_batch.delay(chunk, organizer_id))


def claim(message_id: int) -> OutboundMessage | None:
    """Atomically take a message for sending; None when someone else has it or it is done.

    One UPDATE decides, so two workers holding the same task cannot both win.
    """
    now = timezone.now()
    claimable = Q(status__in=[OutboundMessage.Status.PENDING, OutboundMessage.Status.FAILED]) | Q(
        status=OutboundMessage.Status.SENDING, claimed_at__lt=now - CLAIM_EXPIRES_AFTER
    )
    won = (
        OutboundMessage.objects.filter(claimable, id=message_id, attempts__lt=MAX_ATTEMPTS)
        .update(status=OutboundMessage.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    )
    return OutboundMessage.objects.get(id=message_id) if won else None


def claim_batch(message_ids: list[int]) -> list[OutboundMessage]:
    """Take the claimable ones of ``message_ids`` for sending, in one short transaction
    (rows another worker is claiming are skipped, not waited for)."""
    now = timezone.now()
    claimable = Q(status__in=[OutboundMessage.Status.PENDING, OutboundMessage.Status.FAILED]) | Q(
        status=OutboundMessage.Status.SENDING, claimed_at__lt=now - CLAIM_EXPIRES_AFTER
    )
    with transaction.atomic():
        ids = list(
            OutboundMessage.objects.filter(claimable, id__in=message_ids, attempts__lt=MAX_ATTEMPTS)
            .select_for_update(skip_locked=True).values_list("id", flat=True)
        )
        OutboundMessage.objects.filter(id__in=ids).update(
            status=OutboundMessage.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    return list(OutboundMessage.objects.filter(id__in=ids).select_related("organizer").order_by("id"))


SENT_MARKED_EVERY = 25  # sent messages recorded per UPDATE in a batch


def deliver_batch(messages: list[OutboundMessage]) -> int:
    """Send claimed messages over one connection. A failure is recorded on its row at
    once (the sweep retries it); sent messages are recorded together, at most
    SENT_MARKED_EVERY in one UPDATE, so a worker dying mid-batch leaves at most that
    many sent but still marked sending (handed out again once the claim expires: at
    least once, as with a single send). Returns how many failed."""
    failed = 0
    sent: list[OutboundMessage] = []
    try:
        with get_connection() as connection:
            for message in messages:
                try:
                    message.subject = deliver(message, connection=connection, record=False)
                except Exception:  # recorded on the row by deliver()
                    failed += 1
                    continue
                sent.append(message)
                if len(sent) >= SENT_MARKED_EVERY:
                    _record_sent(sent)
                    sent = []
    finally:
        _record_sent(sent)
    return failed


def _record_sent(messages: list[OutboundMessage]) -> None:
    if not messages:
        return
    now = timezone.now()
    by_subject: dict[str, list[int]] = {}
    for message in messages:
        message.status, message.sent_at, message.error = OutboundMessage.Status.SENT, now, ""
        by_subject.setdefault(message.subject, []).append(message.id)
    # One UPDATE per distinct subject (a reminder round's share one or a few).
    for subject, ids in by_subject.items():
        OutboundMessage.objects.filter(id__in=ids).update(
            status=OutboundMessage.Status.SENT, sent_at=now, subject=subject, error="")


def deliver(message: OutboundMessage, *, connection=None, record: bool = True) -> str:
    """Render and send a claimed message, then record the outcome (a failure always;
    success unless ``record=False``, when the caller records it). Returns the subject."""
    try:
        subject, text, html = render_message(message)
        email = EmailMultiAlternatives(
            subject, text, settings.DEFAULT_FROM_EMAIL, [message.to_email], headers=list_unsubscribe_headers(message),
            connection=connection,
        )
        if html:
            email.attach_alternative(html, "text/html")
        for attachment in message.attachments:
            email.attach(attachment["filename"], attachment_content(attachment), attachment.get("mimetype", "text/plain"))
        email.send()
    except Exception as exc:  # recorded on the row; the task decides about retrying
        OutboundMessage.objects.filter(id=message.id).update(
            status=OutboundMessage.Status.FAILED, error=f"{type(exc).__name__}: {exc}"[:2000]
        )
        raise
    if record:
        OutboundMessage.objects.filter(id=message.id).update(
            status=OutboundMessage.Status.SENT, sent_at=timezone.now(), subject=subject[:255], error=""
        )
    return subject[:255]


def attachment_content(attachment: dict[str, str]) -> str | bytes:
    """Text as stored; binary files (a PDF) are stored in base64 with `"encoding": "base64"`."""
    if attachment.get("encoding") == "base64":
        return base64.b64decode(attachment["content"])
    return attachment["content"]


def list_unsubscribe_headers(message: OutboundMessage) -> dict[str, str]:
    """RFC 8058 one-click unsubscribe for optional messages whose context names the link
    (`list_unsubscribe`): mail clients POST `List-Unsubscribe=One-Click` to it."""
    url = message.context.get("list_unsubscribe") if not message.essential else None
    if not url:
        return {}
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def render_message(message: OutboundMessage) -> tuple[str, str, str | None]:
    context = {**message.context, "organizer_name": message.organizer.name, "message": message}
    base = f"notifications/email/{message.template}"
    subject = " ".join(render_to_string(f"{base}.subject.txt", context).split())
    text = render_to_string(f"{base}.txt", context)
    try:
        html = render_to_string(f"{base}.html", context)
    except TemplateDoesNotExist:
        html = None
    return subject, text, html


def due_for_sending(*, older_than: timedelta = timedelta(minutes=1)):
    """Messages whose send was never enqueued (broker down at commit) or whose worker died."""
    now = timezone.now()
    return OutboundMessage.objects.filter(
        Q(status=OutboundMessage.Status.PENDING, created_at__lt=now - older_than)
        | Q(status=OutboundMessage.Status.SENDING, claimed_at__lt=now - CLAIM_EXPIRES_AFTER)
        | Q(status=OutboundMessage.Status.FAILED),
        attempts__lt=MAX_ATTEMPTS,
    ).values_list("id", "organizer_id")
