from itertools import groupby

from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from django.views.generic import DetailView, ListView

from programs.models import Person
from spp_site.views import BreadcrumbsMixin, PublishedObjectMixin, private_preview

from . import calendar
from .downloads import client_fingerprint, document_response, zip_response
from .models import AgendaItem, Event, SlideDeck, SlideDeckVersion

# Speakers with their affiliations, for agenda rows and decks.
SPEAKERS = Prefetch("speakers", queryset=Person.objects.select_related("affiliation"))


class EventListView(ListView):
    """Upcoming events (including those in progress) first, then past events grouped by year."""

    model = Event
    template_name = "events/event_list.html"

    def get_kind(self):
        kind = self.request.GET.get("kind", "")
        return kind if kind in Event.Kind.values else ""

    def get_queryset(self):
        return Event.objects.past().of_kind(self.get_kind())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        kind = self.get_kind()
        context.update(
            kind=kind,
            kind_label=Event.Kind(kind).label if kind else "",
            kinds=Event.Kind.choices,
            upcoming=Event.objects.upcoming().of_kind(kind),
            past_by_year=[
                (year, list(events))
                for year, events in groupby(context["object_list"], key=lambda e: e.first_day.year)
            ],
        )
        return context


class EventDetailView(BreadcrumbsMixin, PublishedObjectMixin, DetailView):
    model = Event

    def get_breadcrumbs(self):
        return [(_("Events"), reverse("events:list")), (self.object.title, None)]

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .prefetch_related(
                "projects",
                Prefetch("agenda_items", queryset=AgendaItem.objects.prefetch_related(SPEAKERS)),
                Prefetch(
                    "slide_decks",
                    queryset=SlideDeck.objects.with_file()
                    .select_related("agenda_item")
                    .prefetch_related(SPEAKERS)
                    .in_programme_order(),
                ),
            )
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        event = self.object
        items = list(event.agenda_items.all())
        decks = list(event.slide_decks.all())
        for item in items:
            item.event = event  # the agenda's times are shown in the event's zone without another query
            item.decks = [deck for deck in decks if deck.agenda_item_id == item.pk]
        url = self.request.build_absolute_uri(event.get_absolute_url())
        context.update(
            agenda_days=[
                (day, list(group)) for day, group in groupby(items, key=lambda i: i.local_start.date())
            ],
            decks=decks,
            google_calendar_url=calendar.google_calendar_url(event, url),
            outlook_calendar_url=calendar.outlook_calendar_url(event, url),
            news=event.news_items.published()[:5],
        )
        return context


def _visible_events(request):
    return Event.objects.visible_to(request.user)


@require_safe
def event_ics(request, slug):
    event = get_object_or_404(_visible_events(request), slug=slug)
    response = _ics_response(calendar.calendar([event], request, event.title), f"{event.slug}.ics")
    return response if event.is_published else private_preview(response)


@require_safe
def talk_ics(request, slug, pk):
    """One agenda item's calendar file; like the event's, staff may preview a draft's."""
    talk = get_object_or_404(
        AgendaItem.objects.filter(event__in=_visible_events(request)).select_related("event"),
        event__slug=slug,
        pk=pk,
    )
    if not talk.has_calendar_file:
        raise Http404(_("This agenda item has no calendar file."))
    response = _ics_response(calendar.talk_calendar(talk, request), f"{talk.event.slug}-{talk.pk}.ics")
    return response if talk.event.is_published else private_preview(response)


@require_safe
def calendar_feed(request, kind=None):
    if kind is not None and kind not in Event.Kind.values:
        raise Http404(_("No such kind of event."))
    events = Event.objects.published().of_kind(kind).order_by("start")
    name = _("SPP 2298 events: %(kind)s") % {"kind": Event.Kind(kind).label} if kind else _("SPP 2298 events")
    return _ics_response(calendar.calendar(events, request, name), None)


def _ics_response(content: bytes, filename):
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    if filename:
        response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


@require_safe
def event_slides_zip(request, slug):
    event = get_object_or_404(_visible_events(request), slug=slug)
    decks = event.slide_decks.with_file().prefetch_related("speakers").order_by("agenda_item__start", "title")
    if not decks:
        raise Http404(_("This event has no slides."))
    return zip_response(request, event, decks, public=event.is_published)


class SlideDeckDetailView(BreadcrumbsMixin, PublishedObjectMixin, DetailView):
    model = SlideDeck

    def get_breadcrumbs(self):
        event = self.object.event
        return [
            (_("Events"), reverse("events:list")),
            (event.title, event.get_absolute_url()),
            (_("Slides"), None),
        ]

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("event", "agenda_item")
            .prefetch_related(SPEAKERS, "versions")
        )


@require_safe
def deck_download(request, slug):
    deck = get_object_or_404(SlideDeck.objects.visible_to(request.user).select_related("event"), slug=slug)
    public = deck.is_published
    count = (lambda: deck.count_download(client_fingerprint(request, deck))) if public else None
    return document_response(request, deck, count=count, public=public)


@require_safe
def version_download(request, slug, pk):
    version = get_object_or_404(
        SlideDeckVersion.objects.filter(deck__in=SlideDeck.objects.visible_to(request.user)).select_related(
            "deck__event"
        ),
        deck__slug=slug,
        pk=pk,
    )
    return document_response(request, version, public=version.deck.is_published)
