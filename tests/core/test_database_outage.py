"""A database that cannot be reached gets a branded 503 page with Retry-After, never a 500."""

import json
import subprocess
import sys

import pytest
from django.db import IntegrityError, OperationalError
from django.test import RequestFactory

from spp_site.views import server_error
from tests.core.test_settings import ROOT, production_env

# The whole site, DEBUG off, against a database that is not there; static files as in the tests
# (no collectstatic needed).
OUTAGE_PROBE = """
import json, sys
import django
django.setup()
from django.test import Client
client = Client(raise_request_exception=False)
answers = {}
for method, path in [("get", "/"), ("get", "/events/"), ("get", "/admin/login/"), ("post", "/admin/login/")]:
    data = {"username": "editor", "password": "x"} if method == "post" else None
    response = getattr(client, method)(path, data, secure=True)
    answers[f"{method} {path}"] = {
        "status": response.status_code,
        "retry_after": response.get("Retry-After"),
        "cache_control": response.get("Cache-Control"),
        "strict_csp": "default-src 'none'" in response.get("Content-Security-Policy", ""),
        "page": "The site is briefly unavailable" in response.content.decode(),
    }
print(json.dumps(answers))
"""

UNREACHABLE = {
    "postgresql-dead-port": "postgres://postgres@127.0.0.1:1/spp",
    "sqlite-missing-folder": "sqlite:////nonexistent-folder/db.sqlite3",
}


@pytest.mark.parametrize("database_url", UNREACHABLE.values(), ids=UNREACHABLE.keys())
def test_every_page_answers_503_with_retry_after_while_the_database_is_down(database_url):
    env = production_env(
        DJANGO_SETTINGS_MODULE="tests.settings", DJANGO_ALLOWED_HOSTS="testserver", DATABASE_URL=database_url
    )
    result = subprocess.run(
        [sys.executable, "-c", OUTAGE_PROBE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    answers = json.loads(result.stdout)
    expected = {
        "status": 503,
        "retry_after": "60",
        "cache_control": "no-store",
        "strict_csp": True,
        "page": True,
    }
    assert answers == dict.fromkeys(
        ["get /", "get /events/", "get /admin/login/", "post /admin/login/"], expected
    )


def raised(error):
    try:
        raise error
    except type(error):
        return server_error(RequestFactory().get("/"))


@pytest.mark.django_db
def test_the_503_page_needs_no_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        response = raised(OperationalError("connection refused"))
    assert response.status_code == 503
    assert "briefly unavailable" in response.content.decode()


def test_an_error_raised_while_handling_an_outage_still_counts_as_one():
    try:
        try:
            raise OperationalError("server closed the connection unexpectedly")
        except OperationalError as exc:
            raise RuntimeError("while rendering") from exc
    except RuntimeError:
        assert server_error(RequestFactory().get("/")).status_code == 503


def test_other_errors_keep_the_500_page():
    response = raised(IntegrityError("duplicate key"))
    assert response.status_code == 500
    assert "Retry-After" not in response
