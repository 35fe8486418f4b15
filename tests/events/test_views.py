import datetime
import hashlib
import io
import zipfile
import zoneinfo

import icalendar
import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.template import Context, Template
from django.utils import timezone

from events.models import AgendaItem, DownloadFingerprint, Event, SlideDeck
from events.services import attach_file
from events.uploads import inspect_document
from events.views import deck_download
from tests.events.factories import AgendaItemFactory, EventFactory, make_deck, pdf_upload
from tests.programs.factories import PersonFactory
from tests.queries import get_counting_queries

pytestmark = pytest.mark.django_db
BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
NOW = datetime.datetime(2026, 5, 10, 12, 0, tzinfo=BERLIN)


def body(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


# --- list -------------------------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_upcoming_and_past_split_around_now_including_events_in_progress(client):
    hour = datetime.timedelta(hours=1)
    past = EventFactory(title="Ended an hour ago", start=NOW - 3 * hour, end=NOW - hour)
    running = EventFactory(title="In progress", start=NOW - hour, end=NOW + hour)
    future = EventFactory(title="Tomorrow", start=NOW + 24 * hour, end=NOW + 26 * hour)
    assert list(Event.objects.upcoming()) == [running, future]
    assert list(Event.objects.past()) == [past]
    response = client.get("/events/")
    assert list(response.context["upcoming"]) == [running, future]
    assert response.context["past_by_year"] == [(2026, [past])]
    assert "Happening now" in response.content.decode()


def test_kind_filter_and_year_groups(client):
    EventFactory(
        title="Old meeting", kind="annual_meeting", start=timezone.now() - datetime.timedelta(days=800)
    )
    EventFactory(title="A workshop", kind="workshop", start=timezone.now() - datetime.timedelta(days=30))
    html = client.get("/events/?kind=annual_meeting").content.decode()
    assert "Old meeting" in html and "A workshop" not in html
    assert client.get("/events/?kind=bogus").status_code == 200


def test_date_range_in_the_events_zone_with_the_zone_named(client):
    ny = zoneinfo.ZoneInfo("America/New_York")
    start = datetime.datetime(2026, 7, 1, 10, 0, tzinfo=ny)
    event = EventFactory(
        title="NY", timezone="America/New_York", start=start, end=start + datetime.timedelta(hours=2)
    )
    html = client.get(event.get_absolute_url()).content.decode()
    assert '<time datetime="2026-07-01T10:00-04:00">1 July 2026, 10:00</time>' in html
    assert "(New York time, EDT)" in html
    berlin = EventFactory(start=datetime.datetime(2026, 7, 1, 10, 0, tzinfo=BERLIN))
    assert (
        "time," not in client.get(berlin.get_absolute_url()).content.decode().split("<dt>When</dt>")[1][:300]
    )


def test_all_day_events_show_dates_only(client):
    start = datetime.datetime(2026, 3, 12, 0, 0, tzinfo=BERLIN)
    event = EventFactory(all_day=True, start=start, end=start + datetime.timedelta(days=2, hours=23))
    html = client.get(event.get_absolute_url()).content.decode()
    assert '<time datetime="2026-03-12">12</time>–<time datetime="2026-03-14">14 March 2026</time>' in html


# --- detail -----------------------------------------------------------------------------------


def test_detail_shows_agenda_by_day_decks_and_calendar_links(client):
    start = datetime.datetime(2030, 9, 3, 9, 0, tzinfo=BERLIN)
    event = EventFactory(
        start=start,
        end=start + datetime.timedelta(days=1, hours=8),
        registration_url="https://reg.example.org",
    )
    AgendaItemFactory(event=event, title="Day one talk", start=start)
    AgendaItemFactory(event=event, title="Day two talk", start=start + datetime.timedelta(days=1))
    make_deck(event, title="The deck", upload=pdf_upload(pages=24))
    html = client.get(event.get_absolute_url()).content.decode()
    assert "Tuesday, 3 September 2030" in html and "Wednesday, 4 September 2030" in html
    assert "PDF, 24 pages," in html and " KB" in html
    assert "calendar.google.com/calendar/render?action=TEMPLATE" in html
    assert "outlook.office.com/calendar" in html
    assert 'href="https://reg.example.org"' in html
    assert "slides.zip" in html


def test_registration_link_hidden_after_its_deadline(client):
    event = EventFactory(
        registration_url="https://reg.example.org",
        registration_deadline=timezone.now() - datetime.timedelta(hours=1),
    )
    assert "reg.example.org" not in client.get(event.get_absolute_url()).content.decode()


def test_agenda_times_are_shown_in_the_events_zone(client):
    ny = zoneinfo.ZoneInfo("America/New_York")
    start = datetime.datetime(2030, 7, 1, 9, 0, tzinfo=ny)
    event = EventFactory(timezone="America/New_York", start=start, end=start + datetime.timedelta(hours=3))
    AgendaItemFactory(event=event, start=start, end=start + datetime.timedelta(hours=1), title="Early talk")
    html = client.get(event.get_absolute_url()).content.decode()
    assert ">09:00</time>–<time" in html and ">10:00</time>" in html
    assert ">15:00<" not in html


def test_detail_query_count_is_constant(client):
    inspected = inspect_document(pdf_upload())  # one file for every deck: checking 31 would be slow

    def build(n):
        event = EventFactory()
        speaker = PersonFactory()
        for i in range(n):
            item = AgendaItemFactory(event=event, start=event.start + datetime.timedelta(minutes=30 * i))
            item.speakers.add(speaker)
            deck = make_deck(event, inspected=inspected, agenda_item=item)
            deck.speakers.add(speaker)
        return event

    small, large = build(1), build(30)
    _, one = get_counting_queries(client, small.get_absolute_url())
    response, thirty = get_counting_queries(client, large.get_absolute_url())
    html = response.content.decode()
    assert html.count('class="deck"') == 30 and html.count('class="deck-link"') == 30
    assert one == thirty <= 12


def test_agenda_rows_link_their_decks_with_format_and_size_and_speakers_affiliations(client):
    event = EventFactory()
    speaker = PersonFactory(first_name="Ada", last_name="Lovelace", affiliation__short_name="LMU")
    item = AgendaItemFactory(event=event, title="Transport talk")
    item.speakers.add(speaker)
    deck = make_deck(event, title="Transport slides", agenda_item=item)
    html = client.get(event.get_absolute_url()).content.decode()
    row = html.split(f'id="agenda-{item.pk}"')[1].split("</li>\n")[0]
    assert f'href="{deck.get_absolute_url()}"' in row
    assert f"(PDF, {deck.size_text})" in row and 'class="deck-icon"' in row
    assert 'Ada Lovelace</a> <span class="affiliation">(LMU)</span>' in row


def test_decks_follow_programme_order_then_the_rest_alphabetically(client):
    event = EventFactory()
    late = AgendaItemFactory(event=event, start=event.start + datetime.timedelta(hours=2))
    early = AgendaItemFactory(event=event, start=event.start)
    inspected = inspect_document(pdf_upload())
    for title, item in [("Zeta", early), ("Beta", None), ("Alpha", late), ("Omega", None)]:
        make_deck(event, title=title, agenda_item=item, inspected=inspected)
    expected = ["Zeta", "Alpha", "Beta", "Omega"]
    assert [d.title for d in SlideDeck.objects.filter(event=event).in_programme_order()] == expected
    slides = client.get(event.get_absolute_url()).content.decode().split('id="slides"')[1]
    positions = [slides.index(f">{title}</a>") for title in expected]
    assert positions == sorted(positions)


def test_join_online_link_only_until_the_online_event_ends(client):
    event = EventFactory(online_url="https://meet.example.org/spp")
    assert 'href="https://meet.example.org/spp"' in client.get(event.get_absolute_url()).content.decode()
    past = EventFactory(
        online_url="https://meet.example.org/spp",
        start=timezone.now() - datetime.timedelta(days=2),
        end=timezone.now() - datetime.timedelta(days=2) + datetime.timedelta(hours=2),
    )
    html = client.get(past.get_absolute_url()).content.decode()
    assert 'href="https://meet.example.org' not in html and "Join online" not in html
    make_deck(past, title="Recorded slides")
    html = client.get(past.get_absolute_url()).content.decode()
    assert 'href="https://meet.example.org' not in html and 'href="#slides"' in html


def test_deck_page_names_its_talk_and_speakers_with_affiliations(client):
    event = EventFactory()
    item = AgendaItemFactory(event=event, title="Transport talk")
    speaker = PersonFactory(first_name="Ada", last_name="Lovelace", affiliation__short_name="LMU")
    deck = make_deck(event, agenda_item=item)
    deck.speakers.add(speaker)
    html = client.get(deck.get_absolute_url()).content.decode()
    assert f'href="{event.get_absolute_url()}#agenda-{item.pk}"' in html and "Transport talk" in html
    assert 'Ada Lovelace</a> <span class="affiliation">(LMU)</span>' in html


# --- downloads --------------------------------------------------------------------------------


def test_download_returns_the_stored_bytes_with_the_right_headers(client, media_root):
    deck = make_deck(upload=pdf_upload('Präsentation „Größe“ "v2".pdf'))
    response = client.get(deck.get_download_url())
    assert response.status_code == 200
    content = body(response)
    assert content == (media_root / deck.file.name).read_bytes()
    assert hashlib.sha256(content).hexdigest() == deck.sha256
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Accept-Ranges"] == "bytes"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("inline; filename*=utf-8''")
    assert "Pr%C3%A4sentation%20%E2%80%9EGr%C3%B6%C3%9Fe%E2%80%9C%20%22v2%22.pdf" in disposition
    assert response["ETag"] == f'"{deck.sha256}"' and response["Last-Modified"]


def test_a_whole_file_is_handed_to_the_server_as_a_file(rf):
    """So that the WSGI server can send it with sendfile() (gunicorn does: wsgi.file_wrapper)
    instead of pushing it through Python; ranges are streamed."""
    deck = make_deck()

    def request(**headers):
        request = rf.get(deck.get_download_url(), headers=headers)
        request.user = AnonymousUser()
        return request

    whole = deck_download(request(), slug=deck.slug)
    assert whole.file_to_stream is not None and whole.file_to_stream.fileno() > 0
    whole.file_to_stream.close()  # not whole.close(): that ends the "request" and its connection
    part = deck_download(request(Range="bytes=0-9"), slug=deck.slug)
    assert part.status_code == 206 and b"".join(part.streaming_content) == deck.file.open("rb").read(10)


def test_ascii_names_with_quotes_are_escaped(client):
    deck = make_deck(upload=pdf_upload('Talk "final".pdf'))
    assert (
        client.get(deck.get_download_url())["Content-Disposition"]
        == 'inline; filename="Talk \\"final\\".pdf"'
    )


def test_presentations_are_attachments(client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.events.test_uploads import pptx_bytes

    deck = make_deck(upload=SimpleUploadedFile("talk.pptx", pptx_bytes()))
    response = client.get(deck.get_download_url())
    assert response["Content-Type"].endswith("presentationml.presentation")
    assert response["Content-Disposition"] == 'attachment; filename="talk.pptx"'


def test_conditional_and_range_requests(client):
    deck = make_deck()
    url = deck.get_download_url()
    etag = client.get(url)["ETag"]
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    partial = client.get(url, headers={"Range": "bytes=0-99"})
    assert partial.status_code == 206
    assert partial["Content-Range"] == f"bytes 0-99/{deck.size}"
    assert len(body(partial)) == 100
    tail = client.get(url, headers={"Range": "bytes=-10"})
    assert tail.status_code == 206 and len(body(tail)) == 10
    assert client.get(url, headers={"Range": f"bytes={deck.size}-"}).status_code == 416
    stale = client.get(url, headers={"Range": "bytes=0-9", "If-Range": '"other"'})
    assert stale.status_code == 200 and len(body(stale)) == deck.size


def test_stale_if_range_ignores_the_range(client):
    deck = make_deck()
    response = client.get(
        deck.get_download_url(), headers={"Range": "bytes=999999999-", "If-Range": '"stale"'}
    )
    assert response.status_code == 200


def test_downloads_are_counted_without_cookies(client):
    deck = make_deck()
    url = deck.get_download_url()
    response = client.get(url)
    body(response)
    client.get(url, headers={"Range": "bytes=100-199"})  # a later part of a download: not counted again
    client.get(url, headers={"If-None-Match": response["ETag"]})
    client.head(url)
    deck.refresh_from_db()
    assert deck.download_count == 1
    assert not response.cookies


def test_a_client_is_counted_once_a_day_however_it_asks(client):
    deck = make_deck()
    url = deck.get_download_url()
    for _ in range(50):
        assert client.get(url, headers={"Range": "bytes=0-0"}).status_code == 206
    body(client.get(url))
    deck.refresh_from_db()
    assert deck.download_count == 1


def test_other_clients_and_other_days_count_again(client):
    deck = make_deck()
    url = deck.get_download_url()
    day = timezone.now() + datetime.timedelta(days=10)
    with time_machine.travel(day, tick=False):
        client.get(url, REMOTE_ADDR="192.0.2.1")
        client.get(url, REMOTE_ADDR="192.0.2.2")
        client.get(url, REMOTE_ADDR="192.0.2.2", headers={"User-Agent": "Another browser"})
        client.get(url, REMOTE_ADDR="192.0.2.1")
    with time_machine.travel(day + datetime.timedelta(days=1), tick=False):
        client.get(url, REMOTE_ADDR="192.0.2.1")
    deck.refresh_from_db()
    assert deck.download_count == 4
    # Only today's fingerprints are kept, and none holds an address.
    assert DownloadFingerprint.objects.count() == 1
    assert all("192.0.2" not in fp.digest for fp in DownloadFingerprint.objects.all())


def test_behind_a_proxy_clients_are_told_apart_by_the_address_it_forwards(client, settings):
    settings.NUM_PROXIES = 1
    deck = make_deck()
    for address in ("198.51.100.7", "198.51.100.8", "198.51.100.8"):
        # The proxy's own address is REMOTE_ADDR; the client cannot fake the last X-Forwarded-For entry.
        client.get(
            deck.get_download_url(),
            REMOTE_ADDR="10.0.0.1",
            headers={"X-Forwarded-For": f"1.2.3.4, {address}"},
        )
    deck.refresh_from_db()
    assert deck.download_count == 2


def test_decks_of_draft_events_are_not_public(client):
    deck = make_deck(EventFactory(status="draft"))
    assert client.get(deck.get_absolute_url()).status_code == 404
    assert client.get(deck.get_download_url()).status_code == 404


def test_draft_previews_are_not_cached_publicly(client, editor):
    deck = make_deck(EventFactory(status="draft"))
    attach_file(deck, pdf_upload("second.pdf", title="Second version"))  # the first is kept as a version
    client.force_login(editor)
    for url in (
        deck.get_absolute_url(),
        deck.get_download_url(),
        deck.versions.get().get_absolute_url(),
        deck.event.get_absolute_url() + "slides.zip",
        deck.event.get_absolute_url() + "calendar.ics",
        AgendaItemFactory(event=deck.event).get_calendar_url(),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Cache-Control"] == "private, no-store", url
    deck.refresh_from_db()
    assert deck.download_count == 0  # staff previews are not counted


def test_zip_of_an_event_has_every_deck_and_an_index_with_hashes(client):
    event = EventFactory(slug="meeting")
    decks = [
        make_deck(event, title=f"Talk {i}", upload=pdf_upload("talk.pdf", title=f"T{i}")) for i in range(3)
    ]
    decks[0].speakers.add(PersonFactory(first_name="Gitta", last_name="Kutyniok"))
    response = client.get("/events/meeting/slides.zip")
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"] == "application/zip"
    assert 'filename="meeting-slides.zip"' in response["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(body(response)))
    names = archive.namelist()
    assert len(names) == 4 and names[-1] == "index.txt"
    assert sorted(names[:3]) == ["talk-2.pdf", "talk-3.pdf", "talk.pdf"]
    index = archive.read("index.txt").decode()
    for deck in SlideDeck.objects.filter(event=event):
        assert deck.sha256 in index
    for name in names[:3]:
        digest = hashlib.sha256(archive.read(name)).hexdigest()
        assert digest in index
    assert "Gitta Kutyniok" in index and "CC BY 4.0" in index


def test_zip_entries_are_deflated_for_streaming_readers(client):
    event = EventFactory(slug="zipped")
    make_deck(event)
    archive = zipfile.ZipFile(io.BytesIO(body(client.get("/events/zipped/slides.zip"))))
    assert {i.compress_type for i in archive.infolist()} == {zipfile.ZIP_DEFLATED}
    assert archive.testzip() is None


def test_zip_of_an_event_without_slides_is_404(client):
    assert client.get(EventFactory(slug="empty").get_absolute_url() + "slides.zip").status_code == 404


# --- calendars --------------------------------------------------------------------------------


def parse(response):
    assert response["Content-Type"].startswith("text/calendar")
    return icalendar.Calendar.from_ical(response.content)


def test_ics_of_an_event_in_new_york_has_the_right_instant(client):
    ny = zoneinfo.ZoneInfo("America/New_York")
    start = datetime.datetime(2026, 7, 1, 10, 0, tzinfo=ny)
    event = EventFactory(timezone="America/New_York", start=start, end=start + datetime.timedelta(hours=2))
    cal = parse(client.get(f"/events/{event.slug}/calendar.ics"))
    vevent = cal.walk("VEVENT")[0]
    dtstart = vevent.decoded("DTSTART")
    assert dtstart.astimezone(datetime.UTC) == datetime.datetime(2026, 7, 1, 14, 0, tzinfo=datetime.UTC)
    assert vevent["DTSTART"].params["TZID"] == "America/New_York"
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["America/New_York"]
    assert str(vevent["UID"]) == f"{event.uuid}@spp2298"
    assert "DTSTAMP" in vevent and str(vevent["URL"]).endswith(event.get_absolute_url())
    assert str(vevent["STATUS"]) == "CONFIRMED"


def test_editing_an_event_increases_sequence_and_cancelling_is_exported(client):
    event = EventFactory()
    first = parse(client.get(f"/events/{event.slug}/calendar.ics")).walk("VEVENT")[0]["SEQUENCE"]
    event = Event.objects.get(pk=event.pk)
    event.title = "New title"
    event.save()
    event = Event.objects.get(pk=event.pk)
    event.status = Event.Status.CANCELLED
    event.save()
    vevent = parse(client.get(f"/events/{event.slug}/calendar.ics")).walk("VEVENT")[0]
    assert vevent["SEQUENCE"] == first + 2
    assert str(vevent["STATUS"]) == "CANCELLED"


def test_all_day_events_are_dates(client):
    start = datetime.datetime(2026, 3, 12, 0, 0, tzinfo=BERLIN)
    event = EventFactory(all_day=True, start=start, end=start + datetime.timedelta(days=2, hours=23))
    vevent = parse(client.get(f"/events/{event.slug}/calendar.ics")).walk("VEVENT")[0]
    assert vevent["DTSTART"].params.get("VALUE") == "DATE" or isinstance(
        vevent.decoded("DTSTART"), datetime.date
    )
    assert vevent.decoded("DTSTART") == datetime.date(2026, 3, 12)
    assert vevent.decoded("DTEND") == datetime.date(2026, 3, 15)
    assert "DTSTART;VALUE=DATE:20260312" in client.get(f"/events/{event.slug}/calendar.ics").content.decode()


def test_feeds_of_all_events_and_by_kind(client):
    EventFactory(title="A workshop", kind="workshop")
    EventFactory(title="A meeting", kind="annual_meeting")
    EventFactory(title="A draft", status="draft")
    everything = parse(client.get("/events/calendar.ics"))
    assert sorted(str(e["SUMMARY"]) for e in everything.walk("VEVENT")) == ["A meeting", "A workshop"]
    meetings = parse(client.get("/events/calendar/annual_meeting.ics"))
    assert [str(e["SUMMARY"]) for e in meetings.walk("VEVENT")] == ["A meeting"]
    assert client.get("/events/calendar/nonsense.ics").status_code == 404


def test_long_lines_are_folded_and_text_escaped(client):
    event = EventFactory(title="Semicolons; commas, and a very long title " * 3, summary="Line\nbreak")
    raw = client.get(f"/events/{event.slug}/calendar.ics").content.decode()
    assert all(len(line.encode()) <= 75 for line in raw.split("\r\n"))
    assert "Semicolons\\; commas\\," in raw.replace("\r\n ", "")


def test_calendars_stay_valid_for_titles_with_line_breaks(client):
    event = EventFactory(slug="broken-lines")
    Event.objects.filter(pk=event.pk).update(
        title="Line one\nLine two\x0b", venue_name="Hall\r\nA", online_url="https://meet.example/x\n"
    )
    for url in ("/events/broken-lines/calendar.ics", "/events/calendar.ics"):
        response = client.get(url)
        assert response.status_code == 200, url
        calendar = icalendar.Calendar.from_ical(response.content)
        vevent = calendar.walk("VEVENT")[0]
        assert str(vevent["SUMMARY"]) == "Line one Line two"
        assert str(vevent["LOCATION"]).startswith("Hall A")
    calendar = icalendar.Calendar.from_ical(client.get("/events/broken-lines/calendar.ics").content)
    assert str(calendar["X-WR-CALNAME"]) == "Line one Line two"


def test_download_header_stays_valid_for_file_names_with_line_breaks(client):
    deck = make_deck()
    SlideDeck.objects.filter(pk=deck.pk).update(original_filename="Talk\r\nSet-Cookie: x=1.pdf")
    response = client.get(deck.get_download_url())
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'inline; filename="Talk Set-Cookie: x=1.pdf"'
    assert "Set-Cookie" not in response.headers


# --- calendar of one talk -------------------------------------------------------------------------


def test_talk_calendar_is_a_download_named_after_the_event_and_talk(client):
    talk = AgendaItemFactory(event=EventFactory(slug="meeting"))
    response = client.get(f"/events/meeting/talks/{talk.pk}/calendar.ics")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="meeting-{talk.pk}.ics"'
    event_file = client.get("/events/meeting/calendar.ics")
    for header in ("Cache-Control", "Vary", "X-Page-Cache"):  # public: the page cache stores both
        assert response[header] == event_file[header], header
    assert client.post(talk.get_calendar_url()).status_code == 405


def test_talk_calendars_exist_only_for_timed_talks_of_public_events_under_their_own_event(client):
    draft_talk = AgendaItemFactory(event=EventFactory(status="draft"))
    event = EventFactory(slug="meeting")
    other = AgendaItemFactory(event=EventFactory(slug="other"))
    no_end = AgendaItemFactory(event=event, end=None)
    coffee = AgendaItemFactory(event=event, kind=AgendaItem.Kind.BREAK)
    assert client.get(draft_talk.get_calendar_url()).status_code == 404
    assert client.get(f"/events/meeting/talks/{other.pk}/calendar.ics").status_code == 404
    assert client.get(no_end.get_calendar_url()).status_code == 404
    assert client.get(coffee.get_calendar_url()).status_code == 404
    assert client.get("/events/meeting/talks/999999/calendar.ics").status_code == 404
    assert client.get("/events/meeting/talks/x/calendar.ics").status_code == 404


def test_agenda_offers_a_calendar_file_per_timed_talk_named_after_the_talk(client):
    event = EventFactory()
    talk = AgendaItemFactory(event=event, title="Sharp bounds", room="Goethe-Saal")
    coffee = AgendaItemFactory(event=event, title="Coffee", kind=AgendaItem.Kind.BREAK)
    untimed = AgendaItemFactory(event=event, title="Open end", end=None)
    html = client.get(event.get_absolute_url()).content.decode()
    assert (
        f'<a class="agenda-calendar" href="{talk.get_calendar_url()}">Add to calendar'
        '<span class="visually-hidden"> – Sharp bounds</span></a>'
    ) in html
    assert "Room: Goethe-Saal" in html
    assert coffee.get_calendar_url() not in html and untimed.get_calendar_url() not in html
    assert html.count('class="agenda-calendar"') == 1


@pytest.mark.parametrize(
    ("url", "feed"),
    [("/events/", "/events/calendar.ics"), ("/events/?kind=workshop", "/events/calendar/workshop.ics")],
)
def test_event_list_offers_to_subscribe_to_its_calendar_and_to_download_it(client, url, feed):
    html = client.get(url).content.decode()
    assert f'<a href="webcal://testserver{feed}">Subscribe in your calendar program</a>' in html
    assert f'<a href="{feed}">Download as iCalendar file (.ics)</a>' in html


def test_footer_offers_to_subscribe_to_the_events_calendar(client):
    html = client.get("/").content.decode()
    assert '<a href="webcal://testserver/events/calendar.ics">Subscribe to the events calendar</a>' in html
    assert '<a href="/events/calendar.ics">Events calendar (iCalendar)</a>' in html


@pytest.mark.parametrize("secure", [False, True])
def test_webcal_urls_keep_host_and_path_whatever_the_scheme(rf, secure):
    request = rf.get("/", secure=secure)
    html = Template("{% load spp %}{% webcal_url '/events/calendar.ics' %}").render(
        Context({"request": request})
    )
    assert html == "webcal://testserver/events/calendar.ics"
    assert Template("{% load spp %}{% webcal_url '/x.ics' %}").render(Context({})) == "/x.ics"


def test_webcal_url_on_the_error_page_of_a_disallowed_host_is_the_bare_path(rf):
    request = rf.get("/", HTTP_HOST="attacker.example")
    html = Template("{% load spp %}{% webcal_url '/events/calendar.ics' %}").render(
        Context({"request": request})
    )
    assert html == "/events/calendar.ics"
