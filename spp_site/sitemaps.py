"""sitemap.xml (django.contrib.sitemaps): every public page, one Sitemap class per kind.

What is public comes from each app's QuerySet methods (`published()`, `SlideDeck.objects.public()`),
never from a filter restated here. `lastmod` is the moment an item last changed *for visitors*:
for publishable items the later of their last save and their publication (a scheduled item that
goes live is new then), for models without timestamps their last change in the edit history
(django-simple-history keeps one row per save), for listing pages the newest change among what
they list.

Addresses are absolute with the request's scheme and host, as everywhere on the site (Django's
sitemap view uses `RequestSite` when django.contrib.sites is not installed). The sitemap goes
through the page cache like any page: an edit replaces the content token, and a scheduled item
appears at its moment because the models' `changes_after` name it (slide decks follow their
event's publication).

Languages: every page is listed once per language (English at /…, German at /de/…), each entry
with its hreflang alternates and an x-default (the English address), as `i18n_patterns` serves them.
"""

from django.contrib.sitemaps import Sitemap
from django.db.models import Max, OuterRef, Subquery
from django.db.models.functions import ExtractYear
from django.urls import reverse

from events.models import Event, SlideDeck
from news.models import NewsItem
from programs.models import Call, Person, Project, ResearchPerspective

from .models import Page


class SiteSitemap(Sitemap):
    """Shared by every section: every language's address, with hreflang alternates."""

    i18n = True
    alternates = True
    x_default = True


def last_change_in_history(model):
    """An annotation: when the row last changed, from its edit history (for models without
    timestamps of their own), in the same query as the rows."""
    history = model.history.model
    latest = history.objects.filter(id=OuterRef("pk")).order_by("-history_date").values("history_date")[:1]
    return Subquery(latest)


def publishable_lastmod(item):
    """The later of the last save and the publication (see the module's docstring)."""
    return max(item.updated_at, item.publish_at)


class PublishableSitemap(SiteSitemap):
    """Pages of `Publishable` models: the published ones."""

    model = None

    def items(self):
        return self.model.objects.published().order_by("pk")

    def lastmod(self, item):
        return publishable_lastmod(item)


class PageSitemap(PublishableSitemap):
    model = Page


class NewsSitemap(PublishableSitemap):
    model = NewsItem


class EventSitemap(PublishableSitemap):
    """Published events, cancelled ones included (they stay public, marked as cancelled)."""

    model = Event


class CallSitemap(PublishableSitemap):
    model = Call


class SlideDeckSitemap(SiteSitemap):
    """Decks of published events that have a file. A deck goes public with its event."""

    def items(self):
        return SlideDeck.objects.public().select_related("event").order_by("pk")

    def lastmod(self, item):
        return max(item.uploaded_at, item.event.publish_at)


class HistorySitemap(SiteSitemap):
    """Pages of models that are always public and have no timestamps of their own."""

    model = None

    def items(self):
        return self.model.objects.annotate(last_change=last_change_in_history(self.model)).order_by("pk")

    def lastmod(self, item):
        return item.last_change


class PerspectiveSitemap(HistorySitemap):
    model = ResearchPerspective


class ProjectSitemap(HistorySitemap):
    model = Project


class PersonSitemap(HistorySitemap):
    model = Person


class NewsYearSitemap(SiteSitemap):
    """The year archives (/news/2024/): years with published news, each changed when its newest item did."""

    def items(self):
        return list(
            NewsItem.objects.published()
            .annotate(year=ExtractYear("publish_at"))
            .values("year")
            .annotate(last_change=Max("updated_at"), last_published=Max("publish_at"))
            .order_by("year")
        )

    def location(self, item):
        return reverse("news:year", kwargs={"year": item["year"]})

    def lastmod(self, item):
        return max(item["last_change"], item["last_published"])


def _latest_publishable(model):
    found = model.objects.published().aggregate(saved=Max("updated_at"), published=Max("publish_at"))
    moments = [moment for moment in found.values() if moment is not None]
    return max(moments, default=None)


def _latest_in_history(model):
    return model.history.aggregate(latest=Max("history_date"))["latest"]


class ListingSitemap(SiteSitemap):
    """The home page and the listing pages; each changed when the newest item it lists did."""

    # URL name -> the models whose newest change dates the page.
    PAGES = {
        "site:home": None,
        "programs:perspective-list": ResearchPerspective,
        "programs:project-list": Project,
        "programs:person-list": Person,
        "events:list": Event,
        "news:list": NewsItem,
        "programs:apply": Call,
    }

    def items(self):
        return list(self.PAGES)

    def location(self, item):
        return reverse(item)

    def lastmod(self, item):
        model = self.PAGES[item]
        if model is None:
            return None  # the home page shows a bit of everything, also changing with the clock
        if hasattr(model.objects, "published"):
            return _latest_publishable(model)
        return _latest_in_history(model)


SITEMAPS = {
    "listings": ListingSitemap,
    "pages": PageSitemap,
    "research": PerspectiveSitemap,
    "projects": ProjectSitemap,
    "people": PersonSitemap,
    "events": EventSitemap,
    "slides": SlideDeckSitemap,
    "news": NewsSitemap,
    "news-years": NewsYearSitemap,
    "calls": CallSitemap,
}
