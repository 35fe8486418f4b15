"""sitemap.xml lists every public page and nothing else, dated by its content; robots.txt names it."""

import datetime
import re
import xml.etree.ElementTree as ET

import pytest
import time_machine
from django.utils import timezone

from events.models import Event
from spp_site.publishing import Status
from tests.core.factories import PageFactory
from tests.events.factories import EventFactory, make_deck
from tests.news.factories import NewsItemFactory
from tests.programs.factories import CallFactory, PersonFactory, PerspectiveFactory, ProjectFactory
from tests.queries import get_counting_queries

pytestmark = pytest.mark.django_db

NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}
BASE = "http://testserver"


def sitemap(client, **extra):
    response = client.get("/sitemap.xml", **extra)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml"
    root = ET.fromstring(response.content)  # well-formed XML, or this raises
    assert root.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}urlset"
    return {
        url.findtext("sm:loc", namespaces=NS): url.findtext("sm:lastmod", namespaces=NS)
        for url in root.findall("sm:url", NS)
    }


def german(url):
    return BASE + "/de" + url.removeprefix(BASE)


def absolute(item_or_path):
    path = item_or_path if isinstance(item_or_path, str) else item_or_path.get_absolute_url()
    return BASE + path


PAST = timezone.now() - datetime.timedelta(days=3)
FUTURE = timezone.now() + datetime.timedelta(days=3)


class Content:
    """Public and non-public items of every kind that has pages."""

    def __init__(self):
        self.perspective = PerspectiveFactory()
        self.project = ProjectFactory(perspectives=[self.perspective])
        self.person = PersonFactory()
        self.page = PageFactory()
        self.news = NewsItemFactory(publish_at=PAST)
        self.event = EventFactory()
        self.cancelled = EventFactory(status=Event.Status.CANCELLED)
        self.deck = make_deck(self.event)
        self.cancelled_deck = make_deck(self.cancelled)
        self.call = CallFactory()
        self.public = [
            self.perspective, self.project, self.person, self.page, self.news, self.event,
            self.cancelled, self.deck, self.cancelled_deck, self.call,
        ]  # fmt: skip

        self.draft_page = PageFactory(status=Status.DRAFT)
        self.scheduled_page = PageFactory(publish_at=FUTURE)
        self.draft_news = NewsItemFactory(status=Status.DRAFT, publish_at=PAST)
        self.scheduled_news = NewsItemFactory(publish_at=FUTURE)
        self.draft_event = EventFactory(status=Event.Status.DRAFT)
        self.scheduled_event = EventFactory(publish_at=FUTURE)
        self.draft_event_deck = make_deck(self.draft_event)
        self.scheduled_event_deck = make_deck(self.scheduled_event)
        self.draft_call = CallFactory(status=Status.DRAFT)
        self.scheduled_call = CallFactory(publish_at=FUTURE)
        self.hidden = [
            self.draft_page, self.scheduled_page, self.draft_news, self.scheduled_news, self.draft_event,
            self.scheduled_event, self.draft_event_deck, self.scheduled_event_deck, self.draft_call,
            self.scheduled_call,
        ]  # fmt: skip


@pytest.fixture
def content():
    return Content()


LISTINGS = ["/", "/research/", "/projects/", "/people/", "/events/", "/news/", "/apply/"]


def test_every_public_page_is_listed_with_an_absolute_address(client, content):
    listed = sitemap(client)
    expected = {absolute(item) for item in content.public}
    expected |= {absolute(path) for path in LISTINGS}
    expected.add(absolute(f"/news/{content.news.local_year}/"))
    expected |= {german(url) for url in expected}  # every page in both languages
    assert set(listed) == expected
    for url in listed:
        assert client.get(url.removeprefix(BASE)).status_code == 200, url


def test_no_draft_scheduled_item_or_deck_of_an_unpublished_event_is_listed(client, content):
    listed = sitemap(client)
    for item in content.hidden:
        assert absolute(item) not in listed, item
        assert german(absolute(item)) not in listed, item
        assert client.get(item.get_absolute_url()).status_code == 404, item  # and it is not public
    years = {url for url in listed if re.fullmatch(rf"{BASE}/news/\d{{4}}/", url)}
    assert years == {absolute(f"/news/{content.news.local_year}/")}


def test_each_entry_names_its_other_language_and_an_english_default(client, content):
    response = client.get("/sitemap.xml")
    root = ET.fromstring(response.content)
    entries = root.findall("sm:url", NS)
    assert entries
    for entry in entries:
        loc = entry.findtext("sm:loc", namespaces=NS)
        english = BASE + loc.removeprefix(BASE).removeprefix("/de")
        links = {
            link.get("hreflang"): link.get("href")
            for link in entry.findall("{http://www.w3.org/1999/xhtml}link")
            if link.get("rel") == "alternate"
        }
        assert links == {"en": english, "de": german(english), "x-default": english}, loc


def test_addresses_follow_the_request_scheme_and_host(client, content, settings):
    settings.ALLOWED_HOSTS = ["spp2298.example.org"]
    listed = sitemap(client, HTTP_HOST="spp2298.example.org", secure=True)
    assert all(url.startswith("https://spp2298.example.org/") for url in listed)


def test_lastmod_is_the_day_an_item_last_changed_for_visitors(client):
    with time_machine.travel(datetime.datetime(2024, 5, 6, 10, 0, tzinfo=datetime.UTC), tick=False):
        page = PageFactory(publish_at=timezone.now() - datetime.timedelta(days=30))
        scheduled = NewsItemFactory(publish_at=timezone.now() + datetime.timedelta(days=2))
        person = PersonFactory()
    with time_machine.travel(datetime.datetime(2024, 5, 9, 23, 30, tzinfo=datetime.UTC), tick=False):
        person.last_name = "Renamed"
        person.save()
        listed = sitemap(client)
    assert listed[absolute(page)] == "2024-05-06"  # saved after it was published
    assert listed[absolute(scheduled)] == "2024-05-08"  # published after it was saved
    assert listed[absolute(person)] == "2024-05-10"  # from the edit history, in the site's time zone
    assert listed[absolute("/news/")] == "2024-05-08"  # the newest item it lists
    assert listed[absolute("/people/")] == "2024-05-10"
    assert all(lastmod is None or re.fullmatch(r"\d{4}-\d{2}-\d{2}", lastmod) for lastmod in listed.values())


def test_a_scheduled_item_joins_the_sitemap_at_its_moment_with_the_cache_on(client):
    now = datetime.datetime(2026, 3, 10, 12, 0, tzinfo=datetime.UTC)
    with time_machine.travel(now, tick=False) as clock:
        item = NewsItemFactory(publish_at=now + datetime.timedelta(hours=2))
        event = EventFactory(publish_at=now + datetime.timedelta(hours=3))
        deck = make_deck(event)
        assert absolute(item) not in sitemap(client)
        assert client.get("/sitemap.xml")["X-Page-Cache"] == "hit"
        clock.move_to(now + datetime.timedelta(hours=2))
        assert absolute(item) in sitemap(client)
        assert absolute(deck) not in sitemap(client)
        clock.move_to(now + datetime.timedelta(hours=3))
        assert absolute(deck) in sitemap(client)


def test_an_edit_shows_in_the_sitemap_at_once(client, content):
    assert absolute(content.draft_page) not in sitemap(client)
    content.draft_page.status = Status.PUBLISHED
    content.draft_page.save()
    assert absolute(content.draft_page) in sitemap(client)


def test_the_number_of_queries_does_not_grow_with_the_content(client, content):
    _, count_one = get_counting_queries(client, "/sitemap.xml")
    for _ in range(5):
        PageFactory()
        NewsItemFactory(publish_at=PAST - datetime.timedelta(days=400))
        EventFactory()
        make_deck(EventFactory())
        CallFactory()
        ProjectFactory()
        PersonFactory()
    _, count_six = get_counting_queries(client, "/sitemap.xml")
    assert count_six == count_one


def test_robots_txt_names_the_sitemap(client, settings):
    settings.ALLOWED_HOSTS = ["spp2298.example.org"]
    response = client.get("/robots.txt", HTTP_HOST="spp2298.example.org", secure=True)
    assert "Sitemap: https://spp2298.example.org/sitemap.xml" in response.content.decode().splitlines()
