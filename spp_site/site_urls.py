"""The site's own addresses: the home page, the search, robots.txt, sitemap.xml, uploaded media,
the language switch and editors' pages."""

from django.conf import settings
from django.contrib.sitemaps.views import sitemap
from django.urls import path, re_path

from . import i18n, views
from .sitemaps import SITEMAPS

app_name = "site"

# The site's pages, in every language (included below the /de/ prefix by spp_site/urls.py).
urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("search/", views.SearchView.as_view(), name="search"),
]

# Addresses that are the same in every language (outside the prefix, without a namespace).
language_neutral = [
    path("robots.txt", views.robots_txt, name="robots"),
    path("i18n/<slug:code>/", i18n.switch_language, name="set-language"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
]

if settings.SERVE_MEDIA:
    language_neutral.append(
        re_path(rf"^{settings.MEDIA_URL.lstrip('/')}(?P<path>.+)$", views.media, name="media")
    )

# Editors' pages (About, Imprint, Privacy, …) at their slugs: keep this last, and include this
# module after every other app's URLs (see RESERVED_PAGE_SLUGS).
urlpatterns.append(path("<slug:slug>/", views.PageView.as_view(), name="page"))
