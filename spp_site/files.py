"""Sending stored files: one response builder for slide downloads and media, through Django's
storage API only (so it works the same on a local disk and on object storage).

Handles `ETag`/`Last-Modified` with `304 Not Modified`, single `Range` requests (`206`, `416`),
`If-Range`, `Content-Disposition` per RFC 6266 (`filename*` for non-ASCII names), and streams the
body in chunks so memory stays flat whatever the file size.
"""

import re
from datetime import datetime

from django.http import HttpResponse, HttpResponseNotModified, StreamingHttpResponse
from django.utils.http import content_disposition_header, http_date, parse_http_date_safe, quote_etag

CHUNK_SIZE = 64 * 1024
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


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


def _etag_matches(header: str, etag: str) -> bool:
    if header.strip() == "*":
        return True
    tags = [t.strip().removeprefix("W/") for t in header.split(",")]
    return etag in tags


def parse_range(header: str | None, size: int) -> tuple[int, int] | None | bool:
    """(first, last) byte positions for a single-range `Range` header; None when the header is
    absent or not one we honour (multiple ranges, other units): the whole file is then sent;
    False when the range cannot be satisfied (416)."""
    if not header:
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
    start = int(first)
    end = int(last) if last else size - 1
    if start >= size or end < start:
        return False
    return start, min(end, size - 1)


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

    # Conditional GET (RFC 9110 13.2.2): If-None-Match wins over If-Modified-Since.
    if_none_match = request.headers.get("If-None-Match")
    if_modified_since = parse_http_date_safe(request.headers.get("If-Modified-Since") or "")
    not_modified = (
        _etag_matches(if_none_match, etag)
        if if_none_match
        else (
            last_modified_ts is not None
            and if_modified_since is not None
            and last_modified_ts <= if_modified_since
        )
    )

    def headers(response):
        response["ETag"] = etag
        if last_modified_ts is not None:
            response["Last-Modified"] = http_date(last_modified_ts)
        response["Cache-Control"] = cache_control
        response["X-Content-Type-Options"] = "nosniff"
        return response

    if not_modified:
        if file:
            file.close()
        return headers(HttpResponseNotModified())

    size = storage.size(name)
    if_range = request.headers.get("If-Range")
    # If-Range with a stale validator (or a date, which we do not use): ignore Range, send it all.
    range_header = request.headers.get("Range") if not if_range or if_range.strip() == etag else None
    byte_range = parse_range(range_header, size)
    if byte_range is False:
        if file:
            file.close()
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
        if file:
            file.close()
        response = HttpResponse(status=status)
    else:
        source = file or storage.open(name, "rb")
        response = StreamingHttpResponse(iter_file(source, start, length), status=status)
    response["Content-Type"] = content_type
    response["Content-Length"] = str(length)
    response["Accept-Ranges"] = "bytes"
    if status == 206:
        response["Content-Range"] = f"bytes {start}-{start + length - 1}/{size}"
    if filename is not None or as_attachment:
        response["Content-Disposition"] = content_disposition_header(
            as_attachment, filename or name.rsplit("/", 1)[-1]
        )
    return headers(response)
