from django.db.models.functions import ExtractYear
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import DetailView, ListView, YearArchiveView

from spp_site.views import BreadcrumbsMixin, PublishedObjectMixin

from .models import NewsItem


class NewsListMixin:
    model = NewsItem
    paginate_by = 10
    template_name = "news/newsitem_list.html"

    def get_category(self):
        category = self.request.GET.get("category", "")
        return category if category in NewsItem.Category.values else ""

    def get_queryset(self):
        return NewsItem.objects.published().in_category(self.get_category()).for_listing()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        category = self.get_category()
        context.update(
            category=category,
            category_label=NewsItem.Category(category).label if category else "",
            categories=NewsItem.Category.choices,
            years=NewsItem.objects.published()
            .annotate(year=ExtractYear("publish_at"))
            .values_list("year", flat=True)
            .distinct()
            .order_by("-year"),
            querystring=f"category={category}" if category else "",
        )
        return context


class NewsListView(NewsListMixin, ListView):
    pass


class NewsYearView(BreadcrumbsMixin, NewsListMixin, YearArchiveView):
    """/news/2024/: the published items of a year (in the site's time zone); 404 for a year without
    news, an empty list when only the category filter leaves nothing."""

    date_field = "publish_at"
    make_object_list = True
    allow_future = False

    def get_allow_empty(self):
        return bool(self.get_category())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["year"] = context["year"].year  # YearArchiveView gives the year's first day
        return context

    def get_breadcrumbs(self):
        return [(_("News"), reverse("news:list")), (str(self.get_year()), None)]


class NewsDetailView(BreadcrumbsMixin, PublishedObjectMixin, DetailView):
    model = NewsItem

    def get_queryset(self):
        return super().get_queryset().select_related("author_person").prefetch_related("related_projects")

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        if self.object.get_absolute_url() != request.path:  # right slug, other year: the real address
            return redirect(self.object, permanent=True)
        return self.render_to_response(self.get_context_data(object=self.object))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        item = self.object
        published = NewsItem.objects.published()
        context["previous_item"] = (
            published.filter(publish_at__lt=item.publish_at).order_by("-publish_at", "-pk").first()
        )
        context["next_item"] = (
            published.filter(publish_at__gt=item.publish_at).order_by("publish_at", "pk").first()
        )
        context["related_events"] = item.related_events.published()
        return context

    def get_breadcrumbs(self):
        year = self.object.local_year
        return [
            (_("News"), reverse("news:list")),
            (str(year), reverse("news:year", kwargs={"year": year})),
            (self.object.title, None),
        ]
