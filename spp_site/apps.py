from django.apps import AppConfig


class SppSiteConfig(AppConfig):
    """The project package doubles as the app for what every app shares (old-URL redirects,
    template tags, the demo-content and admin-account commands, the editor roles)."""

    name = "spp_site"
    verbose_name = "Site"

    def ready(self):
        from . import text

        text.connect()
