import io
import logging
import uuid
from dataclasses import dataclass
from pathlib import Path

import boto3
import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import override_settings
from django.utils import translation
from PIL import Image

from spp_site.roles import EDITOR, SITE_ADMINISTRATOR, sync_groups
from spp_site.settings import s3_storage_from_env
from tests.core.test_serving import free_port

DEMO_HOST = "127.0.0.1"


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Tests on the shared demo content run last (a stable sort after pytest-django's own order):
    from the moment the demo content is seeded until the session ends, the database is not empty."""
    items.sort(key=lambda item: "demo_site" in getattr(item, "fixturenames", ()))


@dataclass(frozen=True)
class DemoSite:
    url: str
    media_root: Path


@pytest.fixture(scope="session")
def _demo_site(django_db_setup, django_db_blocker, tmp_path_factory):
    """Seed the demo content once per session (it takes seconds) and serve it on a free port.

    Not pytest-django's `live_server`: that one makes each test transactional, which empties the
    database after every test. The content is committed, so the server thread sees it on both
    SQLite (the in-memory connection is shared with the thread) and PostgreSQL."""
    from pytest_django.live_server_helper import LiveServer

    media_root = tmp_path_factory.mktemp("demo-media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media_root):
        # Session fixtures are set up before a test's own transaction opens; seeded inside it,
        # the content would be rolled back after the first test.
        assert not connection.in_atomic_block, "demo content must be seeded outside a transaction"
        sync_groups()  # the editor roles, as the migrations create them
        call_command("seed_demo", stdout=io.StringIO())
    server = LiveServer(f"{DEMO_HOST}:0")
    yield DemoSite(server.url, media_root)
    server.stop()
    # Leave the test database empty, as the transactional tests do (it outlives the session with
    # --reuse-db); post_migrate re-creates the content types and permissions.
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def demo_site(_demo_site, db, settings):
    """The demo content, shared by the whole session: read it, never change it. `demo_site.url` is
    a live server that serves it.

    `db` creates the test database even when only these tests run, lets the test and the server
    thread query it, and rolls back what the test itself writes. What the server writes stays (a
    slide download is counted): assert nothing on it."""
    settings.MEDIA_ROOT = _demo_site.media_root
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, DEMO_HOST]
    return _demo_site


@pytest.fixture(scope="session", autouse=True)
def compiled_translations():
    """The German catalogue compiled as `make messages` does (only when the .po changed), so that a
    test run straight after editing a translation, or after a fresh clone, uses it."""
    call_command("compile_translations", verbosity=0)


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in the default language: a request to a German page activates German in the
    thread that handles it (the test client's is the test's own) and leaves it active."""
    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache: the database is rolled back between tests, and pages
    stored by one test must not answer the next."""
    cache.clear()


@pytest.fixture(autouse=True)
def media_root(request, tmp_path, settings):
    """Every test writes uploads to its own temporary folder; tests on the demo content read
    the session's, where the demo images are."""
    if "demo_site" in request.fixturenames:
        return request.getfixturevalue("demo_site").media_root
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    return settings.MEDIA_ROOT


def files_in(folder):
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def picture(color, name="picture.png"):
    """A 700 × 400 upload: stored with renditions 320 and 640 pixels wide (see `files_of`)."""
    out = io.BytesIO()
    Image.new("RGB", (700, 400), color).save(out, format="PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def files_of(name):
    """What the storage holds for a processed 700-pixel-wide image stored as `name`."""
    stem = name.removesuffix(".webp")
    return sorted([name, f"{stem}.w320.webp", f"{stem}.w640.webp"])


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """`with commit(): ...` runs what waits for the commit at the end of the block (the tests run
    inside a transaction that never commits), such as deleting files nothing refers to."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def roles(db):
    """The editor groups (created by a data migration; transactional tests flush them)."""
    sync_groups()
    return Group.objects.get(name=EDITOR), Group.objects.get(name=SITE_ADMINISTRATOR)


def staff_member(username, password, group):
    user = get_user_model().objects.create_user(username, f"{username}@example.org", password, is_staff=True)
    user.groups.add(group)
    return user


@pytest.fixture
def editor(roles):
    return staff_member("editor", "editor-pass-123", roles[0])


@pytest.fixture
def site_admin(roles):
    return staff_member("siteadmin", "admin-pass-123", roles[1])


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser("root", "root@example.org", "root-pass-123")


@dataclass(frozen=True)
class ObjectStore:
    """An S3 protocol server on loopback (moto), with a boto3 client for looking into it."""

    endpoint_url: str
    client: object  # boto3's S3 client

    @classmethod
    def at(cls, endpoint_url: str) -> "ObjectStore":
        client = boto3.client(
            "s3", endpoint_url=endpoint_url, region_name="us-east-1",
            aws_access_key_id="testing", aws_secret_access_key="testing",
        )  # fmt: skip
        return cls(endpoint_url, client)

    def new_bucket(self) -> str:
        name = f"test-{uuid.uuid4().hex[:16]}"
        self.client.create_bucket(Bucket=name)
        return name

    def env(self, bucket: str, prefix: str = "") -> dict[str, str]:
        """The STORAGE_S3_* variables that store a site's uploads in `bucket` (below `prefix`)."""
        return {
            "STORAGE_S3_BUCKET": bucket,
            "STORAGE_S3_ENDPOINT_URL": self.endpoint_url,
            "STORAGE_S3_REGION": "us-east-1",
            "STORAGE_S3_ACCESS_KEY": "testing",
            "STORAGE_S3_SECRET_KEY": "testing",
            "STORAGE_S3_ADDRESSING_STYLE": "path",
            **({"STORAGE_S3_PREFIX": prefix} if prefix else {}),
        }

    def objects(self, bucket: str) -> dict[str, bytes]:
        """Every object in `bucket`: key -> content."""
        client = self.client
        pages = client.get_paginator("list_objects_v2").paginate(Bucket=bucket)
        keys = [entry["Key"] for page in pages for entry in page.get("Contents", ())]
        return {key: client.get_object(Bucket=bucket, Key=key)["Body"].read() for key in keys}

    def remove_bucket(self, bucket: str) -> None:
        client = self.client
        for key in self.objects(bucket):
            client.delete_object(Bucket=bucket, Key=key)
        client.delete_bucket(Bucket=bucket)


@pytest.fixture(scope="session")
def object_store():
    """moto in server mode on a free loopback port, for the whole session: a real S3 protocol
    server (HTTP, signatures, ranges), no network. It keeps its buckets in this process's memory."""
    from moto.server import ThreadedMotoServer

    werkzeug = logging.getLogger("werkzeug")
    level = werkzeug.level
    werkzeug.setLevel(logging.ERROR)  # no line per request
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield ObjectStore.at(f"http://127.0.0.1:{port}")
    server.stop()
    werkzeug.setLevel(level)


@dataclass(frozen=True)
class Bucket:
    name: str
    prefix: str
    store: ObjectStore

    def objects(self) -> dict[str, bytes]:
        """What the site stored: name (below the prefix) -> content."""
        start = f"{self.prefix}/" if self.prefix else ""
        return {key.removeprefix(start): data for key, data in self.store.objects(self.name).items()}


@pytest.fixture
def bucket(object_store, settings, monkeypatch):
    """This test's uploads go to a new, empty bucket (below a prefix, as when sites share one),
    configured as an operator would: through the STORAGE_S3_* variables."""
    bucket = Bucket(object_store.new_bucket(), "site-a", object_store)
    for name, value in object_store.env(bucket.name, bucket.prefix).items():
        monkeypatch.setenv(name, value)
    settings.STORAGES = {**settings.STORAGES, "default": s3_storage_from_env()}
    yield bucket
    object_store.remove_bucket(bucket.name)
