import feedparser
import pytest

from tests.news.factories import NewsItemFactory

pytestmark = pytest.mark.django_db


def test_control_characters_are_removed_on_save_and_feeds_stay_valid(client):
    item = NewsItemFactory(title="Bad\x0btitle", teaser="Less <than> & more\x08", body="Body\x1b text")
    item.refresh_from_db()
    assert item.title == "Badtitle" and item.body == "Body text"
    for url in ("/news/feed/rss/", "/news/feed/atom/"):
        response = client.get(url)
        assert response.status_code == 200
        feed = feedparser.parse(response.content)
        assert not feed.bozo
        # The description is HTML to feed readers: the plain-text teaser arrives escaped, so a
        # reader shows "Less <than> & more" instead of swallowing a <than> tag.
        assert feed.entries[0].summary == "Less &lt;than&gt; &amp; more"
