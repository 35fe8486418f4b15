from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Events and slides")

    def ready(self):
        from spp_site.redirects import track_url_changes

        from . import models

        track_url_changes(models.Event)
        track_url_changes(models.SlideDeck)
