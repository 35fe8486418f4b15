from django.urls import path, register_converter

from . import feeds, views


class YearConverter:
    """Four digits, 1000–9999: /news/2024/. Other numbers are not years (and break date lookups)."""

    regex = "[1-9][0-9]{3}"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return f"{int(value):04d}"


register_converter(YearConverter, "year")

app_name = "news"

urlpatterns = [
    path("", views.NewsListView.as_view(), name="list"),
    path("feed/rss/", feeds.NewsFeed(), name="feed-rss"),
    path("feed/atom/", feeds.NewsAtomFeed(), name="feed-atom"),
    path("feed/<slug:category>/rss/", feeds.NewsFeed(), name="feed-rss-category"),
    path("feed/<slug:category>/atom/", feeds.NewsAtomFeed(), name="feed-atom-category"),
    path("<year:year>/", views.NewsYearView.as_view(), name="year"),
    path("<year:year>/<slug:slug>/", views.NewsDetailView.as_view(), name="detail"),
]
