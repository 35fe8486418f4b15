"""Checking slide files: the type is decided by the file's content, never by the browser's
content type, and must agree with the file name's extension. What is stored is safe to offer for
download: PDFs are disarmed, presentation files that cannot be are refused.

- PDF: "%PDF-" in the first 1024 bytes; then rewritten without active content (JavaScript,
  actions run on opening or on page events, actions that start programs or open other files,
  embedded files, XFA forms, anything before the header or after the end). The rewritten file is
  what is stored, hashed and served; its page count, first-page picture and text are read from it.
- PPTX: a ZIP with [Content_Types].xml and ppt/presentation.xml, without macros (vbaProject.bin,
  macro-enabled content types) or ActiveX controls.
- ODP: a ZIP whose first, uncompressed member `mimetype` names an OpenDocument presentation,
  with content.xml and META-INF/manifest.xml, without macros (Basic/, Scripts/).
- KEY: a ZIP with Keynote's Index/ and Metadata/ folders.
- Every ZIP: nothing before, after or beside the archive (no polyglots), no member name that
  could unpack outside its folder, no duplicate names, links or encryption, no more unpacked data
  than SLIDES_MAX_UNPACKED_SIZE and no ratio over MAX_RATIO (archive bombs), every member unpacks
  to its declared size and checksum.

The file is opened in a child process (events/inspector.py) under a memory limit and a
wall-clock timeout (SLIDES_INSPECT_MEMORY, SLIDES_INSPECT_TIMEOUT): a file that exceeds either is
refused with a form error, and the web worker that received it is never at risk.
"""

import contextlib
import hashlib
import json
import logging
import os
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
import weakref
from dataclasses import dataclass, field
from pathlib import Path, PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from PIL import Image

from .models import DocumentType

logger = logging.getLogger(__name__)

ACCEPTED_TEXT = _("PDF (.pdf), PowerPoint (.pptx), OpenDocument presentation (.odp) or Keynote (.key)")
EXTENSIONS = {
    "pdf": DocumentType.PDF,
    "pptx": DocumentType.PPTX,
    "odp": DocumentType.ODP,
    "key": DocumentType.KEY,
}
EXPECTED = {
    DocumentType.PDF: _("a PDF"),
    DocumentType.PPTX: _("a PowerPoint file"),
    DocumentType.ODP: _("an OpenDocument presentation"),
    DocumentType.KEY: _("a Keynote file"),
}
PROGRAMS = {
    DocumentType.PDF: _("the program that made it"),
    DocumentType.PPTX: "PowerPoint",
    DocumentType.ODP: "LibreOffice Impress",
    DocumentType.KEY: "Keynote",
}
THUMBNAIL_WIDTH = 480
THUMBNAIL_MAX_HEIGHT = 4 * THUMBNAIL_WIDTH  # a page far taller than wide gets a narrower picture
MAX_TEXT_PAGES = 500
MAX_TEXT_CHARS = 2_000_000
# Presentation files pack XML about 10:1 and pictures and videos hardly at all; an archive that
# unpacks to more than 100 times its size is a bomb. Archives under 10 MiB unpacked are harmless
# whatever their ratio, so small, very regular files are not refused for it.
MAX_RATIO = 100
RATIO_FLOOR = 10 * 1024 * 1024
INSPECTOR = Path(__file__).with_name("inspector.py")
# Files are read (hashed, copied) a mebibyte at a time: the web process never holds a whole upload.
CHUNK_SIZE = 1024 * 1024
# The child gets no environment at all: no DATABASE_URL, no secret key, no PYTHONPATH.
CHILD_ENVIRONMENT: dict[str, str] = {}

MESSAGES = {
    "too_slow": _(
        "“%(name)s” took longer than %(seconds)s seconds to open, the site's safety limit: it is "
        "unusually complex or damaged. Export it again (for example “Save as PDF” or “Print to PDF”) and upload "
        "the new file."
    ),
    "too_complex": _(
        "“%(name)s” could not be opened within the site's safety limits (%(memory)s of memory, "
        "%(seconds)s seconds): it is unusually complex or damaged. Export it again (for example “Save as PDF” "
        "or “Print to PDF”) and upload the new file."
    ),
    "unavailable": _(
        "“%(name)s” could not be checked just now. Please try again in a few minutes; if it "
        "keeps failing, tell the site's administrators."
    ),
    "out_of_time": _(
        "“%(name)s” was not checked: checking the files of this upload used up the %(seconds)s "
        "seconds allowed. Upload it again on its own or with fewer files."
    ),
    "pdf_password": _(
        "“%(name)s” could not be read as a PDF: it is protected by a password. Remove the "
        "password (or export the file again without one) and upload the new file."
    ),
    "pdf_damaged": _(
        "“%(name)s” could not be read as a PDF: it seems to be damaged. Please export it again "
        "and upload the new file."
    ),
    "pdf_empty": _("“%(name)s” has no pages."),
    "pdf_zip": _(
        "“%(name)s” has a ZIP archive hidden inside it, which PDF programs never write. Export or "
        "print it to PDF again and upload the new file."
    ),
    "container_polyglot": _(
        "“%(name)s” has %(found)s, which %(program)s never writes: it may be two files in "
        "one. Save it again from %(program)s and upload the new file."
    ),
    "container_damaged": _(
        "“%(name)s” is damaged: its contents do not unpack cleanly. Save it again from "
        "%(program)s and upload the new file."
    ),
    "container_members": _(
        "“%(name)s” holds %(count)s files; the limit is %(limit)s. Save it again from "
        "%(program)s or export it as a PDF, and upload the new file."
    ),
    "container_unsafe_name": _(
        "“%(name)s” contains a file with an unsafe name (%(entry)s) that could be "
        "unpacked outside its folder. Save it again from %(program)s and upload the new file."
    ),
    "container_duplicate_name": _(
        "“%(name)s” contains the file %(entry)s twice, so programs may disagree "
        "about its content. Save it again from %(program)s and upload the new file."
    ),
    "container_encrypted": _(
        "“%(name)s” has encrypted parts. Remove the password in %(program)s, save, and upload the new file."
    ),
    "container_too_large": _(
        "“%(name)s” would unpack to %(unpacked)s, more than the %(limit)s allowed. Make "
        "it smaller (compress its pictures and videos) or export it as a PDF, and upload the new file."
    ),
    "container_ratio": _(
        "“%(name)s” unpacks to %(ratio)s times its size (the limit is %(limit)s times), the "
        "mark of an archive bomb. Save it again from %(program)s and upload the new file."
    ),
    "container_incomplete": _(
        "“%(name)s” is a ZIP archive but not %(expected)s (it lacks %(missing)s). Save "
        "it again from %(program)s and upload the new file. Accepted: %(accepted)s."
    ),
    "pptx_macros": _(
        "“%(name)s” contains macros (%(found)s); save it as a .pptx without macros (“PowerPoint "
        "Presentation”, not “Macro-Enabled”) and upload again."
    ),
    "pptx_activex": _(
        "“%(name)s” contains ActiveX controls (%(found)s); remove them, save it as a .pptx and upload again."
    ),
    "odp_macros": _(
        "“%(name)s” contains macros (%(found)s); delete them in LibreOffice Impress (Tools › "
        "Macros › Organize Macros), save it as .odp and upload again."
    ),
}


# The inspector (events/inspector.py) runs without Django, so what it reports in words (what
# disarming removed, what was found around an archive) is English; these are shown translated.
INSPECTOR_WORDS = {
    "JavaScript": _("JavaScript"),
    "automatic actions": _("automatic actions"),
    "embedded files": _("embedded files"),
    "XFA forms": _("XFA forms"),
    "actions that start programs": _("actions that start programs"),
    "links to unsafe addresses": _("links to unsafe addresses"),
    "actions that open other files or submit data": _("actions that open other files or submit data"),
    "a PDF at its start": _("a PDF at its start"),
    "data after the end of the archive": _("data after the end of the archive"),
    "data before the start of the archive": _("data before the start of the archive"),
    "a macro-enabled content type in [Content_Types].xml": _(
        "a macro-enabled content type in [Content_Types].xml"
    ),
}


def inspector_words(text) -> str:
    """What the inspector said, in the active language when it is one of its known phrases."""
    return str(INSPECTOR_WORDS.get(text, text))


def join_and(items) -> str:
    """The items as "a", "a and b" or "a, b and c", in the active language."""
    items = [str(item) for item in items]
    if len(items) < 2:
        return "".join(items)
    return gettext("%(items)s and %(last)s") % {"items": ", ".join(items[:-1]), "last": items[-1]}


@dataclass
class InspectedDocument:
    file_type: str
    size: int
    sha256: str
    content: File  # what is stored: the disarmed PDF, or the presentation file as uploaded
    page_count: int | None = None
    thumbnail: Image.Image | None = None
    text: str = ""
    removed: list[str] = field(default_factory=list)  # what disarming took out, in words

    @property
    def notice(self) -> str:
        """For the editor: what disarming took out of the file ("" when nothing was)."""
        if not self.removed:
            return ""
        listed = join_and(inspector_words(item) for item in self.removed)
        return gettext(
            "stored without %(removed)s: the site keeps no active content in PDFs. The pages are unchanged."
        ) % {"removed": listed}

    def release(self) -> None:
        """Once stored: remove the disarmed PDF's temporary file now, not whenever the garbage
        collector gets to it (the local folder moved it into place; an object store copied it)."""
        if isinstance(self.content, DisarmedFile):
            self.content.close()


def _describe(head: bytes) -> str:
    """A short human description of what the bytes look like, for error messages."""
    stripped = head.lstrip().lower()
    if head.startswith(b"%PDF-"):
        return gettext("a PDF")
    if head.startswith(b"\x89PNG"):
        return gettext("a PNG image")
    if head.startswith(b"\xff\xd8\xff"):
        return gettext("a JPEG image")
    if head.startswith(b"PK\x03\x04"):
        return gettext("a ZIP archive")
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return gettext("an old-format (.ppt) or password-protected Office file")
    if stripped.startswith((b"<!doctype html", b"<html")) or b"<script" in stripped[:512]:
        return gettext("an HTML page")
    try:
        head.decode("utf-8")
        return gettext("plain text")
    except UnicodeDecodeError:
        return gettext("another kind of file")


def _refuse(name, expected, head):
    raise ValidationError(
        _("“%(name)s” is named like %(expected)s but its content is %(actual)s. Accepted: %(accepted)s."),
        code="content_mismatch",
        params={"name": name, "expected": expected, "actual": _describe(head), "accepted": ACCEPTED_TEXT},
    )


def file_type_from_name(name: str) -> str:
    ext = PurePath(name or "").suffix.lower().lstrip(".")
    if ext not in EXTENSIONS:
        raise ValidationError(
            _("“%(name)s” is not an accepted file type. Upload a %(accepted)s file."),
            code="file_type",
            params={"name": name, "accepted": ACCEPTED_TEXT},
        )
    return EXTENSIONS[ext]


def _seconds(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


def _refusal(code: str, name: str, file_type: str, params: dict | None = None) -> ValidationError:
    params = {
        "seconds": _seconds(settings.SLIDES_INSPECT_TIMEOUT),
        **(params or {}),  # the child's findings, but never in place of what the site knows:
        "name": name,
        "expected": EXPECTED[file_type],
        "program": PROGRAMS[file_type],
        "accepted": ACCEPTED_TEXT,
        "memory": filesizeformat(settings.SLIDES_INSPECT_MEMORY),
    }
    for size in ("unpacked", "limit"):
        if code == "container_too_large" and size in params:
            params[size] = filesizeformat(params[size])
    if isinstance(params.get("missing"), list):
        params["missing"] = join_and(params["missing"])
    if isinstance(params.get("found"), str):
        params["found"] = inspector_words(params["found"])
    return ValidationError(MESSAGES.get(code, MESSAGES["too_complex"]), code=code, params=params)


def _sha256(file) -> str:
    digest = hashlib.sha256()
    file.seek(0)
    for chunk in iter(lambda: file.read(CHUNK_SIZE), b""):
        digest.update(chunk)
    file.seek(0)
    return digest.hexdigest()


def _source_path(uploaded, work: Path) -> Path:
    """A path the child can read: the upload's own temporary file, or a copy in `work`."""
    if hasattr(uploaded, "temporary_file_path"):
        return Path(uploaded.temporary_file_path())
    source = work / "source"
    uploaded.seek(0)
    with source.open("wb") as out:
        shutil.copyfileobj(uploaded, out, CHUNK_SIZE)
    return source


def _run_child(job: dict, timeout: float, name: str, file_type: str) -> dict:
    """Run the inspector on `job` and return its result; raise ValidationError when it runs out of
    time or dies (memory limit, crash). The child is always reaped: no zombie, no orphan."""
    work = Path(job["work"])
    command = [sys.executable, "-I", str(INSPECTOR), json.dumps(job)]
    with (work / "stderr").open("wb") as stderr:
        try:
            process = subprocess.Popen(
                command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=stderr, cwd=work,
                env=CHILD_ENVIRONMENT, close_fds=True,
            )  # fmt: skip
        except OSError as exc:  # no process left (EAGAIN), or the interpreter is gone
            logger.exception("Could not start the slide-file inspector for %r.", name)
            raise _refusal("unavailable", name, file_type) from exc
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            logger.warning("Refused %r: still being inspected after %.1f s; stopped.", name, timeout)
            # A file that a bulk upload left much less than the limit ran out of the upload's time.
            code = "too_slow" if timeout >= 0.9 * settings.SLIDES_INSPECT_TIMEOUT else "out_of_time"
            raise _refusal(code, name, file_type) from None
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
    result_file = work / "result.json"
    if process.returncode != 0 or not result_file.exists():
        how = (
            f"signal {signal.Signals(-process.returncode).name}"
            if process.returncode < 0
            else f"exit status {process.returncode}"
        )
        detail = (work / "stderr").read_bytes()[-2000:].decode("utf-8", "replace")
        logger.warning("Refused %r: the inspector ended with %s.\n%s", name, how, detail)
        raise _refusal("too_complex", name, file_type)
    try:
        result = json.loads(result_file.read_text(encoding="utf-8"))
        if result.get("refused"):
            code, params = str(result["refused"]), dict(result.get("params") or {})
        else:
            return dict(result["ok"])
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        logger.warning("Refused %r: the inspector's result is unusable (%s).", name, exc)
        raise _refusal("too_complex", name, file_type) from exc
    raise _refusal(code, name, file_type, params)


def _thumbnail(path: Path) -> Image.Image:
    with Image.open(path) as img:
        width, height = img.size
        if img.format != "PNG" or width > 4 * THUMBNAIL_WIDTH or height > 2 * THUMBNAIL_MAX_HEIGHT:
            raise ValueError(f"unexpected first-page picture: {img.format} {width}x{height}")
        img.load()
        return img.copy()


class DisarmedFile(File):
    """The disarmed PDF, in a temporary file of the web process's own. It has a path, as a large
    upload has (`TemporaryUploadedFile`), so FileSystemStorage moves it into place instead of
    copying it; other storages read it a chunk at a time. Removed when closed or collected, unless
    the storage has moved it away."""

    def __init__(self, file, name: str):
        super().__init__(file, name)
        self._remove = weakref.finalize(self, _remove_quietly, file.name)

    def temporary_file_path(self) -> str:
        return self.file.name

    def close(self):
        try:
            super().close()
        finally:
            self._remove()


def _remove_quietly(path: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.remove(path)


def _take(path: Path) -> tuple[DisarmedFile, int, str]:
    """Move the disarmed file out of the working folder (a rename on the same disk: nothing is
    copied) and hash it, a chunk at a time. The child has ended, and the file must be a plain file
    of its own, not a link to another one. (A child taken over by a hostile file could still change
    it afterwards from a process it left behind; but it runs as the site's user and could as well
    write to the media folder itself, so copying the file would protect nothing more.)"""
    descriptor, own = tempfile.mkstemp(
        prefix="spp-disarmed-", suffix=".pdf", dir=settings.FILE_UPLOAD_TEMP_DIR
    )
    os.close(descriptor)
    try:
        os.replace(path, own)
        file = open(own, "rb", opener=lambda name, flags: os.open(name, flags | os.O_NOFOLLOW))  # noqa: SIM115
    except OSError:
        _remove_quietly(own)
        raise
    # Returned open: it lives as long as the InspectedDocument (and goes with it, see DisarmedFile).
    content = DisarmedFile(file, name=path.name)
    try:
        status = os.fstat(file.fileno())
        if not stat.S_ISREG(status.st_mode) or status.st_nlink != 1:
            raise ValueError("the disarmed file is not a plain file of its own")
        digest = hashlib.sha256()
        for chunk in iter(lambda: content.file.read(CHUNK_SIZE), b""):
            digest.update(chunk)
        size = content.file.tell()
        content.file.seek(0)
        if content.file.read(5) != b"%PDF-":
            raise ValueError("the disarmed file is not a PDF")
        content.file.seek(0)
    except Exception:
        content.close()
        raise
    return content, size, digest.hexdigest()


def _inspect_in_child(uploaded, name: str, file_type: str, timeout: float) -> InspectedDocument:
    with tempfile.TemporaryDirectory(prefix="spp-inspect-", dir=settings.FILE_UPLOAD_TEMP_DIR) as folder:
        work = Path(folder)
        job = {
            "kind": file_type,
            "work": str(work),
            "source": str(_source_path(uploaded, work)),
            "memory": settings.SLIDES_INSPECT_MEMORY,
            "timeout": timeout,
            # The disarmed PDF may be somewhat larger than the upload (rewritten cross-references).
            "max_output_size": max(2 * uploaded.size, 64 * 1024 * 1024),
            "thumbnail_width": THUMBNAIL_WIDTH,
            "thumbnail_max_height": THUMBNAIL_MAX_HEIGHT,
            "max_text_pages": MAX_TEXT_PAGES,
            "max_text_chars": MAX_TEXT_CHARS,
            "max_unpacked_size": settings.SLIDES_MAX_UNPACKED_SIZE,
            "max_ratio": MAX_RATIO,
            "ratio_floor": RATIO_FLOOR,
        }
        facts = _run_child(job, timeout, name, file_type)
        if file_type != DocumentType.PDF:
            return InspectedDocument(
                file_type=file_type, size=uploaded.size, sha256=_sha256(uploaded), content=uploaded
            )
        try:
            thumbnail = _thumbnail(work / "thumbnail.png")
            page_count, text, removed = int(facts["page_count"]), str(facts["text"]), facts["removed"]
            content, size, sha256 = _take(work / "document.pdf")
        except (OSError, ValueError, KeyError, TypeError) as exc:
            logger.warning("Refused %r: the inspector's results are unusable (%s).", name, exc)
            raise _refusal("too_complex", name, file_type) from exc
    if removed:
        logger.info("Disarmed %r: removed %s.", name, ", ".join(removed))
    return InspectedDocument(
        file_type=file_type,
        size=size,
        sha256=sha256,
        content=content,
        page_count=page_count,
        thumbnail=thumbnail,
        text=text,
        removed=[str(item) for item in removed],
    )


def inspect_document(uploaded, deadline: float | None = None) -> InspectedDocument:
    """Validate an uploaded slide file, disarm it, and learn what we keep about it. Raises
    ValidationError. `deadline` (a `time.monotonic()` value) bounds the time one request spends
    on several files: a bulk upload stops checking files when it has passed."""
    name = PurePath(uploaded.name or "").name
    file_type = file_type_from_name(name)
    max_size = settings.SLIDES_MAX_UPLOAD_SIZE
    if uploaded.size > max_size:
        raise ValidationError(
            _("“%(name)s” is %(size)s; the limit is %(limit)s."),
            code="file_too_large",
            params={"name": name, "size": filesizeformat(uploaded.size), "limit": filesizeformat(max_size)},
        )
    if uploaded.size == 0:
        raise ValidationError(_("“%(name)s” is empty."), code="empty_file", params={"name": name})
    uploaded.seek(0)
    head = uploaded.read(2048)
    if file_type == DocumentType.PDF and b"%PDF-" not in head[:1024]:
        _refuse(name, EXPECTED[file_type], head)
    if file_type != DocumentType.PDF and not head.startswith(b"PK\x03\x04"):
        _refuse(name, EXPECTED[file_type], head)
    timeout = float(settings.SLIDES_INSPECT_TIMEOUT)
    if deadline is not None:
        timeout = min(timeout, deadline - time.monotonic())
        if timeout <= 0:
            raise _refusal("out_of_time", name, file_type)
    return _inspect_in_child(uploaded, name, file_type, timeout)
