"""Security headers: the Content-Security-Policy of pages and of uploaded files, Permissions-Policy,
Cross-Origin-Resource-Policy, and HSTS in production."""

import json
import subprocess
import sys

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from tests.core.factories import PageFactory
from tests.core.test_settings import ROOT, production_env
from tests.events.factories import EventFactory, make_deck

pytestmark = pytest.mark.django_db

PAGE_POLICY = {
    "default-src": ["'none'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'"],
    "font-src": ["'self'"],  # the self-hosted typeface
    "connect-src": ["'self'"],
    "form-action": ["'self'"],
    "base-uri": ["'none'"],
    "frame-ancestors": ["'none'"],
    "object-src": ["'none'"],
}
STORED_FILE_POLICY = {"default-src": ["'none'"], "frame-ancestors": ["'none'"], "sandbox": []}


def policy(response):
    """The Content-Security-Policy header as {directive: [sources]}, whatever the order."""
    directives = {}
    for part in response["Content-Security-Policy"].split(";"):
        name, *sources = part.split()
        assert name not in directives, f"{name} twice"
        directives[name] = sources
    return directives


@pytest.mark.parametrize("url", ["/", "/events/", "/news/", "/robots.txt", "/news/feed/rss/", "/nowhere/"])
def test_public_responses_get_the_strict_policy(client, url):
    assert policy(client.get(url)) == PAGE_POLICY


def test_editors_pages_get_the_strict_policy(client):
    page = PageFactory(slug="about", status="published")
    assert policy(client.get(page.get_absolute_url())) == PAGE_POLICY


def test_the_admin_gets_the_same_policy(client, editor):
    assert policy(client.get("/admin/login/")) == PAGE_POLICY
    client.force_login(editor)
    assert policy(client.get("/admin/")) == PAGE_POLICY
    assert policy(client.get("/admin/news/newsitem/add/")) == PAGE_POLICY


def test_permissions_policy_allows_no_powerful_feature(client):
    features = dict(item.split("=") for item in client.get("/")["Permissions-Policy"].split(", "))
    for feature in ("camera", "microphone", "geolocation", "payment", "usb", "browsing-topics"):
        assert features[feature] == "()"


@pytest.mark.parametrize("url", ["/", "/events/", "/admin/login/", "/robots.txt"])
def test_responses_are_for_this_origin_only(client, url):
    assert client.get(url)["Cross-Origin-Resource-Policy"] == "same-origin"


# --- uploaded files: every response of spp_site.files.stored_file_response ------------------------


def assert_stored_file_headers(response):
    assert policy(response) == STORED_FILE_POLICY
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_served_images_are_sandboxed(client):
    url = f"/media/{default_storage.save('people/abc-10x10.webp', ContentFile(b'RIFF....WEBP'))}"
    response = client.get(url)
    assert response.status_code == 200
    assert_stored_file_headers(response)
    assert_stored_file_headers(client.head(url))
    not_modified = client.get(url, headers={"If-None-Match": response["ETag"]})
    assert not_modified.status_code == 304
    assert_stored_file_headers(not_modified)


def test_other_uploaded_types_are_sandboxed_attachments(client):
    name = default_storage.save("markdown/page.html", ContentFile(b"<script>alert(1)</script>"))
    response = client.get(f"/media/{name}")
    assert response["Content-Disposition"].startswith("attachment")
    assert_stored_file_headers(response)


def test_slide_downloads_are_sandboxed_in_every_answer(client):
    deck = make_deck(EventFactory())
    url = deck.get_download_url()
    whole = client.get(url)
    assert whole.status_code == 200 and whole["Content-Type"] == "application/pdf"
    assert_stored_file_headers(whole)
    part = client.get(url, headers={"Range": "bytes=0-9"})
    assert part.status_code == 206
    assert_stored_file_headers(part)
    unsatisfiable = client.get(url, headers={"Range": "bytes=999999999-"})
    assert unsatisfiable.status_code == 416
    assert_stored_file_headers(unsatisfiable)
    assert_stored_file_headers(client.get(url, headers={"If-None-Match": whole["ETag"]}))


# --- HSTS in production --------------------------------------------------------------------------

HSTS_PROBE = """
import json
import django
django.setup()
from django.test import Client
response = Client().get("/robots.txt", secure=True, headers={"Host": "example.org"})
print(json.dumps({"status": response.status_code, "hsts": response.get("Strict-Transport-Security")}))
"""


def production_hsts(**env):
    result = subprocess.run(
        [sys.executable, "-c", HSTS_PROBE],
        cwd=ROOT,
        env=production_env(**env),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.splitlines()[-1])  # after the site's log lines


def test_production_sends_hsts_for_a_year_with_subdomains():
    assert production_hsts() == {"status": 200, "hsts": "max-age=31536000; includeSubDomains"}


def test_hsts_preload_is_opt_in():
    assert production_hsts(DJANGO_HSTS_PRELOAD="1")["hsts"] == "max-age=31536000; includeSubDomains; preload"
