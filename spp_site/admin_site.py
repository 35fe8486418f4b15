"""The admin site: the coordination office's whole product. Its index page doubles as a
dashboard of what needs attention."""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig


class SppAdminSite(admin.AdminSite):
    site_header = "SPP 2298 · Site administration"
    site_title = "SPP 2298 admin"
    index_title = "Dashboard"
    index_template = "admin/spp_index.html"

    def index(self, request, extra_context=None):
        from .dashboard import attention_items

        extra_context = {**(extra_context or {}), "attention": attention_items(request.user)}
        return super().index(request, extra_context)


class SppAdminConfig(AdminConfig):
    default_site = "spp_site.admin_site.SppAdminSite"
