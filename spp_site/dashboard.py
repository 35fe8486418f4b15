"""What the admin dashboard lists as needing attention."""

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from events.models import Event
from news.models import NewsItem
from programs.models import Call

from .admin import admin_day, admin_moment
from .models import Page

PUBLISHABLE_MODELS = (NewsItem, Event, Page, Call)


def _day(value):
    """A day as the whole admin writes it: "3 Dec 2026" (spp_site.admin.admin_day)."""
    return admin_day(value)


def _moment(value):
    """A moment as the whole admin writes it, with its zone: "3 Dec 2026, 14:30 CET"."""
    return f"{admin_moment(value)} {date_format(value, 'T')}"


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
    return sections
