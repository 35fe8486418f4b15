"""What the admin dashboard lists as needing attention."""

from django.utils import timezone

from events.models import Event
from news.models import NewsItem
from programs.models import Call

from .models import Page

PUBLISHABLE_MODELS = (NewsItem, Event, Page, Call)


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
            "Past events without slides",
            "Upload the slide decks, or leave as is if there were none.",
            [
                (e, _admin_url(e), e.local_start.strftime("%d %b %Y"))
                for e in Event.objects.past().filter(slide_decks__isnull=True).distinct()[:10]
            ],
        )
        add(
            "Upcoming events without an agenda",
            "Add the programme as agenda items.",
            [
                (e, _admin_url(e), e.local_start.strftime("%d %b %Y"))
                for e in Event.objects.upcoming().filter(agenda_items__isnull=True).distinct()[:10]
            ],
        )
    scheduled, stale = [], []
    for model in PUBLISHABLE_MODELS:
        if not can_change(model):
            continue
        for obj in model.objects.scheduled().order_by("publish_at")[:10]:
            when = timezone.localtime(obj.publish_at).strftime("%d %b %Y, %H:%M %Z")
            scheduled.append(
                (obj, _admin_url(obj), f"{model._meta.verbose_name.capitalize()} · goes live {when}")
            )
        for obj in model.objects.stale_drafts().order_by("created_at")[:10]:
            since = timezone.localtime(obj.created_at).strftime("%d %b %Y")
            stale.append(
                (obj, _admin_url(obj), f"{model._meta.verbose_name.capitalize()} · draft since {since}")
            )
    add("Scheduled to go live", "Published automatically at the time shown.", scheduled)
    add("Drafts older than 30 days", "Publish them or delete them.", stale)
    if can_change(Call):
        add(
            "Open call",
            "Proposals are being accepted.",
            [
                (
                    c,
                    _admin_url(c),
                    "Deadline " + timezone.localtime(c.deadline).strftime("%d %b %Y, %H:%M %Z"),
                )
                for c in Call.objects.open().order_by("deadline")
            ],
        )
    return sections
