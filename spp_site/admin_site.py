"""The admin site: the coordination office's whole product. Its index page doubles as a
dashboard of what needs attention; it also serves the Markdown editor's preview and image upload."""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.urls import path


class SppAdminSite(admin.AdminSite):
    site_header = "SPP 2298 · Site administration"
    site_title = "SPP 2298 admin"
    index_title = "Dashboard"
    index_template = "admin/spp_index.html"

    def index(self, request, extra_context=None):
        from .dashboard import attention_items

        extra_context = {**(extra_context or {}), "attention": attention_items(request.user)}
        return super().index(request, extra_context)

    def get_urls(self):
        from . import admin_views

        # django-markdownx's widget posts to these paths (MARKDOWNX_URLS_PATH and
        # MARKDOWNX_UPLOAD_URLS_PATH in settings); the views check staff and permissions.
        return [
            path("markdown/preview/", admin_views.markdown_preview, name="markdown-preview"),
            path("markdown/upload/", admin_views.markdown_image_upload, name="markdown-upload"),
            *super().get_urls(),
        ]


class SppAdminConfig(AdminConfig):
    default_site = "spp_site.admin_site.SppAdminSite"
