"""Slide downloads: single files (with ranges and validators) and an event's decks as one ZIP,
streamed in constant memory with an index of titles, speakers, licences and SHA-256 sums."""

import zipfile
from datetime import datetime
from pathlib import PurePath

from django.core.files.storage import default_storage
from django.http import StreamingHttpResponse
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.http import content_disposition_header
from django.utils.text import get_valid_filename

from spp_site.files import CHUNK_SIZE, stored_file_response
from spp_site.http import client_ip


def client_fingerprint(request, deck) -> str:
    """An opaque name for "this client downloading this deck today": an HMAC of the client's address
    and browser under a key derived from SECRET_KEY and today's date. The address is never
    stored, and tomorrow's fingerprints cannot be linked to today's."""
    day = timezone.localdate().isoformat()
    client = f"{deck.pk}|{client_ip(request)}|{request.headers.get('User-Agent', '')}"
    return salted_hmac(f"spp_site.downloads.{day}", client, algorithm="sha256").hexdigest()


def document_response(request, document, *, count=None, public=True):
    """Send a deck's (or a version's) file. `count` is called when a download starts at the first
    byte (not for HEAD, 304 or later byte ranges); it counts once per client and day."""
    response = stored_file_response(
        request,
        default_storage,
        document.file.name,
        content_type=document.content_type,
        etag=document.sha256,
        last_modified=document.uploaded_at,
        filename=document.original_filename or PurePath(document.file.name).name,
        # PDFs open in the browser; presentation files are downloaded.
        as_attachment=document.file_type != "pdf",
        # A staff preview (the event is not public yet) must not land in shared caches.
        cache_control="public, max-age=3600" if public else "private, no-store",
    )
    starts_at_zero = response.status_code == 200 or response.get("Content-Range", "").startswith("bytes 0-")
    if count and request.method == "GET" and response.status_code in (200, 206) and starts_at_zero:
        count()
    return response


class _Sink:
    """A write-only, unseekable file for zipfile: it collects what zipfile writes so the
    response can hand it on chunk by chunk."""

    def __init__(self):
        self._chunks = []
        self._position = 0

    def write(self, data):
        self._chunks.append(bytes(data))
        self._position += len(data)
        return len(data)

    def tell(self):
        return self._position

    def flush(self):
        pass

    def take(self) -> bytes:
        data = b"".join(self._chunks)
        self._chunks.clear()
        return data


def _unique_names(decks):
    used, names = set(), {}
    for deck in decks:
        original = get_valid_filename(deck.original_filename or f"{deck.slug}.{deck.file_type}") or deck.slug
        stem, suffix = PurePath(original).stem, PurePath(original).suffix or f".{deck.file_type}"
        candidate, n = f"{stem}{suffix}", 2
        while candidate.lower() in used or candidate.lower() == "index.txt":
            candidate = f"{stem}-{n}{suffix}"
            n += 1
        used.add(candidate.lower())
        names[deck.pk] = candidate
    return names


def index_text(event, decks, names, url) -> str:
    """The ZIP's index.txt. In English whatever the visitor's language: it is a manifest (like the
    file names and checksums it lists) of a download whose address is the same in every language
    and which shared caches keep, and it is written while the response streams, when the request's
    language is no longer guaranteed to be active."""
    with translation.override("en"):
        return _index_text(event, decks, names, url)


def _index_text(event, decks, names, url) -> str:
    lines = [
        f"Slides of “{event.title}”",
        url,
        f"Downloaded {timezone.localtime():%Y-%m-%d %H:%M %Z}",
        "",
    ]
    for deck in decks:
        lines += [
            names[deck.pk],
            f"  Title:    {deck.title}",
            f"  Speakers: {', '.join(deck.speaker_names()) or '—'}",
            f"  Licence:  {deck.get_licence_display()}"
            + (f" ({deck.licence_url})" if deck.licence_url else ""),
            f"  SHA-256:  {deck.sha256}",
            "",
        ]
    return "\n".join(lines)


def _zip_stream(event, decks, url):
    names = _unique_names(decks)
    sink = _Sink()
    with zipfile.ZipFile(sink, mode="w", allowZip64=True) as archive:
        for deck in decks:
            info = zipfile.ZipInfo(names[deck.pk], date_time=_zip_time(deck.uploaded_at))
            # Deflated, not stored: sizes are known only afterwards (data descriptors), and
            # streaming readers such as Java's ZipInputStream accept that only for deflated
            # entries. Level 1, as slides are mostly compressed already.
            info.compress_type = zipfile.ZIP_DEFLATED
            info._compresslevel = 1  # public as `compress_level` only from Python 3.13
            with (
                default_storage.open(deck.file.name, "rb") as source,
                archive.open(info, "w", force_zip64=deck.size >= zipfile.ZIP64_LIMIT) as target,
            ):
                for chunk in iter(lambda: source.read(CHUNK_SIZE), b""):
                    target.write(chunk)
                    yield sink.take()
            yield sink.take()
        info = zipfile.ZipInfo("index.txt", date_time=_zip_time(timezone.now()))
        info.compress_type = zipfile.ZIP_DEFLATED
        archive.writestr(info, index_text(event, decks, names, url).encode("utf-8"))
    yield sink.take()


def _zip_time(moment: datetime):
    local = timezone.localtime(moment)
    return (max(local.year, 1980), local.month, local.day, local.hour, local.minute, local.second)


def zip_response(request, event, decks, *, public=True):
    url = request.build_absolute_uri(event.get_absolute_url())
    response = StreamingHttpResponse(
        (chunk for chunk in _zip_stream(event, list(decks), url) if chunk), content_type="application/zip"
    )
    response["Content-Disposition"] = content_disposition_header(True, f"{event.slug}-slides.zip")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "public, max-age=3600" if public else "private, no-store"
    return response
