import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.http import http_date, parse_http_date

from spp_site.files import stored_file_response
from tests.events.factories import EventFactory, make_deck

pytestmark = pytest.mark.django_db
IMAGE = b"RIFF....WEBP"  # 12 bytes


@pytest.fixture
def image_url():
    return f"/media/{default_storage.save('people/abc-10x10.webp', ContentFile(IMAGE))}"


def test_media_view_serves_stored_images_with_long_caching(client, image_url):
    response = client.get(image_url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/webp"
    assert "immutable" in response["Cache-Control"]
    assert response["X-Content-Type-Options"] == "nosniff"
    etag = response["ETag"]
    assert client.get(image_url, headers={"If-None-Match": etag}).status_code == 304


def test_media_view_never_renders_other_types_inline(client):
    name = default_storage.save("markdown/page.html", ContentFile(b"<script>alert(1)</script>"))
    response = client.get(f"/media/{name}")
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment")


@pytest.mark.parametrize("path", ["../settings.py", "people/../../x", "", "people/"])
def test_media_view_refuses_odd_paths(client, path):
    assert client.get(f"/media/{path}").status_code == 404


def test_deck_files_only_go_through_their_download_view(client):
    deck = make_deck()
    assert client.get(f"/media/{deck.file.name}").status_code == 404
    assert client.get(deck.get_download_url()).status_code == 200


@pytest.mark.parametrize("prefix", ["./", "%2E/", "markdown/../"])
def test_private_deck_files_cannot_be_reached_through_dot_segments(client, prefix):
    deck = make_deck(EventFactory(status="draft"))
    assert client.get(f"/media/{prefix}{deck.file.name}").status_code == 404


def test_media_folders_are_404(client):
    make_deck()
    assert client.get("/media/slides").status_code == 404
    assert client.head("/media/slides/thumbnails").status_code == 404


# --- the shared file response: preconditions (RFC 9110 13.2.2) ----------------------------------


def test_not_modified_keeps_the_validators_and_caching_headers(client, image_url):
    first = client.get(image_url)
    response = client.get(image_url, headers={"If-None-Match": first["ETag"]})
    assert response.status_code == 304
    assert response["ETag"] == first["ETag"]
    assert response["Last-Modified"] == first["Last-Modified"]
    assert response["Cache-Control"] == first["Cache-Control"]
    assert response["X-Content-Type-Options"] == "nosniff"


def test_if_none_match_compares_weakly(client, image_url):
    etag = client.get(image_url)["ETag"]
    assert client.get(image_url, headers={"If-None-Match": f'"other", W/{etag}'}).status_code == 304


def test_if_modified_since_the_last_change_is_not_modified(client, image_url):
    last_modified = client.get(image_url)["Last-Modified"]
    assert client.get(image_url, headers={"If-Modified-Since": last_modified}).status_code == 304


def test_if_none_match_wins_over_if_modified_since(client, image_url):
    last_modified = client.get(image_url)["Last-Modified"]
    headers = {"If-None-Match": '"other"', "If-Modified-Since": last_modified}
    assert client.get(image_url, headers=headers).status_code == 200


def test_if_match_with_another_etag_fails(client, image_url):
    assert client.get(image_url, headers={"If-Match": '"other"'}).status_code == 412


def test_if_unmodified_since_before_the_last_change_fails(client, image_url):
    before = http_date(parse_http_date(client.get(image_url)["Last-Modified"]) - 3600)
    assert client.get(image_url, headers={"If-Unmodified-Since": before}).status_code == 412


# --- the shared file response: ranges (RFC 9110 14) ---------------------------------------------


def test_unsatisfiable_range_names_the_size(client, image_url):
    response = client.get(image_url, headers={"Range": f"bytes={len(IMAGE)}-"})
    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{len(IMAGE)}"


def test_if_range_with_the_current_etag_keeps_the_range(client, image_url):
    etag = client.get(image_url)["ETag"]
    response = client.get(image_url, headers={"Range": "bytes=4-7", "If-Range": etag})
    assert response.status_code == 206
    assert b"".join(response.streaming_content) == IMAGE[4:8]


def test_if_range_with_a_date_sends_the_whole_file(client, image_url):
    last_modified = client.get(image_url)["Last-Modified"]
    response = client.get(image_url, headers={"Range": "bytes=4-7", "If-Range": last_modified})
    assert response.status_code == 200
    assert response["Content-Length"] == str(len(IMAGE))


def test_range_on_an_empty_file_sends_the_empty_file(client):
    name = default_storage.save("people/empty.webp", ContentFile(b""))
    response = client.get(f"/media/{name}", headers={"Range": "bytes=-5"})
    assert response.status_code == 200
    assert response["Content-Length"] == "0"


@pytest.mark.parametrize(
    ("method", "headers", "status"),
    [
        ("get", {"If-None-Match": '"abc"'}, 304),
        ("get", {"If-Match": '"other"'}, 412),
        ("get", {"Range": "bytes=100-"}, 416),
        ("head", {}, 200),
    ],
)
def test_answers_without_a_body_close_the_callers_file(rf, method, headers, status):
    name = default_storage.save("people/abc.webp", ContentFile(IMAGE))
    file = default_storage.open(name, "rb")
    request = getattr(rf, method)("/", headers=headers)
    response = stored_file_response(
        request, default_storage, name, content_type="image/webp", etag="abc", file=file
    )
    assert response.status_code == status
    assert file.closed
