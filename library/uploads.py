"""Safe uploads: size limit, type by content, safe names.

The type is decided by the file's bytes (the `filetype` package), never by its name
alone: a Windows program renamed `handout.pdf` is refused. Plain text is accepted
only when the whole file is valid UTF-8 without control characters.
"""

import re
import unicodedata
import uuid
from dataclasses import dataclass
from pathlib import PurePosixPath
from urllib.parse import unquote

import filetype
from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import FileResponse, Http404

DEFAULT_MAX_UPLOAD_BYTES = 20 * 1024 * 1024

# Detected by content: extension -> content type served on download.
BINARY_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "png": "image/png",
    "jpg": "image/jpeg",
    "gif": "image/gif",
    "webp": "image/webp",
}
# No signature of their own; accepted by name when the content is strict text.
TEXT_TYPES = {"txt": "text/plain", "csv": "text/csv", "md": "text/markdown"}

ACCEPTED = "PDF, Word (.docx), Excel (.xlsx), PowerPoint (.pptx), images (.png, .jpg, .gif, .webp) and plain text (.txt, .csv, .md)"
FRIENDLY = {"exe": "a Windows program", "elf": "a Linux program", "zip": "a zip archive", "doc": "an old Word file (.doc)"}
_TEXT_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_UNSAFE_NAME_CHARS = re.compile(r"[^\w\-. ()]+")


class UploadRefused(Exception):
    """A message for the person who uploaded, saying what to do instead."""


@dataclass(frozen=True)
class CheckedUpload:
    filename: str  # sanitized, with the extension of the detected type
    extension: str
    content_type: str
    size: int


def max_upload_bytes() -> int:
    return getattr(settings, "LIBRARY_MAX_UPLOAD_BYTES", DEFAULT_MAX_UPLOAD_BYTES)


def megabytes(size: int) -> str:
    """A size for people: "20 MB", "1.5 MB", "98 KB"."""
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} KB"
    return f"{size / (1024 * 1024):.1f}".removesuffix(".0") + " MB"


def too_large_message(size: int | None = None) -> str:
    limit = megabytes(max_upload_bytes())
    if size is None:
        return f"This file is larger than {limit}, the most the library accepts. Upload a smaller file or share a link."
    return f"This file is {megabytes(size)}; the library accepts files up to {limit}. Upload a smaller file or share a link."


def check_upload(upload) -> CheckedUpload:
    """Accept an uploaded file or raise UploadRefused with a message for the page."""
    name = safe_filename(upload.name or "")
    size = upload.size
    if size is None or size > max_upload_bytes():
        raise UploadRefused(too_large_message(size))
    if size == 0:
        raise UploadRefused("This file is empty.")
    upload.seek(0)
    head = upload.read(8192)
    kind = filetype.guess(head)
    if kind is not None:
        if kind.extension not in BINARY_TYPES:
            what = FRIENDLY.get(kind.extension, f"a .{kind.extension} file")
            raise UploadRefused(f"“{name}” is {what}, whatever its name says. The library accepts {ACCEPTED}.")
        extension = kind.extension
        content_type = BINARY_TYPES[extension]
    else:
        extension = PurePosixPath(name).suffix.lower().lstrip(".")
        if extension not in TEXT_TYPES:
            if extension in BINARY_TYPES:
                raise UploadRefused(f"“{name}” is not a real .{extension} file: its content does not match. The library accepts {ACCEPTED}.")
            raise UploadRefused(f"“{name}” is not a file type the library accepts. The library accepts {ACCEPTED}.")
        if not _is_strict_text(upload):
            raise UploadRefused(f"“{name}” is not plain text (it holds binary data). The library accepts {ACCEPTED}.")
        content_type = TEXT_TYPES[extension]
    upload.seek(0)
    stem = PurePosixPath(name).stem or "resource"
    return CheckedUpload(filename=f"{stem}.{extension}", extension=extension, content_type=content_type, size=size)


def _is_strict_text(upload) -> bool:
    upload.seek(0)
    data = upload.read()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    return not _TEXT_CONTROL.search(text)


def safe_filename(raw: str) -> str:
    """The name a download is offered under: no folders, no control or odd characters.

    Django's upload parser already drops folder parts ("../../etc/passwd" arrives as
    "passwd"); a name that still looks like a path (encoded separators, dot-only
    names) is refused rather than guessed at.
    """
    decoded = unquote(unquote(raw))
    if any(sep in decoded for sep in ("/", "\\")) or decoded.strip().strip(".") == "" or decoded.startswith(".."):
        raise UploadRefused(
            f"The file name “{_printable(raw)}” looks like a folder path, not a file name. "
            "Rename the file (letters, digits, spaces, dots and dashes) and upload it again."
        )
    name = unicodedata.normalize("NFKC", decoded)
    name = "".join(ch for ch in name if ch.isprintable())
    name = _UNSAFE_NAME_CHARS.sub("_", name).strip(" ._")
    stem, suffix = PurePosixPath(name).stem, PurePosixPath(name).suffix
    return (stem[:100] or "resource") + suffix[:10]


def _printable(raw: str) -> str:
    return "".join(ch for ch in raw if ch.isprintable())[:120]


class UploadSizeLimitHandler(FileUploadHandler):
    """Stops reading an upload as soon as it passes the limit, so nothing large is kept.

    Install first in `request.upload_handlers` before the body is read; the view then
    finds `request.library_upload_refused` set and shows the message.
    """

    def __init__(self, request=None):
        super().__init__(request)
        self.limit = max_upload_bytes()
        self.received = 0

    def new_file(self, *args, **kwargs):
        self.received = 0
        return super().new_file(*args, **kwargs)

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            self.request.library_upload_refused = too_large_message()
            raise SkipFile
        return raw_data

    def file_complete(self, file_size):
        return None


def private_storage_name(prefix: str, organizer_id: int, filename: str) -> str:
    """A random storage name under a private prefix: the person's file name never reaches
    the storage path; only a plausible extension is kept."""
    suffix = PurePosixPath(filename).suffix.lower()
    extension = suffix if suffix[1:].isalnum() and len(suffix) <= 6 else ""
    return f"{prefix}/{organizer_id}/{uuid.uuid4().hex}{extension}"


def check_form_upload(form, upload, *, refused: str | None, field: str = "upload") -> CheckedUpload | None:
    """For a form's clean(): the streaming limit's refusal or the checks above, as an error on `field`."""
    if refused:
        form.add_error(field, refused)
        return None
    if not upload:
        return None
    try:
        return check_upload(upload)
    except UploadRefused as problem:
        form.add_error(field, str(problem))
        return None


def private_file_response(file, *, filename: str, content_type: str) -> FileResponse:
    """Stream a stored private file as a download that browsers will not sniff or cache."""
    try:
        handle = file.storage.open(file.name, "rb")
    except FileNotFoundError:
        raise Http404("The file is missing.")
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type or "application/octet-stream")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
