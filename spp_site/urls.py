from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path

from . import admin_views, views

urlpatterns = [
    path("admin/markdown/preview/", admin_views.markdown_preview, name="markdownx_markdownify"),
    path("admin/markdown/upload/", admin_views.markdown_image_upload, name="markdownx_upload"),
    path("admin/", admin.site.urls),
    path("robots.txt", views.robots_txt, name="robots"),
    path("news/", include("news.urls")),
    path("", include("events.urls")),
    path("", include("programs.urls")),
]

if settings.SERVE_MEDIA:
    media_prefix = settings.MEDIA_URL.lstrip("/")
    urlpatterns.insert(0, re_path(rf"^{media_prefix}(?P<path>.+)$", views.media, name="media"))
