"""The site's own views (the home page that composes every app, editors' pages, the search,
media files, robots.txt) and the mixins every app's detail views share (breadcrumbs, staff previews)."""

import hashlib
import mimetypes
import posixpath
import sys

import botocore.exceptions
import psycopg
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpResponse
from django.template import loader
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.http import require_safe
from django.views.generic import DetailView, TemplateView

from events.models import Event
from news.models import NewsItem
from programs import map as germany_map
from programs.models import Call, Institution, Person, ResearchPerspective, Role, headline_numbers

from . import search
from .files import stored_file_response
from .models import Page, SearchEntry

# Media are written only by the site's own pipelines (images as WebP, slide decks, thumbnails);
# anything else is offered as a download, never rendered by the browser.
INLINE_TYPES = {"image/webp", "image/png", "image/jpeg", "image/gif", "application/pdf"}
# Slide files go out only through their download view (publishing rule, download counter).
PRIVATE_PREFIXES = ("decks/",)


@require_safe
def media(request, path):
    """Serve an uploaded file through the storage API (used when DJANGO_SERVE_MEDIA is on)."""
    # Only names exactly as the site stores them: no ".", "..", empty or private segments
    # (the storage would normalise "./decks/x" to "decks/x").
    if not path or posixpath.normpath(path) != path or path.startswith(("/", *PRIVATE_PREFIXES)):
        raise Http404(_("No such file."))
    try:
        file = default_storage.open(path, "rb")  # folders raise IsADirectoryError here
        modified = default_storage.get_modified_time(path)
        size = file.size
    except (SuspiciousFileOperation, NotImplementedError, ValueError, OSError) as exc:
        raise Http404(_("No such file.")) from exc
    content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
    inline = content_type in INLINE_TYPES
    return stored_file_response(
        request,
        default_storage,
        path,
        content_type=content_type if inline else "application/octet-stream",
        etag=hashlib.sha256(f"{path}:{size}:{modified.timestamp()}".encode()).hexdigest()[:32],
        last_modified=modified,
        filename=None if inline else path.rsplit("/", 1)[-1],
        as_attachment=not inline,
        # Stored names are content hashes: a name never changes its content.
        cache_control="public, max-age=31536000, immutable",
        file=file,
    )


# Errors of a database that cannot be reached (down, restarting, out of connections). Django wraps
# the driver's errors in its own; psycopg's are listed for any that reach us unwrapped. And those of
# an object store (STORAGE_S3_*) that cannot be reached or does not answer in time (botocore's).
SERVICE_UNAVAILABLE = (
    OperationalError,
    InterfaceError,
    psycopg.OperationalError,
    psycopg.InterfaceError,
    botocore.exceptions.ConnectionError,
    botocore.exceptions.HTTPClientError,
)
RETRY_AFTER_SECONDS = 60


def service_unavailable(error: BaseException | None) -> bool:
    """Whether `error`, or an error it was raised from or during, means the database or the object
    store cannot be reached."""
    seen = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, SERVICE_UNAVAILABLE):
            return True
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return False


def server_error(request):
    """handler500. When the database or the object store cannot be reached, a 503 with
    Retry-After, rendered like Django's 500 page without a request: no context processor, so no
    query. Other errors get Django's own 500 page (templates/500.html)."""
    if not service_unavailable(sys.exc_info()[1]):
        return defaults.server_error(request)
    response = HttpResponse(loader.get_template("503.html").render(), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class BreadcrumbsMixin:
    """A page's place in the site as (label, URL) pairs from the top down, the last being the page
    itself (URL None). base.html shows the trail through includes/_breadcrumbs.html."""

    def get_breadcrumbs(self) -> list[tuple[str, str | None]]:
        return []

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["breadcrumbs"] = self.get_breadcrumbs()
        return context


class PublishedObjectMixin:
    """For detail views of models whose QuerySet has `visible_to(user)` and whose rows have
    `is_published` (Publishable models, slide decks): visitors see published items; staff who may
    view them also see drafts and scheduled items, as a clearly bannered, uncached preview."""

    def get_queryset(self):
        return super().get_queryset().visible_to(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["is_preview"] = not self.object.is_published
        return context

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        return private_preview(response) if context.get("is_preview") else response


def private_preview(response):
    """Staff previews of unpublished content: never stored by shared caches or indexed."""
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


@require_safe
def robots_txt(request):
    # The language switch only sets a cookie and redirects; crawlers find each language's pages
    # through the pages' hreflang links.
    sitemap = request.build_absolute_uri(reverse("sitemap"))
    lines = ["User-agent: *", "Disallow: /admin/", "Disallow: /i18n/", "", f"Sitemap: {sitemap}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


class HomeView(TemplateView):
    """The front page: the program in numbers, its perspectives, the map of institutions, the open
    call, upcoming events and the latest news — each through its own app's QuerySet methods."""

    template_name = "spp_site/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        featured = list(NewsItem.objects.featured().for_listing()[:1])
        latest = NewsItem.objects.published().for_listing().exclude(pk__in=[n.pk for n in featured])[:3]
        context.update(
            numbers=headline_numbers(),
            perspectives=ResearchPerspective.objects.all(),
            map=germany_map.build(Institution.objects.on_map()),
            # A cancelled event is listed after those still taking place, struck through.
            upcoming_events=Event.objects.upcoming().cancelled_last()[:3],
            annual_meeting=Event.objects.next_annual_meeting(),
            coordinator=Person.objects.with_role(Role.COORDINATOR).select_related("affiliation").first(),
            featured_news=featured,
            latest_news=latest,
            open_call=Call.objects.open().order_by("deadline").first(),
        )
        return context


class PageView(PublishedObjectMixin, DetailView):
    """An editor-written page (About, Imprint, Privacy, …) at /<slug>/."""

    model = Page


class SearchView(TemplateView):
    """/search/?q=…&type=…: the site search (spp_site.search), ranked, filterable by kind, paged.

    Not stored by the page cache (`Cache-Control: private`): every query string would be a page of
    its own, an unbounded number of rarely repeated entries that would push real pages out."""

    template_name = "spp_site/search.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = search.query_text(self.request.GET.get("q", ""))
        kind = self.request.GET.get("type", "")
        kind = kind if kind in SearchEntry.Kind.values else ""
        results = search.search(query, kind or None)
        page = Paginator(results, search.PER_PAGE).get_page(self.request.GET.get("page"))
        total = sum(results.counts.values())
        context.update(
            query=query,
            searched=bool(results.terms),
            kind=kind,
            kind_label=SearchEntry.Kind(kind).label if kind else "",
            total=total,
            facets=[
                (value, label, results.counts[value])
                for value, label in SearchEntry.Kind.choices
                if results.counts[value]
            ],
            page_obj=page,
            paginator=page.paginator,
            is_paginated=page.has_other_pages(),
            results=page.object_list,
            querystring=urlencode({"q": query, **({"type": kind} if kind else {})}),
            suggestions=search.suggestions(results.terms) if results.terms and not total else [],
        )
        return context

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        patch_cache_control(response, private=True)
        return response
