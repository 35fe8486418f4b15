import feedparser
import pytest

from news.models import NewsItem
from tests.news.factories import NewsItemFactory

pytestmark = pytest.mark.django_db


def test_control_characters_are_removed_on_save_and_feeds_stay_valid(client):
    item = NewsItemFactory(title="Bad\x0btitle", teaser="Less <than> & more\x08", body="Body\x1b text")
    item.refresh_from_db()
    # A vertical tab is Word's manual line break: in a one-line title it becomes a space.
    assert item.title == "Bad title" and item.body == "Body text"
    for url in ("/news/feed/rss/", "/news/feed/atom/"):
        response = client.get(url)
        assert response.status_code == 200
        feed = feedparser.parse(response.content)
        assert not feed.bozo
        # The description is HTML to feed readers: the plain-text teaser arrives escaped, so a
        # reader shows "Less <than> & more" instead of swallowing a <than> tag.
        assert feed.entries[0].summary == "Less &lt;than&gt; &amp; more"


def test_feeds_stay_valid_for_rows_written_around_the_model(client):
    item = NewsItemFactory(title="Clean")
    NewsItem.objects.filter(pk=item.pk).update(
        title="Two\nlines\x0b", teaser="Tease\x1b", body="Body \x07**bold**"
    )
    for url in ("/news/feed/rss/", "/news/feed/atom/"):
        feed = feedparser.parse(client.get(url).content)
        assert not feed.bozo, feed.bozo_exception
        assert feed.entries[0].title == "Two lines"
        assert feed.entries[0].summary == "Tease"
        assert "<strong>bold</strong>" in feed.entries[0].content[0].value
