import functools
import math
from itertools import groupby

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_safe
from django.views.generic import DetailView, ListView

from programs.models import Person
from spp_site.http import client_ip
from spp_site.ratelimit import over_limit
from spp_site.views import BreadcrumbsMixin, PublishedObjectMixin, private_preview

from . import calendar
from .downloads import client_fingerprint, document_response, zip_response
from .forms import SpeakerUploadForm
from .models import AgendaItem, Event, SlideDeck, SlideDeckVersion, SpeakerUpload, UploadLink
from .services import receive_speaker_upload
from .upload_links import find_link, link_in_session, remember_link

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


# --- speakers' own uploads (issue 17) ---------------------------------------------------------
# The speaker follows the link they were sent, /speakers/upload/<token>/; it binds the session to
# the link and redirects to /speakers/upload/, the page, which shows that link's talk and nothing
# else. The token is in that first address only: never in a page, a form, a log line
# (spp_site.logs) or a Referer. These pages are never cached, indexed or referred from.
RECEIVED_KEY = "speaker_upload_received"


def speaker_page(view):
    """Every answer of a speaker's page, refusals included: private, not indexed, no Referer."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        response = private_preview(view(request, *args, **kwargs))
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        return response

    return wrapper


def _see_other(url):
    """303: the next request is a GET, whatever this one was."""
    response = HttpResponseRedirect(url)
    response.status_code = 303
    return response


def _refusal(request, status, title, message, retry_after=None):
    response = render(
        request, "events/speaker_upload_refused.html", {"title": title, "message": message}, status=status
    )
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


def _gone(request, link):
    if link.state == UploadLink.State.REVOKED:
        title = _("This upload link was withdrawn")
    else:
        title = _("This upload link has expired")
    return _refusal(request, 410, title, _("It can no longer be used to send slides."))


def _link_or_refusal(request):
    """The session's usable link, or the page that says why there is none."""
    link = link_in_session(request)
    if link is None:
        return None, _refusal(
            request,
            403,
            _("Open your personal upload link"),
            _("This page opens from the personal link you were sent by e-mail. Please follow that link."),
        )
    if not link.is_usable:
        return None, _gone(request, link)
    return link, None


@speaker_page
@require_safe
def speaker_upload_start(request, token):
    """Exchange the token for the session, and go to the page's address without it."""
    # The token is this page's address: no language switch or hreflang link may repeat it.
    request.hide_language_versions = True
    link = find_link(token)
    if link is None:
        return render(request, "404.html", status=404)
    if not link.is_usable:
        return _gone(request, link)
    remember_link(request, link)
    return _see_other(reverse("events:speaker-upload"))


def _rate_limited(request, link):
    limit = settings.SPEAKER_UPLOADS_PER_HOUR
    wait = max(
        over_limit(f"speaker-upload:link:{link.pk}", limit),
        over_limit(f"speaker-upload:ip:{client_ip(request)}", limit),
    )
    if not wait:
        return None
    return _refusal(
        request,
        429,
        _("Too many uploads"),
        ngettext(
            "Please try again in %(minutes)d minute, or write to the organisers.",
            "Please try again in %(minutes)d minutes, or write to the organisers.",
            math.ceil(wait / 60),
        )
        % {"minutes": math.ceil(wait / 60)},
        retry_after=wait,
    )


@speaker_page
@require_http_methods(["GET", "HEAD", "POST"])
def speaker_upload(request):
    link, refusal = _link_or_refusal(request)
    if refusal:
        return refusal
    talk = link.agenda_item
    pending = SpeakerUpload.objects.pending().filter(link=link).first()
    if request.method == "POST":
        limited = _rate_limited(request, link)
        if limited:
            return limited
        form = SpeakerUploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                upload = receive_speaker_upload(
                    link,
                    form.cleaned_data["file"],
                    title=form.cleaned_data["title"],
                    licence=form.cleaned_data["licence"],
                    note=form.cleaned_data["note"],
                )
            except ValidationError as exc:
                form.add_error("file", exc)
            else:
                request.session[RECEIVED_KEY] = upload.pk
                return _see_other(reverse("events:speaker-upload-done"))
    else:
        # A replacement starts from what the speaker sent before.
        initial = {"title": pending.title, "licence": pending.licence} if pending else {"title": talk.title}
        form = SpeakerUploadForm(initial=initial)
    deck = talk.slide_decks.with_file().order_by("-uploaded_at", "pk").first()
    context = {
        "link": link,
        "event": talk.event,
        "talk": talk,
        "speakers": list(talk.speakers.all()),
        "deck": deck,
        "deck_is_public": deck is not None and SlideDeck.objects.public().filter(pk=deck.pk).exists(),
        "pending": pending,
        "form": form,
        "max_size": settings.SLIDES_MAX_UPLOAD_SIZE,
    }
    response = render(request, "events/speaker_upload.html", context)
    # Not no-referrer here: under it, browsers send a form's POST with `Origin: null`, which
    # Django's CSRF check refuses. This address holds no secret, and same-origin sends none of it
    # to other sites.
    response["Referrer-Policy"] = "same-origin"
    return response


@speaker_page
@require_safe
def speaker_upload_done(request):
    link, refusal = _link_or_refusal(request)
    if refusal:
        return refusal
    upload = SpeakerUpload.objects.filter(link=link, pk=request.session.get(RECEIVED_KEY)).first()
    if upload is None:
        return _see_other(reverse("events:speaker-upload"))
    return render(
        request,
        "events/speaker_upload_done.html",
        {"link": link, "event": link.agenda_item.event, "talk": link.agenda_item, "upload": upload},
    )
