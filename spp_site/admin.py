"""Admin building blocks shared by every app, and the admin of the site's own models."""

from axes.handlers.proxy import AxesProxyHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.options import TO_FIELD_VAR, IncorrectLookupParameters
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import AdminSplitDateTime
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import models, router, transaction
from django.db.models import OuterRef, Subquery, Sum
from django.forms.models import BaseInlineFormSet
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.admin import StaticDeviceAdmin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice
from markdownx.models import MarkdownxField
from markdownx.widgets import AdminMarkdownxWidget
from simple_history.admin import SimpleHistoryAdmin

from .alt_text import item_problems, with_alt_text_check
from .concurrency import EditGuard, edited_row_keys, guarded, lock_rows, locked
from .formats import range_format
from .images import image_size, rendition_name
from .invitations import RoleFormMixin
from .markdown import render_markdown
from .models import ALT_TEXT_PLACEHOLDER, MarkdownImage, OldUrl, Page, Partner, SiteSettings
from .publishing import Status


class ZonedSplitDateTime(AdminSplitDateTime):
    """Date and time inputs that say which time zone the time is in (the active zone: the site's,
    or the event's own zone on event pages)."""

    template_name = "admin/widgets/split_datetime_tz.html"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["zone"] = timezone.get_current_timezone_name()
        # Each input named for assistive technology (the field's own label names the pair).
        date, time = context["widget"]["subwidgets"]
        date["attrs"].setdefault("aria-label", str(context["date_label"]).rstrip(":"))
        time["attrs"].setdefault("aria-label", str(context["time_label"]).rstrip(":"))
        return context


class MarkdownPreviewWidget(AdminMarkdownxWidget):
    """django-markdownx's editor with its live preview styled like the public pages, a formatting
    toolbar with "Insert image" and a cheat sheet (templates/markdownx/widget.html). The textarea
    carries the pasted-image alt-text placeholder for `admin/spp-admin.js`."""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"]["data-alt-placeholder"] = ALT_TEXT_PLACEHOLDER
        context["widget"]["cheat_sheet"] = markdown_cheat_sheet()
        return context

    class Media:
        extend = False
        # Not markdownx's own admin CSS: it fixes widths and restyles the preview unlike the site.
        css = {"all": ["css/prose.css", "admin/spp-admin.css"]}
        js = ["markdownx/js/markdownx.min.js", "admin/spp-admin.js", "admin/spp-markdown-toolbar.js"]


def markdown_cheat_sheet():
    """Rows (what the editor types, what it means, or None to show it as the site renders it) of
    the cheat sheet under every Markdown field, in the active language."""
    rows = [
        (f"**{gettext('bold')}**", None),
        (f"*{gettext('italic')}*", None),
        (f"## {gettext('Heading')}", gettext("a heading (## for a section, ### for a subsection)")),
        (f"[{gettext('link text')}](https://example.org)", gettext("a link")),
        (
            f"- {gettext('item')}\n1. {gettext('item')}",
            gettext("a bulleted or a numbered list (one item per line)"),
        ),
        (f"> {gettext('quotation')}", gettext("a quotation")),
        (
            f"![{gettext('What the image shows')}](/media/…)",
            gettext(
                "an image; the text in square brackets describes it for people who cannot see it "
                "(required before publishing)"
            ),
        ),
        ("$E = mc^2$", None),
        ("$$\\int_0^1 x^2\\,dx = \\frac{1}{3}$$", None),
        (
            "x^{2}  x_{i}  \\frac{a}{b}  \\sqrt{x}  \\alpha  \\sum_{i=1}^{n}  \\mathbb{R}",
            gettext("in formulas: power, index, fraction, root, Greek letters, sum, number sets (LaTeX)"),
        ),
        ("\\$", gettext("a dollar sign that starts no formula")),
    ]
    return [(code, meaning if meaning is not None else render_markdown(code)) for code, meaning in rows]


FORMFIELD_OVERRIDES = {
    MarkdownxField: {"widget": MarkdownPreviewWidget},
    models.DateTimeField: {"widget": ZonedSplitDateTime},
}


def admin_moment(value):
    """A moment as the admin shows it everywhere: "27 Nov 2026, 17:52" (the active language's
    ABBR_DATETIME_FORMAT, spp_site/formats), in the zone `value` carries: pass
    `timezone.localtime(value)` for the active zone."""
    if value is None:
        return "—"
    return dateformat.format(value, range_format("ABBR_DATETIME_FORMAT"))


def admin_day(value):
    """A day as the admin shows it: "27 Nov 2026" (ABBR_DATE_FORMAT)."""
    return "—" if value is None else dateformat.format(value, range_format("ABBR_DATE_FORMAT"))


def _date_column(field):
    @admin.display(description=field.verbose_name, ordering=field.name)
    def column(obj):
        value = getattr(obj, field.name)
        if isinstance(field, models.DateTimeField):
            return admin_moment(value and timezone.localtime(value))
        return admin_day(value)

    column.__name__ = field.name  # the column's CSS class, as for the field itself
    return column


def moment_display(model, name):
    """A read-only field showing the moment in `model`'s field `name` as `admin_moment` does
    (Django's would use the long DATETIME_FORMAT): `uploaded = moment_display(Deck, "uploaded_at")`."""
    field = model._meta.get_field(name)

    @admin.display(description=field.verbose_name, ordering=name)
    def display(model_admin, obj):
        value = getattr(obj, name, None)
        return admin_moment(value and timezone.localtime(value))

    return display


class AdminDatesMixin:
    """Date and time columns of change lists as the admin writes moments ("27 Nov 2026, 17:52")
    instead of Django's long DATETIME_FORMAT. (Read-only fields use `admin_moment` themselves.)"""

    def get_list_display(self, request):
        columns = []
        for name in super().get_list_display(request):
            try:
                field = self.model._meta.get_field(name) if isinstance(name, str) else None
            except FieldDoesNotExist:
                field = None
            columns.append(_date_column(field) if isinstance(field, models.DateField) else name)
        return columns


def thumbnail(field_file, alt="", size=64):
    """A small preview <img> for change lists (the smallest rendition of a processed image)."""
    if not field_file:
        return "—"
    dims = image_size(field_file.name)
    url = (
        field_file.storage.url(rendition_name(field_file.name, 320))
        if dims and dims[0] > 320
        else field_file.url
    )
    height = round(size * dims[1] / dims[0]) if dims else size
    return format_html(
        '<img src="{}" alt="{}" width="{}" height="{}" class="admin-thumb">', url, alt, size, height
    )


def _usable_initial(model, name, value) -> bool:
    """Whether `value` (from the add form's query string, e.g. ?event=3) names existing rows for a
    relation; other fields take any text (the form shows and validates it)."""
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return True  # not a model field: the form ignores it
    if not field.is_relation or field.related_model is None:
        return True
    target = field.target_field if field.many_to_one or field.one_to_one else field.related_model._meta.pk
    try:
        keys = {target.to_python(v) for v in (value if isinstance(value, list) else [value])}
        for key in keys:
            target.run_validators(key)  # in the column's range, so the query below cannot fail
    except ValidationError:
        return False
    return field.related_model._default_manager.filter(**{f"{target.attname}__in": keys}).count() == len(keys)


SLUG_FIELD = "slug"


def _slug_scope(model) -> tuple[str, ...] | None:
    """The fields a model's slug is unique together with: () when unique over the whole model,
    None when not unique at all."""
    field = model._meta.get_field(SLUG_FIELD)
    if field.unique:
        return ()
    opts = model._meta
    for fields in [*opts.unique_together, *(c.fields for c in opts.total_unique_constraints)]:
        if SLUG_FIELD in fields:
            return tuple(name for name in fields if name != SLUG_FIELD)
    for name in (field.unique_for_date, field.unique_for_month, field.unique_for_year):
        if name:
            return (name,)  # approximated by the whole date; Django's own check adds its error too
    return None


def item_state(obj) -> str:
    """An item's visibility in words, for editors: "draft, not public", "scheduled for …"."""
    status = getattr(obj, "status", None)
    if status is None:
        return ""
    if status == Status.DRAFT:
        return gettext("draft, not public")
    if getattr(obj, "is_scheduled", False):
        return gettext("scheduled for %(when)s, not public yet") % {"when": admin_moment(obj.publish_at)}
    return gettext("public, %(status)s") % {"status": obj.get_status_display().lower()}


def free_slug(queryset, slug: str, max_length: int) -> str:
    """The first of `slug-2`, `slug-3`, … that no row of `queryset` uses."""
    number = 2
    while True:
        suffix = f"-{number}"
        candidate = slug[: max_length - len(suffix)].rstrip("-") + suffix
        if not queryset.filter(**{SLUG_FIELD: candidate}).exists():
            return candidate
        number += 1


class SlugConflictFormMixin:
    """A web address (slug) that is taken is refused as a form error that names the item holding
    it (linked to its admin page, with its state: "draft, not public") and proposes a free one;
    the form comes back as the editor filled it in. Used by every admin form with a slug
    (`with_slug_check`); Django's own "already exists" check then skips the field."""

    def clean(self):
        cleaned = super().clean()
        slug = cleaned.get(SLUG_FIELD)
        model = self._meta.model
        scope = _slug_scope(model)
        if not slug or SLUG_FIELD not in self.fields or scope is None:
            return cleaned
        others = model._default_manager.all()
        for name in scope:
            value = cleaned[name] if name in cleaned else getattr(self.instance, name, None)
            others = others.filter(**{name: value})
        if self.instance.pk is not None:
            others = others.exclude(pk=self.instance.pk)
        holder = others.filter(**{SLUG_FIELD: slug}).first()
        if holder is not None:
            max_length = model._meta.get_field(SLUG_FIELD).max_length or 50
            self.add_error(SLUG_FIELD, slug_conflict_error(holder, slug, free_slug(others, slug, max_length)))
        return cleaned


def slug_conflict_error(holder, slug, alternative) -> ValidationError:
    opts = holder._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[holder.pk])
    item = format_html('<a href="{}">{}</a>', url, holder)
    state = item_state(holder)
    what = f"{opts.verbose_name}, {state}" if state else str(opts.verbose_name)
    message = format_html(
        gettext(
            "The address “{slug}” is already used by {item} ({what}). Choose another one, for "
            "example “{alternative}”, which is free."
        ),
        slug=slug,
        item=item,
        what=what,
        alternative=alternative,
    )
    return ValidationError(message, code="unique")


def with_slug_check(form_class):
    """`form_class` with SlugConflictFormMixin, when its model has a unique slug."""
    model = form_class._meta.model
    if model is None or issubclass(form_class, SlugConflictFormMixin):
        return form_class
    try:
        model._meta.get_field(SLUG_FIELD)
    except FieldDoesNotExist:
        return form_class
    return type(
        form_class.__name__, (SlugConflictFormMixin, form_class), {"__module__": form_class.__module__}
    )


class SafeQueryMixin:
    """Odd query strings in the admin get an empty form field or the admin's own "invalid
    lookup" notice, never a 500: add-form values for relations that name no row are dropped, and
    list filters Python or the database cannot take (a year beyond any calendar) count as
    incorrect lookups. (NUL characters are refused for the whole site by spp_site.middleware.)"""

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        return {name: value for name, value in initial.items() if _usable_initial(self.model, name, value)}

    def get_changelist_instance(self, request):
        try:
            return super().get_changelist_instance(request)
        except (ValueError, OverflowError) as exc:
            raise IncorrectLookupParameters(exc) from exc


class ContentAdmin(AdminDatesMixin, SafeQueryMixin, SimpleHistoryAdmin):
    """Base for every content admin: Markdown with live preview, time-zone-labelled datetimes,
    the change history (who, when, what) with restore, and no lost updates: a save from a form
    opened before someone else saved the item is refused with what they changed
    (`spp_site.concurrency`)."""

    formfield_overrides = FORMFIELD_OVERRIDES
    save_on_top = True

    class Media:
        css = {"all": ["admin/spp-admin.css"]}  # the conflict list, on forms without Markdown too

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = with_slug_check(with_alt_text_check(super().get_form(request, obj, change, **kwargs)))
        if obj is None or obj.pk is None:
            return form  # a new item: nobody else can have saved it
        return guarded(form, EditGuard(self, request, whole_item=True))

    def get_changelist_form(self, request, **kwargs):
        return guarded(
            super().get_changelist_form(request, **kwargs), EditGuard(self, request, whole_item=False)
        )

    def get_inline_formsets(self, request, formsets, inline_instances, obj=None):
        """A folded inline ("collapse") is shown open when it holds rows (saved ones, or new ones
        the editor filled in before a refused save) or errors: talks must not seem lost."""
        inline_admin_formsets = super().get_inline_formsets(request, formsets, inline_instances, obj)
        for inline_admin_formset in inline_admin_formsets:
            if "collapse" in inline_admin_formset.classes.split() and _holds_rows(
                inline_admin_formset.formset
            ):
                inline_admin_formset.classes = " ".join(
                    name for name in inline_admin_formset.classes.split() if name != "collapse"
                )
        return inline_admin_formsets

    def _transaction(self):
        return transaction.atomic(using=router.db_for_write(self.model))

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        """A save locks the item's row before the admin reads it, for the whole transaction the
        check and the save run in."""
        to_field = request.POST.get(TO_FIELD_VAR, request.GET.get(TO_FIELD_VAR))
        if request.method != "POST" or object_id is None or to_field not in (None, self.opts.pk.attname):
            return super().changeform_view(request, object_id, form_url, extra_context)
        with self._transaction():
            lock_rows(self.model, [unquote(object_id)])
            return super().changeform_view(request, object_id, form_url, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """Restoring an earlier version is a save like any other."""
        if request.method != "POST":
            return super().history_form_view(request, object_id, version_id, extra_context)
        with self._transaction():
            lock_rows(self.model, [unquote(object_id)])
            return super().history_form_view(request, object_id, version_id, extra_context)

    def changelist_view(self, request, extra_context=None):
        """A list edit locks the posted rows, then checks and saves them in one transaction."""
        if not (request.method == "POST" and "_save" in request.POST and self.list_editable):
            return super().changelist_view(request, extra_context)
        with self._transaction():
            lock_rows(self.model, edited_row_keys(request, self.opts.pk.name))
            response = super().changelist_view(request, extra_context)
        cl = (getattr(response, "context_data", None) or {}).get("cl")
        if cl is not None and cl.formset is not None:
            self._rows_beside_their_forms(cl)
        return response

    def _rows_beside_their_forms(self, cl):
        """A refused list edit comes back with the editor's forms in the order of the page they
        saw; the admin pairs the n-th form with the n-th row of the list as it is now. When rows
        moved in between (someone changed an order), list the rows in the forms' order."""
        keys = [form.instance.pk for form in cl.formset.forms]
        rows = cl.queryset.in_bulk([key for key in keys if key is not None])
        if len(rows) == len(keys):
            cl.result_list = [rows[key] for key in keys]


def _holds_rows(formset) -> bool:
    if formset.initial_form_count():
        return True
    return formset.is_bound and (
        any(form.has_changed() for form in formset.forms) or formset.total_error_count() > 0
    )


class ContentInlineFormSet(BaseInlineFormSet):
    """A row someone else deleted while the editor was editing counts as deleted in the
    editor's form (Django refuses such a form with an error on the row's hidden id, which the
    admin does not show). The edit-conflict check lists the row as deleted; its text stays on
    the page, to be added again as a new row if it should stay."""

    def _should_delete_form(self, form):
        deleted_meanwhile = form in self.initial_forms and form.instance.pk is None
        return deleted_meanwhile or super()._should_delete_form(form)


class ContentInlineMixin:
    formfield_overrides = FORMFIELD_OVERRIDES
    formset = ContentInlineFormSet

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form = with_slug_check(with_alt_text_check(formset.form))  # new classes for every call
        return formset


class PublishableAdmin(ContentAdmin):
    """Adds the publishing rule's state to list pages, with bulk publish/unpublish actions."""

    actions = ["publish_now", "make_draft"]
    list_filter = ["status"]
    date_hierarchy = "publish_at"

    @admin.display(description=_("public page"))
    def public_link(self, obj):
        label = gettext("View") if obj.is_published else gettext("Preview")
        return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), label)

    @admin.display(description=_("visibility"), ordering="publish_at")
    def visibility(self, obj):
        if obj.status == Status.DRAFT:
            return format_html('<span class="spp-state spp-draft">{}</span>', Status.DRAFT.label)
        if obj.is_scheduled:
            when = admin_moment(timezone.localtime(obj.publish_at))
            return format_html(
                '<span class="spp-state spp-scheduled">{}</span>',
                gettext("Scheduled · %(when)s") % {"when": when},
            )
        return format_html('<span class="spp-state spp-live">{}</span>', obj.get_status_display())

    def response_add(self, request, obj, post_url_continue=None):
        request.spp_saved_item = obj
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        request.spp_saved_item = obj
        return super().response_change(request, obj)

    def message_user(self, request, message, level=messages.INFO, *args, **kwargs):
        """The admin's "… was changed successfully" after saving a scheduled item says when it
        goes public instead (it is not public yet)."""
        obj = getattr(request, "spp_saved_item", None)
        if level == messages.SUCCESS and obj is not None and obj.is_scheduled:
            when = timezone.localtime(obj.publish_at)
            message = format_html(
                gettext("Scheduled for {when}: the {name} “{obj}” is saved and goes public then."),
                when=f"{admin_moment(when)} {date_format(when, 'T')}",
                name=obj._meta.verbose_name,
                obj=obj,
            )
        return super().message_user(request, message, level, *args, **kwargs)

    # The actions change status and publication time of the rows as stored when they run, locked
    # (an editor's concurrent save waits), so they overwrite nothing else; save() each, so history,
    # URL tracking and open forms (which then report a conflict) see the change.

    @admin.action(description=_("Publish selected items now"), permissions=["change"])
    def publish_now(self, request, queryset):
        count = 0
        with self._transaction():
            for obj in locked(queryset):
                problems = item_problems(obj)  # images without a description never go live
                if problems:
                    self.message_user(
                        request,
                        format_html(
                            '{} <a href="{}">{}</a>: {}',
                            gettext("Not published:"),
                            reverse(
                                f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk]
                            ),
                            obj,
                            problems[0][1].message(),
                        ),
                        messages.ERROR,
                    )
                    continue
                if obj.status not in obj.PUBLIC_STATUSES:  # a cancelled event stays cancelled
                    obj.status = Status.PUBLISHED
                obj.publish_at = min(obj.publish_at, timezone.now())
                obj.save()
                count += 1
        self.message_user(
            request,
            ngettext("%(count)d item published.", "%(count)d items published.", count) % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Turn selected items into drafts"), permissions=["change"])
    def make_draft(self, request, queryset):
        count = 0
        with self._transaction():
            for obj in locked(queryset):
                obj.status = Status.DRAFT
                obj.save()
                count += 1
        self.message_user(
            request,
            ngettext("%(count)d item is a draft now.", "%(count)d items are drafts now.", count)
            % {"count": count},
            messages.SUCCESS,
        )


class ContentKindFilter(admin.RelatedOnlyFieldListFilter):
    """The kinds of content that have old addresses ("Event", "Page"), not every model Django
    knows ("Auth | permission")."""

    def field_choices(self, field, request, model_admin):
        kinds = ContentType.objects.filter(pk__in=model_admin.get_queryset(request).values("content_type"))
        choices = [
            (kind.pk, capfirst(kind.model_class()._meta.verbose_name)) for kind in kinds if kind.model_class()
        ]
        return sorted(choices, key=lambda choice: str(choice[1]))


@admin.register(OldUrl)
class OldUrlAdmin(AdminDatesMixin, SafeQueryMixin, admin.ModelAdmin):
    list_display = ["path", "target_link", "content_type", "created_at"]
    list_filter = [("content_type", ContentKindFilter)]
    search_fields = ["path"]
    readonly_fields = ["path", "content_type", "object_id", "created"]
    fields = readonly_fields
    created = moment_display(OldUrl, "created_at")

    @admin.display(description=_("redirects to"))
    def target_link(self, obj):
        target = obj.target
        if target is None:
            return gettext("— (item deleted)")
        url = target.get_absolute_url()
        return format_html('<a href="{}">{}</a>', url, url)

    def has_add_permission(self, request):
        return False


@admin.register(MarkdownImage)
class MarkdownImageAdmin(AdminDatesMixin, SafeQueryMixin, admin.ModelAdmin):
    list_display = ["preview", "original_filename", "uploaded_by", "uploaded_at", "markdown_code"]
    readonly_fields = ["preview", "original_filename", "uploaded_by", "uploaded", "markdown_code"]
    fields = readonly_fields
    search_fields = ["original_filename"]
    date_hierarchy = "uploaded_at"

    uploaded = moment_display(MarkdownImage, "uploaded_at")

    @admin.display(description=_("image"))
    def preview(self, obj):
        return thumbnail(obj.image, alt=obj.original_filename, size=96)

    @admin.display(description=_("Markdown to paste"))
    def markdown_code(self, obj):
        return format_html("<code>{}</code>", obj.markdown)

    def has_add_permission(self, request):
        return False  # images come in by drag-and-drop or paste in a Markdown field


# The optional German version of pages that must exist in both languages (spp_site.models.GermanVersion),
# folded away until opened.
GERMAN_VERSION_FIELDSET = (
    _("German version"),
    {
        "classes": ["collapse"],
        "fields": ["title_de", "summary_de", "body_de"],
        "description": _(
            "Shown on the German site (/de/…) once the German title and text are filled in; "
            "until then the German site shows the English version."
        ),
    },
)


@admin.register(Page)
class PageAdmin(PublishableAdmin):
    list_display = ["title", "slug", "visibility", "show_in_menu", "show_in_footer", "order", "public_link"]
    list_editable = ["show_in_menu", "show_in_footer", "order"]
    list_filter = ["status", "show_in_menu", "show_in_footer"]
    search_fields = ["title", "body", "title_de", "body_de"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = None  # a handful of pages: a drill-down by publication date only puzzles
    fieldsets = [
        (None, {"fields": ["title", "slug", "summary", "body"]}),
        GERMAN_VERSION_FIELDSET,
        (_("Navigation"), {"fields": ["show_in_menu", "show_in_footer", "order"]}),
        (_("Publishing"), {"fields": ["status", "publish_at"]}),
    ]


class PartnerInline(ContentInlineMixin, admin.StackedInline):
    """The funders and partners in the footer, in the order of their numbers (works without
    JavaScript: renumber to move a row). Stacked, not tabular: every input has its own label."""

    model = Partner
    extra = 0
    fields = ["order", "role", "name", "url", "logo"]


@admin.register(SiteSettings)
class SiteSettingsAdmin(ContentAdmin):
    """One row: the list page goes straight to its form."""

    autocomplete_fields = ["coordinating_institution"]
    inlines = [PartnerInline]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "program_name",
                    "short_name",
                    "tagline",
                    "dfg_number",
                    "contact_email",
                    "coordinating_institution",
                ]
            },
        ),
        (_("Logo"), {"fields": ["logo", "logo_alt"]}),
        (
            _("Home page picture"),
            {
                "fields": ["hero_image", "hero_alt", "hero_credit"],
                "description": _("Optional. Without a picture the home page starts with the program's name."),
            },
        ),
    ]

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        obj, _ = SiteSettings.objects.get_or_create(pk=1)
        return redirect(reverse("admin:spp_site_sitesettings_change", args=[obj.pk]))

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AccessAttempt)
class SignInLockoutAdmin(AdminDatesMixin, SafeQueryMixin, admin.ModelAdmin):
    """django-axes' record of failed sign-ins, as a list of who is locked out now: the rows of the
    last cool-off period, each with the failures of its username and of its IP address in that
    time (a lock-out counts either). Unlocking deletes the rows (README "Signing in")."""

    list_display = ["username", "ip_address", "failures_since_start", "attempt_time", "locked_out"]
    list_display_links = None
    search_fields = ["username", "ip_address"]
    actions = ["unlock"]

    def get_queryset(self, request):
        recent = AccessAttempt.objects.filter(attempt_time__gte=timezone.now() - settings.AXES_COOLOFF_TIME)

        def failures_with_same(field):
            same = recent.filter(**{field: OuterRef(field)}).order_by().values(field)
            return Subquery(same.annotate(total=Sum("failures_since_start")).values("total"))

        return recent.annotate(
            username_failures=failures_with_same("username"),
            ip_failures=failures_with_same("ip_address"),
        )

    @admin.display(description=_("locked out"))
    def locked_out(self, obj):
        limit = settings.AXES_FAILURE_LIMIT
        username, address = (obj.username_failures or 0) >= limit, (obj.ip_failures or 0) >= limit
        if username and address:
            return gettext("Yes: username and IP address")
        if username:
            return gettext("Yes: username")
        if address:
            return gettext("Yes: IP address")
        return gettext("No")

    @admin.action(description=_("Unlock the selected usernames and IP addresses"), permissions=["delete"])
    def unlock(self, request, queryset):
        rows = list(queryset.values_list("username", "ip_address"))
        deleted = sum(
            AxesProxyHandler.reset_attempts(username=username) for username in {u for u, _ in rows if u}
        )
        deleted += sum(AxesProxyHandler.reset_attempts(ip_address=ip) for ip in {ip for _, ip in rows if ip})
        self.message_user(
            request,
            ngettext(
                "Unlocked: %(count)d record of failed sign-ins deleted.",
                "Unlocked: %(count)d records of failed sign-ins deleted.",
                deleted,
            )
            % {"count": deleted},
            messages.SUCCESS,
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# django-otp's device admins (site administrators delete a lost phone's entries there), with the
# site's guard against odd query strings.
admin.site.unregister(TOTPDevice)
admin.site.unregister(StaticDevice)


@admin.register(TOTPDevice)
class AuthenticatorAppAdmin(SafeQueryMixin, TOTPDeviceAdmin):
    pass


@admin.register(StaticDevice)
class BackupCodesAdmin(SafeQueryMixin, StaticDeviceAdmin):
    pass


# Users: the stock admin, with the role as one choice instead of the groups and raw permissions,
# and "Invite editor" (spp_site/invitations.py) above the list. Only superusers see and set the
# superuser flag.
admin.site.unregister(User)


@admin.register(User)
class SiteUserAdmin(SafeQueryMixin, UserAdmin):
    form = type("UserRoleForm", (RoleFormMixin, UserChangeForm), {})
    change_list_template = "admin/auth/user/change_list.html"
    list_display = ("username", "email", "first_name", "last_name", "is_staff", "is_active")

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return super().get_fieldsets(request, obj)
        permissions = ("is_active", "is_staff", "is_superuser", "role")
        if not request.user.is_superuser:
            permissions = ("is_active", "is_staff", "role")
        return (
            (None, {"fields": ("username", "password")}),
            (_("Personal info"), {"fields": ("first_name", "last_name", "email")}),
            (_("Permissions"), {"fields": permissions}),
            (_("Important dates"), {"fields": ("last_login", "date_joined")}),
        )
