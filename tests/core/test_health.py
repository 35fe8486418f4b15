"""/healthz (spp_site/health.py): 200 when the database, the cache and the storage answer, 503
naming the one that does not, without error text; never cached, never redirected, for any Host."""

import json
import socket
import subprocess
import sys
import threading

import pytest
from django.conf import settings
from django.core.files.storage import Storage
from django.test import override_settings

from spp_site import health
from tests.core.test_serving import free_port
from tests.core.test_settings import ROOT, production_env

ALL_OK = {"database": "ok", "cache": "ok", "storage": "ok"}
SECRET = "postgres://spp:hunter2@db.internal:5432/spp"


def probe(client, **extra):
    response = client.get("/healthz", **extra)
    return response, json.loads(response.content)


class BrokenStorage(Storage):
    """A storage backend that cannot be reached (an object store with the wrong credentials)."""

    def exists(self, name):
        raise OSError(f"could not reach {SECRET}")


class HangingStorage(Storage):
    """A storage backend that does not answer until `release` is set (a dead route)."""

    release = threading.Event()

    def exists(self, name):
        self.release.wait(timeout=30)
        return False


def storage(backend):
    default = {"BACKEND": f"{__name__}.{backend.__name__}"}
    return override_settings(STORAGES={**settings.STORAGES, "default": default})


@pytest.mark.django_db
def test_everything_up_is_200_with_each_check_named(client):
    response, body = probe(client)
    assert response.status_code == 200
    assert body == {"status": "ok", "checks": ALL_OK}
    assert response["Content-Type"] == "application/json"
    assert response["Cache-Control"] == "no-store"
    assert client.head("/healthz").status_code == 200


@pytest.mark.django_db
def test_a_storage_that_fails_is_named_without_its_error(client):
    with storage(BrokenStorage):
        response, body = probe(client)
    assert response.status_code == 503
    assert body == {"status": "unavailable", "checks": {**ALL_OK, "storage": "unavailable"}}
    assert "hunter2" not in response.content.decode() and "db.internal" not in response.content.decode()


@pytest.mark.django_db
def test_a_cache_that_cannot_be_reached_is_named(client):
    dead = f"redis://127.0.0.1:{free_port()}/0"
    with override_settings(
        CACHES={"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": dead}}
    ):
        response, body = probe(client)
    assert response.status_code == 503
    assert body["checks"] == {**ALL_OK, "cache": "unavailable"}


def test_a_database_that_cannot_be_reached_is_named(client):
    """No django_db mark: pytest-django refuses every connection, as an unreachable server would."""
    response, body = probe(client)
    assert response.status_code == 503
    assert body["checks"] == {**ALL_OK, "database": "unavailable"}


@pytest.mark.django_db
def test_a_check_that_does_not_answer_is_reported_as_a_timeout(client, monkeypatch):
    monkeypatch.setattr(health, "DEADLINE", 0.2)
    HangingStorage.release.clear()
    try:
        with storage(HangingStorage):
            response, body = probe(client)
    finally:
        HangingStorage.release.set()  # the check's thread ends
    assert response.status_code == 503
    assert body["checks"] == {**ALL_OK, "storage": "timeout"}


@pytest.mark.django_db
def test_the_answer_is_never_served_from_the_page_cache(client, settings):
    assert settings.PAGE_CACHE
    assert probe(client)[0].status_code == 200
    with storage(BrokenStorage):
        response, _ = probe(client)
    assert response.status_code == 503
    assert "X-Page-Cache" not in response


@pytest.mark.django_db
def test_any_host_may_probe_while_every_other_address_checks_the_host(client):
    """A load balancer sends the app server's address as Host, which is not in ALLOWED_HOSTS."""
    assert probe(client, HTTP_HOST="10.0.0.7:8000")[0].status_code == 200
    assert client.get("/robots.txt", HTTP_HOST="10.0.0.7:8000").status_code == 400


@pytest.mark.django_db
def test_only_get_and_head(client):
    response = client.post("/healthz")
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"


# The site as in production (DEBUG off, HTTPS redirect on), in a process of its own: the probe runs
# `requests` through Django's test client and prints what came back and how long it took. Static
# files as in the tests (no collectstatic needed).
PRODUCTION_PROBE = """
import json, sys, time
import django
django.setup()
from django.test import Client
client = Client(raise_request_exception=False)
answers = []
for path, headers in json.loads(sys.argv[1]):
    started = time.monotonic()
    response = client.get(path, headers=headers)
    answers.append({
        "status": response.status_code,
        "seconds": time.monotonic() - started,
        "location": response.get("Location"),
        "body": response.content.decode(),
    })
print(json.dumps(answers))
"""


def start_probe(database_url, requests, tmp_path):
    env = production_env(
        DJANGO_SETTINGS_MODULE="tests.settings",
        DJANGO_ALLOWED_HOSTS="spp2298.example.org",
        DATABASE_URL=database_url,
        MEDIA_ROOT=str(tmp_path / "media"),
    )
    return subprocess.Popen(
        [sys.executable, "-c", PRODUCTION_PROBE, json.dumps(requests)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def answers_of(process):
    stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 0, stderr
    return json.loads(stdout)


SITE = {"Host": "spp2298.example.org", "X-Forwarded-Proto": "https"}


def test_in_production_a_load_balancer_probes_over_plain_http(tmp_path):
    """Plain HTTP, by the app server's address: 200, where every other address is redirected."""
    answers = answers_of(
        start_probe(
            f"sqlite:///{tmp_path / 'db.sqlite3'}",
            [["/healthz", {"Host": "10.0.0.7:8000"}], ["/robots.txt", {"Host": "spp2298.example.org"}]],
            tmp_path,
        )
    )
    assert (answers[0]["status"], json.loads(answers[0]["body"])["checks"]) == (200, ALL_OK)
    assert (answers[1]["status"], answers[1]["location"]) == (301, "https://spp2298.example.org/robots.txt")


def test_in_production_an_unreachable_database_is_reported_within_two_seconds(tmp_path):
    """A database that refuses connections (down), and one that accepts them but never answers
    (hung, or a dead route: libpq waits at least 2 s). Timed: "within 2 s" is what is promised
    to load balancers; a page waits for the connect timeout (2 s), then gets the 503 page."""
    hung = socket.socket()
    hung.bind(("127.0.0.1", 0))
    hung.listen(8)  # never accepted: the connection is made, and nothing ever answers
    try:
        down = start_probe(f"postgres://spp@127.0.0.1:{free_port()}/spp", [["/healthz", SITE]], tmp_path)
        hanging = start_probe(
            f"postgres://spp@127.0.0.1:{hung.getsockname()[1]}/spp",
            [["/healthz", SITE], ["/events/", SITE]],
            tmp_path,
        )
        (refused,), (timed_out, page) = answers_of(down), answers_of(hanging)
    finally:
        hung.close()
    assert refused["status"] == 503 and refused["seconds"] < 2
    assert json.loads(refused["body"])["checks"] == {**ALL_OK, "database": "unavailable"}
    assert timed_out["status"] == 503 and timed_out["seconds"] < 2
    assert json.loads(timed_out["body"])["checks"] == {**ALL_OK, "database": "timeout"}
    assert page["status"] == 503 and "briefly unavailable" in page["body"]
    assert page["seconds"] < 5  # psycopg's own default would wait 130 s
