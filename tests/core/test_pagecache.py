"""The page cache (spp_site/pagecache.py): anonymous visitors get stored pages, with no query;
every change — an editor's save or delete, a scheduled moment passing, site settings and menus —
shows on the very next request; staff always get fresh pages and never fill the cache."""

import dataclasses
import datetime
import gzip

import pytest
import redis
import time_machine
from django.contrib.messages import constants
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.core.cache.backends.base import BaseCache
from django.core.files.base import ContentFile
from django.db import connection
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from events.models import Event
from events.uploads import inspect_document
from news.models import NewsItem
from programs.models import Role
from spp_site import pagecache
from spp_site.models import SiteSettings
from spp_site.publishing import Status, start_of
from tests.core.factories import PageFactory
from tests.events.factories import AgendaItemFactory, EventFactory, make_deck, pdf_upload
from tests.forms import form_fields
from tests.news.factories import NewsItemFactory
from tests.programs.factories import (
    CallFactory,
    FAQFactory,
    InstitutionFactory,
    MembershipFactory,
    PersonFactory,
    PersonRoleFactory,
    PerspectiveFactory,
    PhaseFactory,
    ProjectFactory,
)
from tests.queries import get_counting_queries

pytestmark = pytest.mark.django_db


# --- content: one of every public page type, and more rows on demand ------------------------------


class World:
    """A site with one item behind every public page type; `grow(n)` adds n more rows to every
    list and relation those pages show."""

    def __init__(self, inspected):
        self.inspected = inspected
        self.perspective = PerspectiveFactory(title="Statistics")
        self.institution = InstitutionFactory()
        self.person = PersonFactory(affiliation=self.institution)
        PersonRoleFactory(person=self.person, role=Role.PRINCIPAL_INVESTIGATOR)
        self.project = ProjectFactory(perspectives=[self.perspective], institutions=[self.institution])
        self.project.phases.set([PhaseFactory()])
        MembershipFactory(project=self.project, person=self.person)
        self.event = EventFactory(title="Annual meeting")
        self.event.projects.set([self.project])
        self.talk = AgendaItemFactory(event=self.event, title="Opening talk")
        self.talk.speakers.set([self.person])
        self.deck = make_deck(self.event, agenda_item=self.talk, inspected=inspected)
        self.call = CallFactory()
        self.call.info_sessions.set([self.event])
        FAQFactory(call=self.call)
        self.news = NewsItemFactory(title="First news")
        self.page = PageFactory(title="About", show_in_menu=True, show_in_footer=True)
        self.grown = 0

    def grow(self, n):
        for _ in range(n):
            self.grown += 1
            person = PersonFactory(affiliation=self.institution)
            PersonRoleFactory(person=person)
            project = ProjectFactory(perspectives=[self.perspective], institutions=[self.institution])
            MembershipFactory(project=project, person=person)
            MembershipFactory(project=self.project, person=person, role="member")
            MembershipFactory(project=project, person=self.person, role="member")
            talk = AgendaItemFactory(event=self.event)
            talk.speakers.set([self.person, person])
            make_deck(self.event, agenda_item=talk, inspected=self.inspected)
            event = EventFactory()
            event.projects.set([self.project])
            CallFactory()
            FAQFactory(call=self.call)
            NewsItemFactory()
            PageFactory(show_in_menu=True, show_in_footer=True)

    def urls(self):
        return {
            "home": "/",
            "research": "/research/",
            "perspective": self.perspective.get_absolute_url(),
            "projects": "/projects/",
            "project": self.project.get_absolute_url(),
            "people": "/people/",
            "person": self.person.get_absolute_url(),
            "apply": "/apply/",
            "call": self.call.get_absolute_url(),
            "events": "/events/",
            "event": self.event.get_absolute_url(),
            "event calendar": f"{self.event.get_absolute_url()}calendar.ics",
            "talk calendar": self.talk.get_calendar_url(),
            "all events calendar": "/events/calendar.ics",
            "deck": self.deck.get_absolute_url(),
            "news": "/news/",
            "news year": f"/news/{timezone.localtime(self.news.publish_at).year}/",
            "news item": self.news.get_absolute_url(),
            "rss": "/news/feed/rss/",
            "atom": "/news/feed/atom/",
            "page": self.page.get_absolute_url(),
            "robots.txt": "/robots.txt",
        }


PAGE_TYPES = [
    "home", "research", "perspective", "projects", "project", "people", "person", "apply", "call",
    "events", "event", "event calendar", "talk calendar", "all events calendar", "deck", "news", "news year",
    "news item", "rss", "atom", "page", "robots.txt",
]  # fmt: skip


@pytest.fixture(scope="module")
def _inspected_once():
    inspected = inspect_document(pdf_upload())  # one checked file for every deck: checking each is slow
    with inspected.content.open("rb") as stored:
        return inspected, stored.read()


@pytest.fixture
def inspected(_inspected_once):
    """The checked file, as a copy each test may store (storing moves a checked file)."""
    inspected, data = _inspected_once
    return dataclasses.replace(inspected, content=ContentFile(data, name="slides.pdf"))


@pytest.fixture
def world(inspected):
    return World(inspected)


def test_every_public_page_type_comes_from_the_cache_without_a_query(client, world):
    for page, url in world.urls().items():
        first = client.get(url)
        assert first.status_code == 200 and first["X-Page-Cache"] == "miss", page
        with CaptureQueriesContext(connection) as queries:
            second = client.get(url)
        assert second["X-Page-Cache"] == "hit", page
        assert len(queries) == 0, (page, [q["sql"] for q in queries])
        assert second.content == first.content, page
        assert second["Content-Type"] == first["Content-Type"], page


def test_every_public_page_type_costs_the_same_queries_whatever_the_rows(client, world):
    """Rendered afresh (the page cache off), every public page type reads the same number of
    queries with one more row of everything it shows as with seven more."""
    world.grow(1)
    few = {page: get_counting_queries(client, url)[1] for page, url in world.urls().items()}
    world.grow(6)
    many = {page: get_counting_queries(client, url)[1] for page, url in world.urls().items()}
    assert few == many
    assert set(many) == set(PAGE_TYPES)
    assert max(many.values()) <= 16, many


def test_the_first_page_after_a_change_reads_the_shared_parts_once(client, world):
    """Site settings, menus and the moments of scheduled changes are read once per change, not
    once per page."""
    NewsItemFactory()  # a change
    _, first = get_counting_queries_of_a_miss(client, "/news/")
    _, second = get_counting_queries_of_a_miss(client, "/events/")
    _, alone = get_counting_queries(client, "/events/")
    assert second == alone  # the second page only reads what it shows
    assert first - alone <= 8  # 4 models' moments, site settings and menu pages, at most


def get_counting_queries_of_a_miss(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response["X-Page-Cache"] == "miss"
    return response, len(queries)


# --- editors' changes -----------------------------------------------------------------------------


def admin_save(client, url, **changes):
    html = client.get(url).content.decode()
    model_name = url.strip("/").split("/")[2]
    data = {**form_fields(html, f"{model_name}_form"), **{k: [v] for k, v in changes.items()}}
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]


def test_an_admin_save_shows_on_the_next_anonymous_request(client, superuser):
    item = NewsItemFactory(title="Before the edit")
    for url in (item.get_absolute_url(), "/news/", "/", "/news/feed/rss/"):
        client.get(url)
        assert "Before the edit" in client.get(url).content.decode()  # stored
    editor = Client()
    editor.force_login(superuser)
    admin_save(editor, f"/admin/news/newsitem/{item.pk}/change/", title="After the edit")
    for url in (item.get_absolute_url(), "/news/", "/", "/news/feed/rss/"):
        html = client.get(url).content.decode()
        assert "After the edit" in html and "Before the edit" not in html, url


def test_a_delete_shows_on_the_next_anonymous_request(client, superuser):
    item = NewsItemFactory(title="Soon gone")
    url = item.get_absolute_url()
    assert client.get(url).status_code == 200
    assert client.get("/news/").content.decode().count("Soon gone") == 1
    editor = Client()
    editor.force_login(superuser)
    response = editor.post(f"/admin/news/newsitem/{item.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert client.get(url).status_code == 404
    assert "Soon gone" not in client.get("/news/").content.decode()


def test_a_changed_relation_shows_on_the_next_request(client, world):
    url = world.project.get_absolute_url()
    assert "Second perspective" not in client.get(url).content.decode()
    world.project.perspectives.add(PerspectiveFactory(title="Second perspective"))
    assert "Second perspective" in client.get(url).content.decode()


def test_site_settings_and_menus_show_on_the_next_request(client, world):
    assert "Imprint" not in client.get("/news/").content.decode()
    settings_row = SiteSettings.load()
    settings_row.short_name = "SPP Renamed"
    settings_row.save()
    assert "SPP Renamed" in client.get("/news/").content.decode()
    PageFactory(title="Imprint", slug="imprint", show_in_footer=True)
    assert "Imprint" in client.get("/news/").content.decode()


def test_content_is_marked_changed_again_when_the_transaction_commits(django_capture_on_commit_callbacks):
    before = pagecache.current_token()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        NewsItemFactory()
        NewsItemFactory()
        during = pagecache.current_token()
    assert during != before  # right away: the editor's own next request
    marks = [c for c in callbacks if c is pagecache._changed_on_commit]  # (the search index has its own)
    assert len(marks) == 1  # once per transaction, however many rows it wrote
    marks[0]()
    assert pagecache.current_token() not in (before, during)  # after the commit: everybody's


def test_a_download_does_not_empty_the_cache(client, world):
    client.get("/events/")
    assert client.get(world.deck.get_download_url()).status_code == 200  # counted: a row is written
    assert client.get("/events/")["X-Page-Cache"] == "hit"


def test_a_new_release_does_not_serve_pages_of_the_old_one(client, world, monkeypatch):
    client.get("/news/")
    assert client.get("/news/")["X-Page-Cache"] == "hit"
    monkeypatch.setattr(pagecache, "code_version", lambda: "next-release")
    assert client.get("/news/")["X-Page-Cache"] == "miss"


# --- time -----------------------------------------------------------------------------------------


NOW = datetime.datetime(2026, 3, 10, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def test_a_scheduled_item_appears_at_its_time_with_the_cache_on(client, clock):
    NewsItemFactory(title="Already out", publish_at=NOW - datetime.timedelta(days=1))
    item = NewsItemFactory(title="Scheduled news", publish_at=NOW + datetime.timedelta(hours=2))
    for url in ("/news/", "/", "/news/feed/atom/"):
        assert "Scheduled news" not in client.get(url).content.decode()
        assert client.get(url)["X-Page-Cache"] == "hit"
    assert client.get(item.get_absolute_url()).status_code == 404
    clock.move_to(NOW + datetime.timedelta(hours=2) - datetime.timedelta(seconds=1))
    assert client.get("/news/")["X-Page-Cache"] == "hit"
    clock.move_to(NOW + datetime.timedelta(hours=2))
    for url in ("/news/", "/", "/news/feed/atom/"):
        assert "Scheduled news" in client.get(url).content.decode(), url
    assert client.get(item.get_absolute_url()).status_code == 200


def test_a_scheduled_page_joins_the_menu_at_its_time(client, clock):
    PageFactory(title="Soon in the menu", show_in_menu=True, publish_at=NOW + datetime.timedelta(minutes=5))
    assert "Soon in the menu" not in client.get("/events/").content.decode()
    clock.move_to(NOW + datetime.timedelta(minutes=5))
    assert "Soon in the menu" in client.get("/events/").content.decode()


def test_an_event_moves_from_upcoming_to_past_when_it_ends(client, clock):
    event = EventFactory(
        title="Ending workshop",
        start=NOW - datetime.timedelta(hours=1),
        end=NOW + datetime.timedelta(hours=1),
    )
    assert "Happening now" in client.get(event.get_absolute_url()).content.decode()
    assert "Ending workshop" in upcoming_section(client.get("/events/").content.decode())
    clock.move_to(event.end)  # still in progress at its last moment
    assert "Happening now" in client.get(event.get_absolute_url()).content.decode()
    clock.move_to(event.end + datetime.timedelta(seconds=1))
    assert "Happening now" not in client.get(event.get_absolute_url()).content.decode()
    assert "Ending workshop" not in upcoming_section(client.get("/events/").content.decode())


def upcoming_section(html):
    start = html.index('<h2 id="upcoming">')
    return html[start : html.index("</section>", start)]


def test_an_event_starts_happening_at_its_start(client, clock):
    event = EventFactory(start=NOW + datetime.timedelta(minutes=30), end=NOW + datetime.timedelta(hours=3))
    assert "Happening now" not in client.get(event.get_absolute_url()).content.decode()
    clock.move_to(event.start)
    assert "Happening now" in client.get(event.get_absolute_url()).content.decode()


def test_a_call_opens_and_closes_on_the_apply_page(client, clock):
    local_today = timezone.localdate(NOW)
    CallFactory(
        title="Second phase call",
        opens_on=local_today + datetime.timedelta(days=1),
        deadline=NOW + datetime.timedelta(days=3),
        publish_at=NOW - datetime.timedelta(days=1),
    )
    assert "is open." not in client.get("/apply/").content.decode()
    opening = start_of(local_today + datetime.timedelta(days=1))
    clock.move_to(opening - datetime.timedelta(seconds=1))
    assert "is open." not in client.get("/apply/").content.decode()
    clock.move_to(opening)
    assert "The call <strong>Second phase call</strong> is open." in client.get("/apply/").content.decode()
    clock.move_to(NOW + datetime.timedelta(days=3))
    assert "No call is open at the moment" in client.get("/apply/").content.decode()


def test_a_news_item_shows_closed_from_the_day_after_its_end_date(client, clock):
    local_today = timezone.localdate(NOW)
    item = NewsItemFactory(title="Job", expires_on=local_today, publish_at=NOW - datetime.timedelta(days=2))
    assert "badge-closed" not in client.get("/news/").content.decode()
    midnight = start_of(local_today + datetime.timedelta(days=1))
    clock.move_to(midnight - datetime.timedelta(seconds=1))
    assert "badge-closed" not in client.get("/news/").content.decode()
    clock.move_to(midnight)
    assert "badge-closed" in client.get("/news/").content.decode()
    assert "Closed" in client.get(item.get_absolute_url()).content.decode()


def test_draft_dates_do_not_count_as_moments(clock):
    EventFactory(status=Status.DRAFT, start=NOW + datetime.timedelta(days=1))
    NewsItemFactory(status=Status.DRAFT, publish_at=NOW + datetime.timedelta(days=1))
    assert pagecache.valid_until(pagecache.current_token(), NOW.timestamp()) is None


# --- who gets cached pages ------------------------------------------------------------------------


def test_staff_always_get_fresh_pages_and_never_fill_the_cache(client, superuser):
    item = NewsItemFactory(title="Visible")
    draft = NewsItemFactory(title="Draft news", status=Status.DRAFT)
    staff = Client()
    staff.force_login(superuser)
    response = staff.get(draft.get_absolute_url())
    assert response.status_code == 200 and "X-Page-Cache" not in response  # a preview, never stored
    assert client.get(draft.get_absolute_url()).status_code == 404
    staff.get("/news/")
    assert client.get("/news/")["X-Page-Cache"] == "miss"  # staff's visit stored nothing
    assert client.get("/news/")["X-Page-Cache"] == "hit"
    staff_view = staff.get(item.get_absolute_url())
    assert "X-Page-Cache" not in staff_view  # and is not served the anonymous page either


def test_a_visitor_with_a_message_gets_a_fresh_page():
    request = RequestFactory().get("/")
    storage = CookieStorage(request)
    storage.add(constants.INFO, "Your message")
    response = HttpResponse()
    storage.update(response)
    visitor = Client()
    visitor.cookies["messages"] = response.cookies["messages"].value
    assert "X-Page-Cache" not in visitor.get("/news/")


def test_what_is_never_stored(client, world):
    assert client.get("/no-such-page/").status_code == 404
    assert client.get("/no-such-page/")["X-Page-Cache"] == "miss"  # rendered again
    assert "X-Page-Cache" not in client.post("/news/")  # not a GET
    assert "X-Page-Cache" not in client.get("/admin/login/")


def stored_by_the_middleware(view):
    path = f"/{view.__name__}/"
    request = RequestFactory().get(path)
    middleware = pagecache.PageCacheMiddleware(view)
    middleware(request)
    return middleware(RequestFactory().get(path))["X-Page-Cache"] == "hit"


def test_responses_with_a_csrf_token_cookies_or_private_caching_are_not_stored():
    def plain(request):
        return HttpResponse("public")

    def with_form(request):
        return HttpResponse(f"<form>{get_token(request)}</form>")

    def with_cookie(request):
        response = HttpResponse("cookie")
        response.set_cookie("seen", "1")
        return response

    def private(request):
        response = HttpResponse("mine")
        response["Cache-Control"] = "private, no-store"
        return response

    def varies_by_agent(request):
        response = HttpResponse("agent")
        response["Vary"] = "User-Agent"
        return response

    assert stored_by_the_middleware(plain)
    for view in (with_form, with_cookie, private, varies_by_agent):
        assert not stored_by_the_middleware(view), view.__name__


def test_page_cache_off_stores_nothing(client, settings):
    settings.PAGE_CACHE = False
    client.get("/news/")
    assert "X-Page-Cache" not in client.get("/news/")


# --- HTTP -----------------------------------------------------------------------------------------


def test_stored_pages_answer_conditional_requests_with_304(client, world):
    first = client.get("/news/")
    etag, modified = first["ETag"], first["Last-Modified"]
    assert first["Cache-Control"] == "no-cache"
    not_modified = client.get("/news/", headers={"If-None-Match": etag})
    assert not_modified.status_code == 304 and not_modified.content == b""
    assert client.get("/news/", headers={"If-Modified-Since": modified}).status_code == 304
    NewsItemFactory(title="Changed since")
    changed = client.get("/news/", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed["ETag"] != etag


def test_compressed_and_plain_pages_are_stored_apart(client, world):
    plain = client.get("/news/")
    packed = client.get("/news/", headers={"Accept-Encoding": "gzip, br"})
    assert packed["X-Page-Cache"] == "miss" and packed["Content-Encoding"] == "gzip"
    again = client.get("/news/", headers={"Accept-Encoding": "gzip"})
    assert again["X-Page-Cache"] == "hit" and gzip.decompress(again.content) == plain.content
    assert client.get("/news/").content == plain.content
    vary = {v.strip() for v in again["Vary"].split(",")}
    assert {"Cookie", "Accept-Encoding"} <= vary


def test_host_and_scheme_are_part_of_the_key(client, world, settings):
    settings.ALLOWED_HOSTS = ["testserver", "spp.example.org"]
    plain = client.get("/news/").content.decode()
    secure = client.get("/news/", secure=True).content.decode()
    other = client.get("/news/", headers={"Host": "spp.example.org"}).content.decode()
    assert 'href="http://testserver/news/"' in plain
    assert 'href="https://testserver/news/"' in secure
    assert 'href="http://spp.example.org/news/"' in other


def test_a_lost_token_only_means_fresh_pages(client, world):
    client.get("/news/")
    cache.delete(pagecache.TOKEN_KEY)
    assert client.get("/news/")["X-Page-Cache"] == "miss"
    assert client.get("/news/")["X-Page-Cache"] == "hit"


def test_scheduled_event_publication_reaches_its_calendar(client, clock):
    event = EventFactory(title="Scheduled session", publish_at=NOW + datetime.timedelta(hours=1))
    assert "Scheduled session" not in client.get("/events/calendar.ics").content.decode()
    clock.move_to(NOW + datetime.timedelta(hours=1))
    assert "Scheduled session" in client.get("/events/calendar.ics").content.decode()
    assert Event.objects.published().filter(pk=event.pk).exists()
    assert NewsItem.objects.count() == 0


def test_only_text_is_compressed(client, world):
    """Slide downloads keep their length and byte ranges: stored files are never compressed."""
    url = world.deck.get_download_url()
    whole = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert whole.status_code == 200 and "Content-Encoding" not in whole
    assert int(whole["Content-Length"]) == world.deck.size
    first_bytes = b"".join(whole.streaming_content)[:10]
    part = client.get(url, headers={"Accept-Encoding": "gzip", "Range": "bytes=0-9"})
    assert part.status_code == 206 and "Content-Encoding" not in part
    assert part["Content-Length"] == "10" and b"".join(part.streaming_content) == first_bytes
    for url in ("/news/feed/rss/", "/events/calendar.ics", "/"):
        response = client.get(url, headers={"Accept-Encoding": "gzip"})
        assert response["Content-Encoding"] == "gzip", url


class UnreachableCache(BaseCache):
    """A cache whose server is down (as Redis' client reports it)."""

    def __init__(self, location, params):
        super().__init__(params)

    def _fail(self, *args, **kwargs):
        raise redis.exceptions.ConnectionError("Error 111 connecting to 127.0.0.1:6379.")

    get = set = add = delete = get_many = set_many = clear = incr = touch = has_key = _fail


def test_the_site_works_without_its_cache(client, superuser, settings, caplog):
    settings.CACHES = {"default": {"BACKEND": f"{__name__}.UnreachableCache"}}
    item = NewsItemFactory(title="Saved while the cache is down", body="With *Markdown*.")
    for url in ("/", "/news/", item.get_absolute_url(), "/news/feed/rss/"):
        response = client.get(url)
        assert response.status_code == 200 and "X-Page-Cache" not in response, url
    assert "<em>Markdown</em>" in client.get(item.get_absolute_url()).content.decode()
    editor = Client()
    editor.force_login(superuser)
    admin_save(editor, f"/admin/news/newsitem/{item.pk}/change/", title="Edited while the cache is down")
    assert "Edited while the cache is down" in client.get("/news/").content.decode()
    assert "The cache cannot be reached" in caplog.text
