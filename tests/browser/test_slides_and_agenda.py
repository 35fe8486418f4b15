"""Slides linked to talks and the agenda's rows, as an editor (Editor group, not superuser) meets them."""

import datetime

from events.models import SlideDeck
from tests.browser.conftest import login
from tests.browser.test_quality import axe_violations
from tests.events.factories import AgendaItemFactory, EventFactory, pdf_upload
from tests.programs.factories import PersonFactory


def own_violations(page, selector):
    """axe's findings in `selector`, but for those in the stock admin's parts on every form, not
    what these forms add: select2's autocomplete (its search box has no label, its list holds a
    search box) and the inline row's "View on site" link (underlined only on hover)."""
    stock = ("select2", "— ul", 'a[href="/admin/r/')
    return [v for v in axe_violations(page, selector) if not any(part in v for part in stock)]


def pdf_file(folder, name, pages):
    path = folder / name
    path.write_bytes(pdf_upload(name, pages=pages, title=name).read())
    return str(path)


def test_bulk_uploaded_pdfs_are_matched_to_their_talks(live_server, editor, page, tmp_path, csp_violations):
    event = EventFactory(title="Annual meeting 2027")
    talks = {}
    for title, surname in [
        ("Optimal transport for imaging", "Burger"),
        ("Neural networks and PDEs", "Müller"),
        ("Inverse problems in tomography", "Schönlieb"),
    ]:
        talks[surname] = AgendaItemFactory(event=event, title=title)
        talks[surname].speakers.add(PersonFactory(last_name=surname))
    files = [
        pdf_file(tmp_path, "Burger optimal transport v3 FINAL.pdf", 2),
        pdf_file(tmp_path, "mueller_networks.pdf", 3),
        pdf_file(tmp_path, "Schoenlieb-tomography_draft.pdf", 4),
    ]
    login(page, live_server, "editor", "editor-pass-123")
    page.goto(f"{live_server.url}/admin/events/event/{event.pk}/change/")
    page.click("text=Upload several slide files")
    page.set_input_files("#id_files", files)
    page.click("input[type=submit].default")
    page.wait_for_selector("text=Check each file before the decks are created")
    assert not SlideDeck.objects.exists()
    for index, surname in enumerate(["Burger", "Müller", "Schönlieb"]):
        assert page.locator(f"#id_file-{index}-talk").input_value() == str(talks[surname].pk)
    assert axe_violations(page, "#content-main") == []
    page.click("input[name=confirm]")
    page.wait_for_selector("text=Created or updated (3)")
    decks = {deck.agenda_item.speakers.get().last_name: deck for deck in SlideDeck.objects.all()}
    for surname, talk in talks.items():
        assert decks[surname].title == talk.title
        assert list(decks[surname].speakers.values_list("last_name", flat=True)) == [surname]
    assert csp_violations == []


def test_choosing_a_talk_fills_in_its_speakers_and_says_so(
    live_server, editor, page, tmp_path, csp_violations
):
    event = EventFactory(title="Workshop")
    talk = AgendaItemFactory(event=event, title="Opening talk")
    speaker = PersonFactory(first_name="Martin", last_name="Burger")
    talk.speakers.add(speaker)
    login(page, live_server, "editor", "editor-pass-123")
    page.goto(f"{live_server.url}/admin/events/slidedeck/add/?event={event.pk}")
    page.select_option("#id_agenda_item", str(talk.pk))
    note = page.locator(".spp-live-note")
    note.wait_for(state="visible")
    assert note.inner_text() == "Speakers filled in from the talk"
    assert note.get_attribute("aria-live") == "polite"
    assert "Martin Burger" in page.locator(".field-speakers .select2-selection").inner_text()
    assert csp_violations == []  # (axe, run next, applies styles of its own)
    assert own_violations(page, "#content-main") == []
    page.fill("#id_title", "Opening")
    page.set_input_files("#id_upload", pdf_file(tmp_path, "opening.pdf", 2))
    page.click("input[name=_save]")
    page.wait_for_url(f"{live_server.url}/admin/events/slidedeck/")
    assert list(SlideDeck.objects.get().speakers.all()) == [speaker]


def test_a_new_agenda_row_continues_where_the_previous_one_ended(live_server, editor, page, csp_violations):
    event = EventFactory(start=datetime.datetime(2026, 10, 24, 7, 0, tzinfo=datetime.UTC))
    AgendaItemFactory(
        event=event,
        title="Welcome",
        start=datetime.datetime(2026, 10, 24, 8, 0, tzinfo=datetime.UTC),
        end=datetime.datetime(2026, 10, 24, 8, 30, tzinfo=datetime.UTC),
    )
    login(page, live_server, "editor", "editor-pass-123")
    page.goto(f"{live_server.url}/admin/events/event/{event.pk}/change/")
    assert page.locator("#agenda_items-0 [name=agenda_items-0-title]").is_visible()  # the agenda is open
    page.click("#agenda_items-group .add-row a")
    day = page.locator("[name=agenda_items-1-day]")
    assert day.input_value() == page.locator("[name=agenda_items-0-day]").input_value()
    assert page.locator("[name=agenda_items-1-start_time]").input_value() == "10:30"
    assert csp_violations == []
    assert own_violations(page, "#agenda_items-group") == []
