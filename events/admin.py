import zoneinfo

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404
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

from .forms import BulkUploadForm, SlideDeckForm
from .models import TIMEZONE_CHOICES, AgendaItem, Event, SlideDeck, SlideDeckVersion, site_timezone
from .services import create_decks


def _zone(name):
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, TypeError):
        return zoneinfo.ZoneInfo(site_timezone())


class AgendaItemInline(ContentInlineMixin, admin.StackedInline):
    model = AgendaItem
    extra = 0
    fields = [("start", "end"), "title", ("kind", "room"), "speakers", "guest_speakers", "abstract"]
    autocomplete_fields = ["speakers"]
    classes = ["collapse"]


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
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


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

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        for deck_form in formset.forms:
            if deck_form not in formset.deleted_forms:
                report_disarmed(request, deck_form)

    def get_urls(self):
        return [
            path(
                "<path:object_id>/upload-slides/",
                self.admin_site.admin_view(self.bulk_upload_view),
                name="events_event_bulk_upload",
            ),
            *super().get_urls(),
        ]

    def bulk_upload_view(self, request, object_id):
        event = self.get_object(request, unquote(object_id))
        if event is None:
            raise Http404(gettext("No such event."))
        if not (self.has_change_permission(request, event) and request.user.has_perm("events.add_slidedeck")):
            raise PermissionDenied
        created, refused = [], []
        if request.method == "POST":
            form = BulkUploadForm(request.POST, request.FILES)
            if form.is_valid():
                created, refused, disarmed = create_decks(event, form.cleaned_data["files"])
                if created:
                    self.message_user(
                        request,
                        ngettext(
                            "%(count)d slide deck created.", "%(count)d slide decks created.", len(created)
                        )
                        % {"count": len(created)},
                        messages.SUCCESS,
                    )
                for name, notice in disarmed:
                    self.message_user(request, disarmed_message(name, notice), messages.WARNING)
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
                form = BulkUploadForm()
        else:
            form = BulkUploadForm()
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Upload slides to “%(event)s”") % {"event": event},
            "opts": self.opts,
            "original": event,
            "event": event,
            "form": form,
            "created": created,
            "refused": refused,
            "media": self.media + form.media,
            "change_url": reverse("admin:events_event_change", args=[event.pk]),
        }
        return TemplateResponse(request, "admin/events/event/bulk_upload.html", context)


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

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        report_disarmed(request, form)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "agenda_item":
            # Only the talks of the deck's event (known when editing, or from ?event= when adding).
            object_id = request.resolver_match.kwargs.get("object_id")
            deck = self.get_object(request, object_id) if object_id else None
            event_id = deck.event_id if deck else self.get_changeform_initial_data(request).get("event")
            if event_id:
                kwargs["queryset"] = AgendaItem.objects.filter(event_id=event_id).select_related("event")
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
