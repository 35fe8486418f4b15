"""Looks inside one untrusted slide file, in a child process of its own.

`events.uploads.inspect_document` runs this file as a script (`python -I inspector.py JOB`); the
site never imports it. Before it reads a byte the child limits itself: address space
(RLIMIT_AS), CPU seconds, the size of any file it writes, no core dumps, a lower priority than
the web workers. It imports no Django and gets no settings, no environment, no database
connection and no storage: the job (JSON) names the file to read and a working folder, and the
child writes its findings there:

- `result.json`: `{"ok": {...}}` with what was learnt, or `{"refused": code, "params": {...}}`;
- `document.pdf`: the disarmed PDF, `thumbnail.png`: its first page (PDFs only).

A crash, the memory limit or the parent's timeout leave no `result.json`, and the parent refuses
the file. The parent owns the policy (limits, caps) and the messages; this file owns the checks.
"""

import json
import math
import os
import resource
import struct
import sys
import zipfile
import zlib
from pathlib import Path

import pikepdf
import pypdfium2 as pdfium

# --- PDF ----------------------------------------------------------------------------------------

# Actions a PDF may keep: moving inside the document, web and mail links, showing layers. Every
# other action (JavaScript, Launch, SubmitForm, ImportData, GoToR/GoToE to other files,
# Rendition/Movie/Sound, RichMediaExecute, unknown ones) is removed with the key that holds it.
SAFE_ACTIONS = {"/GoTo", "/Named", "/SetOCGState", "/Thread", "/Trans", "/URI"}
SAFE_URI_SCHEMES = ("http:", "https:", "mailto:")
# Removed wherever they appear: additional actions (run on open, close, page view, mouse-over),
# scripts, embedded files (in file specifications) and PDF 2.0 associated files.
ACTIVE_KEYS = {
    "/AA": "automatic actions",
    "/JS": "JavaScript",
    "/EF": "embedded files",
    "/AF": "embedded files",
}
# Removed from the document catalogue: the action run on opening (/OpenAction, also when it is
# only a page to open at), the document-level scripts and attachments (name trees), XFA forms
# (which carry scripts) and portfolios.
CATALOG_KEYS = {"/Collection": "embedded files"}
NAME_TREES = {
    "/JavaScript": "JavaScript",
    "/EmbeddedFiles": "embedded files",
    "/AlternatePresentations": "embedded files",
}


# pdfium keeps what every page it has loaded uses (its pictures too) until the document is closed:
# reading the text of a 300-page, 50 MB deck would hold all 50 MB. Opening the document afresh
# every so many pages keeps the memory that reading text takes the same whatever the pages.
PAGES_PER_OPENING = 50


class Refused(Exception):
    def __init__(self, code: str, **params):
        super().__init__(code)
        self.code = code
        self.params = params


def _is_action(value) -> bool:
    """Actions are dictionaries with a type (/S); the same keys hold other things elsewhere (a
    structure element's /A holds its attributes)."""
    return isinstance(value, pikepdf.Dictionary) and ("/S" in value or value.get("/Type") == "/Action")


def _action_is_safe(action) -> bool:
    kind = action.get("/S")
    if str(kind) not in SAFE_ACTIONS:
        return False
    if kind == "/URI":
        uri = action.get("/URI")
        return isinstance(uri, pikepdf.String) and str(uri).strip().lower().startswith(SAFE_URI_SCHEMES)
    return True


def _describe_action(action) -> str:
    kind = str(action.get("/S"))
    return {
        "/JavaScript": "JavaScript",
        "/Launch": "actions that start programs",
        "/URI": "links to unsafe addresses",
    }.get(kind, "actions that open other files or submit data")


def _disarm_dictionary(obj, removed: set[str]) -> None:
    """Remove active content from one dictionary (or a stream's dictionary)."""
    for key, label in ACTIVE_KEYS.items():
        if key in obj:
            del obj[key]
            removed.add(label)
    action = obj.get("/A")
    if _is_action(action) and not _action_is_safe(action):
        removed.add(_describe_action(action))
        del obj["/A"]
    following = obj.get("/Next")  # an action's chained actions: one action or an array of them
    if _is_action(following) and not _action_is_safe(following):
        removed.add(_describe_action(following))
        del obj["/Next"]
    elif isinstance(following, pikepdf.Array):
        unsafe = [a for a in following if not (_is_action(a) and _action_is_safe(a))]
        if unsafe:
            removed.update(_describe_action(a) for a in unsafe if _is_action(a))
            obj["/Next"] = pikepdf.Array([a for a in following if _is_action(a) and _action_is_safe(a)])


def disarm_pdf(pdf) -> list[str]:
    """Remove every kind of active content from an open `pikepdf.Pdf`, in place; return what was
    removed, in words. Pages, fonts, images, links and bookmarks are left as they are."""
    removed: set[str] = set()
    root = pdf.Root
    opening = root.get("/OpenAction")
    if opening is not None:
        del root["/OpenAction"]
        if _is_action(opening) and not _action_is_safe(opening):
            removed.add(_describe_action(opening))
    for key, label in CATALOG_KEYS.items():
        if key in root:
            del root[key]
            removed.add(label)
    names = root.get("/Names")
    if isinstance(names, pikepdf.Dictionary):
        for key, label in NAME_TREES.items():
            if key in names:
                del names[key]
                removed.add(label)
    form = root.get("/AcroForm")
    if isinstance(form, pikepdf.Dictionary) and "/XFA" in form:
        del form["/XFA"]
        removed.add("XFA forms")
    # Every indirect object, and the direct objects nested in it. Indirect references are not
    # followed: each indirect object is visited once by the outer loop (no cycles, no recursion).
    for indirect in pdf.objects:
        pending = [indirect]
        while pending:
            obj = pending.pop()
            if isinstance(obj, pikepdf.Dictionary | pikepdf.Stream):
                _disarm_dictionary(obj, removed)
                children = obj.values()
            elif isinstance(obj, pikepdf.Array):
                children = obj
            else:
                continue
            pending.extend(
                child
                for child in children
                if isinstance(child, pikepdf.Dictionary | pikepdf.Array) and not child.is_indirect
            )
    return sorted(removed)


def inspect_pdf(source: Path, work: Path, job: dict) -> dict:
    """Disarm the PDF into work/document.pdf, then learn its page count, first-page picture
    (work/thumbnail.png) and text from the disarmed copy: what is shown is what is stored."""
    target = work / "document.pdf"
    try:
        with pikepdf.open(source) as pdf:
            removed = disarm_pdf(pdf)
            # Only the objects the document uses are written: whatever came before the header or
            # after the end (HTML, ZIP archives), unused objects and earlier revisions are dropped.
            # No encryption (owner passwords only restrict printing and copying); a fixed /ID so
            # the same upload gives the same file.
            pdf.save(target, encryption=False, deterministic_id=True)
    except pikepdf.PasswordError as exc:
        raise Refused("pdf_password") from exc
    except (pikepdf.PdfError, pikepdf.ForeignObjectError, ValueError, RecursionError) as exc:
        raise Refused("pdf_damaged") from exc
    if zipfile.is_zipfile(target):
        raise Refused("pdf_zip")

    try:
        document = pdfium.PdfDocument(str(target))
    except pdfium.PdfiumError as exc:
        raise Refused("pdf_damaged") from exc
    try:
        page_count = len(document)
        if page_count == 0:
            raise Refused("pdf_empty")
        first = document[0]
        width, height = first.get_size()
        scale = min(job["thumbnail_width"] / max(width, 1), job["thumbnail_max_height"] / max(height, 1), 4)
        first.render(scale=scale).to_pil().save(work / "thumbnail.png", format="PNG")
        texts, total = [], 0
        for index in range(min(page_count, job["max_text_pages"])):
            if index and index % PAGES_PER_OPENING == 0:
                document.close()
                document = pdfium.PdfDocument(str(target))
            text = document[index].get_textpage().get_text_bounded()
            texts.append(text)
            total += len(text)
            if total > job["max_text_chars"]:
                break
    except pdfium.PdfiumError as exc:
        raise Refused("pdf_damaged") from exc
    finally:
        document.close()
    text = "\n".join(texts)[: job["max_text_chars"]].replace("\x00", "")
    return {"page_count": page_count, "text": text, "removed": removed}


# --- Presentation containers (ZIP) ------------------------------------------------------------

ODP_MIMETYPE = b"application/vnd.oasis.opendocument.presentation"
REQUIRED_MEMBERS = {
    "pptx": ["[Content_Types].xml", "ppt/presentation.xml"],
    "odp": ["mimetype", "content.xml", "META-INF/manifest.xml"],
    "key": ["Index/", "Metadata/"],  # folders: at least one member inside each
}
MAX_MEMBERS = 50_000
MAX_CONTENT_TYPES_SIZE = 4 * 1024 * 1024
LOCAL_FILE_HEADER = b"PK\x03\x04"
END_OF_CENTRAL_DIRECTORY = b"PK\x05\x06"
CHUNK = 1024 * 1024


def _unsafe_name(name: str) -> bool:
    """A member name that could write outside the folder it is unpacked into, or that readers
    disagree about: absolute, with a drive letter, backslashes, `..` or control characters."""
    return (
        not name
        or name.startswith("/")
        or "\\" in name
        or (len(name) > 1 and name[1] == ":")
        or any(ord(c) < 32 or ord(c) == 127 for c in name)
        or ".." in name.split("/")
    )


def _shown(name: str) -> str:
    printable = "".join(c if c.isprintable() else "?" for c in name)
    return printable if len(printable) <= 80 else printable[:77] + "…"


def _has_member(names: set[str], required: str) -> bool:
    if required.endswith("/"):
        return any(n.startswith(required) and n != required for n in names)
    return required in names


def _macros(archive: zipfile.ZipFile, kind: str, names: list[str]) -> tuple[str, str] | None:
    """(refusal code, what was found) for macros or ActiveX controls, else None."""
    if kind == "pptx":
        for name in names:
            if name.rsplit("/", 1)[-1].lower() == "vbaproject.bin":
                return "pptx_macros", name
        content_types = archive.getinfo("[Content_Types].xml")
        if content_types.file_size > MAX_CONTENT_TYPES_SIZE:
            raise Refused("container_damaged")
        declared = archive.read(content_types).lower()
        if b"macroenabled" in declared or b"vbaproject" in declared:
            return "pptx_macros", "a macro-enabled content type in [Content_Types].xml"
        for name in names:
            if name.lower().startswith("ppt/activex/"):
                return "pptx_activex", name
    if kind == "odp":
        for name in names:
            if name.startswith(("Basic/", "Scripts/")):
                return "odp_macros", name
    return None


def inspect_container(source: Path, kind: str, job: dict) -> dict:
    """Refuse a PPTX, ODP or Keynote file that is unsafe to store or to open: data outside the
    archive (polyglots), unsafe or duplicate member names, links, encryption, more unpacked data
    than the caps allow, missing required members, macros, or members that do not unpack."""
    size = source.stat().st_size
    with source.open("rb") as file:
        head = file.read(1024)
        file.seek(max(size - 22, 0))
        tail = file.read()
    if b"%PDF-" in head:
        raise Refused("container_polyglot", found="a PDF at its start")
    # The archive must end with its directory, without a comment or anything appended.
    if not (tail.startswith(END_OF_CENTRAL_DIRECTORY) and tail[20:22] == b"\0\0"):
        raise Refused("container_polyglot", found="data after the end of the archive")
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise Refused("container_damaged") from exc
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_MEMBERS:
            raise Refused("container_members", count=len(infos), limit=MAX_MEMBERS)
        if not infos or min(info.header_offset for info in infos) != 0:
            raise Refused("container_polyglot", found="data before the start of the archive")
        names, seen, total = [], set(), 0
        for info in infos:
            name = info.orig_filename
            is_link = info.create_system == 3 and (info.external_attr >> 16) & 0o170000 == 0o120000
            if _unsafe_name(name) or is_link:
                raise Refused("container_unsafe_name", entry=_shown(name))
            if name in seen:
                raise Refused("container_duplicate_name", entry=_shown(name))
            if info.flag_bits & 0x1:
                raise Refused("container_encrypted")
            if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                raise Refused("container_damaged")
            seen.add(name)
            names.append(name)
            total += info.file_size
        if total > job["max_unpacked_size"]:
            raise Refused("container_too_large", unpacked=total, limit=job["max_unpacked_size"])
        if total > job["ratio_floor"] and total > job["max_ratio"] * size:
            raise Refused("container_ratio", ratio=total // max(size, 1), limit=job["max_ratio"])
        missing = [m for m in REQUIRED_MEMBERS[kind] if not _has_member(seen, m)]
        if missing:
            raise Refused("container_incomplete", missing=missing)
        if kind == "odp":
            first = infos[0]
            if (
                first.filename != "mimetype"
                or first.compress_type != zipfile.ZIP_STORED
                or archive.read(first) != ODP_MIMETYPE
            ):
                raise Refused("container_incomplete", missing=["mimetype"])
        found = _macros(archive, kind, names)
        if found:
            raise Refused(found[0], found=_shown(found[1]))
    # Unpack everything once, into nothing: every member must unpack to exactly its declared size
    # and checksum, and use all of its packed data.
    with source.open("rb") as file:
        for info in infos:
            if not _unpacks_as_declared(file, info):
                raise Refused("container_damaged")
    return {"unpacked_size": total, "members": len(infos)}


def _unpacks_as_declared(file, info: zipfile.ZipInfo) -> bool:
    """Whether a member's local header agrees with the directory and its data unpacks to the
    declared size and CRC, ending where the packed data ends. Never unpacks more than the
    declared size (plus one chunk), so a member that lies about its size is no bomb here."""
    file.seek(info.header_offset)
    header = file.read(30)
    if len(header) < 30 or not header.startswith(LOCAL_FILE_HEADER):
        return False
    name_length, extra_length = struct.unpack("<HH", header[26:30])
    encoding = "utf-8" if info.flag_bits & 0x800 else "cp437"
    if file.read(name_length) != info.orig_filename.encode(encoding, "replace"):
        return False  # readers that trust the local header would see another name
    file.seek(extra_length, os.SEEK_CUR)
    size = crc = 0
    try:
        for data in _unpacked(file, info):
            size += len(data)
            if size > info.file_size:
                return False
            crc = zlib.crc32(data, crc)
    except (EOFError, zlib.error):
        return False
    return size == info.file_size and crc == info.CRC


def _unpacked(file, info: zipfile.ZipInfo):
    """A member's data, unpacked a chunk at a time; EOFError if the packed data is cut short or
    the deflate stream does not end exactly where the packed data ends."""
    inflater = zlib.decompressobj(-15) if info.compress_type == zipfile.ZIP_DEFLATED else None
    remaining = info.compress_size
    while remaining:
        packed = file.read(min(remaining, CHUNK))
        if not packed:
            raise EOFError
        remaining -= len(packed)
        if inflater is None:
            yield packed
            continue
        while packed:
            yield inflater.decompress(packed, CHUNK)
            packed = inflater.unconsumed_tail
    if inflater is not None:
        while not inflater.eof:  # output zlib still holds back after the last input
            data = inflater.decompress(b"", CHUNK)
            if not data:
                raise EOFError
            yield data
        if inflater.unused_data:
            raise EOFError


# --- The child process ------------------------------------------------------------------------


def _limit(kind: int, value: int) -> None:
    _soft, hard = resource.getrlimit(kind)
    if hard != resource.RLIM_INFINITY:
        value = min(value, hard)
    resource.setrlimit(kind, (value, value if kind != resource.RLIMIT_CPU else hard))


def limit_self(job: dict) -> None:
    """Memory, CPU time (a backstop if the parent is gone: the parent's clock kills first), the
    size of each file written, no core dumps; and yield the CPU to the web workers."""
    _limit(resource.RLIMIT_AS, job["memory"])
    _limit(resource.RLIMIT_CPU, math.ceil(job["timeout"]) + 1)
    _limit(resource.RLIMIT_FSIZE, job["max_output_size"])
    _limit(resource.RLIMIT_CORE, 0)
    os.nice(10)


def run(job: dict) -> dict:
    work, source = Path(job["work"]), Path(job["source"])
    try:
        if job["kind"] == "pdf":
            return {"ok": inspect_pdf(source, work, job)}
        return {"ok": inspect_container(source, job["kind"], job)}
    except Refused as refusal:
        return {"refused": refusal.code, "params": refusal.params}


def main(argv: list[str]) -> int:
    job = json.loads(argv[1])
    limit_self(job)
    try:
        result = run(job)
    except MemoryError:
        result = {"refused": "too_complex", "params": {}}
    work = Path(job["work"])
    partial = work / "result.partial"
    partial.write_text(json.dumps(result), encoding="utf-8")
    partial.replace(work / "result.json")  # the parent sees a whole result or none
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
