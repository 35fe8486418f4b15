"""Uploads on S3-compatible object storage (django-storages with boto3), used when STORAGE_S3_BUCKET
is set (spp_site/settings.py); without it they stay in the local folder MEDIA_ROOT.

The rest of the site works through Django's storage API and does not know which one it has. Three
things differ from django-storages' own S3Storage so that it need not:

- Addresses. `url()` is MEDIA_URL followed by the name, as for the local folder. Every stored file
  is sent by the site's own views (`spp_site.views.media`, the slide download views), never by the
  bucket: they keep unpublished events' slides private, count downloads once per client and day,
  answer byte ranges and conditional requests against the file's SHA-256, name the file
  (`Content-Disposition`) and send the sandbox headers (spp_site/files.py) that S3 cannot. The bucket
  stays private; addresses in Markdown texts (`/media/…`) stay valid when the storage changes.
- Reading streams. A file opened for reading fetches its bytes as they are read, by HTTP ranges,
  instead of downloading the whole object first (S3File keeps it in memory): a 100 MB download
  starts at once and holds one chunk of the worker's memory, and a byte range reads only itself.
- Writing from disk. A file that is already on the local disk (a large upload's temporary file, a
  disarmed PDF: `temporary_file_path()`) is sent from there, a part at a time, without reading it
  into memory first (boto3's `upload_file`; `upload_fileobj` holds every part in flight in memory).
"""

import io
from urllib.parse import urljoin

from botocore.config import Config
from botocore.exceptions import ClientError
from django.conf import settings
from django.core.files.base import File
from django.utils.encoding import filepath_to_uri
from storages.backends.s3 import S3Storage
from storages.utils import clean_name

# What one read from the object store asks for at most; the download views read 64 KiB at a time.
READ_CHUNK_SIZE = 1024 * 1024
# A store that does not answer costs a request seconds, not gunicorn's whole 30 s timeout.
CLIENT_CONFIG = {"connect_timeout": 3, "read_timeout": 20, "retries": {"mode": "standard", "max_attempts": 3}}


class MediaS3Storage(S3Storage):
    """django-storages' S3Storage with the site's addresses, streamed reads and writes from disk."""

    def __init__(self, **options):
        super().__init__(**options)
        self.client_config = Config(**CLIENT_CONFIG).merge(self.client_config)  # given options win

    def url(self, name, parameters=None, expire=None, http_method=None):
        return urljoin(settings.MEDIA_URL, filepath_to_uri(name).lstrip("/"))

    def _open(self, name, mode="rb"):
        if any(flag in mode for flag in "wa+"):
            return super()._open(name, mode)
        key = self._normalize_name(clean_name(name))
        obj = self.bucket.Object(key)
        try:
            obj.load()  # one HEAD: size and ETag; a missing file fails here, as on a disk
        except ClientError as exc:
            if exc.response["ResponseMetadata"]["HTTPStatusCode"] == 404:
                raise FileNotFoundError(f"File does not exist: {name}") from exc
            raise
        stream = io.BufferedReader(RangeReader(obj, obj.content_length, obj.e_tag), READ_CHUNK_SIZE)
        file = File(stream if "b" in mode else io.TextIOWrapper(stream, encoding="utf-8"), clean_name(name))
        file.size = obj.content_length
        return file

    def _save(self, name, content):
        path = getattr(content, "temporary_file_path", None)
        if path is None:
            return super()._save(name, content)
        cleaned = clean_name(name)
        key = self._normalize_name(cleaned)
        self.bucket.Object(key).upload_file(
            path(), ExtraArgs=self._get_write_parameters(key, content), Config=self.transfer_config
        )
        return cleaned


class RangeReader(io.RawIOBase):
    """A stored object as a seekable, read-only raw stream. Reading opens one ranged GET from the
    current position to the end and reads on from it; seeking elsewhere drops it, and the next read
    opens another. Every GET names the ETag seen when the file was opened, so a file replaced while
    it is being read fails instead of mixing two contents."""

    def __init__(self, obj, size: int, etag: str):
        super().__init__()
        self._obj, self._size, self._etag = obj, size, etag
        self._position = 0
        self._body = None

    def readable(self):
        return True

    def seekable(self):
        return True

    def tell(self):
        return self._position

    def seek(self, offset, whence=io.SEEK_SET):
        if whence == io.SEEK_SET:
            position = offset
        elif whence == io.SEEK_CUR:
            position = self._position + offset
        elif whence == io.SEEK_END:
            position = self._size + offset
        else:
            raise ValueError(f"invalid whence ({whence!r})")
        if position < 0:
            raise ValueError(f"negative seek position {position}")
        if position != self._position:
            self._drop_body()
            self._position = position
        return position

    def readinto(self, buffer):
        if self._position >= self._size or len(buffer) == 0:
            return 0
        if self._body is None:
            try:
                precondition = {"IfMatch": self._etag} if self._etag else {}  # (a store may send none)
                response = self._obj.get(Range=f"bytes={self._position}-", **precondition)
            except ClientError as exc:
                raise OSError(f"Could not read {self._obj.key} from the object store: {exc}") from exc
            self._body = response["Body"]
        data = self._body.read(len(buffer))
        if not data:
            raise OSError(f"{self._obj.key} ended at byte {self._position} of {self._size}")
        buffer[: len(data)] = data
        self._position += len(data)
        return len(data)

    def _drop_body(self):
        if self._body is not None:
            self._body.close()
            self._body = None

    def close(self):
        self._drop_body()
        super().close()
