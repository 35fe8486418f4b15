"""Regression tests for defects found in review (each would have been a real problem)."""

import datetime
import io
import zipfile
import zoneinfo

import feedparser
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from events.models import Event
from events.services import attach_file
from spp_site.images import validate_image_file
from spp_site.markdown import render_markdown
from tests.core.test_images import jpeg_with_gps
from tests.events.factories import AgendaItemFactory, EventFactory, make_deck, pdf_upload
from tests.news.factories import NewsItemFactory
from tests.programs.factories import ProjectFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("prefix", ["./", "%2E/", "markdown/../"])
def test_private_deck_files_cannot_be_reached_through_dot_segments(client, prefix):
    deck = make_deck(EventFactory(status="draft"))
    assert client.get(f"/media/{prefix}{deck.file.name}").status_code == 404


def test_media_folders_are_404(client):
    make_deck()
    assert client.get("/media/slides").status_code == 404
    assert client.head("/media/slides/thumbnails").status_code == 404


def test_raw_html_images_from_other_hosts_are_dropped():
    html = render_markdown(
        '<img src="https://evil.example/t.png" alt="t"> ![b](\\\\evil.example/b.png) <img src="//x.example/c.png">'
    )
    assert "evil.example" not in html.replace("href", "") or "<img" not in html
    assert "<img" not in html


def test_editor_ids_are_dropped():
    assert 'id="main"' not in render_markdown('<div id="main">x</div>')


def test_meta_description_cannot_gain_attributes(client):
    project = ProjectFactory(abstract='Intro `x" autofocus onfocus="alert(1)`')
    html = client.get(project.get_absolute_url()).content.decode()
    meta = next(line for line in html.splitlines() if 'name="description"' in line)
    assert "onfocus=" not in meta.replace("onfocus=&quot;", "")
    assert "&quot;" in meta


def test_draft_previews_are_not_cached_publicly(client, editor):
    deck = make_deck(EventFactory(status="draft"))
    client.force_login(editor)
    for url in (
        deck.get_absolute_url(),
        deck.get_download_url(),
        deck.event.get_absolute_url() + "slides.zip",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Cache-Control"] == "private, no-store", url
    deck.refresh_from_db()
    assert deck.download_count == 0  # staff previews are not counted


def test_agenda_times_are_shown_in_the_events_zone(client):
    ny = zoneinfo.ZoneInfo("America/New_York")
    start = datetime.datetime(2030, 7, 1, 9, 0, tzinfo=ny)
    event = EventFactory(timezone="America/New_York", start=start, end=start + datetime.timedelta(hours=3))
    AgendaItemFactory(event=event, start=start, end=start + datetime.timedelta(hours=1), title="Early talk")
    html = client.get(event.get_absolute_url()).content.decode()
    assert ">09:00</time>–<time" in html and ">10:00</time>" in html
    assert ">15:00<" not in html


def test_publish_action_keeps_cancelled_events_cancelled(client, editor):
    event = EventFactory(status="cancelled")
    client.force_login(editor)
    client.post("/admin/events/event/", {"action": "publish_now", "_selected_action": [event.pk]})
    assert Event.objects.get(pk=event.pk).status == "cancelled"


def test_stale_if_range_ignores_the_range(client):
    deck = make_deck()
    response = client.get(
        deck.get_download_url(), headers={"Range": "bytes=999999999-", "If-Range": '"stale"'}
    )
    assert response.status_code == 200


def test_a_deck_cannot_point_at_another_events_talk():
    deck = make_deck()
    deck.agenda_item = AgendaItemFactory()  # a talk of a different event
    with pytest.raises(ValidationError) as exc:
        deck.full_clean()
    assert "agenda_item" in exc.value.message_dict


def test_zip_entries_are_deflated_for_streaming_readers(client):
    event = EventFactory(slug="zipped")
    make_deck(event)
    body = b"".join(client.get("/events/zipped/slides.zip").streaming_content)
    archive = zipfile.ZipFile(io.BytesIO(body))
    assert {i.compress_type for i in archive.infolist()} == {zipfile.ZIP_DEFLATED}
    assert archive.testzip() is None


def test_thumbnail_of_a_replaced_file_is_deleted(media_root, django_capture_on_commit_callbacks):
    deck = make_deck(upload=pdf_upload("one.pdf", title="First look"))
    old = deck.thumbnail.name
    with django_capture_on_commit_callbacks(execute=True):
        attach_file(deck, pdf_upload("two.pdf", title="Second look"))
    assert deck.thumbnail.name != old
    assert not (media_root / old).exists()
    assert (media_root / deck.thumbnail.name).exists()


@pytest.mark.parametrize("url", ["/news/0000/", "/news/0001/", "/news/0999/x/"])
def test_impossible_years_are_404(client, url):
    assert client.get(url).status_code == 404


def test_admin_with_a_non_numeric_id_is_not_a_server_error(client, editor):
    client.force_login(editor)
    assert client.get("/admin/events/event/abc/change/").status_code in (302, 404)
    assert client.get("/admin/events/event/abc/upload-slides/").status_code == 404


def test_truncated_jpeg_is_refused():
    data = jpeg_with_gps()
    with pytest.raises(ValidationError):
        validate_image_file(SimpleUploadedFile("cut.jpg", data[: len(data) // 2]))


def test_control_characters_are_removed_on_save_and_feeds_stay_valid(client):
    item = NewsItemFactory(title="Bad\x0btitle", teaser="Less <than> & more\x08", body="Body\x1b text")
    item.refresh_from_db()
    assert item.title == "Badtitle" and item.body == "Body text"
    for url in ("/news/feed/rss/", "/news/feed/atom/"):
        response = client.get(url)
        assert response.status_code == 200
        feed = feedparser.parse(response.content)
        assert not feed.bozo
        # The description is HTML to feed readers: the plain-text teaser arrives escaped, so a
        # reader shows "Less <than> & more" instead of swallowing a <than> tag.
        assert feed.entries[0].summary == "Less &lt;than&gt; &amp; more"


def test_redirects_only_for_real_prefixes(client):
    project = ProjectFactory(slug="old")
    project.slug = "new"
    project.save()
    assert client.get("/projects//old/").status_code == 404
    assert client.get("/projects/old/")["Location"] == "/projects/new/"
