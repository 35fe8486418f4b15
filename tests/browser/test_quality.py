"""Web quality, checked by the tools an auditor runs: axe-core (WCAG 2.x A/AA, both colour
schemes), keyboard use, the site without JavaScript, responsive layout and images."""

from pathlib import Path
from urllib.parse import urlsplit

from tests.quality import GERMAN_PAGE_TYPES, PAGE_TYPES

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
RUN_AXE = """async ([tags, selector]) => {
  const context = selector ? {include: [selector]} : document;
  const result = await axe.run(context, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
  return result.violations.map(v => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map(n => n.target.join(" ")).slice(0, 3).join(", ")}`);
}"""


def axe_violations(page, selector=None):
    """WCAG violations on the page, or in the part of it `selector` names."""
    if not page.evaluate("typeof window.axe?.run === 'function'"):  # no init script loaded it
        # Evaluated, not added as a <script>: the site's Content-Security-Policy allows no inline script.
        page.evaluate(AXE.read_text(encoding="utf-8"))
    return page.evaluate(RUN_AXE, [WCAG_TAGS, selector])


# Written to test-artifacts/ at 375 and 1280 px: one page of each kind a reviewer looks at.
SCREENSHOTS = {
    "home": "/",
    "event": "/events/annual-meeting-2023/",
    "projects": "/projects/",
    "projects-table": "/projects/table/",
    "people": "/people/",
}


def expected_status(name):
    return 404 if "404" in name else 200


def test_axe_finds_no_violations_on_any_page_type_in_light_and_dark(demo_site, browser):
    problems = []
    for scheme in ("light", "dark"):
        context = browser.new_context(color_scheme=scheme, viewport={"width": 1280, "height": 900})
        # Loaded with every page: much faster than a script tag sent over the wire for each page.
        context.add_init_script(path=str(AXE))
        page = context.new_page()
        # German pages in the light scheme (the colours are the same; the words and lang differ).
        pages = {**PAGE_TYPES, **(GERMAN_PAGE_TYPES if scheme == "light" else {})}
        for name, url in pages.items():
            response = page.goto(demo_site.url + url)
            assert response.status == expected_status(name), name
            problems += [f"[{scheme}] {name} {url}: {v}" for v in axe_violations(page)]
        context.close()
    assert problems == []


def test_axe_catches_a_known_bad_snippet(page):
    page.set_content(
        '<html><body><img src="x.png"><p style="color:#aaa;background:#fff">faint</p>'
        '<a href="#"></a><input type="text"></body></html>'
    )
    ids = " ".join(axe_violations(page))
    for rule in ("html-has-lang", "image-alt", "color-contrast", "link-name", "label"):
        assert rule in ids


def test_every_page_type_works_without_javascript(demo_site, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    for name, url in PAGE_TYPES.items():
        response = page.goto(demo_site.url + url)
        assert response.status == expected_status(name), name
        assert page.locator("h1").count() == 1, name
        assert page.evaluate("typeof window.fetch") == "function"  # sanity: the page loaded
    # Navigation
    page.goto(demo_site.url + "/")
    page.click(".main-nav >> text=Events")
    assert urlsplit(page.url).path == "/events/"
    # Filters are plain GET forms
    page.goto(demo_site.url + "/projects/")
    page.select_option("#id_perspective", "application")
    page.click("text=Show projects")
    assert "perspective=application" in page.url
    assert "Provable Robustness Certification" in page.content()
    page.goto(demo_site.url + "/events/")
    page.select_option("#kind", "information_session")
    page.click("text=Show events")
    assert (
        "kind=information_session" in page.url
        and "Information session on the second funding phase" in page.content()
    )
    page.goto(demo_site.url + "/news/")
    page.select_option("#category", "job")
    page.click("text=Show news")
    assert "Open position" in page.content() and "Report:" not in page.content()
    # Downloads and calendar links
    page.goto(demo_site.url + "/events/information-session-phase-2/")
    for selector in [
        "a:has-text('Download .ics')",
        "a:has-text('Download all slides')",
        "li.deck a[download]",
    ]:
        href = page.locator(selector).first.get_attribute("href")
        assert page.request.get(demo_site.url + href).status == 200, selector
    google = page.locator("a:has-text('Google Calendar')").get_attribute("href")
    assert google.startswith("https://calendar.google.com/calendar/render?action=TEMPLATE")
    # Protected e-mail addresses stay readable
    page.goto(demo_site.url + "/")
    assert "coordination (at) spp2298 (dot) example (dot) org" in page.content()
    # The language switch is a link: the same page in German, and back, remembered by a cookie
    page.goto(demo_site.url + "/events/?kind=workshop")
    page.click(".language-switch >> text=Deutsch")
    assert urlsplit(page.url).path == "/de/events/" and "kind=workshop" in page.url
    assert page.locator("html").get_attribute("lang") == "de" and "Veranstaltungen" in page.content()
    page.click(".main-nav >> text=Aktuelles")
    assert urlsplit(page.url).path == "/de/news/"
    page.click(".language-switch >> text=English")
    assert urlsplit(page.url).path == "/news/" and page.locator("html").get_attribute("lang") == "en"
    context.close()


def test_no_horizontal_scrolling_and_screenshots(demo_site, browser, artifacts):
    for width in (320, 768, 1280):
        context = browser.new_context(viewport={"width": width, "height": 800})
        page = context.new_page()
        for name, url in {**PAGE_TYPES, **GERMAN_PAGE_TYPES}.items():  # German words are longer
            page.goto(demo_site.url + url)
            scroll, client = page.evaluate(
                "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
            )
            assert scroll <= client, f"{name} at {width}px scrolls sideways ({scroll} > {client})"
        context.close()
    for width in (375, 1280):
        context = browser.new_context(viewport={"width": width, "height": 800})
        page = context.new_page()
        for name, url in SCREENSHOTS.items():
            page.goto(demo_site.url + url)
            page.evaluate("document.querySelectorAll('img[loading=lazy]').forEach(i => i.loading = 'eager')")
            page.wait_for_load_state("networkidle")
            path = artifacts / f"{name}-{width}.png"
            page.screenshot(path=str(path), full_page=True)
            assert path.stat().st_size > 10_000
        context.close()


def test_images_have_alt_size_and_lazy_loading_below_the_fold(demo_site, page):
    for name, url in PAGE_TYPES.items():
        page.goto(demo_site.url + url)
        images = page.evaluate(
            """() => [...document.images].map(img => ({
                src: img.getAttribute("src"), alt: img.getAttribute("alt"), width: img.getAttribute("width"),
                height: img.getAttribute("height"), loading: img.getAttribute("loading"),
                srcset: img.getAttribute("srcset"), top: img.getBoundingClientRect().top + window.scrollY,
                natural: img.naturalWidth }))"""
        )
        for img in images:
            assert img["alt"] is not None, f"{name}: {img['src']} has no alt"
            assert img["width"] and img["height"], f"{name}: {img['src']} has no width/height"
            if img["top"] > 900:
                assert img["loading"] == "lazy", f"{name}: {img['src']} below the fold is not lazy"
            assert "/media/" in img["src"] or img["src"].startswith("/static/"), img["src"]
    page.goto(demo_site.url + "/news/2023/annual-meeting-2023-report/")
    cover = page.locator(".cover img")
    assert "640w" in cover.get_attribute("srcset") and cover.get_attribute("sizes")
    # the browser picks a rendition, not the 1600 px original, on a narrow screen
    page.set_viewport_size({"width": 360, "height": 800})
    page.reload()
    page.wait_for_load_state("networkidle")
    current = page.evaluate("document.querySelector('.cover img').currentSrc")
    assert ".w" in current.rsplit("/", 1)[-1]


def test_keyboard_focus_is_always_visible_and_in_reading_order(demo_site, page):
    page.goto(demo_site.url + "/events/annual-meeting-2023/")
    seen, tops = [], []
    for _ in range(40):
        page.keyboard.press("Tab")
        info = page.evaluate(
            """() => { const el = document.activeElement; const style = getComputedStyle(el);
                return {tag: el.tagName, text: (el.textContent || "").trim().slice(0, 40),
                        outline: style.outlineStyle, width: parseFloat(style.outlineWidth),
                        top: el.getBoundingClientRect().top + window.scrollY}; }"""
        )
        if info["tag"] == "BODY":
            break
        seen.append(info["text"])
        tops.append(info["top"])
        assert info["outline"] != "none" and info["width"] >= 2, f"no visible focus on {info}"
    assert seen[0] == "Skip to main content"
    assert "Home" in seen and any(text.startswith("Download .ics") for text in seen)
    # Main menu before content, content before the footer.
    assert seen.index("Home") < seen.index("Events") < seen.index("Download all slides (ZIP)")


def test_menu_is_usable_on_small_screens(demo_site, browser):
    context = browser.new_context(viewport={"width": 320, "height": 700})
    page = context.new_page()
    page.goto(demo_site.url + "/")
    page.click(".menu-fold > summary")  # folded behind "Menu" on a phone (tests/browser/test_visitors.py)
    for label in ("Home", "Research", "Projects", "People", "Events", "News", "Apply"):
        link = page.locator(".main-nav a", has_text=label).first
        assert link.is_visible() and link.bounding_box()["width"] >= 24, label
    context.close()
