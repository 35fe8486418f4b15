"""Odd input gets a 4xx or is ignored, never a 500 (on SQLite and PostgreSQL alike)."""

import pytest

from tests.events.factories import EventFactory, make_deck
from tests.news.factories import NewsItemFactory
from tests.programs.factories import ProjectFactory

pytestmark = pytest.mark.django_db

ODD = ["%00", "%C0", "%ff", "'", "<script>", "9" * 30, "-1", "%E2%80%AE"]


@pytest.fixture
def content():
    ProjectFactory()
    NewsItemFactory()
    make_deck(EventFactory(slug="meeting"))


@pytest.mark.parametrize("value", ODD)
@pytest.mark.parametrize(
    "template",
    [
        "/projects/?perspective={v}&phase={v}&institution={v}",
        "/projects/?page={v}",
        "/people/?institution={v}",
        "/events/?kind={v}",
        "/news/?category={v}&page={v}",
        "/news/{v}/",
        "/news/2024/{v}/",
        "/news/feed/{v}/rss/",
        "/events/calendar/{v}.ics",
        "/events/{v}/",
        "/slides/{v}/download/",
        "/media/{v}",
        "/{v}/",
        "/apply/{v}/",
    ],
)
def test_odd_values_never_cause_a_server_error(client, content, template, value):
    response = client.get(template.format(v=value))
    assert response.status_code in (200, 301, 302, 400, 404), response.status_code


@pytest.mark.parametrize(
    ("header", "status"),
    [
        ("bytes=abc", 200),  # not a byte range: ignored
        ("bytes=5-1", 200),  # invalid (last before first): ignored, as RFC 9110 14.2 allows
        ("bytes=0-1,5-9", 200),  # several ranges: no multipart, the whole file
        ("items=0-1", 200),  # a unit we do not know: ignored (RFC 9110 14.2, MUST)
        ("bytes=-0", 416),  # valid, but the last 0 bytes cannot be satisfied
        ("bytes=99999999999999999999-", 416),  # starts beyond the end
    ],
)
def test_odd_range_headers(client, header, status):
    deck = make_deck()
    assert client.get(deck.get_download_url(), headers={"Range": header}).status_code == status
