"""A speaker's upload page in Chromium: the link opens it without signing in, the file goes up
with a progress bar (or as a plain form without JavaScript), no request carries the token in
its Referer, and axe finds nothing to fix, in English and German."""

from pathlib import Path

import pytest

from events.models import SpeakerUpload
from events.upload_links import create_link, token_for
from tests.browser.test_quality import axe_violations
from tests.events.factories import AgendaItemFactory, EventFactory
from tests.programs.factories import PersonFactory

PDF = Path(__file__).resolve().parents[1] / "fixtures" / "shared-mime-info-spec.pdf"


@pytest.fixture
def link(db):
    event = EventFactory(title="Annual meeting 2027")
    talk = AgendaItemFactory(event=event, title="Optimal transport", room="H 1012")
    talk.speakers.add(PersonFactory(first_name="Ada", last_name="Burger"))
    return create_link(talk, name="Ada Burger")


def watch_requests(page):
    """Every request of `page` as (url, its Referer header), and the kind of each upload."""
    seen = []
    page.on(
        "request",
        lambda request: seen.append((request.url, request.headers.get("referer", ""), request.resource_type)),
    )
    return seen


@pytest.mark.parametrize("language", ["", "/de"])
def test_a_speaker_uploads_with_a_progress_bar_and_no_request_carries_the_token(
    live_server, link, page, csp_violations, language
):
    token = token_for(link)
    seen = watch_requests(page)
    page.goto(f"{live_server.url}{language}/speakers/upload/{token}/")
    assert page.url == f"{live_server.url}{language}/speakers/upload/"
    assert page.locator("h1").inner_text() in {"Upload your slides", "Ihre Folien hochladen"}
    assert axe_violations(page) == []
    page.set_input_files("#id_file", str(PDF))
    page.fill("#id_title", "Optimal transport, the slides")
    page.click(".upload-form button[type=submit]")
    page.wait_for_url(f"{live_server.url}{language}/speakers/upload/done/")
    assert "shared-mime-info-spec.pdf" in page.locator("main").inner_text()
    assert axe_violations(page) == []
    received = SpeakerUpload.objects.get()
    assert received.title == "Optimal transport, the slides" and received.status == "pending"
    # Sent in the background (the progress bar's request), not as a page load.
    assert any(url.endswith("/speakers/upload/") and kind == "xhr" for url, _, kind in seen)
    assert not [url for url, referer, _ in seen if token in referer]
    assert csp_violations == []


def test_without_javascript_the_form_works_and_errors_keep_what_was_typed(
    live_server, link, browser, tmp_path
):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/speakers/upload/{token_for(link)}/")
    wrong = tmp_path / "talk.pdf"
    wrong.write_bytes(b"This is not a PDF.")
    page.set_input_files("#id_file", str(wrong))
    page.fill("#id_title", "Kept title")
    page.fill("#id_note", "Kept note")
    page.click(".upload-form button[type=submit]")
    assert page.url == f"{live_server.url}/speakers/upload/"
    assert page.input_value("#id_title") == "Kept title" and page.input_value("#id_note") == "Kept note"
    assert "PDF" in page.locator(".field-errors").inner_text()
    page.set_input_files("#id_file", str(PDF))
    page.click(".upload-form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/speakers/upload/done/")
    assert SpeakerUpload.objects.get().title == "Kept title"
    context.close()
