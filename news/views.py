from django.db.models.functions import ExtractYear
from django.http import Http404
from django.shortcuts import redirect
from django.views.generic import DetailView, ListView

from spp_site.views import PublishedObjectMixin

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


class NewsYearView(NewsListMixin, ListView):
    def get_queryset(self):
        return super().get_queryset().in_year(self.kwargs["year"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if not context["object_list"] and not context["category"]:
            raise Http404("No news in this year.")
        context["year"] = self.kwargs["year"]
        return context


class NewsDetailView(PublishedObjectMixin, DetailView):
    model = NewsItem

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("author_person")
            .prefetch_related("related_events", "related_projects")
        )

    def get(self, request, *args, **kwargs):
        item = self.get_object()
        if item.get_absolute_url() != request.path:  # right slug, other year: send to the real address
            return redirect(item, permanent=True)
        return super().get(request, *args, **kwargs)

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
