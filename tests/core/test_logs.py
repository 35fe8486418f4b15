"""Logs (spp_site/logs.py, settings.LOGGING): one line per request with its request id, errors
with the same id, JSON lines on stdout in production, and errors mailed to ADMINS."""

import json
import logging
import subprocess
import sys

import pytest

from spp_site.logs import JsonFormatter, RequestIdFilter
from tests.core.test_serving import free_port
from tests.core.test_settings import ROOT, clean_env, production_env, run_check

pytestmark = pytest.mark.django_db


@pytest.fixture
def request_lines(caplog):
    caplog.set_level(logging.INFO, logger="spp_site.requests")
    return lambda: [r for r in caplog.records if r.name == "spp_site.requests"]


def test_each_request_is_one_line_with_method_path_status_duration_and_id(client, request_lines):
    response = client.get("/robots.txt?q=private+search")
    (line,) = request_lines()
    assert (line.method, line.path, line.status) == ("GET", "/robots.txt", 200)
    assert line.getMessage() == "GET /robots.txt 200"  # no query string: search terms are personal
    assert isinstance(line.duration_ms, float) and line.duration_ms >= 0
    assert len(response["X-Request-ID"]) == 32


def test_every_request_gets_its_own_id(client):
    ids = {client.get("/robots.txt")["X-Request-ID"] for _ in range(3)}
    assert len(ids) == 3


def test_the_proxys_request_id_is_kept_logged_and_sent_back(client, request_lines):
    for given in [
        "5f0c6bd1e5a84c36b0f6e3a0b9d2c417",  # nginx's $request_id
        "Root=1-67891233-abcdef012345678912345678",  # a cloud load balancer's trace id
    ]:
        assert client.get("/robots.txt", headers={"X-Request-ID": given})["X-Request-ID"] == given
        assert request_lines()[-1].request_id == given


@pytest.mark.parametrize(
    "given",
    ["", " ", "a b", "line\nbreak", "x" * 129, "ünïcode", '{"json": 1}', "-starts-with-a-dash"],
    ids=["empty", "space", "inner-space", "newline", "too-long", "non-ascii", "json", "dash"],
)
def test_a_malformed_request_id_is_replaced(client, given):
    returned = client.get("/robots.txt", headers={"X-Request-ID": given})["X-Request-ID"]
    assert returned != given and len(returned) == 32 and returned.isalnum()


def test_health_probes_are_not_logged(client, request_lines):
    client.get("/healthz")
    assert request_lines() == []


def test_a_json_line_holds_the_record_with_its_traceback_on_one_line():
    try:
        raise RuntimeError("boom\nsecond line")
    except RuntimeError:
        record = logging.getLogger("spp_site.test").makeRecord(
            "spp_site.test", logging.ERROR, __file__, 1, "Failed: %s", ("ünï\r\n",), sys.exc_info()
        )
    RequestIdFilter().filter(record)
    line = JsonFormatter().format(record)
    assert "\n" not in line and "\r" not in line
    entry = json.loads(line)
    assert entry["level"] == "ERROR" and entry["logger"] == "spp_site.test"
    assert entry["message"] == "Failed: ünï\r\n"
    assert entry["request_id"] == "-"  # logged outside a request
    assert entry["exception"].startswith("Traceback") and "RuntimeError: boom" in entry["exception"]


# The site as in production (DEBUG off, the real LOGGING) in a process of its own, sending e-mail to
# a list in memory. The home page's view is made to fail (a bug: 500), the database is down (503s).
PRODUCTION_RUN = """
import json, sys
from unittest import mock
import django
django.setup()
from django.conf import settings
from django.core import mail
from django.test import Client, override_settings

client = Client(raise_request_exception=False)
static = {**settings.STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
answers = {}
with override_settings(STORAGES=static), mock.patch(
    "spp_site.views.HomeView.get_context_data", side_effect=RuntimeError("a bug in the home page")
):
    for path in ["/", "/events/", "/healthz", "/robots.txt"]:
        response = client.get(path, headers={"X-Forwarded-Proto": "https"})
        answers[path] = {"status": response.status_code, "request_id": response["X-Request-ID"]}
mails = [{"to": m.to, "subject": m.subject, "body": m.body} for m in mail.outbox]
with open(sys.argv[1], "w") as out:
    json.dump({"answers": answers, "mails": mails}, out)
"""


@pytest.fixture(scope="module")
def production_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("logs")
    env = production_env(
        DJANGO_ALLOWED_HOSTS="testserver",
        DJANGO_ADMINS="Site Operators <ops@example.org>, oncall@example.org",
        DJANGO_EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        DATABASE_URL=f"postgres://spp@127.0.0.1:{free_port()}/spp",  # down
        CACHE_DIR=str(folder / "cache"),
        MEDIA_ROOT=str(folder / "media"),
    )
    result = subprocess.run(
        [sys.executable, "-c", PRODUCTION_RUN, str(folder / "result.json")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]  # every line is JSON
    return json.loads((folder / "result.json").read_text()), lines


def test_in_production_each_request_is_one_json_line_on_stdout(production_run):
    run, lines = production_run
    answers = run["answers"]
    assert {path: a["status"] for path, a in answers.items()} == {
        "/": 500,
        "/events/": 503,
        "/healthz": 503,
        "/robots.txt": 200,
    }
    requests = [line for line in lines if line["logger"] == "spp_site.requests"]
    assert [(r["method"], r["path"], r["status"], r["request_id"]) for r in requests] == [
        ("GET", path, answers[path]["status"], answers[path]["request_id"])
        for path in ["/", "/events/", "/robots.txt"]  # no health probe
    ]
    assert all(isinstance(r["duration_ms"], float) for r in requests)


def test_in_production_an_error_is_logged_with_its_traceback_and_request_id(production_run):
    run, lines = production_run
    errors = [line for line in lines if line["level"] == "ERROR"]
    assert [(e["logger"], e["request_id"], e["status"]) for e in errors] == [
        ("django.request", run["answers"]["/"]["request_id"], 500),
        ("django.request", run["answers"]["/events/"]["request_id"], 503),
    ]
    assert "RuntimeError: a bug in the home page" in errors[0]["exception"]
    assert not [line for line in lines if "/healthz" in line["message"]]


def test_in_production_a_500_is_mailed_to_admins_with_its_request_id(production_run):
    run, _ = production_run
    (mail,) = run["mails"]  # not the 503 of the database outage, nor the health probe's
    assert mail["to"] == ["ops@example.org", "oncall@example.org"]
    assert "Internal Server Error: /" in mail["subject"]
    assert f"Request ID: {run['answers']['/']['request_id']}" in mail["body"]
    assert "RuntimeError at /\na bug in the home page" in mail["body"]


def test_admins_that_are_not_addresses_are_refused():
    result = run_check(env=clean_env(DJANGO_ADMINS="Site Operators, ops at example.org"))
    assert result.returncode != 0
    assert "DJANGO_ADMINS must be comma-separated e-mail addresses" in result.stderr
