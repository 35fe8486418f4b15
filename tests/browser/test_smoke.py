from urllib.parse import urlsplit

from tests.browser.conftest import LOAD_EVERY_IMAGE, login
from tests.quality import GERMAN_PAGE_TYPES, PAGE_TYPES

NETWORK_SCHEMES = ("http", "https", "ws", "wss")


def log_requests(page):
    """Every address the page asks for from now on: requests (documents, styles, scripts, images,
    fonts, fetches) and WebSocket connections."""
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.on("websocket", lambda websocket: requests.append(websocket.url))
    return requests


def foreign(requests, server_url):
    own = urlsplit(server_url).netloc
    return [
        url for url in requests if urlsplit(url).scheme in NETWORK_SCHEMES and urlsplit(url).netloc != own
    ]


def test_home_page_renders_and_requests_nothing_from_other_hosts(demo_site, page):
    requests = log_requests(page)
    page.goto(demo_site.url + "/")
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").inner_text() == "Theoretical Foundations of Deep Learning"
    assert page.locator(".numbers").inner_text().split()[:2] == ["23", "projects"]
    assert requests, "the page made no requests at all?"
    assert foreign(requests, demo_site.url) == []


def test_no_page_type_requests_anything_from_another_host(demo_site, page):
    """Fonts, scripts, images, maps and embeds all come from the site itself, in both languages:
    a visitor's address reaches no third party."""
    requests = log_requests(page)
    seen = {}
    for name, url in {**PAGE_TYPES, **GERMAN_PAGE_TYPES}.items():
        start = len(requests)
        page.goto(demo_site.url + url)  # waits for the page's load event: styles, scripts, fonts
        page.evaluate(LOAD_EVERY_IMAGE)  # lazy ones too (quicker than scrolling and waiting for network idle)
        seen[name] = requests[start:]
    assert all(seen.values()), [name for name, urls in seen.items() if not urls]
    assert {
        name: foreign(urls, demo_site.url) for name, urls in seen.items() if foreign(urls, demo_site.url)
    } == {}


def test_the_request_log_sees_a_request_to_another_host(demo_site, page):
    """The check above can fail: a request to another host is logged and picked out (answered here
    by Playwright, so that the test needs no network)."""
    requests = log_requests(page)
    page.route(
        "http://elsewhere.example/**", lambda route: route.fulfill(status=200, body="<p>elsewhere</p>")
    )
    page.goto(demo_site.url + "/")
    page.goto("http://elsewhere.example/page")
    assert foreign(requests, demo_site.url) == ["http://elsewhere.example/page"]


def test_skip_link_and_menu_work_by_keyboard(demo_site, page):
    page.goto(demo_site.url + "/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    # Tab through the header to the "Projects" menu entry and follow it with Enter.
    page.goto(demo_site.url + "/")
    for _ in range(12):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == "Projects":
            break
    else:
        raise AssertionError("the Projects menu entry is not reachable by Tab")
    page.keyboard.press("Enter")
    page.wait_for_url(demo_site.url + "/projects/")
    assert page.locator("h1").inner_text() == "Projects"
    assert page.locator(".main-nav a[aria-current]").inner_text() == "Projects"


def test_admin_login_works(live_server, superuser, page):
    login(page, live_server, "root", "root-pass-123")
    assert "Dashboard" in page.content()
    assert page.locator("#attention-title").is_visible()
