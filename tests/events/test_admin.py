import datetime
import io
import zoneinfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from events.admin import EventAdmin
from events.models import Event, SlideDeck
from tests.conftest import files_in
from tests.events.factories import AgendaItemFactory, EventFactory, make_deck, pdf_upload
from tests.events.test_uploads import png_bytes
from tests.programs.factories import PersonFactory
from tests.queries import queries_at_1_and_50

pytestmark = pytest.mark.django_db


def deck_form(event, upload, **extra):
    data = {
        "event": event.pk,
        "title": "My talk",
        "slug": "my-talk",
        "licence": "cc-by-4.0",
        "language": "en",
        "guest_speakers": "",
        "versions-TOTAL_FORMS": "0",
        "versions-INITIAL_FORMS": "0",
        "versions-MIN_NUM_FORMS": "0",
        "versions-MAX_NUM_FORMS": "1000",
    }
    if upload is not None:
        data["upload"] = upload
    data.update(extra)
    return data


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (lambda: SimpleUploadedFile("notes.pdf", b"plain text, renamed"), "its content is plain text"),
        (
            lambda: SimpleUploadedFile("page.pdf", b"<html><body><script>x</script></body></html>"),
            "its content is an HTML page",
        ),
        (lambda: SimpleUploadedFile("picture.pptx", png_bytes()), "its content is a PNG image"),
        (lambda: pdf_upload("big.pdf", pages=2), "the limit is"),
    ],
    ids=["text-as-pdf", "html-as-pdf", "png-as-pptx", "too-large"],
)
def test_refused_uploads_are_form_errors_and_leave_no_file(
    client, editor, media_root, settings, upload, message
):
    settings.SLIDES_MAX_UPLOAD_SIZE = 1500  # the generated PDF is larger than this; the others are smaller
    event = EventFactory()
    client.force_login(editor)
    response = client.post("/admin/events/slidedeck/add/", deck_form(event, upload()))
    assert response.status_code == 200
    errors = " ".join(response.context["adminform"].form.errors["upload"])
    assert message in errors
    assert "PDF (.pdf), PowerPoint (.pptx)" in errors or "limit" in errors
    assert not SlideDeck.objects.exists()
    assert files_in(media_root) == []


def test_new_deck_needs_a_file(client, editor):
    client.force_login(editor)
    response = client.post("/admin/events/slidedeck/add/", deck_form(EventFactory(), None))
    assert "Choose the slide file to upload." in str(response.context["adminform"].form.errors)


def test_upload_through_admin_and_replace(client, editor, media_root):
    event = EventFactory()
    client.force_login(editor)
    response = client.post("/admin/events/slidedeck/add/", deck_form(event, pdf_upload("talk.pdf")))
    assert response.status_code == 302
    deck = SlideDeck.objects.get()
    assert deck.page_count == 3 and deck.original_filename == "talk.pdf"
    response = client.post(
        f"/admin/events/slidedeck/{deck.pk}/change/", deck_form(event, pdf_upload("talk-v2.pdf", pages=4))
    )
    assert response.status_code == 302
    deck.refresh_from_db()
    assert deck.page_count == 4 and deck.versions.count() == 1
    # Saving without a new file keeps the current one.
    response = client.post(
        f"/admin/events/slidedeck/{deck.pk}/change/", deck_form(event, None, title="Renamed")
    )
    assert response.status_code == 302
    deck.refresh_from_db()
    assert deck.title == "Renamed" and deck.page_count == 4 and deck.versions.count() == 1


def test_deck_change_list_shows_thumbnail_pages_size_and_downloads(client, editor):
    make_deck()
    client.force_login(editor)
    html = client.get("/admin/events/slidedeck/").content.decode()
    assert 'class="admin-thumb"' in html and "KB" in html


def confirmation(response, **changes):
    """The confirmation step's form as the page proposes it; `changes` maps a file's name to the
    fields to change in its row, e.g. {"a.pdf": {"talk": talk.pk}}."""
    data = {"count": str(len(response.context["rows"])), "confirm": "1"}
    for row in response.context["rows"]:
        values = {name: row.initial.get(name, "") for name in ("token", "talk", "title", "action")}
        values.update(changes.get(row.pending["name"], {}))
        data.update({f"{row.prefix}-{name}": value for name, value in values.items()})
    return data


def test_bulk_upload_page(client, editor, media_root):
    event = EventFactory()
    client.force_login(editor)
    url = f"/admin/events/event/{event.pk}/upload-slides/"
    assert (
        "Upload several slide files" in client.get(f"/admin/events/event/{event.pk}/change/").content.decode()
    )
    response = client.post(
        url,
        {
            "files": [
                pdf_upload("a_first-talk_v2.pdf"),
                pdf_upload("second FINAL.pdf", pages=4),
                SimpleUploadedFile("x.pdf", b"nope"),
            ]
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Refused (1)" in html and "x.pdf" in html and "plain text" in html
    assert "Check each file before the decks are created" in html
    assert not SlideDeck.objects.exists()  # nothing saved before the editor confirms
    pending = files_in(media_root)
    assert len(pending) == 2 and all(name.startswith("decks/pending/") for name in pending)

    response = client.post(url, confirmation(response))
    assert "Created or updated (2)" in response.content.decode()
    assert sorted(SlideDeck.objects.values_list("title", flat=True)) == ["A first talk", "Second"]
    assert not any(name.startswith("decks/pending/") for name in files_in(media_root))


def test_bulk_upload_matches_files_to_talks_and_the_editor_confirms(client, editor, media_root):
    event = EventFactory()
    burger = PersonFactory(first_name="Martin", last_name="Burger")
    mueller = PersonFactory(first_name="Anna", last_name="Müller")
    transport = AgendaItemFactory(event=event, title="Optimal transport for imaging")
    transport.speakers.add(burger)
    networks = AgendaItemFactory(event=event, title="Neural networks and PDEs")
    networks.speakers.add(mueller)
    client.force_login(editor)
    url = f"/admin/events/event/{event.pk}/upload-slides/"
    response = client.post(
        url,
        {
            "files": [
                pdf_upload("Burger optimal transport v3 FINAL.pdf"),
                pdf_upload("mueller_networks.pdf", pages=4),
                pdf_upload("poster_session_notes.pdf", pages=5),
            ]
        },
    )
    rows = {row.pending["name"]: row for row in response.context["rows"]}
    assert rows["Burger optimal transport v3 FINAL.pdf"].initial["talk"] == transport.pk
    assert rows["mueller_networks.pdf"].initial["talk"] == networks.pk
    assert rows["poster_session_notes.pdf"].initial["talk"] == ""
    html = response.content.decode()
    assert "will be titled “Optimal transport for imaging”" in html
    assert "No talk found; will be titled “Poster session notes”" in html

    # The editor corrects one match: the notes belong to the networks talk after all.
    response = client.post(
        url,
        confirmation(
            response,
            **{"poster_session_notes.pdf": {"talk": networks.pk, "title": "Notes on neural networks"}},
        ),
    )
    assert response.status_code == 200
    decks = {deck.title: deck for deck in SlideDeck.objects.all()}
    assert set(decks) == {
        "Optimal transport for imaging",
        "Neural networks and PDEs",
        "Notes on neural networks",
    }
    assert decks["Optimal transport for imaging"].agenda_item == transport
    assert list(decks["Optimal transport for imaging"].speakers.all()) == [burger]
    assert decks["Notes on neural networks"].agenda_item == networks
    assert list(decks["Notes on neural networks"].speakers.all()) == [mueller]


def test_bulk_upload_cancelled_saves_nothing_and_keeps_no_file(client, editor, media_root):
    event = EventFactory()
    client.force_login(editor)
    url = f"/admin/events/event/{event.pk}/upload-slides/"
    response = client.post(url, {"files": [pdf_upload("talk.pdf")]})
    assert files_in(media_root)
    data = confirmation(response)
    del data["confirm"]
    response = client.post(url, {**data, "cancel": "1"})
    assert response.status_code == 302
    assert not SlideDeck.objects.exists() and files_in(media_root) == []


def test_bulk_upload_with_a_forged_or_expired_token_is_refused(client, editor, media_root, settings):
    event = EventFactory()
    client.force_login(editor)
    url = f"/admin/events/event/{event.pk}/upload-slides/"
    response = client.post(url, {"files": [pdf_upload("talk.pdf")]})
    data = confirmation(response)
    data["file-0-token"] = data["file-0-token"].replace(":", "x:", 1)
    response = client.post(url, data)
    assert response.status_code == 200
    assert "upload it again" in response.content.decode()
    assert not SlideDeck.objects.exists()


def test_identical_file_warns_and_offers_skip_or_replace(client, editor, media_root):
    event = EventFactory()
    talk = AgendaItemFactory(event=event, title="Opening")
    existing = make_deck(event=event, title="Old title", upload=pdf_upload("talk.pdf"))
    client.force_login(editor)
    url = f"/admin/events/event/{event.pk}/upload-slides/"
    response = client.post(url, {"files": [pdf_upload("talk-copy.pdf")]})
    (row,) = response.context["rows"]
    assert row.duplicate == existing and row.initial["action"] == "skip"
    assert [value for value, _ in row.fields["action"].choices] == ["skip", "replace"]
    assert "identical to the existing deck “Old title”" in response.content.decode()

    client.post(url, confirmation(response))  # skip, as proposed
    assert SlideDeck.objects.count() == 1
    assert not any(name.startswith("decks/pending/") for name in files_in(media_root))

    response = client.post(url, {"files": [pdf_upload("talk-copy.pdf")]})
    client.post(url, confirmation(response, **{"talk-copy.pdf": {"action": "replace", "talk": talk.pk}}))
    assert SlideDeck.objects.count() == 1
    existing.refresh_from_db()
    assert existing.agenda_item == talk and existing.title == "Opening" and existing.versions.count() == 0


def test_a_deck_saved_with_a_talk_and_no_speakers_gets_the_talks_speakers(client, editor, media_root):
    event = EventFactory()
    talk = AgendaItemFactory(event=event, guest_speakers="Jane Guest")
    speaker = PersonFactory(last_name="Burger")
    talk.speakers.add(speaker)
    client.force_login(editor)
    response = client.post(
        "/admin/events/slidedeck/add/",
        deck_form(event, pdf_upload("talk.pdf"), agenda_item=talk.pk),
        follow=True,
    )
    deck = SlideDeck.objects.get()
    assert list(deck.speakers.all()) == [speaker] and deck.guest_speakers == "Jane Guest"
    assert "Speakers filled in from the talk." in [str(m) for m in response.context["messages"]]
    # Speakers the editor chose stay.
    other = PersonFactory()
    client.post(
        f"/admin/events/slidedeck/{deck.pk}/change/",
        deck_form(event, None, agenda_item=talk.pk, speakers=[other.pk], guest_speakers=""),
    )
    assert list(deck.speakers.all()) == [other]


def test_talk_speakers_endpoint_is_for_staff_only(client, editor):
    talk = AgendaItemFactory(guest_speakers="Jane Guest")
    person = PersonFactory(first_name="Anna", last_name="Müller")
    talk.speakers.add(person)
    url = f"/admin/events/slidedeck/talk-speakers/?talk={talk.pk}"
    assert client.get(url).status_code == 302  # to the sign-in page
    client.force_login(editor)
    data = client.get(url).json()
    assert data["speakers"] == [{"id": person.pk, "text": "Anna Müller"}]
    assert data["guest_speakers"] == "Jane Guest" and data["message"] == "Speakers filled in from the talk"
    assert client.get("/admin/events/slidedeck/talk-speakers/?talk=x").status_code == 404
    html = client.get(f"/admin/events/slidedeck/add/?event={talk.event_id}").content.decode()
    assert 'data-speakers-url="/admin/events/slidedeck/talk-speakers/"' in html and "deck-speakers.js" in html


def test_event_times_are_entered_in_the_events_time_zone(client, editor):
    client.force_login(editor)
    data = {
        "title": "NY session", "slug": "ny-session", "kind": "workshop", "summary": "",
        "timezone": "America/New_York", "start_0": "2026-07-01", "start_1": "10:00", "end_0": "2026-07-01", "end_1": "12:00",
        "venue_name": "", "address": "", "online_url": "", "description": "", "cover_alt": "",
        "registration_url": "", "registration_deadline_0": "", "registration_deadline_1": "",
        "status": "published", "publish_at_0": "2026-01-01", "publish_at_1": "00:00",
        "agenda_items-TOTAL_FORMS": "1", "agenda_items-INITIAL_FORMS": "0", "agenda_items-MIN_NUM_FORMS": "0", "agenda_items-MAX_NUM_FORMS": "1000",
        "agenda_items-0-day": "2026-07-01", "agenda_items-0-start_time": "10:30", "agenda_items-0-end_time": "", "agenda_items-0-duration": "",
        "agenda_items-0-title": "Talk", "agenda_items-0-kind": "talk", "agenda_items-0-guest_speakers": "", "agenda_items-0-abstract": "",
        "slide_decks-TOTAL_FORMS": "0", "slide_decks-INITIAL_FORMS": "0", "slide_decks-MIN_NUM_FORMS": "0", "slide_decks-MAX_NUM_FORMS": "1000",
    }  # fmt: skip
    response = client.post("/admin/events/event/add/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    event = Event.objects.get(slug="ny-session")
    assert event.start == datetime.datetime(2026, 7, 1, 14, 0, tzinfo=datetime.UTC)
    assert event.agenda_items.get().start == datetime.datetime(2026, 7, 1, 14, 30, tzinfo=datetime.UTC)
    page = client.get(f"/admin/events/event/{event.pk}/change/").content.decode()
    assert 'value="10:00:00"' in page and "Time zone: <strong>America/New_York</strong>" in page


def test_datetime_widgets_name_the_zone_elsewhere(client, editor):
    client.force_login(editor)
    assert (
        "Time zone: <strong>Europe/Berlin</strong>"
        in client.get("/admin/news/newsitem/add/").content.decode()
    )


def test_end_before_start_is_a_form_error(client, editor):
    event = EventFactory()
    client.force_login(editor)
    tz = zoneinfo.ZoneInfo("Europe/Berlin")
    start = event.start.astimezone(tz)
    page = client.get(f"/admin/events/event/{event.pk}/change/")
    form = page.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if isinstance(v, str | int | bool)}
    data.update({
        "title": event.title, "slug": event.slug, "kind": event.kind, "timezone": "Europe/Berlin", "status": "published",
        "start_0": start.date().isoformat(), "start_1": "12:00", "end_0": start.date().isoformat(), "end_1": "11:00",
        "publish_at_0": "2026-01-01", "publish_at_1": "00:00",
        "agenda_items-TOTAL_FORMS": "0", "agenda_items-INITIAL_FORMS": "0", "agenda_items-MIN_NUM_FORMS": "0", "agenda_items-MAX_NUM_FORMS": "1000",
        "slide_decks-TOTAL_FORMS": "0", "slide_decks-INITIAL_FORMS": "0", "slide_decks-MIN_NUM_FORMS": "0", "slide_decks-MAX_NUM_FORMS": "1000",
    })  # fmt: skip
    response = client.post(f"/admin/events/event/{event.pk}/change/", data)
    assert response.status_code == 200
    assert "cannot end before it starts" in str(response.context["adminform"].form.errors)


def test_publish_action_keeps_cancelled_events_cancelled(client, editor):
    event = EventFactory(status="cancelled")
    client.force_login(editor)
    client.post("/admin/events/event/", {"action": "publish_now", "_selected_action": [event.pk]})
    assert Event.objects.get(pk=event.pk).status == "cancelled"


def test_admin_with_a_non_numeric_id_is_not_a_server_error(client, editor):
    client.force_login(editor)
    assert client.get("/admin/events/event/abc/change/").status_code in (302, 404)
    assert client.get("/admin/events/event/abc/upload-slides/").status_code == 404


def test_event_change_page_costs_the_same_queries_at_1_and_50_agenda_items(client, editor):
    event = EventFactory()
    speakers = [PersonFactory(), PersonFactory()]
    make_deck(event=event)  # a slide-deck row with its talk menu
    client.force_login(editor)

    def add_item(i):
        item = AgendaItemFactory(event=event, start=event.start + datetime.timedelta(minutes=10 * i))
        item.speakers.add(*speakers)

    response, one, fifty = queries_at_1_and_50(client, f"/admin/events/event/{event.pk}/change/", add_item)
    assert response.status_code == 200
    assert one == fifty
    assert response.content.decode().count(f'<option value="{speakers[0].pk}" selected>') == 50


def agenda_post(event, rows, tz="Europe/Berlin"):
    data = {
        "title": event.title, "slug": event.slug, "kind": event.kind, "summary": "", "timezone": tz,
        "start_0": "2026-10-24", "start_1": "09:00", "end_0": "2026-10-25", "end_1": "18:00",
        "venue_name": "", "address": "", "online_url": "", "description": "", "cover_alt": "",
        "registration_url": "", "registration_deadline_0": "", "registration_deadline_1": "",
        "status": "published", "publish_at_0": "2026-01-01", "publish_at_1": "00:00",
        "agenda_items-TOTAL_FORMS": str(len(rows)), "agenda_items-INITIAL_FORMS": "0",
        "agenda_items-MIN_NUM_FORMS": "0", "agenda_items-MAX_NUM_FORMS": "1000",
        "slide_decks-TOTAL_FORMS": "0", "slide_decks-INITIAL_FORMS": "0",
        "slide_decks-MIN_NUM_FORMS": "0", "slide_decks-MAX_NUM_FORMS": "1000",
    }  # fmt: skip
    for i, row in enumerate(rows):
        values = {"title": f"Item {i}", "kind": "talk", "guest_speakers": "", "abstract": "", "room": ""}
        values |= {"day": "", "start_time": "", "end_time": "", "duration": ""} | row
        data.update({f"agenda_items-{i}-{name}": value for name, value in values.items()})
    return data


def test_agenda_rows_are_day_start_and_end_or_duration_in_the_events_zone_across_dst(client, editor):
    # 25 Oct 2026: clocks go back in Berlin at 03:00 (CEST -> CET).
    event = EventFactory(start=datetime.datetime(2026, 10, 24, 7, 0, tzinfo=datetime.UTC))
    client.force_login(editor)
    rows = [
        {"day": "2026-10-25", "start_time": "14:00", "duration": "45", "title": "Afternoon"},
        {"day": "2026-10-24", "start_time": "10:00", "end_time": "11:30", "title": "Morning"},
    ]
    response = client.post(f"/admin/events/event/{event.pk}/change/", agenda_post(event, rows))
    assert response.status_code == 302, response.context["inline_admin_formsets"][0].formset.errors
    morning, afternoon = event.agenda_items.order_by("start")  # stored in time order
    assert (morning.title, afternoon.title) == ("Morning", "Afternoon")
    assert morning.start == datetime.datetime(2026, 10, 24, 8, 0, tzinfo=datetime.UTC)  # CEST, +2
    assert morning.end == datetime.datetime(2026, 10, 24, 9, 30, tzinfo=datetime.UTC)
    assert afternoon.start == datetime.datetime(2026, 10, 25, 13, 0, tzinfo=datetime.UTC)  # CET, +1
    assert afternoon.end == afternoon.start + datetime.timedelta(minutes=45)
    page = client.get(f"/admin/events/event/{event.pk}/change/").content.decode()
    assert page.index('value="Morning"') < page.index('value="Afternoon"')  # listed by time
    assert 'name="agenda_items-0-start_time" value="10:00"' in page
    assert "agenda.js" in page


def test_agenda_times_of_an_event_abroad_are_in_its_zone(client, editor):
    event = EventFactory()
    client.force_login(editor)
    rows = [{"day": "2026-10-24", "start_time": "10:00", "end_time": "11:00"}]
    response = client.post(
        f"/admin/events/event/{event.pk}/change/", agenda_post(event, rows, "America/New_York")
    )
    assert response.status_code == 302
    assert event.agenda_items.get().start == datetime.datetime(2026, 10, 24, 14, 0, tzinfo=datetime.UTC)


@pytest.mark.parametrize(
    ("row", "field", "message"),
    [
        (
            {"day": "2026-10-24", "start_time": "11:00", "end_time": "10:00"},
            "end_time",
            "cannot end before it starts",
        ),
        (
            {"day": "2026-03-29", "start_time": "02:30"},
            "start_time",
            "2026-03-29 02:30:00",
        ),  # the hour skipped
        ({"day": "", "start_time": "10:00"}, "day", "This field is required"),
    ],
)
def test_impossible_agenda_times_are_form_errors(client, editor, row, field, message):
    event = EventFactory()
    client.force_login(editor)
    response = client.post(f"/admin/events/event/{event.pk}/change/", agenda_post(event, [row]))
    assert response.status_code == 200
    errors = response.context["inline_admin_formsets"][0].formset.errors[0]
    assert message in str(errors[field])
    assert not event.agenda_items.exists()


def test_the_agenda_is_open_when_the_event_has_talks(client, editor):
    event = EventFactory()
    client.force_login(editor)
    url = f"/admin/events/event/{event.pk}/change/"
    assert client.get(url).context["inline_admin_formsets"][0].opts.classes == ["collapse"]
    AgendaItemFactory(event=event)
    assert client.get(url).context["inline_admin_formsets"][0].opts.classes == []


def test_files_waiting_for_confirmation_are_private_and_cleaned_up_when_abandoned(client, editor, media_root):
    event = EventFactory()
    client.force_login(editor)
    client.post(f"/admin/events/event/{event.pk}/upload-slides/", {"files": [pdf_upload("talk.pdf")]})
    (pending,) = files_in(media_root)
    assert pending.startswith("decks/pending/")
    client.logout()
    assert client.get(f"/media/{pending}").status_code == 404
    call_command("cleanup_media", "--min-age", "0", stdout=io.StringIO())  # the editor never confirmed
    assert files_in(media_root) == []


def test_files_over_the_bulk_limit_are_refused_by_name(client, editor, media_root, monkeypatch):
    monkeypatch.setattr(EventAdmin, "MAX_BULK_FILES", 1)
    event = EventFactory()
    client.force_login(editor)
    response = client.post(
        f"/admin/events/event/{event.pk}/upload-slides/",
        {"files": [pdf_upload("one.pdf"), pdf_upload("two.pdf")]},
    )
    assert [row.pending["name"] for row in response.context["rows"]] == ["one.pdf"]
    assert response.context["refused"] == [("two.pdf", ["Only 1 file at a time; upload this one again."])]
