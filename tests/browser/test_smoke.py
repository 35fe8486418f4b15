from urllib.parse import urlsplit

from tests.browser.conftest import login


def test_home_page_renders_and_requests_nothing_from_other_hosts(demo_site, page):
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(demo_site.url + "/")
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").inner_text() == "Theoretical Foundations of Deep Learning"
    assert page.locator(".numbers").inner_text().split()[:2] == ["23", "projects"]
    own = urlsplit(demo_site.url).netloc
    foreign = [
        url for url in requests if urlsplit(url).scheme in ("http", "https") and urlsplit(url).netloc != own
    ]
    assert requests, "the page made no requests at all?"
    assert foreign == []


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
