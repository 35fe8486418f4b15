from django.urls import path

from . import feeds, views

app_name = "news"

urlpatterns = [
    path("", views.NewsListView.as_view(), name="list"),
    path("feed/rss/", feeds.NewsFeed(), name="feed-rss"),
    path("feed/atom/", feeds.NewsAtomFeed(), name="feed-atom"),
    path("feed/<slug:category>/rss/", feeds.NewsFeed(), name="feed-rss-category"),
    path("feed/<slug:category>/atom/", feeds.NewsAtomFeed(), name="feed-atom-category"),
    path("<int:year>/", views.NewsYearView.as_view(), name="year"),
    path("<int:year>/<slug:slug>/", views.NewsDetailView.as_view(), name="detail"),
]
