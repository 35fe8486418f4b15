"""Uploads on S3-compatible object storage (STORAGE_S3_*, spp_site/storage.py), against a real S3
protocol server on loopback (moto, the `object_store` and `bucket` fixtures in tests/conftest.py):
every path that stores or reads a file lands in the bucket and is served by the site from there,
and nothing is written to the local media folder."""

import hashlib
import io
import tarfile
import zipfile
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage, storages
from django.core.management import call_command
from django.test import Client

from events.models import SlideDeck
from spp_site.images import original_name, rendition_names
from spp_site.settings import s3_storage_from_env
from spp_site.storage import MediaS3Storage
from tests.conftest import files_in, files_of, picture
from tests.core.test_serving import free_port
from tests.events.factories import EventFactory, make_deck, pdf_upload
from tests.events.test_admin import deck_form
from tests.programs.factories import PersonFactory

pytestmark = pytest.mark.django_db


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def with_renditions(name: str) -> list[str]:
    return [name, *rendition_names(name)]


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --- configuration ------------------------------------------------------------------------------


def test_without_storage_variables_uploads_stay_in_the_media_folder(monkeypatch):
    for name in ("STORAGE_S3_BUCKET", "STORAGE_S3_ENDPOINT_URL", "STORAGE_S3_ACCESS_KEY"):
        monkeypatch.delenv(name, raising=False)
    assert s3_storage_from_env() is None


def test_storage_variables_select_the_object_store(bucket, object_store):
    storage = storages["default"]
    assert isinstance(storage, MediaS3Storage)
    assert storage.bucket_name == bucket.name
    assert storage.endpoint_url == object_store.endpoint_url
    assert storage.location == "site-a"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"STORAGE_S3_ENDPOINT_URL": "https://s3.example.org"}, "STORAGE_S3_BUCKET is not"),
        ({"STORAGE_S3_BUCKET": "b", "STORAGE_S3_ACCESS_KEY": "key"}, "go together"),
        ({"STORAGE_S3_BUCKET": "b", "STORAGE_S3_ENDPOINT_URL": "s3.example.org"}, "http(s)://"),
        ({"STORAGE_S3_BUCKET": "b", "STORAGE_S3_ADDRESSING_STYLE": "sideways"}, "auto, path or virtual"),
    ],
    ids=["no-bucket", "key-without-secret", "endpoint-without-scheme", "addressing-style"],
)
def test_half_configured_object_storage_refuses_to_start(monkeypatch, env, message):
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ImproperlyConfigured, match=message.replace("(", r"\(").replace(")", r"\)")):
        s3_storage_from_env()


# --- slide decks: admin upload, download, versions, ZIP -------------------------------------------


def test_admin_upload_lands_in_the_bucket_and_downloads_byte_identical(
    client, editor, bucket, media_root, settings, tmp_path, commit
):
    settings.FILE_UPLOAD_TEMP_DIR = tmp_path / "uploads"
    settings.FILE_UPLOAD_TEMP_DIR.mkdir()
    event = EventFactory()
    client.force_login(editor)
    response = client.post("/admin/events/slidedeck/add/", deck_form(event, pdf_upload("talk.pdf")))
    assert response.status_code == 302
    deck = SlideDeck.objects.get()
    stored = bucket.objects()
    assert sorted(stored) == sorted([deck.file.name, *with_renditions(deck.thumbnail.name)])
    assert deck.file.name.startswith("decks/") and deck.thumbnail.name.startswith("slides/thumbnails/")
    assert sha256(stored[deck.file.name]) == deck.sha256

    client.logout()
    download = client.get(deck.get_download_url())
    assert download.status_code == 200
    assert body(download) == stored[deck.file.name]  # the disarmed PDF, as stored
    assert download["Content-Disposition"] == 'inline; filename="talk.pdf"'
    assert download["Content-Security-Policy"] == "default-src 'none'; frame-ancestors 'none'; sandbox"
    deck.refresh_from_db()
    assert deck.download_count == 1
    thumbnail = client.get(deck.thumbnail.url)
    assert deck.thumbnail.url.startswith("/media/slides/thumbnails/")
    assert body(thumbnail) == stored[deck.thumbnail.name]

    assert files_in(media_root) == []  # nothing in the local media folder
    assert list(settings.FILE_UPLOAD_TEMP_DIR.iterdir()) == []  # nor a temporary file left behind


def test_replacing_a_deck_file_keeps_the_old_object_as_a_version(client, editor, bucket, commit):
    event = EventFactory()
    client.force_login(editor)
    client.post("/admin/events/slidedeck/add/", deck_form(event, pdf_upload("talk.pdf")))
    deck = SlideDeck.objects.get()
    old_file, old_thumbnail = deck.file.name, deck.thumbnail.name
    old_bytes = bucket.objects()[old_file]
    with commit():
        response = client.post(
            f"/admin/events/slidedeck/{deck.pk}/change/",
            deck_form(event, pdf_upload("talk-v2.pdf", pages=4, title="Second thoughts")),
        )
    assert response.status_code == 302
    deck.refresh_from_db()
    version = deck.versions.get()
    assert version.file.name == old_file and deck.file.name != old_file
    stored = bucket.objects()
    # Both files are kept; the old first-page picture, shown nowhere any more, is deleted.
    assert sorted(stored) == sorted([old_file, deck.file.name, *with_renditions(deck.thumbnail.name)])
    assert old_thumbnail not in stored
    client.logout()
    response = client.get(f"{deck.get_absolute_url()}versions/{version.pk}/download/")
    assert response.status_code == 200 and body(response) == old_bytes
    assert body(client.get(deck.get_download_url())) == stored[deck.file.name]


def test_byte_ranges_and_validators_are_answered_from_the_object_store(client, bucket):
    deck = make_deck()
    data = bucket.objects()[deck.file.name]
    response = client.get(deck.get_download_url(), headers={"Range": "bytes=100-199"})
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes 100-199/{len(data)}"
    assert body(response) == data[100:200]
    response = client.get(deck.get_download_url(), headers={"Range": f"bytes=-{len(data) - 1000}"})
    assert body(response) == data[1000:]
    assert client.head(deck.get_download_url())["Content-Length"] == str(len(data))
    etag = client.get(deck.get_download_url())["ETag"]
    assert client.get(deck.get_download_url(), headers={"If-None-Match": etag}).status_code == 304


def test_the_slides_zip_is_streamed_from_the_object_store(client, bucket):
    event = EventFactory()
    first = make_deck(event, name="first.pdf")
    second = make_deck(event, name="second.pdf")
    stored = bucket.objects()
    response = client.get(f"{event.get_absolute_url()}slides.zip")
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(body(response))) as archive:
        assert archive.read("first.pdf") == stored[first.file.name]
        assert archive.read("second.pdf") == stored[second.file.name]
        assert first.sha256 in archive.read("index.txt").decode()


def test_slides_of_unpublished_events_stay_private(client, bucket):
    deck = make_deck(EventFactory(status="draft"))
    assert deck.file.name in bucket.objects()
    assert client.get(deck.get_download_url()).status_code == 404
    assert client.get(f"/media/{deck.file.name}").status_code == 404  # nor through the media view


# --- images: renditions and the Markdown image upload ----------------------------------------------


def test_image_renditions_land_in_the_bucket_and_are_served_by_the_site(client, bucket, media_root):
    person = PersonFactory(photo=picture("teal"))
    name = person.photo.name
    stored = bucket.objects()
    assert sorted(stored) == files_of(name)
    assert person.photo.url == f"/media/{name}"
    html = client.get(person.get_absolute_url()).content.decode()
    assert f"/media/{name.removesuffix('.webp')}.w320.webp 320w" in html
    response = client.get(person.photo.url)
    assert response.status_code == 200 and response["Content-Type"] == "image/webp"
    assert body(response) == stored[name]
    assert files_in(media_root) == []


def test_markdown_image_upload_lands_in_the_bucket(client, editor, bucket):
    client.force_login(editor)
    response = client.post("/admin/markdown/upload/", {"image": picture("navy", "pasted.png")})
    assert response.status_code == 200
    code = response.json()["image_code"]
    stored = bucket.objects()
    [original] = [name for name in stored if original_name(name) == name]
    assert sorted(stored) == files_of(original)
    assert f"(/media/{original})" in code
    assert body(client.get(f"/media/{original}")) == stored[original]


# --- the media view and cleanup ----------------------------------------------------------------


def test_missing_files_and_folders_are_404_not_errors(client, bucket):
    default_storage.save("slides/thumbnails/ab-10x10.webp", ContentFile(b"RIFF....WEBP"))
    assert client.get("/media/people/nothing-10x10.webp").status_code == 404
    assert client.get("/media/slides/thumbnails").status_code == 404


def test_cleanup_deletes_unreferenced_objects_and_nothing_of_other_sites(bucket, commit):
    deck = make_deck()
    default_storage.save("people/abandoned-10x10.webp", ContentFile(b"RIFF....WEBP"))
    # Another site sharing the bucket, below its own prefix.
    bucket.store.client.put_object(Bucket=bucket.name, Key="site-b/people/theirs-10x10.webp", Body=b"x")
    out = io.StringIO()
    call_command("cleanup_media", "--min-age", "0", stdout=out)
    assert "deleted: people/abandoned-10x10.webp" in out.getvalue()
    assert sorted(bucket.store.objects(bucket.name)) == sorted(
        [f"site-a/{name}" for name in [deck.file.name, *with_renditions(deck.thumbnail.name)]]
        + ["site-b/people/theirs-10x10.webp"]
    )


def test_deleting_a_deck_deletes_its_objects(bucket, commit):
    deck = make_deck()
    with commit():
        deck.delete()
    assert bucket.objects() == {}


# --- reading in ranges (spp_site.storage.RangeReader) -----------------------------------------------


@pytest.fixture
def object_reads(bucket):
    """The Range header of every GetObject request the site makes."""
    ranges = []
    events = default_storage.connection.meta.client.meta.events
    record = lambda params, **kwargs: ranges.append(params.get("Range"))  # noqa: E731
    events.register("before-parameter-build.s3.GetObject", record)
    yield ranges
    events.unregister("before-parameter-build.s3.GetObject", record)


def test_reading_fetches_from_where_it_starts_not_the_whole_object(bucket, object_reads):
    data = bytes(range(256)) * 4096  # 1 MiB
    default_storage.save("markdown/data.bin", ContentFile(data))
    with default_storage.open("markdown/data.bin") as file:
        assert file.size == len(data)
        assert object_reads == []  # opening reads nothing
        file.seek(700_000)
        assert file.read(1000) == data[700_000:701_000]
        assert file.read(10) == data[701_000:701_010]  # read on from the same request
        file.seek(5)
        assert file.read(3) == data[5:8]
    assert object_reads == ["bytes=700000-", "bytes=5-"]


def test_a_file_replaced_while_it_is_read_fails_rather_than_mixing_contents(bucket):
    default_storage.save("markdown/data.bin", ContentFile(b"a" * 5000))
    with default_storage.open("markdown/data.bin") as file:
        bucket.store.client.put_object(Bucket=bucket.name, Key="site-a/markdown/data.bin", Body=b"b" * 5000)
        with pytest.raises(OSError, match="Could not read"):
            file.read()


def test_opening_a_missing_file_is_file_not_found(bucket):
    with pytest.raises(FileNotFoundError):
        default_storage.open("markdown/none.bin")


def test_a_backup_holds_every_object_of_the_site(transactional_db, bucket, tmp_path):
    """`manage.py backup` reads the object store through the storage API, as it reads the folder.
    (Committed rows: SQLite's backup API waits for an open transaction to end.)"""
    deck = make_deck()
    bucket.store.client.put_object(Bucket=bucket.name, Key="site-b/people/theirs-10x10.webp", Body=b"x")
    out = io.StringIO()
    call_command("backup", output_dir=tmp_path, stdout=out)
    archive = Path(out.getvalue().splitlines()[-1])
    with tarfile.open(archive) as tar:
        members = {m.name: tar.extractfile(m).read() for m in tar.getmembers() if m.name.startswith("media/")}
    ours = {
        key.removeprefix("site-a/"): data
        for key, data in bucket.store.objects(bucket.name).items()
        if key.startswith("site-a/")
    }
    assert {f"media/{name}": data for name, data in ours.items()} == members
    assert f"media/{deck.file.name}" in members and not any("theirs" in name for name in members)


def test_an_object_store_that_cannot_be_reached_gets_the_503_page(bucket, settings, monkeypatch):
    deck = make_deck()
    monkeypatch.setenv("STORAGE_S3_ENDPOINT_URL", f"http://127.0.0.1:{free_port()}")  # nothing listens
    settings.STORAGES = {**settings.STORAGES, "default": s3_storage_from_env()}
    visitor = Client(raise_request_exception=False)
    for url in (deck.get_download_url(), f"/media/{deck.thumbnail.name}"):
        response = visitor.get(url)
        assert response.status_code == 503, url
        assert response["Retry-After"] and "briefly unavailable" in response.content.decode()
