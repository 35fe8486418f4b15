"""What editors do in the admin, as an editor would do it, in Chromium."""

import base64
import datetime
import hashlib
import io
from pathlib import Path

import pypdfium2 as pdfium
import time_machine
from django.utils import timezone
from PIL import Image

from events.models import SlideDeck
from news.models import NewsItem
from tests.browser.conftest import login
from tests.browser.test_quality import axe_violations
from tests.conftest import staff_member
from tests.events.factories import EventFactory
from tests.news.factories import NewsItemFactory

FIXTURE_PDF = Path(__file__).resolve().parents[1] / "fixtures" / "shared-mime-info-spec.pdf"


def png_base64():
    out = io.BytesIO()
    Image.new("RGB", (800, 400), (200, 80, 20)).save(out, format="PNG")
    return base64.b64encode(out.getvalue()).decode()


PASTE_IMAGE = """([selector, data]) => {
  const bytes = Uint8Array.from(atob(data), c => c.charCodeAt(0));
  const transfer = new DataTransfer();
  transfer.items.add(new File([bytes], "pasted.png", {type: "image/png"}));
  const editor = document.querySelector(selector);
  editor.focus();
  editor.selectionStart = editor.selectionEnd = editor.value.length;
  editor.dispatchEvent(new ClipboardEvent("paste", {clipboardData: transfer, bubbles: true, cancelable: true}));
}"""


def test_editor_writes_a_scheduled_news_item_with_math_table_and_pasted_image(
    live_server, editor, page, browser
):
    login(page, live_server, "editor", "editor-pass-123")
    page.goto(f"{live_server.url}/admin/news/newsitem/add/")
    page.locator("#id_title").press_sequentially("Results on the geometry of loss landscapes")
    assert page.input_value("#id_slug") == "results-on-the-geometry-of-loss-landscapes"  # prepopulated
    page.fill("#id_teaser", "A summary of new results.")
    body = "# New results\n\n| Width | Error |\n|---|---|\n| 64 | 0.1 |\n\nEuler: $e^{i\\pi}+1=0$\n\n"
    page.fill("#id_body", body)
    page.evaluate(PASTE_IMAGE, ["#id_body", png_base64()])
    page.wait_for_function("() => document.querySelector('#id_body').value.includes('](/media/markdown/')")
    # The alt-text placeholder is selected so the editor types over it.
    selected = page.evaluate(
        "(() => { const e = document.querySelector('#id_body'); return e.value.slice(e.selectionStart, e.selectionEnd); })()"
    )
    assert selected == "Describe this image for people who cannot see it"
    page.keyboard.type("Bar chart of errors")
    page.locator("#id_body").press("End")
    preview = page.locator(".markdownx-preview").first
    preview.locator("math").wait_for()
    assert preview.locator("h2").inner_text() == "New results"
    assert preview.locator("table td").first.inner_text() == "64"
    assert preview.locator("math msup").count() == 1
    preview.locator('img[alt="Bar chart of errors"]').wait_for()
    # Schedule it for tomorrow, 09:00 Berlin time, and publish.
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    page.select_option("#id_status", "published")
    page.fill("#id_publish_at_0", tomorrow.isoformat())
    page.fill("#id_publish_at_1", "09:00:00")
    page.click("input[name=_save]")
    page.wait_for_url(f"{live_server.url}/admin/news/newsitem/")
    item = NewsItem.objects.get()
    assert item.is_scheduled and item.author_user == editor
    assert "![Bar chart of errors](/media/markdown/" in item.body

    visitor = browser.new_context().new_page()
    response = visitor.goto(live_server.url + item.get_absolute_url())
    assert response.status == 404
    visitor.goto(live_server.url + "/news/")
    assert "geometry of loss landscapes" not in visitor.content()
    with time_machine.travel(item.publish_at + datetime.timedelta(minutes=1)):
        response = visitor.goto(live_server.url + item.get_absolute_url())
        assert response.status == 200
        assert visitor.locator(".prose math").count() == 1
        assert visitor.locator(".prose img").get_attribute("alt") == "Bar chart of errors"
    visitor.context.close()


def test_real_world_pdf_uploaded_in_the_admin_appears_on_the_event_page(live_server, editor, page):
    event = EventFactory(title="Annual meeting", slug="annual-meeting")
    login(page, live_server, "editor", "editor-pass-123")
    page.goto(f"{live_server.url}/admin/events/event/{event.pk}/change/")
    page.click("text=Add a slide deck")
    assert page.locator("#select2-id_event-container").inner_text().strip() == "Annual meeting"
    page.fill("#id_title", "The MIME specification")
    page.set_input_files("#id_upload", str(FIXTURE_PDF))
    page.click("input[name=_save]")
    page.wait_for_url(f"{live_server.url}/admin/events/slidedeck/")
    deck = SlideDeck.objects.get()

    page.goto(live_server.url + event.get_absolute_url())
    item = page.locator("li.deck", has_text="The MIME specification")
    assert f"PDF, {deck.page_count} pages" in item.inner_text()
    thumbnail = item.locator("img")
    thumbnail.scroll_into_view_if_needed()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=thumbnail.element_handle())
    response = page.request.get(live_server.url + deck.get_download_url())
    assert response.status == 200
    # The stored file is the upload rewritten without active content: the same pages, its own hash.
    assert hashlib.sha256(response.body()).hexdigest() == deck.sha256
    assert len(pdfium.PdfDocument(response.body())) == len(pdfium.PdfDocument(FIXTURE_PDF.read_bytes()))


def test_refused_upload_shows_a_clear_error_in_the_form(live_server, editor, page, tmp_path):
    event = EventFactory()
    fake = tmp_path / "slides.pdf"
    fake.write_text("<html><body>not a pdf</body></html>")
    login(page, live_server, "editor", "editor-pass-123")
    page.goto(f"{live_server.url}/admin/events/slidedeck/add/?event={event.pk}")
    page.fill("#id_title", "Fake")
    page.set_input_files("#id_upload", str(fake))
    page.click("input[name=_save]")
    error = page.locator(".errorlist").first.inner_text()
    assert "named like a PDF but its content is an HTML page" in error
    assert not SlideDeck.objects.exists()


def test_a_conflicting_save_shows_what_changed_and_keeps_the_typed_text(live_server, editor, browser, roles):
    anna = staff_member("anna", "anna-pass-123", roles[0])
    anna.first_name, anna.last_name = "Anna", "Editor"
    anna.save()
    item = NewsItemFactory(title="Workshop report", body="First paragraph.")
    for scheme in ("light", "dark"):
        context = browser.new_context(color_scheme=scheme, viewport={"width": 1280, "height": 900})
        page = context.new_page()
        login(page, live_server, "editor", "editor-pass-123")
        page.goto(f"{live_server.url}/admin/news/newsitem/{item.pk}/change/")
        item.body += f"\n\nAnna's paragraph ({scheme})."  # Anna saves while the editor types
        item._history_user = anna
        item.save()
        page.fill("#id_title", f"Workshop report: deep networks ({scheme})")
        page.click("input[name=_save]")

        page.locator(".spp-conflict").wait_for()
        assert (
            "Someone else — Anna Editor — saved this item at"
            in page.locator(".errorlist.nonfield").inner_text()
        )
        assert page.input_value("#id_title") == f"Workshop report: deep networks ({scheme})"
        assert f"Anna's paragraph ({scheme})." in page.locator(".spp-conflict ins").last.inner_text()
        assert axe_violations(page, ".spp-conflict") == []
        page.click("input[name=_save]")  # saving again keeps the editor's version
        page.wait_for_url(f"{live_server.url}/admin/news/newsitem/")
        item.refresh_from_db()
        assert item.title == f"Workshop report: deep networks ({scheme})"
        context.close()
