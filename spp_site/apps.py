from django.apps import AppConfig


class SppSiteConfig(AppConfig):
    """The project package doubles as the site's app: what belongs to the whole site (the home
    page, editors' pages, site settings and menus) and what every app shares (old-URL redirects,
    template tags, the demo-content and admin-account commands, the editor roles)."""

    name = "spp_site"
    verbose_name = "Site"

    def ready(self):
        from . import cleanup, models, text
        from .redirects import track_url_changes

        text.connect()
        cleanup.connect()
        track_url_changes(models.Page)
