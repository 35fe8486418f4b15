"""Issue 16 (visitors' experience): the header on a phone folds its menu behind a "Menu" button that works
with and without JavaScript; news items line up with or without an image; pages print without navigation."""

import pytest

PHONE = {"width": 375, "height": 800}
# Up to 64rem the full menu would wrap into several rows (about 165 px at 800 px): folded there too.
TABLET = {"width": 800, "height": 800}
WIDE = {"width": 1280, "height": 900}
FOCUSED = """() => { const el = document.activeElement; const box = el.getBoundingClientRect();
  return {tag: el.tagName, text: (el.textContent || "").trim(), value: el.value || "", name: el.name || "",
          visible: box.width > 0 && box.height > 0}; }"""


def header_height(page):
    return page.evaluate("document.querySelector('.site-header').getBoundingClientRect().height")


def menu_entries(page):
    return page.evaluate("[...document.querySelectorAll('.main-nav a')].map(a => a.textContent.trim())")


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
@pytest.mark.parametrize("path", ["/", "/de/"])
@pytest.mark.parametrize("viewport", [PHONE, TABLET], ids=["phone", "tablet"])
def test_phone_header_folds_the_menu_and_every_entry_is_reachable_by_keyboard(
    demo_site, browser, javascript, path, viewport
):
    context = browser.new_context(viewport=viewport, java_script_enabled=javascript)
    page = context.new_page()
    page.goto(demo_site.url + path)
    entries = menu_entries(page)
    assert len(entries) >= 7
    summary = page.locator(".menu-fold > summary")
    assert summary.is_visible()
    assert header_height(page) <= 100
    assert not page.locator(".main-nav a").first.is_visible()
    assert not page.locator("#site-search-q").is_visible()
    assert page.locator(".language-switch a").is_visible()
    assert page.locator(".main-nav a[aria-current='page']").count() == 1  # the home page's entry, kept folded

    # Skip link, brand, then the "Menu" button; Enter opens it and Tab walks every entry, the search, the language.
    sequence = []
    for _ in range(3):
        page.keyboard.press("Tab")
        sequence.append(page.evaluate(FOCUSED))
    assert [item["tag"] for item in sequence] == ["A", "A", "SUMMARY"]
    page.keyboard.press("Enter")
    assert page.locator(".menu-fold").get_attribute("open") is not None
    reached = []
    for _ in range(len(entries)):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        assert focused["tag"] == "A" and focused["visible"], focused
        reached.append(focused["text"])
    assert reached == entries
    page.keyboard.press("Tab")
    assert page.evaluate(FOCUSED)["name"] == "q"
    page.keyboard.press("Tab")
    assert page.evaluate(FOCUSED)["tag"] == "BUTTON"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('.language-switch') !== null")
    # The opened menu pushes the page down rather than covering it; Space on the button folds it again.
    assert page.locator("h1").bounding_box()["y"] > header_height(page) > 100
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")
    for _ in range(len(entries)):
        page.keyboard.press("Shift+Tab")
    assert page.evaluate(FOCUSED)["tag"] == "SUMMARY"
    page.keyboard.press("Space")
    assert page.locator(".menu-fold").get_attribute("open") is None
    assert header_height(page) <= 100
    context.close()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_wide_header_shows_the_whole_menu_without_a_click(demo_site, browser, javascript):
    context = browser.new_context(viewport=WIDE, java_script_enabled=javascript)
    page = context.new_page()
    page.goto(demo_site.url + "/projects/")
    assert not page.locator(".menu-fold > summary").is_visible()
    for link in page.locator(".main-nav a").all():
        assert link.is_visible(), link.inner_text()
    assert page.locator("#site-search-q").is_visible()
    # In the accessibility tree too, with the current page marked.
    snapshot = page.locator(".main-nav").aria_snapshot()
    for entry in menu_entries(page):
        assert f'link "{entry}"' in snapshot, entry
    assert page.locator(".main-nav a[aria-current]").inner_text() == "Projects"
    context.close()


def test_news_titles_line_up_with_and_without_an_image(demo_site, browser):
    context = browser.new_context(viewport=WIDE)
    page = context.new_page()
    page.goto(demo_site.url + "/news/")
    with_image = page.locator(".news-item.has-image h2")
    without_image = page.locator(".news-item:not(.has-image) h2")
    assert with_image.count() and without_image.count()
    lefts = {round(title.bounding_box()["x"]) for title in page.locator(".news-item h2").all()}
    assert len(lefts) == 1, lefts
    # The placeholder takes the image's column and is left to the eyes (the meta line names the category).
    placeholder = page.locator(".news-placeholder").first
    assert placeholder.is_visible() and placeholder.get_attribute("aria-hidden") == "true"
    image_box = page.locator(".news-item.has-image picture, .news-item.has-image img").first.bounding_box()
    assert round(placeholder.bounding_box()["width"]) == round(image_box["width"])
    # On a phone the items stack and the placeholder is left out.
    page.set_viewport_size(PHONE)
    assert not placeholder.is_visible()
    context.close()


HIDDEN_IN_PRINT = (
    ".menu-fold",
    ".main-nav",
    ".site-search",
    ".language-switch",
    ".skip-link",
    ".site-footer nav",
)


@pytest.mark.parametrize("width", [375, 1280])
def test_pages_print_without_navigation_and_an_event_as_its_programme(demo_site, browser, width):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.emulate_media(media="print")
    page.goto(demo_site.url + "/news/")
    for selector in HIDDEN_IN_PRINT:
        assert not page.locator(selector).first.is_visible(), selector
    assert page.locator("h1").is_visible() and page.locator(".brand").is_visible()

    page.goto(demo_site.url + "/events/annual-meeting-2023/")
    for selector in (*HIDDEN_IN_PRINT, "aside[aria-labelledby='calendar-title']", ".agenda-calendar"):
        assert not page.locator(selector).first.is_visible(), selector
    assert page.locator("h1").is_visible() and page.locator("dl.facts").is_visible()
    agenda = page.locator(".agenda").first
    assert agenda.is_visible()
    rows = page.locator(".agenda > li")
    assert rows.count() > 3
    assert "Opening" in page.locator("section[aria-labelledby='agenda']").inner_text()
    assert page.locator(".agenda .meta a").first.is_visible()  # speakers
    # Links inside the programme print as text, without their addresses.
    assert page.evaluate("getComputedStyle(document.querySelector('.agenda a'), '::after').content") in (
        "none",
        "",
    )
    page.emulate_media(media="screen")
    assert page.locator(".site-footer nav").first.is_visible()
    context.close()
