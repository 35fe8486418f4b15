from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsConfig(AppConfig):
    name = "news"
    verbose_name = _("News")

    def ready(self):
        from spp_site.redirects import track_url_changes

        from . import models

        track_url_changes(models.NewsItem)
