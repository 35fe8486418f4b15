"""Browser tests: Playwright for Python driving the machine's Chromium (no browser download).

Without Chromium the tests skip with a reason, unless REQUIRE_BROWSER=1 (CI), where they fail."""

import os
import shutil
from pathlib import Path

import pytest
from django.db import connections

# Playwright's sync API runs an event loop in this thread; Django refuses ORM calls from a
# thread with a running loop unless told that this is fine (it is: tests are single-threaded here).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
# For page.evaluate: turns lazy images eager and resolves once every image of the page has loaded
# or failed (then `complete` and `naturalWidth` say which). Event listeners, not a polling
# wait_for_function, which the strict CSP (no eval) refuses.
LOAD_EVERY_IMAGE = """() => Promise.all([...document.images].map(img => {
    img.loading = "eager";
    return img.complete ? null : new Promise(done => {
        img.addEventListener("load", done); img.addEventListener("error", done);
    });
}))"""


def chromium_path():
    for candidate in (os.environ.get("CHROMIUM_PATH"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


def _require() -> bool:
    return os.environ.get("REQUIRE_BROWSER", "").lower() in {"1", "true", "yes"}


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    path = chromium_path()
    if path is None:
        message = "Chromium not found (install Debian's chromium, or set CHROMIUM_PATH)"
        if _require():
            pytest.fail(f"REQUIRE_BROWSER is set: {message}")
        pytest.skip(message)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:  # pragma: no cover - playwright is a dev dependency
        if _require():
            pytest.fail(f"REQUIRE_BROWSER is set but playwright is not importable: {exc}")
        pytest.skip("playwright is not installed")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
        # While Playwright's event loop is set, Django keeps this thread's database connections
        # apart from the usual ones (asgiref's Local); close them before it stops, or they stay
        # open and PostgreSQL refuses to drop the test database at the end.
        connections.close_all()


@pytest.fixture
def context(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    yield context
    context.close()


@pytest.fixture
def page(context):
    return context.new_page()


@pytest.fixture
def artifacts():
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


def login(page, live_server, username, password):
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")


CSP_LISTENER = """document.addEventListener("securitypolicyviolation", (e) => window.reportCspViolation(
  `${e.effectiveDirective} blocked ${e.blockedURI} in ${e.sourceFile || e.documentURI}:${e.lineNumber}`
));"""


@pytest.fixture
def csp_violations(context):
    """Every Content-Security-Policy violation in any page of `context` (popups too), as Chromium
    reports it: the securitypolicyviolation event, and its message on the console."""
    reports = []
    context.expose_binding("reportCspViolation", lambda source, text: reports.append(text))
    context.add_init_script(CSP_LISTENER)
    context.on(
        "console", lambda message: "Content Security Policy" in message.text and reports.append(message.text)
    )
    return reports
