from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = "Events and slides"

    def ready(self):
        from spp_site.redirects import track_url_changes

        from . import models

        track_url_changes(models.Event)
        track_url_changes(models.SlideDeck)
