"""The editor's guide (docs/editors.md) and its screenshots, taken here of the real admin.

UPDATE_SCREENSHOTS=1 writes them to static/docs/ (commit them); otherwise the test walks the same
pages as an editor and a site administrator, checks that they render without serious accessibility
problems, and that every image the guide shows exists."""

import datetime
import os
import re
from pathlib import Path

import pytest
from django.utils import timezone

from tests.browser.conftest import login
from tests.browser.test_quality import axe_violations
from tests.conftest import staff_member
from tests.events.factories import AgendaItemFactory, EventFactory
from tests.news.factories import NewsItemFactory

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "editors.md"
SCREENSHOTS = ROOT / "static" / "docs"
UPDATE = os.environ.get("UPDATE_SCREENSHOTS") == "1"


def guide_images():
    return re.findall(r"\]\(\.\./static/docs/([\w.-]+\.png)\)", GUIDE.read_text(encoding="utf-8"))


def serious(violations):
    return [v for v in violations if "(serious)" in v or "(critical)" in v]


@pytest.fixture
def content(db):
    now = timezone.now()
    EventFactory(
        title="Annual meeting 2027",
        slug="annual-meeting-2027",
        status="draft",
        start=now + datetime.timedelta(days=200),
    )
    past = EventFactory(title="Workshop on optimisation", start=now - datetime.timedelta(days=20))
    EventFactory(title="Colloquium on robustness", start=now + datetime.timedelta(days=30))
    meeting = EventFactory(title="Annual meeting 2026", start=now + datetime.timedelta(days=60))
    for minutes, title in ((0, "Welcome"), (30, "Optimal transport in deep learning"), (75, "Coffee break")):
        start = meeting.start + datetime.timedelta(minutes=minutes)
        AgendaItemFactory(event=meeting, title=title, start=start, end=start + datetime.timedelta(minutes=30))
    NewsItemFactory(
        title="Programme of the winter school announced",
        publish_at=now + datetime.timedelta(days=3),
    )
    NewsItemFactory(title="Call for the second phase (draft)", status="draft")
    return {"meeting": meeting, "past": past}


def shoot(page, name, selector="#container"):
    path = SCREENSHOTS / name
    if UPDATE:
        SCREENSHOTS.mkdir(exist_ok=True)
        page.locator(selector).screenshot(path=str(path), animations="disabled")
    assert path.is_file(), f"{path} is missing: run the browser tests with UPDATE_SCREENSHOTS=1"


def test_the_guides_pages_render_and_its_screenshots_exist(live_server, roles, content, browser):
    assert set(guide_images()) == {"dashboard.png", "news-form.png", "event-form.png", "invite.png"}
    staff_member("editor", "editor-pass-123", roles[0])
    staff_member("siteadmin", "admin-pass-123", roles[1])
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme="light")
    context.set_default_timeout(15_000)
    page = context.new_page()
    problems = []

    # An editor: the dashboard, a news item being written, an event with its agenda, the guide.
    login(page, live_server, "editor", "editor-pass-123")
    assert page.locator("caption", has_text="Drafts").count() == 1
    assert page.get_by_text("Annual meeting 2027").count() == 1  # the hidden draft is listed
    problems += serious(axe_violations(page))
    page.goto(f"{live_server.url}/admin/news/newsitem/add/")
    page.locator("#id_title").press_sequentially("Results on the geometry of loss landscapes")
    page.fill("#id_teaser", "A summary of new results.")
    page.fill("#id_body", "## New results\n\nThe loss $L(\\theta)$ has **no bad local minima** when …")
    page.locator(".markdownx-preview math").first.wait_for()
    shoot(page, "news-form.png", "#content-main")
    page.goto(f"{live_server.url}/admin/events/event/{content['meeting'].pk}/change/")
    page.locator("text=Optimal transport in deep learning").first.wait_for(state="attached")
    shoot(page, "event-form.png", "#content-main")
    # A site administrator: the dashboard with "Invite an editor", and the invitation form.
    context.clear_cookies()
    login(page, live_server, "siteadmin", "admin-pass-123")
    assert page.get_by_role("link", name="Invite an editor").count() == 1
    shoot(page, "dashboard.png", "#content")
    page.get_by_role("link", name="Invite an editor").click()
    page.fill("#id_name", "Anna Schmidt")
    page.fill("#id_email", "anna.schmidt@example.org")
    problems += serious(axe_violations(page))
    shoot(page, "invite.png", "#content")

    # The guide, linked from the dashboard, with every screenshot.
    page.goto(f"{live_server.url}/admin/")
    page.get_by_role("link", name="Editor’s guide").click()
    assert page.locator("h2", has_text="Publishing and scheduling").count() == 1
    for name in guide_images():
        image = page.locator(f'img[src*="{Path(name).stem}"]')
        image.scroll_into_view_if_needed()  # loaded lazily
        page.wait_for_function("i => i.complete && i.naturalWidth > 0", arg=image.element_handle())
    problems += serious(axe_violations(page))

    context.close()
    assert problems == []
