from django.apps import AppConfig


class NewsConfig(AppConfig):
    name = "news"
    verbose_name = "News"

    def ready(self):
        from spp_site.redirects import track_url_changes

        from . import models

        track_url_changes(models.NewsItem)
