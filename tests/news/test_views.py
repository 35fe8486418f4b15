import datetime
import zoneinfo

import feedparser
import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from spp_site.demo_media import cover_image
from spp_site.publishing import Status
from tests.news.factories import NewsItemFactory
from tests.programs.factories import PersonFactory
from tests.queries import get_counting_queries, queries_at_1_and_50

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 4, 1, 12, 0, tzinfo=datetime.UTC)


def parsed(client, url):
    response = client.get(url)
    assert response.status_code == 200
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    return response, feed


@pytest.mark.parametrize(("url", "version"), [("/news/feed/rss/", "rss20"), ("/news/feed/atom/", "atom10")])
def test_feeds_list_exactly_the_published_items_newest_first(client, url, version):
    with time_machine.travel(NOW, tick=False):
        older = NewsItemFactory(
            title="Older",
            publish_at=NOW - datetime.timedelta(days=2),
            body="![x](/media/markdown/a-10x10.webp) **Full** body",
        )
        newer = NewsItemFactory(title="Newer", publish_at=NOW - datetime.timedelta(days=1))
        NewsItemFactory(title="Draft", status=Status.DRAFT, publish_at=NOW - datetime.timedelta(days=3))
        scheduled = NewsItemFactory(title="Scheduled", publish_at=NOW + datetime.timedelta(hours=1))
        response, feed = parsed(client, url)
        assert feed.version == version
        assert [e.title for e in feed.entries] == ["Newer", "Older"]
        entry = feed.entries[1]
        assert entry.link == f"http://testserver{older.get_absolute_url()}"
        assert entry.id == f"urn:uuid:{older.uuid}"
        assert entry.published_parsed[:3] == (NOW - datetime.timedelta(days=2)).timetuple()[:3]
        full = entry.content[0].value
        assert (
            "<strong>Full</strong>" in full and 'src="http://testserver/media/markdown/a-10x10.webp"' in full
        )
        assert feed.entries[0].id == f"urn:uuid:{newer.uuid}"
    with time_machine.travel(NOW + datetime.timedelta(hours=1, seconds=1), tick=False):
        _, feed = parsed(client, url)
        assert [e.title for e in feed.entries] == ["Scheduled", "Newer", "Older"]
        assert feed.entries[0].id == f"urn:uuid:{scheduled.uuid}"


def test_category_feeds_and_autodiscovery(client):
    NewsItemFactory(title="A job", category="job")
    NewsItemFactory(title="An award", category="award")
    _, feed = parsed(client, "/news/feed/job/rss/")
    assert [e.title for e in feed.entries] == ["A job"]
    _, feed = parsed(client, "/news/feed/job/atom/")
    assert [e.title for e in feed.entries] == ["A job"]
    assert client.get("/news/feed/nonsense/rss/").status_code == 404
    html = client.get("/news/?category=job").content.decode()
    assert 'type="application/rss+xml"' in html and 'href="/news/feed/job/atom/"' in html
    home = client.get("/").content.decode()
    assert '<link rel="alternate" type="application/atom+xml"' in home


def test_news_list_query_count_is_constant(client):
    author = PersonFactory()
    response, one, fifty = queries_at_1_and_50(
        client, "/news/", lambda i: NewsItemFactory(author_person=author)
    )
    assert response.context["paginator"].count == 50
    assert one == fifty <= 8


@pytest.mark.parametrize(("page", "status"), [("2", 200), ("3", 404), ("abc", 404), ("-1", 404)])
def test_pagination(client, page, status):
    for _ in range(15):
        NewsItemFactory()
    assert client.get(f"/news/?page={page}").status_code == status


def test_category_filter_and_year_archive(client):
    NewsItemFactory(
        title="Old call", category="call", publish_at=datetime.datetime(2023, 6, 23, 10, tzinfo=datetime.UTC)
    )
    NewsItemFactory(
        title="New award", category="award", publish_at=datetime.datetime(2024, 6, 7, 10, tzinfo=datetime.UTC)
    )
    html = client.get("/news/?category=call").content.decode()
    assert "Old call" in html and "New award" not in html
    archive = client.get("/news/2023/").content.decode()
    assert "Old call" in archive and "New award" not in archive
    assert client.get("/news/1999/").status_code == 404
    assert 'href="/news/2024/"' in archive


def test_detail_has_opengraph_with_absolute_image_and_neighbours(client):
    older = NewsItemFactory(title="Older one")
    item = NewsItemFactory(
        title="With picture",
        teaser="Short teaser.",
        publish_at=timezone.now() - datetime.timedelta(minutes=5),
    )
    item.cover_image = SimpleUploadedFile("c.jpg", cover_image("x"))
    item.cover_alt = "A drawing"
    item.save()
    html = client.get(item.get_absolute_url()).content.decode()
    assert f'<meta property="og:image" content="http://testserver/media/{item.cover_image.name}">' in html
    assert '<meta property="og:title" content="With picture">' in html
    assert '<meta property="og:description" content="Short teaser.">' in html
    assert '<meta name="twitter:card" content="summary_large_image">' in html
    assert f'href="{older.get_absolute_url()}" rel="prev"' in html
    assert 'srcset="' in html and 'width="1600"' in html


def test_wrong_year_in_url_redirects_to_the_real_address(client):
    item = NewsItemFactory(publish_at=datetime.datetime(2024, 6, 7, 10, tzinfo=datetime.UTC))
    response = client.get(f"/news/2023/{item.slug}/")
    assert response.status_code == 301 and response["Location"] == f"/news/2024/{item.slug}/"


def test_expired_job_opening_is_listed_as_closed(client):
    NewsItemFactory(
        title="Open job", category="job", expires_on=timezone.localdate() + datetime.timedelta(days=3)
    )
    closed = NewsItemFactory(
        title="Closed job", category="job", expires_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    html = client.get("/news/").content.decode()
    assert "Closed job" in html and html.count("badge-closed") == 1
    assert "<strong>Closed</strong> since" in client.get(closed.get_absolute_url()).content.decode()


def test_detail_reads_the_item_once(client):
    item = NewsItemFactory(title="Once")
    NewsItemFactory(title="Neighbour", publish_at=item.publish_at - datetime.timedelta(days=1))
    # The item with its related projects (2), its neighbours (2), its published related events:
    # 5 in all, whatever the number of related rows (site settings and menus come from the cache).
    response, queries = get_counting_queries(client, item.get_absolute_url())
    assert response.status_code == 200
    assert queries <= 5


def test_detail_breadcrumbs_lead_to_the_list_and_the_year(client):
    item = NewsItemFactory(title="Trail", publish_at=datetime.datetime(2024, 6, 7, 10, tzinfo=datetime.UTC))
    html = client.get(item.get_absolute_url()).content.decode()
    assert (
        '<ol><li><a href="/news/">News</a></li><li><a href="/news/2024/">2024</a></li>'
        '<li><span aria-current="page">Trail</span></li></ol>'
    ) in html


def test_year_archive_follows_the_sites_time_zone(client):
    # 1 January 2024, 00:30 in Berlin is still 31 December 2023 in UTC: the archive goes by the
    # site's calendar year.
    berlin = zoneinfo.ZoneInfo("Europe/Berlin")
    NewsItemFactory(title="New year", publish_at=datetime.datetime(2024, 1, 1, 0, 30, tzinfo=berlin))
    NewsItemFactory(title="Old year", publish_at=datetime.datetime(2023, 12, 31, 23, 30, tzinfo=berlin))
    html_2024 = client.get("/news/2024/").content.decode()
    html_2023 = client.get("/news/2023/").content.decode()
    assert "New year" in html_2024 and "Old year" not in html_2024
    assert "Old year" in html_2023 and "New year" not in html_2023


def test_year_archive_hides_scheduled_and_draft_items(client):
    # This year's, whatever the factory's sequence: its items are n days old, the n-th made in the session.
    NewsItemFactory(title="Visible", publish_at=timezone.now())
    NewsItemFactory(title="Soon", publish_at=timezone.now() + datetime.timedelta(hours=1))
    NewsItemFactory(title="Unfinished", status=Status.DRAFT)
    html = client.get(f"/news/{timezone.localdate().year}/").content.decode()
    assert "Visible" in html and "Soon" not in html and "Unfinished" not in html


def test_year_with_only_scheduled_news_is_404(client):
    NewsItemFactory(publish_at=timezone.now() + datetime.timedelta(days=800))
    future_year = timezone.localtime(timezone.now() + datetime.timedelta(days=800)).year
    assert client.get(f"/news/{future_year}/").status_code == 404


def test_year_archive_with_a_category_that_has_nothing_is_an_empty_page(client):
    NewsItemFactory(category="award", publish_at=datetime.datetime(2024, 6, 7, 10, tzinfo=datetime.UTC))
    response = client.get("/news/2024/?category=job")
    assert response.status_code == 200
    assert "No news in this category yet." in response.content.decode()


def test_year_archive_is_paginated(client):
    for day in range(1, 13):
        NewsItemFactory(publish_at=datetime.datetime(2024, 3, day, 10, tzinfo=datetime.UTC))
    first = client.get("/news/2024/")
    assert len(first.context["object_list"]) == 10 and first.context["year"] == 2024
    assert len(client.get("/news/2024/?page=2").context["object_list"]) == 2
    assert client.get("/news/2024/?page=3").status_code == 404
