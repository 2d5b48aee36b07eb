"""Uploads are refused with a clear message and leave nothing behind when they are too
large, disguised or named like a path; accepted files get random storage names and are
downloaded as attachments under a safe name."""

import io
import zipfile

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from django_scopes import scopes_disabled

from library.models import Resource
from library.uploads import UploadRefused, safe_filename
from tests.factories import EnrollmentFactory

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200 + b"This program cannot be run in DOS mode."


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("_rels/.rels", "<Relationships/>")
        z.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def all_stored_files(path="") -> set[str]:
    try:
        dirs, files = default_storage.listdir(path)
    except FileNotFoundError:
        return set()
    found = {f"{path}/{f}".lstrip("/") for f in files}
    for d in dirs:
        found |= all_stored_files(f"{path}/{d}".lstrip("/"))
    return found


@pytest.fixture
def participant(organizer):
    return EnrollmentFactory(cohort__program__organizer=organizer).person


@pytest.fixture
def propose_url(organizer):
    return reverse("library:propose", kwargs={"organizer_slug": organizer.slug})


def multipart(fields: dict, *, filename: str, content: bytes, boundary="praxisBoundary7MA4YWxk") -> tuple[bytes, str]:
    """A form body with the file name exactly as given (the test client would strip folders)."""
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="upload"; filename="{filename}"\r\n'
        f"Content-Type: application/octet-stream\r\n\r\n".encode() + content + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


FIELDS = {"title": "Session 2 handout", "kind": "document", "language": "en", "summary": "", "body": "", "url": "", "author": ""}


def propose(client, url, *, filename, content):
    body, content_type = multipart(FIELDS, filename=filename, content=content)
    return client.generic("POST", url, body, content_type=content_type)


def assert_refused_and_nothing_stored(response, message: str, organizer, before: set[str]):
    assert response.status_code == 400
    page = response.content.decode()
    assert "Your proposal was not saved" in page
    assert message in page, page[page.find("invalid-feedback") - 200 : page.find("invalid-feedback") + 600]
    with scopes_disabled():
        assert not Resource.objects.filter(organizer=organizer).exists()
    assert all_stored_files() == before


def test_oversized_file_is_refused(participant, organizer, propose_url, client_for, settings):
    settings.LIBRARY_MAX_UPLOAD_BYTES = 100_000
    before = all_stored_files()
    response = propose(client_for(participant), propose_url, filename="annual-report.pdf", content=PDF + b"0" * 150_000)
    assert_refused_and_nothing_stored(response, "larger than 98 KB, the most the library accepts", organizer, before)


@pytest.mark.parametrize(
    ("filename", "content", "message"),
    [
        ("big.pdf", PDF + b"0" * 2_000, "This file is 2 KB; the library accepts files up to 1 KB"),
        ("handout.pdf", EXE, "“handout.pdf” is a Windows program, whatever its name says"),
    ],
)
def test_admin_upload_is_checked_too(organizer, staff_user, client_for, settings, filename, content, message):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.LIBRARY_MAX_UPLOAD_BYTES = 1_024
    before = all_stored_files()
    response = client_for(staff_user).post(reverse("admin:library_resource_add"), {
        "organizer": organizer.pk, "title": "Handout", "kind": "document", "language": "en",
        "audience": "enrolled", "status": "published", "file": SimpleUploadedFile(filename, content),
    })
    assert response.status_code == 200
    assert message in response.content.decode()
    with scopes_disabled():
        assert not Resource.objects.filter(organizer=organizer).exists()
    assert all_stored_files() == before


def test_disguised_executable_is_refused(participant, organizer, propose_url, client_for):
    before = all_stored_files()
    response = propose(client_for(participant), propose_url, filename="handout.pdf", content=EXE)
    assert_refused_and_nothing_stored(response, "“handout.pdf” is a Windows program, whatever its name says", organizer, before)


def test_path_traversal_name_is_refused(participant, organizer, propose_url, client_for):
    # Django's parser keeps only "passwd": no extension, so no accepted type.
    before = all_stored_files()
    response = propose(client_for(participant), propose_url, filename="../../etc/passwd", content=b"root:x:0:0:root:/root:/bin/bash\n")
    assert_refused_and_nothing_stored(response, "“passwd” is not a file type the library accepts", organizer, before)
    assert not any("passwd" in name or "etc" in name for name in all_stored_files())


def test_encoded_path_traversal_name_is_refused(participant, organizer, propose_url, client_for):
    before = all_stored_files()
    response = propose(client_for(participant), propose_url, filename="..%2F..%2Fetc%2Fnotes.txt", content=b"hello\n")
    assert_refused_and_nothing_stored(response, "looks like a folder path, not a file name", organizer, before)


def test_binary_content_named_as_text_is_refused(participant, organizer, propose_url, client_for):
    before = all_stored_files()
    response = propose(client_for(participant), propose_url, filename="data.csv", content=b"a,b\n\x00\x01\x02\xff\xfe")
    assert_refused_and_nothing_stored(response, "is not plain text", organizer, before)


def test_fake_pdf_is_refused(participant, organizer, propose_url, client_for):
    before = all_stored_files()
    response = propose(client_for(participant), propose_url, filename="slides.pdf", content=b"just some words\n")
    assert_refused_and_nothing_stored(response, "is not a real .pdf file", organizer, before)


@pytest.mark.parametrize(
    ("filename", "content", "download_name", "content_type"),
    [
        ("Race & Power handout.pdf", PDF, "Race _ Power handout.pdf", "application/pdf"),
        ("../../etc/workplan.docx", docx_bytes(), "workplan.docx",
         "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("agenda.md", "# Agenda\n\n- Welcome — introductions\n".encode(), "agenda.md", "text/markdown"),
        ("really-a-pdf.docx", PDF, "really-a-pdf.pdf", "application/pdf"),
    ],
)
def test_accepted_file_gets_a_random_name_and_safe_download(
    participant, organizer, propose_url, client_for, staff_user, filename, content, download_name, content_type
):
    response = propose(client_for(participant), propose_url, filename=filename, content=content)
    assert response.status_code == 302
    with scopes_disabled():
        resource = Resource.objects.get(organizer=organizer)
    stored = resource.file.name
    assert stored.startswith(f"private/library/{organizer.id}/")
    assert download_name.rsplit(".", 1)[0] not in stored
    assert len(stored.rsplit("/", 1)[1].split(".")[0]) == 32  # a uuid4 hex
    assert resource.original_filename == download_name
    download = client_for(staff_user).get(
        reverse("library:resource_download", kwargs={"organizer_slug": organizer.slug, "resource_id": resource.pk})
    )
    assert download.status_code == 200
    assert download["Content-Type"] == content_type
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Disposition"].startswith("attachment;")
    assert download_name in download["Content-Disposition"]
    assert b"".join(download.streaming_content) == content


@pytest.mark.parametrize(
    ("raw", "safe"),
    [
        ("résumé final (2).pdf", "résumé final (2).pdf"),
        ('evil"name;.pdf', "evil_name_.pdf"),
        ("tab\tand\r\nnewline.txt", "tabandnewline.txt"),
        ("   .hidden.md", "hidden.md"),
    ],
)
def test_safe_filename(raw, safe):
    assert safe_filename(raw) == safe


@pytest.mark.parametrize("raw", ["../secret.txt", "a\\..\\b.txt", "..", "%2e%2e%2fpasswd", "..%252Fetc.txt"])
def test_path_like_names_are_refused(raw):
    with pytest.raises(UploadRefused, match="folder path"):
        safe_filename(raw)
