"""The admin site: the coordination office's whole product. Its index page doubles as a
dashboard of what needs attention; it also serves the Markdown editor's preview and image upload,
and signing in with a second factor (auth_views.py, two_factor.py)."""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponseRedirect
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache


class SppAdminSite(admin.AdminSite):
    site_header = _("SPP 2298 · Site administration")
    site_title = _("SPP 2298 admin")
    index_title = _("Dashboard")
    index_template = "admin/spp_index.html"

    def index(self, request, extra_context=None):
        from .dashboard import attention_items, quick_links

        extra_context = {
            **(extra_context or {}),
            "attention": attention_items(request.user),
            "quick_links": quick_links(request.user),
        }
        return super().index(request, extra_context)

    def admin_view(self, view, cacheable=False, *, enrolling=False):
        """Every admin page also asks for the second factor of whoever has one, and sends site
        administrators who must have one to set it up first (two_factor.admin_redirect); the set-up
        pages pass `enrolling`, signing out is always possible."""
        from .two_factor import admin_redirect

        if view == self.logout:
            return super().admin_view(view, cacheable)

        def second_factor_first(request, *args, **kwargs):
            return admin_redirect(request, enrolling=enrolling) or view(request, *args, **kwargs)

        return super().admin_view(second_factor_first, cacheable)

    @method_decorator(never_cache)
    @login_not_required
    def login(self, request, extra_context=None):
        """Django's admin login (same context and template) with the password step of
        auth_views.AdminLoginView, which hands over to the code step; Django has no hook for it."""
        from django.contrib.admin.forms import AdminAuthenticationForm  # imports models: not at load

        from .auth_views import AdminLoginView

        if request.method == "GET" and self.has_permission(request):
            return HttpResponseRedirect(reverse("admin:index", current_app=self.name))
        context = {
            **self.each_context(request),
            "title": gettext("Log in"),
            "subtitle": None,
            "app_path": request.get_full_path(),
            "username": request.user.get_username(),
        }
        if REDIRECT_FIELD_NAME not in request.GET and REDIRECT_FIELD_NAME not in request.POST:
            context[REDIRECT_FIELD_NAME] = reverse("admin:index", current_app=self.name)
        context.update(extra_context or {})
        request.current_app = self.name
        return AdminLoginView.as_view(
            extra_context=context,
            authentication_form=self.login_form or AdminAuthenticationForm,
            template_name=self.login_template or "admin/login.html",
        )(request)

    def get_urls(self):
        from . import admin_views, auth_views, invitations

        def page(view_class, **kwargs):
            return view_class.as_view(admin_site=self, **kwargs)

        return [
            # django-markdownx's widget posts to these paths (MARKDOWNX_URLS_PATH and
            # MARKDOWNX_UPLOAD_URLS_PATH in settings); the views check staff and permissions.
            path("markdown/preview/", self.admin_view(admin_views.markdown_preview), name="markdown-preview"),
            path(
                "markdown/upload/", self.admin_view(admin_views.markdown_image_upload), name="markdown-upload"
            ),
            path(
                "login/code/",
                login_not_required(never_cache(page(auth_views.LoginCodeView))),
                name="login-code",
            ),
            path("language/", self.admin_view(page(admin_views.EditorLanguageView)), name="language"),
            path("guide/", self.admin_view(page(admin_views.EditorsGuideView)), name="editors-guide"),
            path(
                "two-factor/",
                self.admin_view(page(auth_views.TwoFactorView), enrolling=True),
                name="two-factor",
            ),
            path(
                "two-factor/setup/",
                self.admin_view(page(auth_views.TwoFactorSetupView), enrolling=True),
                name="two-factor-setup",
            ),
            path(
                "two-factor/backup-codes/",
                self.admin_view(page(auth_views.BackupCodesView), enrolling=True),
                name="two-factor-backup-codes",
            ),
            # Before the user admin's own URLs, where "invite" would be read as a user's id.
            path(
                "auth/user/invite/",
                self.admin_view(page(invitations.InviteEditorView)),
                name="invite-editor",
            ),
            # The link in an invitation e-mail, opened before signing in (a password-reset link).
            path(
                "password/set/<uidb64>/<token>/",
                login_not_required(page(invitations.SetPasswordView)),
                name="password-set",
            ),
            path(
                "password/set/done/",
                login_not_required(page(invitations.SetPasswordDoneView)),
                name="password-set-done",
            ),
            *super().get_urls(),
        ]


class SppAdminConfig(AdminConfig):
    default_site = "spp_site.admin_site.SppAdminSite"
