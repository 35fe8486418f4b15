"""The site's own addresses: the home page, robots.txt, sitemap.xml, uploaded media and editors' pages."""

from django.conf import settings
from django.contrib.sitemaps.views import sitemap
from django.urls import path, re_path

from . import views
from .sitemaps import SITEMAPS

app_name = "site"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("robots.txt", views.robots_txt, name="robots"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
]

if settings.SERVE_MEDIA:
    urlpatterns.append(re_path(rf"^{settings.MEDIA_URL.lstrip('/')}(?P<path>.+)$", views.media, name="media"))

# Editors' pages (About, Imprint, Privacy, …) at their slugs: keep this last, and include this
# module after every other app's URLs (see RESERVED_PAGE_SLUGS).
urlpatterns.append(path("<slug:slug>/", views.PageView.as_view(), name="page"))
