"""The site's own addresses: the home page, robots.txt, uploaded media and editors' pages."""

from django.conf import settings
from django.urls import path, re_path

from . import views

app_name = "site"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("robots.txt", views.robots_txt, name="robots"),
    path("search/", views.SearchView.as_view(), name="search"),
]

if settings.SERVE_MEDIA:
    urlpatterns.append(re_path(rf"^{settings.MEDIA_URL.lstrip('/')}(?P<path>.+)$", views.media, name="media"))

# Editors' pages (About, Imprint, Privacy, …) at their slugs: keep this last, and include this
# module after every other app's URLs (see RESERVED_PAGE_SLUGS).
urlpatterns.append(path("<slug:slug>/", views.PageView.as_view(), name="page"))
