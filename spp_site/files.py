"""Sending stored files: one response builder for slide downloads and media, through Django's
storage API only (so it works the same on a local disk and on object storage).

Preconditions (`If-Match`, `If-Unmodified-Since` -> 412; `If-None-Match`, `If-Modified-Since`
-> 304) are Django's `get_conditional_response`. Written here is only what Django lacks: single
`Range` requests (`206`, `416`) with `If-Range`. Also `Content-Disposition` per RFC 6266
(`filename*` for non-ASCII names), and a body streamed in chunks so memory stays flat whatever
the file size.
"""

import re
from datetime import datetime

from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.utils.cache import get_conditional_response
from django.utils.http import content_disposition_header, http_date, quote_etag

from .text import single_line

CHUNK_SIZE = 64 * 1024
# Every stored file (an upload: a slide deck, an image) is data, never a page: opened on its own,
# it may run no script and load nothing, no page may frame it, and no other site may embed it (the
# site's own <img> may). A PDF opened in the browser is still shown by the browser's own viewer
# (checked in Chromium 156).
STORED_FILE_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'; sandbox",
    "Cross-Origin-Resource-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
}
_RANGE = re.compile(r"^bytes=([0-9]*)-([0-9]*)$")


def iter_file(file, start: int = 0, length: int | None = None, chunk_size: int = CHUNK_SIZE):
    """Yield `length` bytes of `file` from `start` (to the end if length is None), then close it."""
    try:
        file.seek(start)
        remaining = length
        while remaining is None or remaining > 0:
            data = file.read(chunk_size if remaining is None else min(chunk_size, remaining))
            if not data:
                break
            if remaining is not None:
                remaining -= len(data)
            yield data
    finally:
        file.close()


def parse_range(header: str | None, size: int) -> tuple[int, int] | None | bool:
    """(first, last) byte positions for a single-range `Range` header (RFC 9110 14.1.2, 14.2).

    None when the whole file is to be sent: no header, another unit, several ranges (no
    multipart here), an invalid range such as `bytes=5-1`, or an empty file (all of which
    RFC 9110 14.2 lets a server ignore). False when the range is valid but unsatisfiable
    (416): it starts at or beyond the end, or asks for the last 0 bytes."""
    if not header or size == 0:
        return None
    match = _RANGE.match(header.strip())
    if not match:
        return None
    first, last = match.groups()
    if first == "" and last == "":
        return None
    if first == "":  # suffix range: the last N bytes
        suffix = int(last)
        if suffix == 0:
            return False
        return max(size - suffix, 0), size - 1
    start, end = int(first), int(last) if last else None
    if end is not None and end < start:
        return None
    if start >= size:
        return False
    return start, size - 1 if end is None else min(end, size - 1)


def stored_file_response(
    request,
    storage,
    name: str,
    *,
    content_type: str,
    etag: str,
    last_modified: datetime | None = None,
    filename: str | None = None,
    as_attachment: bool = False,
    cache_control: str = "public, max-age=3600",
    file=None,
):
    """Answer GET/HEAD for a stored file. `etag` is an opaque value (a content hash); `file` is
    the file already opened by the caller, if any (it is closed when not needed)."""
    etag = quote_etag(etag)
    last_modified_ts = int(last_modified.timestamp()) if last_modified else None

    def headers(response):
        response["ETag"] = etag
        if last_modified_ts is not None:
            response["Last-Modified"] = http_date(last_modified_ts)
        response["Cache-Control"] = cache_control
        for header, value in STORED_FILE_HEADERS.items():
            response[header] = value
        return response

    # RFC 9110 13.2.2, steps 1-4. Django's 304 copies headers only from a `response` we would
    # have to build first, and not ours: it gets them here instead.
    conditional = get_conditional_response(request, etag=etag, last_modified=last_modified_ts)
    if conditional is not None:
        if file:
            file.close()
        return headers(conditional) if conditional.status_code == 304 else conditional

    # Opened before anything else is asked of the storage: its size then costs nothing more (on
    # object storage, opening is the one request before the bytes).
    source = file or storage.open(name, "rb")
    size = source.size
    # Step 5, If-Range (RFC 9110 13.1.5): the range holds only for the current ETag, compared
    # strongly; a stale ETag or a date (we do not treat Last-Modified as strong) means the whole file.
    if_range = request.headers.get("If-Range")
    if_range_holds = if_range is None or (if_range.strip() == etag and not etag.startswith("W/"))
    range_header = request.headers.get("Range") if if_range_holds else None
    byte_range = parse_range(range_header, size)
    if byte_range is False:
        source.close()
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        return headers(response)

    if byte_range:
        start, end = byte_range
        length = end - start + 1
        status = 206
    else:
        start, length, status = 0, size, 200

    if request.method == "HEAD":
        source.close()
        response = HttpResponse(status=status)
    elif status == 200:
        # The whole file: a FileResponse, which the WSGI server may send with sendfile()
        # (wsgi.file_wrapper: gunicorn does, for files on a local disk) instead of through Python.
        response = FileResponse(source, status=status)
        del response["Content-Disposition"]  # set below, from the stored document's own name
    else:
        response = StreamingHttpResponse(iter_file(source, start, length), status=status)
    response["Content-Type"] = content_type
    response["Content-Length"] = str(length)
    response["Accept-Ranges"] = "bytes"
    if status == 206:
        response["Content-Range"] = f"bytes {start}-{start + length - 1}/{size}"
    if filename is not None or as_attachment:
        response["Content-Disposition"] = content_disposition_header(
            as_attachment, single_line(filename or name.rsplit("/", 1)[-1])
        )
    return headers(response)


def listed_files(storage, folder: str = ""):
    """Every file below `folder` (the whole storage by default), as names the storage opens, through
    its `listdir` only: the same on a local folder and on object storage."""
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:
        return  # nothing was ever stored there
    prefix = f"{folder}/" if folder else ""
    for name in files:
        yield f"{prefix}{name}"
    for subfolder in folders:
        yield from listed_files(storage, f"{prefix}{subfolder}")
