import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from tests.events.factories import make_deck

pytestmark = pytest.mark.django_db


def test_media_view_serves_stored_images_with_long_caching(client):
    name = default_storage.save("people/abc-10x10.webp", ContentFile(b"RIFF....WEBP"))
    response = client.get(f"/media/{name}")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/webp"
    assert "immutable" in response["Cache-Control"]
    assert response["X-Content-Type-Options"] == "nosniff"
    etag = response["ETag"]
    assert client.get(f"/media/{name}", headers={"If-None-Match": etag}).status_code == 304


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
