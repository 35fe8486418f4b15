"""Speakers upload their own slides (issue 17), end to end as the issue's acceptance says: an
editor makes links for three talks and has them e-mailed; a speaker opens one without signing in,
uploads a real PDF and sees the confirmation; nothing is public until the editor approves it from
the dashboard; then the deck is on the talk with its first-page picture; a second upload through
the same link, approved, becomes a new version under the same address."""

import re
from pathlib import Path

from django.core import mail

from events.models import SlideDeck
from tests.browser.conftest import LOAD_EVERY_IMAGE, login
from tests.events.factories import AgendaItemFactory, EventFactory, make_speaker_upload, pdf_upload
from tests.programs.factories import PersonFactory

FIXTURE_PDF = Path(__file__).resolve().parents[1] / "fixtures" / "shared-mime-info-spec.pdf"


def upload(page, url, path, title):
    page.goto(url)
    page.set_input_files("input[name=file]", path)
    page.fill("input[name=title]", title)
    if page.locator("select[name=licence]").count():
        page.select_option("select[name=licence]", index=0)
    else:
        page.locator("input[type=radio][name=licence]").first.check()
    page.fill("textarea[name=note]", "Thank you for collecting these.")
    page.get_by_role("button", name="Upload slides").click()
    # With JavaScript on, the file goes out by XMLHttpRequest (with a progress bar), then the page moves on.
    page.wait_for_url(re.compile(r"/speakers/upload/done/$"))
    assert "Thank you" in page.locator("h1").inner_text()


def test_a_speaker_uploads_through_a_link_and_the_editor_approves(
    live_server, editor, page, browser, tmp_path, csp_violations
):
    event = EventFactory(title="Annual meeting 2027", slug="annual-meeting-2027")
    titles = ["Optimal transport", "Neural networks and PDEs", "Inverse problems"]
    for n, title in enumerate(titles):
        talk = AgendaItemFactory(event=event, title=title)
        talk.speakers.add(
            PersonFactory(first_name="Speaker", last_name=f"No{n}", email=f"speaker{n}@example.org")
        )

    # The editor makes the three links and has them e-mailed.
    login(page, live_server, "editor", "editor-pass-123")
    page.goto(f"{live_server.url}/admin/events/event/{event.pk}/change/")
    page.locator(".object-tools").get_by_role("link", name="Speaker upload links").click()
    for title in titles:
        page.get_by_label(f"Make links for “{title}”").check()
    page.get_by_label("E-mail the links now").check()
    page.get_by_role("button", name="Make links").click()
    assert "3 links e-mailed." in page.content()
    assert sorted(message.to[0] for message in mail.outbox) == [f"speaker{n}@example.org" for n in range(3)]
    links = [re.search(r"http://\S+/speakers/upload/\S+/", message.body)[0] for message in mail.outbox]
    assert len(set(links)) == 3
    link = next(
        url for url, message in zip(links, mail.outbox, strict=True) if message.to == ["speaker0@example.org"]
    )

    # A speaker, not signed in, uploads a real PDF.
    speaker_context = browser.new_context()
    speaker = speaker_context.new_page()
    upload(speaker, link, str(FIXTURE_PDF), "Optimal transport, the slides")

    # Not public yet.
    visitor = browser.new_context().new_page()
    visitor.goto(f"{live_server.url}/events/annual-meeting-2027/")
    assert visitor.locator("#slides").count() == 0 and visitor.locator("a[href^='/slides/']").count() == 0
    assert not SlideDeck.objects.exists()

    # The editor approves it from the dashboard.
    page.goto(f"{live_server.url}/admin/")
    page.get_by_role("button", name="Approve “Optimal transport, the slides”").click()
    page.wait_for_url(f"{live_server.url}/admin/")
    deck = SlideDeck.objects.get()
    visitor.goto(f"{live_server.url}/events/annual-meeting-2027/")
    thumbnail = visitor.locator("#slides + p + ul li.deck img")
    assert thumbnail.count() == 1
    thumbnail.scroll_into_view_if_needed()
    visitor.evaluate(LOAD_EVERY_IMAGE)
    assert visitor.evaluate("(img) => img.complete && img.naturalWidth > 0", thumbnail.element_handle())
    assert visitor.locator(f"ul.agenda a[href='{deck.get_absolute_url()}']").count() == 1

    # A second upload through the same link, approved, is a new version of the same deck.
    second = tmp_path / "corrected.pdf"
    second.write_bytes(pdf_upload("corrected.pdf", pages=4, title="Corrected").read())
    upload(speaker, link, str(second), "Optimal transport, the slides")
    page.goto(f"{live_server.url}/admin/")
    page.get_by_role("button", name="Approve “Optimal transport, the slides”").click()
    page.wait_for_url(f"{live_server.url}/admin/")
    assert SlideDeck.objects.get().pk == deck.pk
    visitor.goto(f"{live_server.url}{deck.get_absolute_url()}")
    assert visitor.get_by_role("heading", name="Earlier versions").count() == 1
    assert csp_violations == []


def test_the_editor_approves_from_the_dashboard_and_a_second_upload_becomes_a_version(
    live_server, editor, page, browser, csp_violations
):
    """The editor's half of the journey, with the speaker's uploads made directly (the speaker's
    page is tested on its own)."""
    event = EventFactory(title="Annual meeting 2027", slug="annual-meeting-2027")
    talk = AgendaItemFactory(event=event, title="Optimal transport")
    first = make_speaker_upload(talk=talk, title="Transport slides")
    visitor = browser.new_context().new_page()
    visitor.goto(f"{live_server.url}/events/annual-meeting-2027/")
    assert visitor.locator("#slides").count() == 0 and visitor.locator("a[href^='/slides/']").count() == 0

    login(page, live_server, "editor", "editor-pass-123")
    assert page.locator(".admin-thumb").count() == 1  # the first page, on the dashboard
    page.get_by_role("button", name="Approve “Transport slides”").click()
    page.wait_for_url(f"{live_server.url}/admin/")
    assert "is now on the talk" in page.content()
    deck = SlideDeck.objects.get()
    visitor.goto(f"{live_server.url}/events/annual-meeting-2027/")
    thumbnail = visitor.locator("#slides + p + ul li.deck img")
    thumbnail.scroll_into_view_if_needed()
    visitor.evaluate(LOAD_EVERY_IMAGE)
    assert visitor.evaluate("(img) => img.complete && img.naturalWidth > 0", thumbnail.element_handle())
    assert visitor.locator(f"ul.agenda a[href='{deck.get_absolute_url()}']").count() == 1

    make_speaker_upload(first.link, upload=pdf_upload("corrected.pdf", pages=4), title="Transport slides")
    page.goto(f"{live_server.url}/admin/")
    page.get_by_role("button", name="Approve “Transport slides”").click()
    page.wait_for_url(f"{live_server.url}/admin/")
    assert SlideDeck.objects.get().pk == deck.pk
    visitor.goto(f"{live_server.url}{deck.get_absolute_url()}")
    assert visitor.get_by_role("heading", name="Earlier versions").count() == 1
    history = f"{live_server.url}/admin/events/slidedeck/{deck.pk}/history/"
    page.goto(history)
    assert f"via speaker link #{first.link_id}" in page.content() and "approved by editor" in page.content()
    assert csp_violations == []


def test_the_editors_speaker_upload_pages_have_no_accessibility_violations(live_server, editor, page):
    from events.upload_links import create_link
    from tests.browser.test_quality import axe_violations

    event = EventFactory(title="Annual meeting 2027")
    talk = AgendaItemFactory(event=event, title="Optimal transport")
    talk.speakers.add(PersonFactory(first_name="Ada", last_name="Lovelace", email="ada@example.org"))
    link = create_link(talk, name="Ada Lovelace", email="ada@example.org")
    upload = make_speaker_upload(link, note="Please use this version.")
    login(page, live_server, "editor", "editor-pass-123")
    problems = []
    # The lists are Django's own change lists (their filters and breadcrumbs are the admin's
    # everywhere): the rows this feature adds are checked there.
    for name, path, part in [
        ("dashboard", "/admin/", None),
        ("links page", f"/admin/events/event/{event.pk}/upload-links/", None),
        ("review page", f"/admin/events/speakerupload/{upload.pk}/change/", None),
        ("upload list", "/admin/events/speakerupload/", "#result_list"),
        ("link list", "/admin/events/uploadlink/", "#result_list"),
    ]:
        assert page.goto(live_server.url + path).status == 200, name
        problems += [f"{name}: {violation}" for violation in axe_violations(page, part)]
    assert problems == [], "\n".join(problems)
