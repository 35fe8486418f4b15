"""The Markdown editor's toolbar, "Insert image" button and cheat sheet, by mouse and by keyboard
only, under the admin's Content-Security-Policy; and the alt-text rule as an editor meets it."""

import base64

import pytest

from news.models import NewsItem
from spp_site.publishing import Status
from tests.browser.conftest import login
from tests.browser.test_editing import png_base64
from tests.browser.test_quality import axe_violations

BODY = "#id_body"
SELECTION = "(() => { const e = document.querySelector('#id_body'); return e.value.slice(e.selectionStart, e.selectionEnd); })()"
PLACEHOLDER = "Describe this image for people who cannot see it"


@pytest.fixture
def png(tmp_path):
    path = tmp_path / "orange chart.png"
    path.write_bytes(base64.b64decode(png_base64()))
    return path


def open_news_form(live_server, context):
    page = context.new_page()
    # File choosers are intercepted from the start, not only once a test waits for one (Playwright
    # turns interception on asynchronously: a chooser opened by a quick key press could escape it).
    page.on("filechooser", lambda chooser: None)
    login(page, live_server, "editor", "editor-pass-123")
    page.goto(f"{live_server.url}/admin/news/newsitem/add/")
    page.fill("#id_title", "Toolbar news")
    page.fill("#id_teaser", "Teaser.")
    return page


@pytest.fixture
def news_form(live_server, editor, context, csp_violations):
    """The add form of a news item, as an editor; nothing in the test breaks the page's CSP."""
    yield open_news_form(live_server, context)
    assert csp_violations == []


def value(page):
    return page.input_value(BODY)


def select(page, start, end):
    page.evaluate(
        f"(() => {{ const e = document.querySelector('{BODY}'); e.focus(); e.setSelectionRange({start}, {end}); }})()"
    )


def preview(page):
    return page.locator(".markdownx-preview").first


def test_toolbar_buttons_wrap_the_selection_and_refresh_the_preview(news_form):
    page = news_form
    page.fill(BODY, "Results are strong today")
    select(page, 12, 18)
    page.get_by_role("button", name="Bold").first.click()
    assert value(page) == "Results are **strong** today"
    assert page.evaluate(SELECTION) == "strong"  # still selected: a second click undoes it
    preview(page).locator("strong", has_text="strong").wait_for()

    page.get_by_role("button", name="Bold").first.click()
    assert value(page) == "Results are strong today"
    page.get_by_role("button", name="Formula in the text").first.click()
    assert value(page) == "Results are $strong$ today"
    preview(page).locator("math").wait_for()

    page.fill(BODY, "first\nsecond")
    select(page, 0, 12)
    page.get_by_role("button", name="Bulleted list").first.click()
    assert value(page) == "- first\n- second"
    preview(page).locator("li").nth(1).wait_for()
    page.get_by_role("button", name="Quotation").first.click()
    assert value(page) == "> - first\n> - second"

    page.fill(BODY, "See the programme")
    select(page, 8, 17)
    page.get_by_role("button", name="Link").first.click()
    assert value(page) == "See the [programme](https://)"
    assert page.evaluate(SELECTION) == "https://"  # to paste the address over
    page.keyboard.type("https://example.org/programme")
    preview(page).locator('a[href="https://example.org/programme"]').wait_for()


def test_insert_image_uploads_the_file_and_inserts_its_markdown_at_the_cursor(news_form, png):
    page = news_form
    page.fill(BODY, "Before.\n\nAfter.")
    select(page, 9, 9)
    with page.expect_file_chooser() as chooser:
        page.get_by_role("button", name="Insert image").first.click()
    chooser.value.set_files(str(png))
    page.wait_for_function("() => document.querySelector('#id_body').value.includes('](/media/markdown/')")
    text = value(page)
    assert text.startswith(f"Before.\n\n![{PLACEHOLDER}](/media/markdown/") and text.endswith(")After.")
    assert page.evaluate(SELECTION) == PLACEHOLDER
    preview(page).locator(f'img[alt="{PLACEHOLDER}"]').wait_for()
    page.keyboard.type("An orange chart")
    image = preview(page).locator('img[alt="An orange chart"]')
    image.wait_for()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image.element_handle())


def test_a_refused_file_shows_the_upload_error(news_form, tmp_path):
    fake = tmp_path / "photo.png"
    fake.write_text("not an image")
    page = news_form
    with page.expect_file_chooser() as chooser:
        page.get_by_role("button", name="Insert image").first.click()
    chooser.value.set_files(str(fake))
    error = page.locator(".markdownx-upload-error").first
    error.wait_for()
    assert error.inner_text().strip()
    assert "](/media/" not in value(page)


def test_keyboard_only_format_insert_describe_and_publish(news_form, png, live_server):
    page = news_form
    page.focus(BODY)
    page.keyboard.type("Our results")
    for _ in range(7):
        page.keyboard.press("Shift+ArrowLeft")
    page.keyboard.press("Control+b")
    assert value(page) == "Our **results**"
    page.keyboard.press("End")
    page.keyboard.press("Control+Shift+M")
    page.keyboard.type("x^2")
    assert value(page) == "Our **results**\n\n$$x^2$$"
    preview(page).locator("strong").wait_for()

    # Shift+Tab reaches the toolbar (one tab stop), the arrow keys reach "Insert image", Enter opens the picker.
    page.keyboard.press("End")
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")
    page.keyboard.press("Shift+Tab")
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == "Bold"
    page.keyboard.press("End")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Insert image"
    with page.expect_file_chooser() as chooser:
        page.keyboard.press("Enter")
    chooser.value.set_files(str(png))
    page.wait_for_function("() => document.querySelector('#id_body').value.includes('](/media/markdown/')")
    assert page.evaluate("document.activeElement.id") == "id_body"
    assert page.evaluate(SELECTION) == PLACEHOLDER

    # Publishing with the placeholder still in place is refused, with the image named.
    page.select_option("#id_status", "published")
    page.click("input[name=_save]")
    error = page.locator(".field-body .errorlist").first
    error.wait_for()
    assert "/media/markdown/" in error.inner_text() and "line 5" in error.inner_text()
    assert not NewsItem.objects.exists()

    # Describing it lets the item go live.
    text = value(page).replace(PLACEHOLDER, "An orange chart")
    page.fill(BODY, text)
    page.click("input[name=_save]")
    page.wait_for_url(f"{live_server.url}/admin/news/newsitem/")
    item = NewsItem.objects.get()
    assert item.status == Status.PUBLISHED and "![An orange chart](/media/markdown/" in item.body


def test_the_cheat_sheet_opens_and_the_editor_has_no_serious_accessibility_problems(
    live_server, editor, context
):
    page = open_news_form(live_server, context)  # no CSP check: axe itself adds inline styles
    sheet = page.locator("details.spp-md-help").first
    sheet.locator("summary").click()
    assert sheet.locator("code", has_text="$E = mc^2$").is_visible()
    page.fill(BODY, "## Heading\n\n**Bold**, $x^2$ and a list:\n\n- one\n- two")
    preview(page).locator("li").nth(1).wait_for()
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        problems = [
            f"[{scheme}] {v}"
            for v in axe_violations(page, ".field-body")  # toolbar, text field, cheat sheet, preview
            if "(serious)" in v or "(critical)" in v
        ]
        assert problems == []


def test_a_new_agenda_row_gets_a_working_toolbar(live_server, editor, context, csp_violations):
    from tests.events.factories import EventFactory

    event = EventFactory(title="Annual meeting")
    page = context.new_page()
    login(page, live_server, "editor", "editor-pass-123")
    page.goto(f"{live_server.url}/admin/events/event/{event.pk}/change/")
    page.locator("#agenda_items-group summary, #agenda_items-group .collapse-toggle").first.click()
    page.locator("#agenda_items-group .add-row a").click()
    abstract = page.locator("#id_agenda_items-0-abstract")
    toolbar = page.locator("#agenda_items-0 .spp-md-toolbar")
    assert toolbar.is_visible() and toolbar.get_attribute("aria-controls") == "id_agenda_items-0-abstract"
    abstract.fill("An important result")
    page.evaluate("document.querySelector('#id_agenda_items-0-abstract').setSelectionRange(3, 12)")
    toolbar.get_by_role("button", name="Italic").click()
    assert abstract.input_value() == "An *important* result"
    assert csp_violations == []
