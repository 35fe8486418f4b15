import datetime
import logging
import smtplib
import time
import zoneinfo

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import AutocompleteSelectMultiple
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from spp_site.admin import (
    ContentAdmin,
    ContentInlineMixin,
    PublishableAdmin,
    admin_moment,
    moment_display,
    thumbnail,
)
from spp_site.spreadsheets import csv_response

from .downloads import document_response
from .forms import (
    AgendaItemForm,
    BulkUploadForm,
    ConfirmDeckForm,
    ExtendLinkForm,
    LinkMessageForm,
    SlideDeckForm,
    UploadLinksForm,
    default_link_message,
    default_link_subject,
    expiry_from_day,
)
from .models import (
    TIMEZONE_CHOICES,
    AgendaItem,
    Event,
    SlideDeck,
    SlideDeckVersion,
    SpeakerUpload,
    UploadLink,
    site_timezone,
)
from .services import (
    approve_speaker_upload,
    confirm_pending,
    discard_pending,
    fill_speakers_from_talk,
    read_pending,
    reject_speaker_upload,
    stash_upload,
)
from .upload_links import create_link, email_link, link_url
from .uploads import inspect_document

logger = logging.getLogger(__name__)

JUST_BEFORE = datetime.timedelta(microseconds=1)


def _zone(name):
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, TypeError):
        return zoneinfo.ZoneInfo(site_timezone())


class PreloadedAutocomplete(AutocompleteSelectMultiple):
    """An autocomplete whose chosen options come from `preloaded` (pk -> label, set by the form
    from the row's prefetched speakers) instead of one query per row; others are still looked up."""

    preloaded = None

    def optgroups(self, name, value, attr=None):
        known = self.preloaded or {}
        wanted = {str(v) for v in value if str(v) not in self.choices.field.empty_values}
        if not wanted <= known.keys():
            return super().optgroups(name, value, attr)
        options = [
            self.create_option(name, pk, label, True, index)
            for index, (pk, label) in enumerate((pk, known[pk]) for pk in known if pk in wanted)
        ]
        return [(None, options, 0)]


class AgendaItemInline(ContentInlineMixin, admin.StackedInline):
    model = AgendaItem
    form = AgendaItemForm
    extra = 0
    fields = [
        ("day", "start_time", "end_time", "duration"),
        "title",
        ("kind", "room"),
        "speakers",
        "guest_speakers",
        "abstract",
        "upload_links",
    ]
    readonly_fields = ["upload_links"]
    autocomplete_fields = ["speakers"]
    classes = ["collapse"]

    @admin.display(description=_("slides from the speakers"))
    def upload_links(self, obj):
        """To this talk on the event's "Speaker upload links" page (chosen there)."""
        if not (obj and obj.pk):
            return "—"
        url = reverse("admin:events_event_upload_links", args=[obj.event_id])
        return format_html(
            '<a href="{}?talk={}#talk-{}">{}</a>', url, obj.pk, obj.pk, gettext("Upload links for this talk")
        )

    class Media:
        js = ["admin/agenda.js"]

    def get_queryset(self, request):
        # Speakers read once for all rows; rows in time order (after every save too).
        return super().get_queryset(request).prefetch_related("speakers").order_by("start", "pk")

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "speakers":
            kwargs["widget"] = PreloadedAutocomplete(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_manytomany(db_field, request, **kwargs)


def talk_choices(request, event_id):
    """The talks of an event as choices, read once per request for all the slide-deck rows."""
    cache = request.__dict__.setdefault("_spp_talk_choices", {})
    if event_id not in cache:
        talks = AgendaItem.objects.filter(event_id=event_id).order_by("start", "pk") if event_id else []
        cache[event_id] = [("", "---------"), *((talk.pk, str(talk)) for talk in talks)]
    return cache[event_id]


def speakers_widget_attrs():
    return {"data-speakers-url": reverse("admin:events_slidedeck_talk_speakers")}


def report_disarmed(request, form):
    """Tell the editor what was taken out of the file just uploaded with `form` (a SlideDeckForm)."""
    inspected = getattr(form, "inspected", None)
    if inspected and inspected.notice:
        messages.warning(request, disarmed_message(form.cleaned_data["upload"].name, inspected.notice))


def disarmed_message(name, notice):
    return gettext("“%(name)s” %(notice)s") % {"name": name, "notice": notice}


class SlideDeckInline(ContentInlineMixin, admin.StackedInline):
    model = SlideDeck
    form = SlideDeckForm
    extra = 0
    fields = [
        "title",
        "slug",
        "upload",
        "file_summary",
        "agenda_item",
        "speakers",
        "guest_speakers",
        "licence",
        "language",
    ]
    readonly_fields = ["file_summary"]
    autocomplete_fields = ["speakers"]
    prepopulated_fields = {"slug": ["title"]}
    show_change_link = True

    @admin.display(description=_("current file"))
    def file_summary(self, obj):
        if not obj or not obj.file:
            return "—"
        return f"{obj.original_filename} ({obj.summary})"

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "agenda_item":
            event_id = request.resolver_match.kwargs.get("object_id")
            kwargs["queryset"] = (
                AgendaItem.objects.filter(event_id=event_id) if event_id else AgendaItem.objects.none()
            )
            kwargs["widget"] = forms.Select(attrs=speakers_widget_attrs())
            field = super().formfield_for_foreignkey(db_field, request, **kwargs)
            field.choices = talk_choices(request, event_id)  # one query, not one per deck row
            return field
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    class Media:
        js = ["admin/deck-speakers.js"]


@admin.register(Event)
class EventAdmin(PublishableAdmin):
    list_display = [
        "title",
        "kind",
        "local_start_display",
        "visibility",
        "agenda_count",
        "deck_count",
        "public_link",
    ]
    list_filter = ["kind", "status", ("start", admin.DateFieldListFilter)]
    search_fields = ["title", "summary", "description", "venue_name"]
    date_hierarchy = "start"
    ordering = ["-start"]  # Meta.ordering does not apply to the annotated (GROUP BY) queryset
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["projects"]
    inlines = [AgendaItemInline, SlideDeckInline]
    change_form_template = "admin/events/event/change_form.html"
    fieldsets = [
        (None, {"fields": ["title", "slug", "kind", "summary"]}),
        (
            _("When"),
            {
                "fields": ["timezone", "start", "end", "all_day"],
                "description": _(
                    "Start, end and all agenda times are in the event's time zone (chosen here). "
                    "Change the zone and save before entering times for an event abroad."
                ),
            },
        ),
        (_("Where"), {"fields": ["venue_name", "address", "online_url"]}),
        (_("Description"), {"fields": ["description", "cover_image", "cover_alt", "projects"]}),
        (_("Registration"), {"fields": ["registration_url", "registration_deadline"]}),
        (_("Publishing"), {"fields": ["status", "publish_at"]}),
    ]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "timezone":
            kwargs["widget"] = forms.Select(choices=TIMEZONE_CHOICES)
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                agenda_total=Count("agenda_items", distinct=True),
                deck_total=Count("slide_decks", distinct=True),
            )
        )

    @admin.display(description=_("starts"), ordering="start")
    def local_start_display(self, obj):
        label = admin_moment(obj.local_start)
        return f"{label} ({obj.timezone})" if obj.shows_zone else label

    @admin.display(description=_("agenda items"), ordering="agenda_total")
    def agenda_count(self, obj):
        return obj.agenda_total

    @admin.display(description=_("slide decks"), ordering="deck_total")
    def deck_count(self, obj):
        return obj.deck_total

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        """Show and read every datetime on the page in the event's own time zone."""
        if request.method == "POST" and request.POST.get("timezone"):
            zone = _zone(request.POST["timezone"])
        elif object_id and str(object_id).isdigit():
            zone = _zone(Event.objects.filter(pk=object_id).values_list("timezone", flat=True).first())
        else:
            zone = _zone(site_timezone())
        with timezone.override(zone):
            response = super().changeform_view(request, object_id, form_url, extra_context)
            if hasattr(response, "render"):
                response.render()  # a TemplateResponse renders lazily: do it while the zone is active
            return response

    def get_inline_instances(self, request, obj=None):
        inlines = super().get_inline_instances(request, obj)
        if obj is not None and obj.pk and obj.agenda_items.exists():
            for inline in inlines:
                if isinstance(inline, AgendaItemInline):
                    inline.classes = []  # the programme is open when there is one
        return inlines

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        for deck_form in formset.forms:
            if deck_form not in formset.deleted_forms:
                report_disarmed(request, deck_form)
                if formset.model is SlideDeck and deck_form.instance.pk:
                    fill_speakers_from_talk(deck_form.instance)

    def get_urls(self):
        return [
            path(
                "<path:object_id>/upload-slides/",
                self.admin_site.admin_view(self.bulk_upload_view),
                name="events_event_bulk_upload",
            ),
            path(
                "<path:object_id>/upload-links/",
                self.admin_site.admin_view(self.upload_links_view),
                name="events_event_upload_links",
            ),
            path(
                "<path:object_id>/upload-links.csv",
                self.admin_site.admin_view(self.upload_links_csv),
                name="events_event_upload_links_csv",
            ),
            *super().get_urls(),
        ]

    # --- speakers' upload links ---------------------------------------------------------------

    def _links_event(self, request, object_id):
        event = self.get_object(request, unquote(object_id))
        if event is None:
            raise Http404(gettext("No such event."))
        if not (
            self.has_view_or_change_permission(request, event)
            and request.user.has_perms(["events.add_uploadlink", "events.change_uploadlink"])
        ):
            raise PermissionDenied
        return event

    def upload_links_view(self, request, object_id):
        """Every talk of the event with its speakers and upload links: make links for chosen talks
        (and e-mail them), copy, e-mail again, revoke or extend a link."""
        event = self._links_event(request, object_id)
        page_url = reverse("admin:events_event_upload_links", args=[event.pk])
        form = UploadLinksForm(event=event)
        if request.method == "POST" and "create" in request.POST:
            form = UploadLinksForm(request.POST, event=event)
            if form.is_valid():
                self._create_links(request, form)
                return HttpResponseRedirect(page_url)
        elif request.method == "POST":
            link_id = request.POST.get("link", "")
            link = (
                UploadLink.objects.filter(pk=link_id, agenda_item__event=event).first()
                if link_id.isdigit()
                else None
            )
            if link is None:
                raise Http404(gettext("No such link."))
            response = self._link_action(request, event, link, page_url)
            if response is not None:
                return response
            return HttpResponseRedirect(f"{page_url}#link-{link.pk}")
        links = UploadLink.objects.select_related("speaker").annotate(upload_total=Count("uploads"))
        talks = event.agenda_items.prefetch_related(
            "speakers", Prefetch("upload_links", queryset=links.order_by("pk"))
        ).order_by("start", "pk")
        for talk in talks:
            for link in talk.upload_links.all():
                link.url = link_url(request, link) if link.is_usable else ""
                expires = timezone.localtime(link.expires_at, event.tzinfo)
                link.expires_text = admin_moment(expires)
                link.last_day = (expires - JUST_BEFORE).date()
                link.emailed_text = admin_moment(link.emailed_at and timezone.localtime(link.emailed_at))
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Speaker upload links for “%(event)s”") % {"event": event},
            "opts": self.opts,
            "original": event,
            "event": event,
            "talks": talks,
            "form": form,
            "chosen": {str(pk) for pk in form["talks"].value() or [request.GET.get("talk", "")]},
            "change_url": reverse("admin:events_event_change", args=[event.pk]),
            "csv_url": reverse("admin:events_event_upload_links_csv", args=[event.pk]),
            "media": self.media,
        }
        return TemplateResponse(request, "admin/events/event/upload_links.html", context)

    def _create_links(self, request, form):
        data = form.cleaned_data
        expires_at = expiry_from_day(data["expires_on"], form.event)
        usable = set(
            UploadLink.objects.usable()
            .filter(agenda_item__event=form.event)
            .values_list("agenda_item_id", "speaker_id")
        )
        created, existing = [], 0
        for talk in data["talks"].prefetch_related("speakers"):
            speakers = list(talk.speakers.all())
            if data["per"] == UploadLinksForm.PER_SPEAKER and speakers:
                wanted = [(person, person.full_name, person.email) for person in speakers]
            else:
                only = speakers[0].email if len(speakers) == 1 and not talk.guest_speakers else ""
                wanted = [(None, ", ".join(talk.speaker_names())[:200], only)]
            for person, name, email in wanted:
                if (talk.pk, person.pk if person else None) in usable:
                    existing += 1
                    continue
                created.append(
                    create_link(
                        talk,
                        speaker=person,
                        name=name,
                        email=email,
                        expires_at=expires_at,
                        created_by=request.user,
                    )
                )
        count = len(created)
        self.message_user(
            request,
            ngettext("%(count)d link made.", "%(count)d links made.", count) % {"count": count},
            messages.SUCCESS if count else messages.INFO,
        )
        if existing:
            self.message_user(
                request,
                ngettext(
                    "%(count)d link was not made again: a valid one exists (revoke it first to make a new one).",
                    "%(count)d links were not made again: valid ones exist (revoke them first to make new ones).",
                    existing,
                )
                % {"count": existing},
                messages.WARNING,
            )
        if data["send"]:
            sent = sum(self._send(request, link, data["subject"], data["message"]) for link in created)
            if sent:
                self.message_user(
                    request,
                    ngettext("%(count)d link e-mailed.", "%(count)d links e-mailed.", sent) % {"count": sent},
                    messages.SUCCESS,
                )
            without = sum(1 for link in created if not link.email)
            if without:
                self.message_user(
                    request,
                    ngettext(
                        "%(count)d link has no e-mail address: copy it below and send it yourself.",
                        "%(count)d links have no e-mail address: copy them below and send them yourself.",
                        without,
                    )
                    % {"count": without},
                    messages.WARNING,
                )

    def _link_action(self, request, event, link, page_url):
        """One link's button: e-mail it (after a page with the message), revoke it (after a
        confirmation) or extend it. Returns a response to show, or None to go back to the list."""
        action = request.POST.get("action", "")
        if action in ("email", "email-send"):
            if not (link.email and link.is_usable):
                self.message_user(request, gettext("This link cannot be e-mailed."), messages.ERROR)
                return None
            message_form = LinkMessageForm(
                request.POST if action == "email-send" else None,
                initial={"subject": default_link_subject(), "message": default_link_message()},
            )
            if action == "email-send" and message_form.is_valid():
                data = message_form.cleaned_data
                if self._send(request, link, data["subject"], data["message"]):
                    self.message_user(
                        request,
                        gettext("The link was e-mailed to %(email)s.") % {"email": link.email},
                        messages.SUCCESS,
                    )
                return None
            return self._link_page(request, event, link, page_url, "email", message_form)
        if action == "revoke":
            return self._link_page(request, event, link, page_url, "revoke")
        if action == "revoke-confirmed":
            if link.revoked_at is None:
                link.revoked_at = timezone.now()
                link.save(update_fields=["revoked_at"])
            self.message_user(
                request,
                gettext("The link for %(recipient)s was revoked: it opens nothing any more.")
                % {"recipient": link.recipient},
                messages.SUCCESS,
            )
            return None
        if action == "extend":
            extend = ExtendLinkForm(request.POST)
            if link.revoked_at:
                self.message_user(request, gettext("A revoked link cannot be extended."), messages.ERROR)
            elif (
                extend.is_valid()
                and expiry_from_day(extend.cleaned_data["expires_on"], event) > timezone.now()
            ):
                link.expires_at = expiry_from_day(extend.cleaned_data["expires_on"], event)
                link.save(update_fields=["expires_at"])
                self.message_user(request, gettext("The link's validity was changed."), messages.SUCCESS)
            else:
                self.message_user(request, gettext("Choose a day that is not over yet."), messages.ERROR)
            return None
        raise Http404(gettext("No such action."))

    def _send(self, request, link, subject, message) -> bool:
        """E-mail `link`; a mail server that refuses says so to the editor instead of failing."""
        try:
            return email_link(link, link_url(request, link), subject, message)
        except (OSError, smtplib.SMTPException):
            logger.exception("An upload link could not be e-mailed (link #%s).", link.pk)
            self.message_user(
                request,
                gettext("The e-mail to %(email)s could not be sent; try again later or copy the link.")
                % {"email": link.email},
                messages.ERROR,
            )
            return False

    def _link_page(self, request, event, link, page_url, mode, message_form=None):
        context = {
            **self.admin_site.each_context(request),
            "title": (
                gettext("E-mail the upload link to %(recipient)s")
                if mode == "email"
                else gettext("Revoke the upload link of %(recipient)s?")
            )
            % {"recipient": link.recipient},
            "opts": self.opts,
            "original": event,
            "event": event,
            "link": link,
            "mode": mode,
            "message_form": message_form,
            "page_url": page_url,
            "change_url": reverse("admin:events_event_change", args=[event.pk]),
        }
        return TemplateResponse(request, "admin/events/event/upload_link_confirm.html", context)

    def upload_links_csv(self, request, object_id):
        """Every link of the event, for a mail merge (cells that a spreadsheet would read as a
        formula are quoted)."""
        event = self._links_event(request, object_id)
        links = (
            UploadLink.objects.filter(agenda_item__event=event)
            .select_related("agenda_item__event", "speaker")
            .order_by("agenda_item__start", "agenda_item_id", "pk")
        )
        header = [
            gettext("Event"),
            gettext("Talk"),
            gettext("Start"),
            gettext("Recipient"),
            gettext("E-mail"),
            gettext("Link"),
            gettext("Valid until"),
            gettext("State"),
        ]
        rows = (
            (
                event.title,
                link.agenda_item.title,
                link.agenda_item.local_start.strftime("%Y-%m-%d %H:%M"),
                link.recipient,
                link.email,
                link_url(request, link) if link.is_usable else "",
                timezone.localtime(link.expires_at, event.tzinfo).strftime("%Y-%m-%d %H:%M"),
                link.state.label,
            )
            for link in links
        )
        return csv_response(f"upload-links-{event.slug}.csv", header, rows)

    MAX_BULK_FILES = 200

    def bulk_upload_view(self, request, object_id):
        """Upload many slide files at once, in two steps: the files are checked and kept aside,
        each with a proposed talk and title (`match_talk`); the editor confirms or changes each
        proposal, and only then are the decks created. An identical file already in a deck of the
        event is not added twice: the editor chooses to skip it or to replace that deck."""
        event = self.get_object(request, unquote(object_id))
        if event is None:
            raise Http404(gettext("No such event."))
        if not (self.has_change_permission(request, event) and request.user.has_perm("events.add_slidedeck")):
            raise PermissionDenied
        change_url = reverse("admin:events_event_change", args=[event.pk])
        talks = list(event.agenda_items.prefetch_related("speakers").order_by("start", "pk"))
        created, refused, rows = [], [], []
        form = BulkUploadForm()
        if request.method == "POST" and ("confirm" in request.POST or "cancel" in request.POST):
            rows, refused = self._pending_rows(request, event, talks)
            if "cancel" in request.POST:
                for row in rows:
                    discard_pending(row.pending)
                self.message_user(
                    request, gettext("Upload cancelled; no slide deck was created."), messages.INFO
                )
                return HttpResponseRedirect(change_url)
            if all(row.is_valid() for row in rows):
                created = self._create_from_rows(request, event, rows, refused)
                rows = []
        elif request.method == "POST":
            form = BulkUploadForm(request.POST, request.FILES)
            if form.is_valid():
                files = form.cleaned_data["files"]
                rows = self._stash_files(request, event, talks, files[: self.MAX_BULK_FILES], refused)
                too_many = ngettext(
                    "Only %(count)d file at a time; upload this one again.",
                    "Only %(count)d files at a time; upload this one again.",
                    self.MAX_BULK_FILES,
                ) % {"count": self.MAX_BULK_FILES}
                refused += [(uploaded.name, [too_many]) for uploaded in files[self.MAX_BULK_FILES :]]
                form = BulkUploadForm()
        if refused:
            self.message_user(
                request,
                ngettext(
                    "%(count)d file refused; see below why.",
                    "%(count)d files refused; see below why.",
                    len(refused),
                )
                % {"count": len(refused)},
                messages.WARNING,
            )
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Upload slides to “%(event)s”") % {"event": event},
            "opts": self.opts,
            "original": event,
            "event": event,
            "form": form,
            "rows": rows,
            "created": created,
            "refused": refused,
            "media": self.media + form.media,
            "change_url": change_url,
        }
        return TemplateResponse(request, "admin/events/event/bulk_upload.html", context)

    def _stash_files(self, request, event, talks, files, refused):
        """Check each file and keep it aside; the confirmation rows, with their proposals."""
        rows = []
        deadline = time.monotonic() + settings.SLIDES_INSPECT_TIMEOUT
        for uploaded in files:
            try:
                inspected = inspect_document(uploaded, deadline=deadline)
            except ValidationError as exc:
                refused.append((uploaded.name, exc.messages))
                continue
            if inspected.notice:
                self.message_user(
                    request, disarmed_message(uploaded.name, inspected.notice), messages.WARNING
                )
            pending = stash_upload(event, uploaded, inspected, talks)
            initial = {
                "token": pending.token,
                "talk": pending.match.talk.pk if pending.match.talk else "",
                "action": ConfirmDeckForm.SKIP if pending.duplicate else ConfirmDeckForm.CREATE,
            }
            row = ConfirmDeckForm(
                prefix=f"file-{len(rows)}", initial=initial, talks=talks, duplicate=pending.duplicate
            )
            row.pending, row.proposal = {"name": pending.name}, pending
            rows.append(row)
        return rows

    def _pending_rows(self, request, event, talks):
        """The confirmation rows sent back; files whose token is invalid or expired are refused."""
        rows, refused = [], []
        try:
            count = min(int(request.POST.get("count", 0)), self.MAX_BULK_FILES)
        except ValueError:
            count = 0
        for index in range(count):
            prefix = f"file-{index}"
            try:
                pending = read_pending(event, request.POST.get(f"{prefix}-token", ""))
            except signing.BadSignature:
                refused.append(
                    (gettext("A file"), [gettext("It waited too long or was changed; upload it again.")])
                )
                continue
            duplicate = event.slide_decks.filter(sha256=pending["sha256"]).order_by("pk").first()
            row = ConfirmDeckForm(request.POST, prefix=prefix, talks=talks, duplicate=duplicate)
            row.pending, row.proposal = pending, None
            rows.append(row)
        return rows, refused

    def _create_from_rows(self, request, event, rows, refused):
        created, replaced = [], []
        deadline = time.monotonic() + settings.SLIDES_INSPECT_TIMEOUT
        for row in rows:
            data, action = row.cleaned_data, row.cleaned_data["action"]
            if action == ConfirmDeckForm.SKIP:
                discard_pending(row.pending)
                continue
            replace = row.duplicate if action == ConfirmDeckForm.REPLACE else None
            try:
                deck, notice = confirm_pending(
                    event, row.pending, data["talk"], data["title"], replace, deadline
                )
            except ValidationError as exc:
                refused.append((row.pending["name"], exc.messages))
                continue
            (replaced if replace else created).append(deck)
            if notice:
                self.message_user(request, disarmed_message(row.pending["name"], notice), messages.WARNING)
        if created:
            self.message_user(
                request,
                ngettext("%(count)d slide deck created.", "%(count)d slide decks created.", len(created))
                % {"count": len(created)},
                messages.SUCCESS,
            )
        if replaced:
            self.message_user(
                request,
                ngettext("%(count)d slide deck updated.", "%(count)d slide decks updated.", len(replaced))
                % {"count": len(replaced)},
                messages.SUCCESS,
            )
        return created + replaced


class VersionInline(admin.TabularInline):
    model = SlideDeckVersion
    extra = 0
    can_delete = False
    fields = [
        "original_filename",
        "file_type",
        "page_count",
        "size_text",
        "uploaded",
        "replaced",
        "download",
    ]
    readonly_fields = fields
    uploaded = moment_display(SlideDeckVersion, "uploaded_at")
    replaced = moment_display(SlideDeckVersion, "replaced_at")

    @admin.display(description=_("size"))
    def size_text(self, obj):
        return obj.size_text

    @admin.display(description=_("file"))
    def download(self, obj):
        return (
            format_html('<a href="{}">{}</a>', obj.get_absolute_url(), gettext("Download")) if obj.pk else "—"
        )

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(SlideDeck)
class SlideDeckAdmin(ContentAdmin):
    form = SlideDeckForm
    list_display = [
        "thumb",
        "title",
        "event",
        "file_type",
        "page_count",
        "size_display",
        "download_count",
        "uploaded_at",
    ]
    list_display_links = ["thumb", "title"]
    list_filter = ["file_type", "licence", "language", "event__kind", "event"]
    list_select_related = ["event"]
    search_fields = ["title", "original_filename", "event__title", "speakers__last_name", "text"]
    autocomplete_fields = ["event", "speakers"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [VersionInline]
    readonly_fields = ["thumb_large", "file_info", "download_count", "sha256", "uploaded"]
    fieldsets = [
        (None, {"fields": ["event", "agenda_item", "title", "slug", "speakers", "guest_speakers"]}),
        (
            _("File"),
            {"fields": ["upload", "file_info", "thumb_large", "sha256", "uploaded", "download_count"]},
        ),
        (_("Rights"), {"fields": ["licence", "language"]}),
    ]

    uploaded = moment_display(SlideDeck, "uploaded_at")

    class Media:
        js = ["admin/deck-speakers.js"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        report_disarmed(request, form)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if fill_speakers_from_talk(form.instance):
            self.message_user(request, gettext("Speakers filled in from the talk."), messages.INFO)

    def get_urls(self):
        return [
            path(
                "talk-speakers/",
                self.admin_site.admin_view(self.talk_speakers_view),
                name="events_slidedeck_talk_speakers",
            ),
            *super().get_urls(),
        ]

    def talk_speakers_view(self, request):
        """The speakers of a talk, for deck-speakers.js: staff who may add or change decks only."""
        if not (self.has_add_permission(request) or self.has_change_permission(request)):
            raise PermissionDenied
        talk_id = request.GET.get("talk", "")
        talk = (
            AgendaItem.objects.prefetch_related("speakers").filter(pk=talk_id).first()
            if talk_id.isdigit()
            else None
        )
        if talk is None:
            return JsonResponse({"error": gettext("No such talk.")}, status=404)
        return JsonResponse(
            {
                "speakers": [{"id": person.pk, "text": str(person)} for person in talk.speakers.all()],
                "guest_speakers": talk.guest_speakers,
                "message": gettext("Speakers filled in from the talk"),
            }
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "agenda_item":
            # Only the talks of the deck's event (known when editing, or from ?event= when adding).
            object_id = request.resolver_match.kwargs.get("object_id")
            deck = self.get_object(request, object_id) if object_id else None
            event_id = deck.event_id if deck else self.get_changeform_initial_data(request).get("event")
            if event_id:
                kwargs["queryset"] = AgendaItem.objects.filter(event_id=event_id).select_related("event")
            kwargs["widget"] = forms.Select(attrs=speakers_widget_attrs())
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=_("preview"))
    def thumb(self, obj):
        return thumbnail(obj.thumbnail, alt="", size=60)

    @admin.display(description=_("first page"))
    def thumb_large(self, obj):
        return thumbnail(obj.thumbnail, alt=gettext("First page"), size=240)

    @admin.display(description=_("size"), ordering="size")
    def size_display(self, obj):
        return obj.size_text if obj.file else "—"

    @admin.display(description=_("current file"))
    def file_info(self, obj):
        if not obj.file:
            return "—"
        return format_html(
            '{} ({}) · <a href="{}">{}</a> · <a href="{}">{}</a>',
            obj.original_filename,
            obj.summary,
            obj.get_download_url(),
            gettext("download"),
            obj.get_absolute_url(),
            gettext("public page"),
        )


# --- speakers' uploads ----------------------------------------------------------------------------


class LinkStateFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return UploadLink.State.choices

    def queryset(self, request, queryset):
        now = timezone.now()
        value = self.value()
        if value == UploadLink.State.REVOKED:
            return queryset.filter(revoked_at__isnull=False)
        if value == UploadLink.State.EXPIRED:
            return queryset.filter(revoked_at__isnull=True, expires_at__lte=now)
        if value == UploadLink.State.USED:
            return queryset.usable().filter(first_used_at__isnull=False)
        if value == UploadLink.State.UNUSED:
            return queryset.usable().filter(first_used_at__isnull=True)
        return queryset


@admin.register(UploadLink)
class UploadLinkAdmin(admin.ModelAdmin):
    """Every speaker upload link. Links are made on their event's "Speaker upload links" page (the
    token is derived there); here an editor finds, corrects (name, address, expiry) or revokes them.
    The token's hash is never shown."""

    list_display = [
        "recipient",
        "email",
        "agenda_item",
        "event",
        "state_label",
        "expires",
        "emailed",
        "uploads",
    ]
    list_filter = [LinkStateFilter, ("agenda_item__event", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["agenda_item__event", "speaker"]
    search_fields = ["name", "email", "speaker__last_name", "agenda_item__title", "agenda_item__event__title"]
    fields = [
        "agenda_item",
        "speaker",
        "name",
        "email",
        "expires_at",
        "state_label",
        "links_page",
        "created_at",
        "created_by",
        "first_used_at",
        "last_used_at",
        "bytes_received",
        "emailed_at",
        "revoked_at",
    ]
    readonly_fields = [
        "agenda_item",
        "speaker",
        "state_label",
        "links_page",
        "created_at",
        "created_by",
        "first_used_at",
        "last_used_at",
        "bytes_received",
        "emailed_at",
        "revoked_at",
    ]
    actions = ["revoke"]
    expires = moment_display(UploadLink, "expires_at")
    emailed = moment_display(UploadLink, "emailed_at")

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(upload_total=Count("uploads"))

    def has_add_permission(self, request):
        return False  # made on the event's "Speaker upload links" page

    @admin.display(description=_("event"), ordering="agenda_item__event__start")
    def event(self, obj):
        return obj.agenda_item.event

    @admin.display(description=_("state"))
    def state_label(self, obj):
        return obj.state.label

    @admin.display(description=_("uploads"), ordering="upload_total")
    def uploads(self, obj):
        return obj.upload_total

    @admin.display(description=_("link"))
    def links_page(self, obj):
        url = reverse("admin:events_event_upload_links", args=[obj.agenda_item.event_id])
        return format_html(
            '<a href="{}#link-{}">{}</a>',
            url,
            obj.pk,
            gettext("Copy, e-mail or revoke it on the event's links page"),
        )

    @admin.action(description=_("Revoke the selected links"), permissions=["change"])
    def revoke(self, request, queryset):
        count = queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        self.message_user(
            request,
            ngettext("%(count)d link revoked.", "%(count)d links revoked.", count) % {"count": count},
            messages.SUCCESS,
        )


class UploadStatusFilter(admin.SimpleListFilter):
    """By status, "Waiting for review" unless another is chosen."""

    title = _("status")
    parameter_name = "status"
    ALL = "all"

    def lookups(self, request, model_admin):
        return [*SpeakerUpload.Status.choices, (self.ALL, _("All"))]

    def value(self):
        return super().value() or SpeakerUpload.Status.PENDING

    def choices(self, changelist):
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == str(lookup),
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        return queryset if self.value() == self.ALL else queryset.filter(status=self.value())


@admin.register(SpeakerUpload)
class SpeakerUploadAdmin(admin.ModelAdmin):
    """Slides sent by speakers. The list shows those waiting for review; a row opens the review
    page (the file, the speaker's note, Approve and Reject) instead of a change form: an upload
    is not edited, only approved (it becomes the talk's deck) or rejected."""

    list_display = ["thumb", "title", "agenda_item", "event", "sender", "uploaded", "summary_text", "status"]
    list_display_links = ["title"]
    list_filter = [UploadStatusFilter, ("agenda_item__event", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["agenda_item__event", "link__speaker"]
    search_fields = ["title", "original_filename", "agenda_item__title", "link__name", "link__email"]
    uploaded = moment_display(SpeakerUpload, "uploaded_at")

    def has_add_permission(self, request):
        return False  # speakers upload through their links

    def get_urls(self):
        return [
            path(
                "<path:object_id>/download/",
                self.admin_site.admin_view(self.download_view),
                name="events_speakerupload_download",
            ),
            *super().get_urls(),
        ]

    @admin.display(description=_("preview"))
    def thumb(self, obj):
        return thumbnail(obj.thumbnail, alt="", size=60)

    @admin.display(description=_("event"), ordering="agenda_item__event__start")
    def event(self, obj):
        return obj.agenda_item.event

    @admin.display(description=_("sent by"))
    def sender(self, obj):
        return sender_text(obj)

    @admin.display(description=_("file"))
    def summary_text(self, obj):
        return obj.summary

    def download_view(self, request, object_id):
        """The uploaded file, for staff who may see uploads: never public, never cached."""
        upload = self.get_object(request, unquote(object_id))
        if upload is None or not upload.file:
            raise Http404(gettext("No such upload."))
        if not self.has_view_or_change_permission(request, upload):
            raise PermissionDenied
        return document_response(request, upload, public=False)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        upload = self.get_object(request, unquote(object_id))
        if upload is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_view_or_change_permission(request, upload):
            raise PermissionDenied
        reject_form = RejectUploadForm()
        if request.method == "POST":
            if not self.has_change_permission(request, upload):
                raise PermissionDenied
            action = request.POST.get("action")
            back = (
                reverse("admin:index")
                if request.POST.get("next") == "dashboard"
                else reverse("admin:events_speakerupload_changelist")
            )
            try:
                if action == "approve":
                    deck = approve_speaker_upload(upload, request.user)
                    self.message_user(
                        request,
                        format_html(
                            gettext('“{}” is now on the talk: <a href="{}">{}</a>.'),
                            upload.title,
                            deck.get_absolute_url(),
                            gettext("see it"),
                        ),
                        messages.SUCCESS,
                    )
                    return HttpResponseRedirect(back)
                if action == "reject":
                    reject_form = RejectUploadForm(request.POST)
                    if reject_form.is_valid():
                        told = reject_speaker_upload(
                            upload, request.user, reject_form.cleaned_data["message"]
                        )
                        self.message_user(
                            request,
                            gettext("Rejected; the speaker was told by e-mail.")
                            if told
                            else gettext("Rejected; nothing was sent to the speaker."),
                            messages.SUCCESS,
                        )
                        return HttpResponseRedirect(back)
            except ValidationError as exc:
                self.message_user(request, " ".join(exc.messages), messages.ERROR)
                return HttpResponseRedirect(request.path)
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Review “%(title)s”") % {"title": upload.title},
            "opts": self.opts,
            "original": upload,
            "upload": upload,
            "sender": sender_text(upload),
            "thumb": thumbnail(upload.thumbnail, alt=gettext("First page"), size=240),
            "download_url": reverse("admin:events_speakerupload_download", args=[upload.pk]),
            "uploaded": admin_moment(timezone.localtime(upload.uploaded_at)),
            "reviewed": admin_moment(upload.reviewed_at and timezone.localtime(upload.reviewed_at)),
            "talk_start": admin_moment(upload.agenda_item.local_start),
            "reject_form": reject_form,
            "can_review": upload.status == SpeakerUpload.Status.PENDING
            and self.has_change_permission(request, upload),
            "has_view_permission": True,
        }
        return TemplateResponse(request, "admin/events/speakerupload/review.html", context)


class RejectUploadForm(forms.Form):
    message = forms.CharField(
        label=_("Message to the speaker (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        help_text=_("Sent by e-mail if the link has an address; say what to change and upload again."),
    )


def sender_text(upload) -> str:
    """Who sent an upload: "Ada Lovelace (link #12)"."""
    if not upload.link_id:
        return gettext("a speaker (the link was deleted)")
    return gettext("%(recipient)s (link #%(pk)d)") % {
        "recipient": upload.link.recipient,
        "pk": upload.link_id,
    }
