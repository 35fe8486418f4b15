"""What the admin dashboard lists as needing attention."""

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from events.models import Event, SpeakerUpload
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


def _can(user, model, action="change"):
    return user.has_perm(f"{model._meta.app_label}.{action}_{model._meta.model_name}")


def _panel(title, explanation, rows):
    """One panel: a title, one sentence on what to do with its rows, and the rows (object, admin
    URL, note)."""
    return {"title": title, "explanation": explanation, "rows": rows}


def drafts_panel(user):
    """Every kind of draft, the most recently changed first: the demo's hidden drafts too."""
    rows = []
    for model in PUBLISHABLE_MODELS:
        if not _can(user, model):
            continue
        kind = capfirst(model._meta.verbose_name)
        for obj in model.objects.drafts().order_by("-updated_at")[:10]:
            changed = _day(timezone.localtime(obj.updated_at))
            rows.append(
                (
                    obj.updated_at,
                    (
                        obj,
                        _admin_url(obj),
                        _("%(kind)s · hidden draft, changed %(when)s") % {"kind": kind, "when": changed},
                    ),
                )
            )
    rows.sort(key=lambda row: row[0], reverse=True)
    return _panel(
        _("Drafts"),
        _(
            "Only staff see these. Open one to finish it, then set its status to “Published” to put it online."
        ),
        [row for _changed, row in rows[:10]],
    )


def scheduled_panel(user):
    rows = []
    for model in PUBLISHABLE_MODELS:
        if not _can(user, model):
            continue
        kind = capfirst(model._meta.verbose_name)
        for obj in model.objects.scheduled().order_by("publish_at")[:10]:
            when = _moment(timezone.localtime(obj.publish_at))
            rows.append(
                (obj, _admin_url(obj), _("%(kind)s · goes live %(when)s") % {"kind": kind, "when": when})
            )
    return _panel(
        _("Scheduled to go live"),
        _("Nothing to do: each goes online by itself at the time shown; open one to change the time."),
        rows,
    )


def events_without_slides_panel(user):
    if not _can(user, Event):
        return None
    # Not cancelled events: there is nothing to upload for them.
    events = Event.objects.past().exclude(status=Event.Status.CANCELLED).filter(slide_decks__isnull=True)
    return _panel(
        _("Past events without slides"),
        _("Open the event and use “Upload several slide files”, or leave it if there were no slides."),
        [(e, _admin_url(e), _day(e.local_start)) for e in events.distinct()[:10]],
    )


def events_without_agenda_panel(user):
    if not _can(user, Event):
        return None
    events = Event.objects.upcoming().exclude(status=Event.Status.CANCELLED).filter(agenda_items__isnull=True)
    return _panel(
        _("Upcoming events without an agenda"),
        _("Open the event and add its programme in the “Agenda items” section at the bottom."),
        [(e, _admin_url(e), _day(e.local_start)) for e in events.distinct()[:10]],
    )


def open_calls_panel(user):
    if not _can(user, Call):
        return None
    return _panel(
        _("Open call"),
        _("Proposals are being accepted; update the call if its deadline or documents change."),
        [
            (c, _admin_url(c), _("Deadline %(when)s") % {"when": _moment(timezone.localtime(c.deadline))})
            for c in Call.objects.open().order_by("deadline")
        ],
    )


def speaker_uploads_panel(user):
    """Slides speakers sent through their upload links, waiting for an editor: approve one here
    (it goes on the talk at once), or open it to look at the file and approve or reject it."""
    if not _can(user, SpeakerUpload):
        return None
    pending = (
        SpeakerUpload.objects.pending()
        .select_related("agenda_item__event", "link__speaker")
        .order_by("uploaded_at", "pk")
    )
    rows = []
    for upload in pending[:20]:
        parts = [
            upload.agenda_item.title,
            str(upload.agenda_item.event),
            upload.link.recipient if upload.link_id else "—",
            _moment(timezone.localtime(upload.uploaded_at)),
            upload.summary,
        ]
        if upload.note:
            parts.append(_("note: %(note)s") % {"note": upload.note})
        rows.append((upload, _admin_url(upload), " · ".join(str(part) for part in parts)))
    return {
        **_panel(
            _("Slides sent by speakers"),
            _(
                "Nothing is public until you approve it. “Approve” puts the slides on the talk (as a new "
                "version if it has slides); open one to see the file, or to reject it with a message."
            ),
            rows,
        ),
        "review": True,
    }


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


# The dashboard's panels, in order: each a function of the user that returns a panel (`_panel`),
# or None when the user may not change what it lists. Add a panel by adding a function here.
PANELS = [
    drafts_panel,
    scheduled_panel,
    events_without_slides_panel,
    events_without_agenda_panel,
    open_calls_panel,
    speaker_uploads_panel,
    images_without_description,
]


def attention_items(user):
    """The panels `user` may act on (each limited to what they may change)."""
    return [panel for panel in (make(user) for make in PANELS) if panel is not None]


def quick_links(user):
    """The dashboard's buttons: adding the most frequent items, and for site administrators
    inviting an editor. (label, URL) pairs, each shown only to who may use it."""
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    from events.models import SlideDeck

    links = []
    for model, label in (
        (Event, _("Add an event")),
        (NewsItem, _("Add a news item")),
        (SlideDeck, _("Add slides")),
    ):
        if _can(user, model, "add"):
            opts = model._meta
            links.append((label, reverse(f"admin:{opts.app_label}_{opts.model_name}_add")))
    if _can(user, get_user_model(), "add"):
        links.append((_("Invite an editor"), reverse("admin:invite-editor")))
    return links
