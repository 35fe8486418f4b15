"""Every page has its own <title> and meta description: search engines show them as the result's
heading and snippet, and treat pages that share them as duplicates. And one canonical address per
page: a filtered list is the list, a list's further pages are pages of their own."""

import pytest
from lxml import html

from tests.news.factories import NewsItemFactory
from tests.quality import PAGE_TYPES

pytestmark = pytest.mark.django_db

# Beyond PAGE_TYPES: further pages of lists, and lists filtered in each way they can be.
MORE_PAGES = {
    "news list, page 2": "/news/?page=2",
    "news list, category": "/news/?category=award",
    "news year, category": "/news/2023/?category=meeting-report",
    "project list, by institution": "/projects/?institution=lmu-munich",
    "event list, by kind": "/events/?kind=workshop",
    "people, by institution": "/people/?institution=lmu-munich",
    "another site page": "/imprint/",
    "another news year": "/news/2024/",
}


def title_and_description(client, url):
    response = client.get(url)
    assert response.status_code == (404 if url == PAGE_TYPES["not found (404)"] else 200), url
    document = html.fromstring(response.content)
    titles = document.xpath("/html/head/title")
    descriptions = document.xpath('/html/head/meta[@name="description"]/@content')
    assert len(titles) == 1 and len(descriptions) == 1, url
    return " ".join(titles[0].text_content().split()), " ".join(descriptions[0].split())


@pytest.fixture
def enough_news(demo_site):
    """The demo has one page of news; a second needs a few more items (rolled back after the test)."""
    NewsItemFactory.create_batch(4)


def test_titles_and_descriptions_are_present_and_unique_across_page_types(demo_site, enough_news, client):
    seen = {name: title_and_description(client, url) for name, url in {**PAGE_TYPES, **MORE_PAGES}.items()}
    for name, (title, description) in seen.items():
        assert title and description, name
    for index in (0, 1):
        by_value = {}
        for name, pair in seen.items():
            by_value.setdefault(pair[index], []).append(name)
        assert [names for names in by_value.values() if len(names) > 1] == [], ["title", "description"][index]


def test_further_pages_of_a_list_say_which_page_they_are(demo_site, enough_news, client):
    for url in ("/news/?page=2", "/projects/?page=2"):
        title, description = title_and_description(client, url)
        assert "– page 2" in title, url
        assert "page 2 of" in description, url


def canonical(client, url):
    document = html.fromstring(client.get(url).content)
    return document.xpath('/html/head/link[@rel="canonical"]/@href')


def test_the_canonical_address_keeps_only_the_page_number(demo_site, enough_news, client):
    assert canonical(client, "/news/?page=2") == ["http://testserver/news/?page=2"]
    assert canonical(client, "/news/?page=1") == ["http://testserver/news/"]
    assert canonical(client, "/news/?category=award") == ["http://testserver/news/"]
    assert canonical(client, "/projects/?perspective=statistical&sort=x") == ["http://testserver/projects/"]
    assert canonical(client, "/news/2023/annual-meeting-2023-report/?utm_source=x") == [
        "http://testserver/news/2023/annual-meeting-2023-report/"
    ]
    assert canonical(client, "/no-such-page/") == []


def test_the_home_page_title_names_the_program_once(demo_site, client):
    title, _ = title_and_description(client, "/")
    assert title == "SPP 2298 Theoretical Foundations of Deep Learning · DFG Priority Program"
