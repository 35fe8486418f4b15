import gc
import hashlib
import io
import os
import re
import tracemalloc
import zipfile
import zlib
from pathlib import Path

import pikepdf
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from pikepdf import Name
from PIL import Image

from events.models import SlideDeck, SlideDeckVersion
from events.services import attach_file, create_decks, title_from_filename
from events.uploads import inspect_document
from tests.conftest import files_in
from tests.events.factories import EventFactory, make_deck, pdf_upload

pytestmark = pytest.mark.django_db

FIXTURE_PDF = Path(__file__).resolve().parents[1] / "fixtures" / "shared-mime-info-spec.pdf"
MiB = 1024 * 1024


def png_bytes():
    out = io.BytesIO()
    Image.new("RGB", (10, 10)).save(out, format="PNG")
    return out.getvalue()


def pptx_bytes():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("ppt/presentation.xml", "<p:presentation/>")
    return out.getvalue()


def odp_bytes():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.presentation")
        z.writestr("content.xml", "<office:document-content/>")
        z.writestr("META-INF/manifest.xml", "<manifest:manifest/>")
    return out.getvalue()


def test_real_world_pdf_is_inspected():
    info = inspect_document(SimpleUploadedFile("spec.pdf", FIXTURE_PDF.read_bytes()))
    assert info.file_type == "pdf"
    assert info.page_count > 1
    assert info.thumbnail.width == 480
    assert "MIME" in info.text


def test_pptx_and_odp_are_recognised_by_their_containers():
    assert inspect_document(SimpleUploadedFile("talk.pptx", pptx_bytes())).file_type == "pptx"
    assert inspect_document(SimpleUploadedFile("talk.odp", odp_bytes())).file_type == "odp"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("notes.pdf", b"just some text\n", "its content is plain text"),
        ("page.pdf", b"<!DOCTYPE html><html><script>alert(1)</script></html>", "its content is an HTML page"),
        ("image.pptx", png_bytes(), "its content is a PNG image"),
        ("talk.odp", pptx_bytes(), "a ZIP archive but not an OpenDocument presentation"),
        ("talk.pptx", odp_bytes(), "a ZIP archive but not a PowerPoint file"),
        ("virus.exe", b"MZ....", "not an accepted file type"),
        ("slides.pdf", b"%PDF-1.4\n garbage that is not a PDF body", "could not be read as a PDF"),
    ],
)
def test_wrong_content_is_refused_with_a_clear_message(name, content, message):
    with pytest.raises(ValidationError) as exc:
        inspect_document(SimpleUploadedFile(name, content))
    assert message in exc.value.messages[0]
    assert "Accepted" in exc.value.messages[0] or "PDF" in exc.value.messages[0]


def encrypted(user_password: str) -> bytes:
    out = io.BytesIO()
    with pikepdf.open(io.BytesIO(_bytes(pdf_upload()))) as pdf:
        pdf.save(out, encryption=pikepdf.Encryption(user=user_password, owner="owner-secret"))
    return out.getvalue()


def test_a_pdf_that_needs_a_password_is_refused():
    with pytest.raises(ValidationError) as exc:
        inspect_document(SimpleUploadedFile("secret.pdf", encrypted("open-sesame")))
    assert "could not be read as a PDF: it is protected by a password" in exc.value.messages[0]


def test_a_pdf_with_only_an_owner_password_is_stored_unencrypted():
    inspected = inspect_document(SimpleUploadedFile("locked.pdf", encrypted("")))
    inspected.content.seek(0)
    with pikepdf.open(inspected.content) as pdf:
        assert not pdf.is_encrypted
    assert inspected.page_count == 3 and "Slide 2" in inspected.text


def test_the_disarmed_pdf_is_moved_into_storage_not_copied(settings, tmp_path, media_root):
    settings.FILE_UPLOAD_TEMP_DIR = tmp_path / "uploads"
    settings.FILE_UPLOAD_TEMP_DIR.mkdir()
    inspected = inspect_document(pdf_upload("talk.pdf", pages=8))
    assert list(settings.FILE_UPLOAD_TEMP_DIR.iterdir()) == [Path(inspected.content.temporary_file_path())]
    deck = make_deck(upload=pdf_upload("talk.pdf", pages=8), inspected=inspected)
    assert list(settings.FILE_UPLOAD_TEMP_DIR.iterdir()) == []  # while `inspected` still holds it
    stored = (media_root / deck.file.name).read_bytes()
    assert len(stored) == deck.size and hashlib.sha256(stored).hexdigest() == deck.sha256


def test_a_disarmed_pdf_that_is_not_stored_leaves_no_file_behind(settings, tmp_path):
    settings.FILE_UPLOAD_TEMP_DIR = tmp_path / "uploads"
    settings.FILE_UPLOAD_TEMP_DIR.mkdir()
    inspect_document(pdf_upload()).content.close()
    inspected = inspect_document(pdf_upload())  # a form with another error: never stored, never closed
    del inspected
    gc.collect()
    assert list(settings.FILE_UPLOAD_TEMP_DIR.iterdir()) == []


class ReadInChunksOnly(TemporaryUploadedFile):
    """A large upload (Django keeps those in a temporary file) that refuses to be read whole."""

    def read(self, size=-1):
        if size is None or not 0 < size <= MiB:
            raise AssertionError(f"the web process read the upload whole (read({size}))")
        return self.file.read(size)


def large_upload(name: str, content: bytes, cls=TemporaryUploadedFile):
    upload = cls(name, "application/octet-stream", len(content), None)
    upload.file.write(content)
    upload.file.seek(0)
    return upload


@pytest.mark.parametrize("name", ["talk.pdf", "talk.pptx"])
def test_a_large_upload_is_read_a_chunk_at_a_time(name, media_root):
    content = _bytes(pdf_upload(pages=5)) if name.endswith(".pdf") else pptx_bytes()
    upload = large_upload(name, content, ReadInChunksOnly)
    deck = make_deck(upload=upload)
    upload.close()  # as Django does at the end of the request (the storage may have moved it)
    assert deck.sha256 == hashlib.sha256((media_root / deck.file.name).read_bytes()).hexdigest()


def pdf_with_a_large_picture(megabytes: int) -> bytes:
    """A two-page deck whose second page shows `megabytes` MB of noise (which does not compress)."""
    side = int((megabytes * MiB / 3) ** 0.5)
    with pikepdf.open(io.BytesIO(_bytes(pdf_upload(pages=2)))) as pdf:
        picture = pdf.make_stream(
            zlib.compress(os.urandom(side * side * 3), 1),
            Type=Name.XObject,
            Subtype=Name.Image,
            Filter=Name.FlateDecode,
            Width=side,
            Height=side,
            ColorSpace=Name.DeviceRGB,
            BitsPerComponent=8,
        )
        page = pdf.pages[1]
        page.Resources.XObject = pikepdf.Dictionary(Im1=picture)
        page.contents_add(pdf.make_stream(b"q 100 0 0 100 40 40 cm /Im1 Do Q"))
        out = io.BytesIO()
        pdf.save(out)
        return out.getvalue()


def test_checking_and_storing_a_large_pdf_holds_a_few_chunks_not_the_file(settings, media_root):
    settings.SLIDES_MAX_UPLOAD_SIZE = 100 * MiB
    upload = large_upload("large.pdf", pdf_with_a_large_picture(24))
    tracemalloc.start()
    try:
        deck = make_deck(upload=upload)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
        upload.close()
    assert deck.size > 24 * MiB and deck.page_count == 2
    assert peak < 8 * MiB  # the web process's own memory: the child opened the file


def test_a_many_page_pdf_keeps_its_page_count_and_all_its_text_in_order():
    """More pages than the inspector reads at one opening of the document (PAGES_PER_OPENING)."""
    inspected = inspect_document(pdf_upload("long.pdf", pages=300))
    assert inspected.page_count == 300
    assert [int(n) for n in re.findall(r"Slide (\d+)", inspected.text)] == list(range(2, 301))


def test_an_inspector_that_cannot_start_is_a_form_error_not_a_500(monkeypatch):
    monkeypatch.setattr("events.uploads.sys.executable", "/nonexistent/python")
    with pytest.raises(ValidationError) as exc:
        inspect_document(pdf_upload())
    assert "could not be checked just now. Please try again" in exc.value.messages[0]


def test_size_cap_from_settings(settings):
    settings.SLIDES_MAX_UPLOAD_SIZE = 1000
    with pytest.raises(ValidationError) as exc:
        inspect_document(pdf_upload())
    assert "the limit is 1000" in exc.value.messages[0]


def test_stored_under_content_hash_with_original_name_as_data(media_root):
    deck = make_deck(upload=pdf_upload('Kutyniok – Phase 2 "final".pdf'))
    assert deck.file.name == f"decks/{deck.sha256[:2]}/{deck.sha256}.pdf"
    assert deck.original_filename == 'Kutyniok – Phase 2 "final".pdf'
    assert (media_root / deck.file.name).exists()
    assert deck.page_count == 3 and deck.thumbnail and "Slide 2" in deck.text


def test_replacing_a_file_keeps_url_and_previous_version(client, media_root):
    deck = make_deck(upload=pdf_upload("v1.pdf", pages=2))
    url, first = deck.get_absolute_url(), deck.file.name
    attach_file(deck, pdf_upload("v2.pdf", pages=5, title="New"))
    deck.refresh_from_db()
    assert deck.get_absolute_url() == url and deck.page_count == 5
    version = SlideDeckVersion.objects.get(deck=deck)
    assert version.file.name == first and version.original_filename == "v1.pdf" and version.page_count == 2
    assert (media_root / first).exists()
    html = client.get(url).content.decode()
    assert "Earlier versions" in html and "v1.pdf" in html
    assert client.get(version.get_absolute_url()).status_code == 200


def test_thumbnail_of_a_replaced_file_is_deleted(media_root, django_capture_on_commit_callbacks):
    deck = make_deck(upload=pdf_upload("one.pdf", title="First look"))
    old = deck.thumbnail.name
    with django_capture_on_commit_callbacks(execute=True):
        attach_file(deck, pdf_upload("two.pdf", title="Second look"))
    assert deck.thumbnail.name != old
    assert not (media_root / old).exists()
    assert (media_root / deck.thumbnail.name).exists()


def test_a_stored_copy_cut_short_is_written_again(media_root):
    first = make_deck(upload=pdf_upload("a.pdf"))
    stored = media_root / first.file.name
    whole = stored.read_bytes()
    stored.write_bytes(whole[:100])  # as if a worker had been killed while writing it
    second = make_deck(upload=pdf_upload("a.pdf"))
    assert second.file.name == first.file.name
    assert stored.read_bytes() == whole


def test_same_file_again_changes_nothing():
    upload = pdf_upload("same.pdf")
    deck = make_deck(upload=upload)
    attach_file(deck, SimpleUploadedFile("same.pdf", _bytes(upload)))
    assert not SlideDeckVersion.objects.exists()


def _bytes(upload):
    upload.seek(0)
    return upload.read()


def test_bulk_upload_creates_one_deck_per_file_and_reports_refusals(media_root):
    event = EventFactory(slug="meeting")
    files = [
        pdf_upload("01_opening-talk.pdf"),
        SimpleUploadedFile("b.pptx", pptx_bytes()),
        SimpleUploadedFile("notes.pdf", b"text"),
    ]
    created, refused, _ = create_decks(event, files)
    assert [d.title for d in created] == ["01 opening talk", "B"]
    assert refused[0][0] == "notes.pdf" and "plain text" in refused[0][1][0]
    assert SlideDeck.objects.filter(event=event).count() == 2


def test_title_from_filename():
    assert title_from_filename("2023-10-18_phase2_info-session.pdf") == "2023 10 18 phase2 info session"


def test_deleting_a_deck_removes_files_nobody_else_uses(media_root, django_capture_on_commit_callbacks):
    deck = make_deck(upload=pdf_upload("a.pdf"))
    twin = make_deck(upload=SimpleUploadedFile("twin.pdf", _bytes(pdf_upload("a.pdf"))))
    assert twin.file.name == deck.file.name  # identical content is stored once
    with django_capture_on_commit_callbacks(execute=True):
        deck.delete()
    assert (media_root / twin.file.name).exists()
    with django_capture_on_commit_callbacks(execute=True):
        twin.delete()
    assert not (media_root / twin.file.name).exists()
    assert [f for f in files_in(media_root) if f.startswith("decks/")] == []
