from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Events and slides")

    def ready(self):
        from django.db.models.signals import post_save

        from spp_site.redirects import track_url_changes

        from . import models, notifications

        track_url_changes(models.Event)
        track_url_changes(models.SlideDeck)
        post_save.connect(
            notifications.upload_created, sender=models.SpeakerUpload, dispatch_uid="events-upload-notify"
        )
