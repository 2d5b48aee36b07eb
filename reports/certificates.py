"""Certificates of completion: issue, revoke, and the PDF (fpdf2).

A certificate exists only for a completed enrollment. Its code (12 characters from
an alphabet without look-alikes, e.g. "K7QM-4XPD-9TRW") is the credential of the
public verification page.
"""

from __future__ import annotations

import datetime as dt
import secrets
import unicodedata
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from fpdf import FPDF

from cohorts.models import Enrollment
from sessions_app.models import Attendance

from .models import Certificate
from .selectors import counted_sessions

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


class CertificateError(Exception):
    pass


def new_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def normalize_code(typed: str) -> str:
    raw = "".join(c for c in typed.upper() if c in CODE_ALPHABET)
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}" if len(raw) == 12 else ""


def issue_certificate(*, enrollment: Enrollment, now: dt.datetime | None = None) -> Certificate:
    """The enrollment's certificate, issued now if it has none yet."""
    if enrollment.status != Enrollment.Status.COMPLETED:
        raise CertificateError("A certificate is issued once the cohort is completed.")
    existing = Certificate.objects.filter(enrollment=enrollment).first()
    if existing is not None:
        return existing
    for _ in range(5):
        try:
            with transaction.atomic():
                return Certificate.objects.create(
                    organizer_id=enrollment.organizer_id, enrollment=enrollment, code=new_code(),
                    issued_at=now or timezone.now(),
                )
        except IntegrityError:  # a concurrent first download, or (rarely) a code already used
            existing = Certificate.objects.filter(enrollment=enrollment).first()
            if existing is not None:
                return existing
    raise CertificateError("Could not issue the certificate; please try again.")


def revoke_certificate(*, certificate: Certificate, reason: str = "", now: dt.datetime | None = None) -> Certificate:
    if certificate.revoked_at is None:
        certificate.revoked_at = now or timezone.now()
        certificate.revoked_reason = reason[:300]
        certificate.save(update_fields=["revoked_at", "revoked_reason"])
    return certificate


@dataclass
class Participation:
    sessions: int
    hours: float
    modules: list[str]


def participation(enrollment: Enrollment) -> Participation:
    """Held main sessions the person attended (present or late), their hours and modules."""
    attended = counted_sessions([enrollment.cohort_id], now=timezone.now()).filter(
        attendances__person_id=enrollment.person_id, attendances__status__in=Attendance.ATTENDED,
    ).select_related("module").order_by("starts_at")
    sessions = list(attended)
    seconds = sum((s.ends_at - s.starts_at).total_seconds() for s in sessions)
    modules = []
    for session in sessions:
        if session.module and session.module.title not in modules:
            modules.append(session.module.title)
    return Participation(sessions=len(sessions), hours=round(seconds / 3600, 1), modules=modules)


def _latin(text: str) -> str:
    """The PDF's core fonts cover Latin-1: accents are kept where they can be, dropped where not."""
    try:
        text.encode("latin-1")
        return text
    except UnicodeEncodeError:
        kept = "".join(c if ord(c) < 256 else unicodedata.normalize("NFKD", c)[0] for c in text)
        return kept.encode("latin-1", "replace").decode("latin-1")


def certificate_pdf(certificate: Certificate, *, verify_url: str) -> bytes:
    enrollment = certificate.enrollment
    cohort, program, organizer = enrollment.cohort, enrollment.cohort.program, enrollment.organizer
    done = participation(enrollment)
    completed_on = timezone.localtime(enrollment.completed_at or certificate.issued_at, organizer.time_zone).date()

    pdf = FPDF(orientation="landscape", format="A4")
    pdf.set_title(f"Certificate of completion: {program.title}")
    pdf.set_author(organizer.name)
    pdf.set_margins(25, 20, 25)
    pdf.add_page()
    pdf.set_line_width(1.2)
    pdf.rect(10, 10, pdf.w - 20, pdf.h - 20)

    def line(text: str, size: int, style: str = "", gap: float = 4) -> None:
        pdf.set_font("Helvetica", style, size)
        pdf.multi_cell(0, size * 0.5, _latin(text), align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(gap)

    pdf.ln(6)
    line(organizer.name, 14)
    line("Certificate of completion", 28, "B", 8)
    line("This certifies that", 12)
    line(enrollment.person.display_name, 24, "B", 6)
    line("completed", 12)
    line(program.title, 18, "B")
    line(cohort.title, 13)
    dates = " to ".join(d.strftime("%-d %B %Y") for d in (cohort.starts_on, cohort.ends_on) if d)
    if dates:
        line(dates, 12)
    attended = f"{done.sessions} session{'s' if done.sessions != 1 else ''} attended ({done.hours:g} hours)"
    if done.modules:
        attended += ". Modules: " + ", ".join(done.modules)
    line(attended, 11, gap=10)

    y = pdf.get_y() + 6
    pdf.line(pdf.w / 2 - 55, y, pdf.w / 2 + 55, y)
    pdf.set_y(y + 2)
    line(f"For {organizer.name}" + (f", {organizer.contact_name}" if organizer.contact_name else ""), 10, gap=2)
    line(f"Completed on {completed_on:%-d %B %Y}", 10, gap=6)
    line(f"Verification code {certificate.code}. Check it at {verify_url}", 9, gap=0)
    return bytes(pdf.output())
