from axes.apps import AppConfig as AxesAppConfig
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.apps import DefaultConfig as StaticAppConfig
from django_otp.plugins.otp_totp.apps import DefaultConfig as TOTPAppConfig


class SppSiteConfig(AppConfig):
    """The project package doubles as the site's app: what belongs to the whole site (the home
    page, editors' pages, site settings and menus) and what every app shares (old-URL redirects,
    template tags, the demo-content and admin-account commands, the editor roles)."""

    name = "spp_site"
    verbose_name = _("Site")
    default = True  # the one for "spp_site" among the configs in this module

    def ready(self):
        from . import cleanup, logs, markdown, models, pagecache, search, text
        from .redirects import track_url_changes

        text.connect()
        logs.connect()
        cleanup.connect()
        pagecache.connect()
        markdown.connect()
        search.connect()
        track_url_changes(models.Page)


# The sign-in security apps, under names a site administrator recognises in the admin.
class SignInLockoutsConfig(AxesAppConfig):
    verbose_name = _("Sign-in lock-outs")


class AuthenticatorAppsConfig(TOTPAppConfig):
    verbose_name = _("Two-factor: authenticator apps")


class BackupCodesConfig(StaticAppConfig):
    verbose_name = _("Two-factor: backup codes")
