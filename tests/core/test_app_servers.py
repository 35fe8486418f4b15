"""Two app servers, as behind a load balancer: two gunicorn instances on two loopback ports share one
PostgreSQL database, one Redis and one S3 bucket (moto), and nothing else — each has a media folder
of its own, which must stay empty. What an editor does through one is what the other serves on the
very next request: an edit (page cache on), an upload, a sign-in.

PostgreSQL only (the layout the issue asks for; tests/core/test_pagecache_servers.py runs two
servers on one SQLite file): skipped on SQLite runs, run in CI's PostgreSQL pass, on the server the
test database is on, in a database of its own that the fixture creates and drops."""

import io
import re
import subprocess
import sys
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
import redis
from django.conf import settings
from psycopg import sql

from tests.conftest import files_in
from tests.core.test_pagecache_servers import (
    Browser,
    edit_through_one_read_through_the_other,
    gunicorn_servers,
    redis_available,
)
from tests.core.test_settings import ROOT, TEST_KEY, clean_env
from tests.forms import form_fields

DATABASE = settings.DATABASES["default"]
pytestmark = pytest.mark.skipif(
    DATABASE["ENGINE"] != "django.db.backends.postgresql",
    reason="PostgreSQL only: runs in CI's PostgreSQL pass (DATABASE_URL=postgres://…)",
)

SETUP = """
from django.contrib.auth import get_user_model
from django.utils import timezone
from events.models import Event
from news.models import NewsItem

get_user_model().objects.create_superuser("editor", "editor@example.org", "editor-pass-123")
NewsItem.objects.create(
    title="Shared news", slug="shared", teaser="Teaser.", body="Body.", status="published",
    publish_at=timezone.now() - timezone.timedelta(days=1),
)
Event.objects.create(
    title="Shared workshop", slug="shared-workshop", kind="workshop", status="published",
    start=timezone.now() + timezone.timedelta(days=10), end=timezone.now() + timezone.timedelta(days=11),
    publish_at=timezone.now() - timezone.timedelta(days=1),
)
"""


def database_url(name: str) -> str:
    user = quote(DATABASE["USER"] or "", safe="")
    password = f":{quote(DATABASE['PASSWORD'], safe='')}" if DATABASE["PASSWORD"] else ""
    return f"postgres://{user}{password}@{DATABASE['HOST'] or '127.0.0.1'}:{DATABASE['PORT'] or 5432}/{name}"


def maintenance_connection():
    return psycopg.connect(
        dbname="postgres", user=DATABASE["USER"], password=DATABASE["PASSWORD"] or None,
        host=DATABASE["HOST"] or "127.0.0.1", port=DATABASE["PORT"] or 5432, autocommit=True,
    )  # fmt: skip


@pytest.fixture(scope="module")
def site(object_store, tmp_path_factory):
    """The shared services: a new PostgreSQL database (migrated, with an editor, a news item and an
    event), a Redis key prefix and an S3 bucket. Yields the environment both servers get."""
    if not redis_available():
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    name = f"spp_servers_{uuid.uuid4().hex[:12]}"
    with maintenance_connection() as connection:
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    bucket = object_store.new_bucket()
    prefix = f"test-{uuid.uuid4().hex}"
    env = clean_env(
        DATABASE_URL=database_url(name),
        REDIS_URL="redis://127.0.0.1:6379/0",
        CACHE_KEY_PREFIX=prefix,
        DJANGO_PAGE_CACHE="1",
        DJANGO_SECRET_KEY=TEST_KEY,
        MEDIA_ROOT=str(tmp_path_factory.mktemp("unused-media")),
        **object_store.env(bucket),
    )
    try:
        for command in (["migrate", "--noinput", "-v0"], ["shell", "-c", SETUP]):
            result = subprocess.run(
                [sys.executable, "manage.py", *command], cwd=ROOT, env=env, capture_output=True, text=True
            )
            assert result.returncode == 0, result.stderr
        yield env, bucket
    finally:
        with maintenance_connection() as connection:
            connection.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
        client = redis.Redis(host="127.0.0.1", port=6379)
        for key in client.scan_iter(f"{prefix}:*"):
            client.delete(key)
        object_store.remove_bucket(bucket)


@dataclass(frozen=True)
class AppServer:
    port: int
    media_root: Path  # its own local media folder, which nothing may write to


@pytest.fixture(scope="module")
def servers(site, tmp_path_factory):
    """Two gunicorn servers (one worker each) on free loopback ports, each with a media folder of
    its own."""
    env, _ = site
    media = [tmp_path_factory.mktemp(f"media-{n}") for n in "ab"]
    envs = [{**env, "MEDIA_ROOT": str(folder), "WEB_WORKERS": "1", "WEB_THREADS": "2"} for folder in media]
    with gunicorn_servers(envs, tmp_path_factory.mktemp("logs")) as ports:
        yield [AppServer(port, folder) for port, folder in zip(ports, media, strict=True)]


def multipart(fields: dict[str, list[str]], files: dict[str, tuple[str, bytes, str]]):
    """A multipart/form-data body as a browser sends it: (body, Content-Type)."""
    boundary = uuid.uuid4().hex
    out = io.BytesIO()
    for name, values in fields.items():
        for value in values:
            out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode())
            out.write(f"{value}\r\n".encode())
    for name, (filename, content, content_type) in files.items():
        out.write(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            f"Content-Type: {content_type}\r\n\r\n".encode()
        )
        out.write(content + b"\r\n")
    out.write(f"--{boundary}--\r\n".encode())
    return out.getvalue(), f"multipart/form-data; boundary={boundary}"


def presentation(megabytes: int) -> bytes:
    """A PowerPoint file with a picture of `megabytes` MiB: stored as uploaded (byte for byte),
    spooled to a temporary file by Django and sent to the bucket in several parts."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("ppt/presentation.xml", "<p:presentation/>")
        archive.writestr("ppt/media/image1.jpg", uuid.uuid4().bytes * (megabytes * 65536))
    return out.getvalue()


def test_an_edit_through_one_server_is_served_by_the_other_on_the_next_request(servers):
    first, second = servers
    edit_through_one_read_through_the_other(first.port, second.port)


def test_an_upload_through_one_server_downloads_byte_identical_through_the_other(servers, site, object_store):
    first, second = servers
    _, bucket = site
    visitor = Browser(second.port)
    visitor.get("/events/shared-workshop/")
    response, html = visitor.get("/events/shared-workshop/")
    assert response.headers["X-Page-Cache"] == "hit" and "Shared talk" not in html
    editor = Browser(first.port)
    editor.sign_in("editor", "editor-pass-123")
    _, events = editor.get("/admin/events/event/")
    event = re.search(r'href="/admin/events/event/(\d+)/change/', events).group(1)
    _, form = editor.get(f"/admin/events/slidedeck/add/?event={event}")
    fields = {
        **form_fields(form, "slidedeck_form"),
        "event": [event], "title": ["Shared talk"], "slug": ["shared-talk"],
        "licence": ["cc-by-4.0"], "language": ["en"],
    }  # fmt: skip
    deck = presentation(9)
    body, content_type = multipart(fields, {"upload": ("Shared talk.pptx", deck, "application/octet-stream")})
    response, html = editor.request(
        "POST", "/admin/events/slidedeck/add/", body, {"Content-Type": content_type}
    )
    assert response.status == 302, html

    assert list(object_store.objects(bucket).values()) == [deck]  # one object: the file as uploaded
    assert [files_in(server.media_root) for server in servers] == [[], []]  # no local disk used
    assert "Shared talk" in visitor.get("/events/shared-workshop/")[1]  # the other lists it at once
    response, content = visitor.request_bytes("GET", "/slides/shared-talk/download/")
    assert response.status == 200 and content == deck
    assert response.headers["Content-Disposition"] == 'attachment; filename="Shared talk.pptx"'
    response, content = visitor.request_bytes(
        "GET", "/slides/shared-talk/download/", headers={"Range": "bytes=-5"}
    )
    assert response.status == 206 and content == deck[-5:]


def test_a_session_made_on_one_server_is_valid_on_the_other(servers):
    first, second = servers
    staff = Browser(first.port)
    staff.sign_in("editor", "editor-pass-123")
    staff.port = second.port  # the same browser, now reaching the other server
    response, page = staff.get("/admin/")
    assert response.status == 200 and "Log out" in page
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    assert staff.post("/admin/logout/", {"csrfmiddlewaretoken": [token]})[0].status == 200
    staff.port = first.port  # signed out on one: signed out on both
    response, _ = staff.get("/admin/")
    assert response.status == 302 and response.headers["Location"].startswith("/admin/login/")
