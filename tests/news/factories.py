import datetime

import factory
from django.utils import timezone

from news.models import NewsItem
from spp_site.publishing import Status


class NewsItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NewsItem

    title = factory.Sequence(lambda n: f"News item {n}")
    slug = factory.Sequence(lambda n: f"news-item-{n}")
    teaser = "A short teaser."
    body = "The **body** of the item."
    status = Status.PUBLISHED
    publish_at = factory.Sequence(lambda n: timezone.now() - datetime.timedelta(days=n + 1))
