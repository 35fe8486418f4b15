"""Checking slide files: the type is decided by the file's content, never by the browser's
content type, and must agree with the file name's extension.

- PDF: "%PDF-" header, then pypdfium2 must open it (page count, first-page thumbnail, text).
- PPTX: a ZIP with [Content_Types].xml and ppt/presentation.xml.
- ODP: a ZIP whose `mimetype` member says application/vnd.oasis.opendocument.presentation.
- KEY: a ZIP holding Keynote's Index/Document.iwa (or index.apxl of older versions).
"""

import hashlib
import threading
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

import pypdfium2 as pdfium
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from PIL import Image

from .models import DocumentType

ACCEPTED_TEXT = "PDF (.pdf), PowerPoint (.pptx), OpenDocument presentation (.odp) or Keynote (.key)"
EXTENSIONS = {
    "pdf": DocumentType.PDF,
    "pptx": DocumentType.PPTX,
    "odp": DocumentType.ODP,
    "key": DocumentType.KEY,
}
ODP_MIMETYPE = b"application/vnd.oasis.opendocument.presentation"
THUMBNAIL_WIDTH = 480
MAX_TEXT_PAGES = 500
MAX_TEXT_CHARS = 2_000_000
# PDFium is not thread-safe, not even across documents: with threaded workers (gunicorn gthread,
# deploy/gunicorn.conf.py) one thread of a process uses it at a time.
PDFIUM_LOCK = threading.Lock()


@dataclass
class InspectedDocument:
    file_type: str
    size: int
    sha256: str
    page_count: int | None = None
    thumbnail: Image.Image | None = None
    text: str = ""


def _describe(head: bytes) -> str:
    """A short human description of what the bytes look like, for error messages."""
    stripped = head.lstrip().lower()
    if head.startswith(b"%PDF-"):
        return "a PDF"
    if head.startswith(b"\x89PNG"):
        return "a PNG image"
    if head.startswith(b"\xff\xd8\xff"):
        return "a JPEG image"
    if head.startswith(b"PK\x03\x04"):
        return "a ZIP archive"
    if stripped.startswith((b"<!doctype html", b"<html")) or b"<script" in stripped[:512]:
        return "an HTML page"
    try:
        head.decode("utf-8")
        return "plain text"
    except UnicodeDecodeError:
        return "another kind of file"


def _refuse(name, expected, head):
    raise ValidationError(
        "“%(name)s” is named like %(expected)s but its content is %(actual)s. Accepted: %(accepted)s.",
        code="content_mismatch",
        params={"name": name, "expected": expected, "actual": _describe(head), "accepted": ACCEPTED_TEXT},
    )


def file_type_from_name(name: str) -> str:
    ext = PurePath(name or "").suffix.lower().lstrip(".")
    if ext not in EXTENSIONS:
        raise ValidationError(
            "“%(name)s” is not an accepted file type. Upload a %(accepted)s file.",
            code="file_type",
            params={"name": name, "accepted": ACCEPTED_TEXT},
        )
    return EXTENSIONS[ext]


def _zip_names(file) -> list[str] | None:
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            return archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return None


def _check_zip_container(file, name, file_type, head):
    names = _zip_names(file)
    expected = {
        DocumentType.PPTX: "a PowerPoint file",
        DocumentType.ODP: "an OpenDocument presentation",
        DocumentType.KEY: "a Keynote file",
    }[file_type]
    if not head.startswith(b"PK\x03\x04") or names is None:
        _refuse(name, expected, head)
    ok = False
    if file_type == DocumentType.PPTX:
        ok = "[Content_Types].xml" in names and "ppt/presentation.xml" in names
    elif file_type == DocumentType.ODP:
        # ODF requires an uncompressed first member "mimetype" holding the media type.
        ok = (
            bool(names)
            and names[0] == "mimetype"
            and head[30:38] == b"mimetype"
            and head[38:85] == ODP_MIMETYPE
        )
    elif file_type == DocumentType.KEY:
        ok = "Index/Document.iwa" in names or any(n.endswith(("index.apxl", "index.apxl.gz")) for n in names)
    if not ok:
        raise ValidationError(
            "“%(name)s” is a ZIP archive but not %(expected)s. Accepted: %(accepted)s.",
            code="content_mismatch",
            params={"name": name, "expected": expected, "accepted": ACCEPTED_TEXT},
        )


def _inspect_pdf(file, name) -> tuple[int, Image.Image, str]:
    with PDFIUM_LOCK:
        return _inspect_pdf_unlocked(file, name)


def _inspect_pdf_unlocked(file, name) -> tuple[int, Image.Image, str]:
    file.seek(0)
    try:
        pdf = pdfium.PdfDocument(file, autoclose=False)
    except pdfium.PdfiumError as exc:
        message = str(exc).lower()
        reason = "it is protected by a password" if "password" in message else "it seems to be damaged"
        raise ValidationError(
            "“%(name)s” could not be read as a PDF: %(reason)s. Please export it again and upload the new file.",
            code="corrupt_pdf",
            params={"name": name, "reason": reason},
        ) from exc
    try:
        page_count = len(pdf)
        if page_count == 0:
            raise ValidationError("“%(name)s” has no pages.", code="empty_pdf", params={"name": name})
        first = pdf[0]
        scale = THUMBNAIL_WIDTH / max(first.get_width(), 1)
        thumbnail = first.render(scale=min(scale, 4)).to_pil()
        texts, total = [], 0
        for index in range(min(page_count, MAX_TEXT_PAGES)):
            page = pdf[index]
            text = page.get_textpage().get_text_bounded()
            texts.append(text)
            total += len(text)
            if total > MAX_TEXT_CHARS:
                break
        return page_count, thumbnail, "\n".join(texts)[:MAX_TEXT_CHARS].replace("\x00", "")
    except pdfium.PdfiumError as exc:
        raise ValidationError(
            "“%(name)s” could not be read as a PDF: it seems to be damaged.",
            code="corrupt_pdf",
            params={"name": name},
        ) from exc
    finally:
        pdf.close()


def _sha256(file) -> str:
    digest = hashlib.sha256()
    file.seek(0)
    for chunk in iter(lambda: file.read(1024 * 1024), b""):
        digest.update(chunk)
    file.seek(0)
    return digest.hexdigest()


def inspect_document(uploaded) -> InspectedDocument:
    """Validate an uploaded slide file and learn what we keep about it. Raises ValidationError."""
    name = PurePath(uploaded.name or "").name
    file_type = file_type_from_name(name)
    max_size = settings.SLIDES_MAX_UPLOAD_SIZE
    if uploaded.size > max_size:
        raise ValidationError(
            "“%(name)s” is %(size)s; the limit is %(limit)s.",
            code="file_too_large",
            params={"name": name, "size": filesizeformat(uploaded.size), "limit": filesizeformat(max_size)},
        )
    if uploaded.size == 0:
        raise ValidationError("“%(name)s” is empty.", code="empty_file", params={"name": name})
    uploaded.seek(0)
    head = uploaded.read(2048)
    result = InspectedDocument(file_type=file_type, size=uploaded.size, sha256="")
    if file_type == DocumentType.PDF:
        if b"%PDF-" not in head[:1024]:
            _refuse(name, "a PDF", head)
        result.page_count, result.thumbnail, result.text = _inspect_pdf(uploaded, name)
    else:
        _check_zip_container(uploaded, name, file_type, head)
    result.sha256 = _sha256(uploaded)
    return result
