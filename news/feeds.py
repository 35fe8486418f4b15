"""RSS 2.0 and Atom feeds of published news, site-wide and per category."""

from django.contrib.syndication.views import Feed
from django.http import Http404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.html import escape
from django.utils.translation import gettext as _

from spp_site.markdown import absolutize_urls, render_markdown
from spp_site.text import single_line, strip_control_characters

from .models import NewsItem

FEED_LENGTH = 30


class _FullContentRss(Rss201rev2Feed):
    """RSS with the full sanitised body in <content:encoded> (the teaser is the <description>)."""

    def rss_attributes(self):
        return {**super().rss_attributes(), "xmlns:content": "http://purl.org/rss/1.0/modules/content/"}

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item.get("content_html"):
            handler.addQuickElement("content:encoded", item["content_html"])


class _FullContentAtom(Atom1Feed):
    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item.get("content_html"):
            handler.addQuickElement("content", item["content_html"], {"type": "html"})


class NewsFeed(Feed):
    feed_type = _FullContentRss
    description_template = None

    def get_object(self, request, category=None):
        if category is not None and category not in NewsItem.Category.values:
            raise Http404(_("No such category."))
        self.request = request
        return category

    def title(self, category):
        if category:
            return _("SPP 2298 news – %(category)s") % {"category": NewsItem.Category(category).label}
        return _("SPP 2298 news")

    def link(self, category):
        return reverse("news:list") + (f"?category={category}" if category else "")

    def feed_url(self, category):
        name = "news:feed-atom" if self.feed_type is _FullContentAtom else "news:feed-rss"
        if category:
            return reverse(f"{name}-category", kwargs={"category": category})
        return reverse(name)

    def description(self, category):
        return _("News from the DFG Priority Program SPP 2298 “Theoretical Foundations of Deep Learning”.")

    def subtitle(self, category):
        return self.description(category)

    def items(self, category):
        return (
            NewsItem.objects.published().in_category(category).select_related("author_person")[:FEED_LENGTH]
        )

    def item_title(self, item):
        return single_line(item.title)

    def item_description(self, item):
        # Plain text; feed readers treat the description as HTML.
        return escape(strip_control_characters(item.teaser))

    def item_link(self, item):
        return item.get_absolute_url()

    def item_guid(self, item):
        return f"urn:uuid:{item.uuid}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.publish_at

    def item_updateddate(self, item):
        return max(item.updated_at, item.publish_at)

    def item_author_name(self, item):
        return single_line(item.author_name) or _("SPP 2298 coordination office")

    def item_categories(self, item):
        return [item.get_category_display()]

    def item_extra_kwargs(self, item):
        base = self.request.build_absolute_uri("/")
        return {
            "content_html": absolutize_urls(str(render_markdown(strip_control_characters(item.body))), base)
        }


class NewsAtomFeed(NewsFeed):
    feed_type = _FullContentAtom
