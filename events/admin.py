import time
import zoneinfo

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import AutocompleteSelectMultiple
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
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

from .forms import AgendaItemForm, BulkUploadForm, ConfirmDeckForm, SlideDeckForm
from .models import TIMEZONE_CHOICES, AgendaItem, Event, SlideDeck, SlideDeckVersion, site_timezone
from .services import (
    confirm_pending,
    discard_pending,
    fill_speakers_from_talk,
    read_pending,
    stash_upload,
)
from .uploads import inspect_document


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
    ]
    autocomplete_fields = ["speakers"]
    classes = ["collapse"]

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
            *super().get_urls(),
        ]

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
