"""What the admin dashboard lists as needing attention."""

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from events.models import Event
from news.models import NewsItem
from programs.models import Call

from .models import Page

PUBLISHABLE_MODELS = (NewsItem, Event, Page, Call)


def _day(value):
    """A day as "03 Dec 2026", with the month's name and the order of the active language."""
    return date_format(value, pgettext("date format (as Django's date filter)", "d M Y"))


def _moment(value):
    """A moment as "03 Dec 2026, 14:30 CET", in the active language."""
    return date_format(value, pgettext("date format (as Django's date filter)", "d M Y, H:i T"))


def _admin_url(obj):
    from django.urls import reverse

    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])


def attention_items(user):
    """Sections of (object, admin URL, note), each limited to what `user` may change."""

    def can_change(model):
        return user.has_perm(f"{model._meta.app_label}.change_{model._meta.model_name}")

    sections = []

    def add(title, explanation, rows):
        sections.append({"title": title, "explanation": explanation, "rows": rows})

    if can_change(Event):
        add(
            _("Past events without slides"),
            _("Upload the slide decks, or leave as is if there were none."),
            [
                (e, _admin_url(e), _day(e.local_start))
                for e in Event.objects.past().filter(slide_decks__isnull=True).distinct()[:10]
            ],
        )
        add(
            _("Upcoming events without an agenda"),
            _("Add the programme as agenda items."),
            [
                (e, _admin_url(e), _day(e.local_start))
                for e in Event.objects.upcoming().filter(agenda_items__isnull=True).distinct()[:10]
            ],
        )
    scheduled, stale = [], []
    for model in PUBLISHABLE_MODELS:
        if not can_change(model):
            continue
        kind = capfirst(model._meta.verbose_name)
        for obj in model.objects.scheduled().order_by("publish_at")[:10]:
            when = _moment(timezone.localtime(obj.publish_at))
            scheduled.append(
                (obj, _admin_url(obj), _("%(kind)s · goes live %(when)s") % {"kind": kind, "when": when})
            )
        for obj in model.objects.stale_drafts().order_by("created_at")[:10]:
            since = _day(timezone.localtime(obj.created_at))
            stale.append(
                (obj, _admin_url(obj), _("%(kind)s · draft since %(since)s") % {"kind": kind, "since": since})
            )
    add(_("Scheduled to go live"), _("Published automatically at the time shown."), scheduled)
    add(_("Drafts older than 30 days"), _("Publish them or delete them."), stale)
    if can_change(Call):
        add(
            _("Open call"),
            _("Proposals are being accepted."),
            [
                (
                    c,
                    _admin_url(c),
                    _("Deadline %(when)s") % {"when": _moment(timezone.localtime(c.deadline))},
                )
                for c in Call.objects.open().order_by("deadline")
            ],
        )
    if panel := images_without_description(user):
        sections.append(panel)
    return sections


# How many drafts with images per model the panel below looks at (the newest first).
ALT_TEXT_CANDIDATES = 50


def images_without_description(user):
    """The panel of drafts that show an image without a description (spp_site.alt_text): they
    cannot be published until the editor describes each image. None when `user` can change none
    of the publishable models."""
    from django.db.models import Q

    from .alt_text import item_problems, summary
    from .markdown import markdown_fields

    models = [
        m for m in PUBLISHABLE_MODELS if user.has_perm(f"{m._meta.app_label}.change_{m._meta.model_name}")
    ]
    if not models:
        return None
    rows = []
    for model in models:
        kind = capfirst(model._meta.verbose_name)
        lookups = [f"{name}__contains" for name in markdown_fields(model)]
        for relation in model._meta.related_objects:  # parts that go public with the item
            if relation.one_to_many and markdown_fields(relation.related_model):
                lookups += [
                    f"{relation.name}__{name}__contains" for name in markdown_fields(relation.related_model)
                ]
        has_image = Q()
        for lookup in lookups:
            has_image |= Q(**{lookup: "!["}) | Q(**{lookup.replace("__contains", "__icontains"): "<img"})
        candidates = model.objects.drafts().filter(has_image).distinct().order_by("-updated_at")
        for obj in candidates[:ALT_TEXT_CANDIDATES]:
            problems = item_problems(obj)
            if problems:
                rows.append((obj, _admin_url(obj), f"{kind} · {summary(len(problems))}"))
    return {
        "title": _("Images without a description"),
        "explanation": _(
            "Open each draft and replace the placeholder or the empty square brackets of every image "
            "with a short description of what it shows: a draft with such an image cannot be published."
        ),
        "rows": rows,
    }
