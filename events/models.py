"""Events (annual meetings, information sessions, workshops…), their agendas and slide decks."""

import uuid
import zoneinfo
from datetime import datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Case, F, Q, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy
from markdownx.models import MarkdownxField
from simple_history.models import HistoricalRecords

from spp_site.images import ProcessedImageField
from spp_site.publishing import Publishable, PublishableQuerySet, after
from spp_site.publishing import Status as PublishStatus

# Offered in the admin's menu, not stored as the field's choices: the list comes from the machine's
# time-zone database, which must not decide what a migration contains.
TIMEZONE_CHOICES = [(name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones())]


def site_timezone() -> str:
    """The site's time zone (settings.TIME_ZONE): the default zone of new events."""
    return settings.TIME_ZONE


def validate_timezone(value):
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise ValidationError(_("Unknown time zone: %(tz)s"), params={"tz": value}) from exc


# An event in progress until its end included (`end >= now`) is past from just after it.
JUST_AFTER = timedelta(milliseconds=1)


class EventQuerySet(PublishableQuerySet):
    def upcoming(self):
        """Published events that have not ended yet (those in progress included), soonest first."""
        return self.published().filter(end__gte=timezone.now()).order_by("start")

    def cancelled_last(self):
        """Events still taking place first, cancelled ones after them, each by start: a cancelled
        event never leads a list of what is coming."""
        cancelled = Case(When(status=Event.Status.CANCELLED, then=Value(1)), default=Value(0))
        return self.order_by(cancelled, "start")

    def next_annual_meeting(self):
        """The next published annual meeting that takes place (not cancelled), or None."""
        return (
            self.upcoming().of_kind(Event.Kind.ANNUAL_MEETING).exclude(status=Event.Status.CANCELLED).first()
        )

    def past(self):
        return self.published().filter(end__lt=timezone.now()).order_by("-start")

    def of_kind(self, kind):
        return self.filter(kind=kind) if kind else self

    def changes_after(self, now):
        """Besides publication: an event starts ("Happening now"), ends (it is upcoming until its
        end included, past just after) and closes its registration."""
        rows = (
            self.not_drafts()
            .filter(
                Q(publish_at__gt=now) | Q(start__gt=now) | Q(end__gte=now) | Q(registration_deadline__gt=now)
            )
            .values_list("publish_at", "start", "end", "registration_deadline")
        )
        return [
            moment
            for publish_at, start, end, deadline in rows
            for moment in after(now, publish_at, start, end + JUST_AFTER, deadline)
        ]


class Event(Publishable):
    class Kind(models.TextChoices):
        ANNUAL_MEETING = "annual_meeting", _("Annual meeting")
        INFORMATION_SESSION = "information_session", _("Information session")
        WORKSHOP = "workshop", _("Workshop")
        SCHOOL = "school", _("Summer/winter school")
        COLLOQUIUM = "colloquium", _("Colloquium")
        OTHER = "other", pgettext_lazy("kind of event", "Other")

    class Status(models.TextChoices):
        DRAFT = PublishStatus.DRAFT.value, PublishStatus.DRAFT.label
        PUBLISHED = PublishStatus.PUBLISHED.value, PublishStatus.PUBLISHED.label
        CANCELLED = "cancelled", _("Cancelled (stays visible, marked as cancelled)")

    PUBLIC_STATUSES = (Status.PUBLISHED, Status.CANCELLED)

    uuid = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(
        _("web address"),
        max_length=120,
        unique=True,
        help_text=_(
            "The last part of the event's web address, e.g. “annual-meeting-2027” in /events/annual-meeting-2027/. Filled in from "
            "the title; small letters, digits and hyphens."
        ),
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices, default=Kind.WORKSHOP)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=Status.choices,
        default=Status.DRAFT,
        help_text=_("Drafts are visible only to staff. Cancelled events stay public, clearly marked."),
    )
    start = models.DateTimeField(_("start"), help_text=_("In the event's time zone."))
    end = models.DateTimeField(_("end"), help_text=_("In the event's time zone."))
    all_day = models.BooleanField(
        _("all-day event"), default=False, help_text=_("Only the dates count; times are ignored.")
    )
    timezone = models.CharField(
        _("time zone"),
        max_length=64,
        default=site_timezone,
        validators=[validate_timezone],
        help_text=_("Where the event takes place. Start, end and agenda times are entered in this zone."),
    )
    venue_name = models.CharField(_("venue"), max_length=200, blank=True)
    address = models.TextField(_("address"), blank=True)
    online_url = models.URLField(_("online meeting link"), blank=True)
    summary = models.CharField(
        _("summary"), max_length=300, blank=True, help_text=_("One line for lists and link previews.")
    )
    description = MarkdownxField(
        _("description"), blank=True, help_text=_("Markdown; $…$ and $$…$$ for mathematics.")
    )
    cover_image = ProcessedImageField(_("cover image"), upload_to="events", blank=True)
    cover_alt = models.CharField(_("cover image description"), max_length=200, blank=True)
    registration_url = models.URLField(_("registration link"), blank=True)
    registration_deadline = models.DateTimeField(_("registration deadline"), null=True, blank=True)
    projects = models.ManyToManyField(
        "programs.Project", blank=True, related_name="events", verbose_name=_("projects")
    )
    sequence = models.PositiveIntegerField(
        default=0, editable=False, help_text="Revision number for calendar programs (iCalendar SEQUENCE)."
    )
    history = HistoricalRecords(excluded_fields=["sequence", "updated_at"])

    objects = EventQuerySet.as_manager()

    # Fields whose change calendar subscribers must see (iCalendar SEQUENCE goes up).
    CALENDAR_FIELDS = (
        "title", "start", "end", "all_day", "timezone", "venue_name", "address", "online_url",
        "status", "summary", "description",
    )  # fmt: skip

    class Meta:
        ordering = ["-start"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        constraints = [models.CheckConstraint(condition=Q(end__gte=F("start")), name="event_end_after_start")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("events:detail", kwargs={"slug": self.slug})

    def save(self, *args, **kwargs):
        """Raise the iCalendar SEQUENCE when a field calendar programs show has changed. The new
        values are compared with the stored row (not with a snapshot taken on load, which would
        read deferred fields and break `only()`/`defer()`)."""
        if self.pk is not None and self._calendar_fields_changed(kwargs.get("update_fields")):
            self.sequence += 1
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "sequence"}
        super().save(*args, **kwargs)

    def _calendar_fields_changed(self, update_fields=None) -> bool:
        deferred = self.get_deferred_fields()
        names = [
            name
            for name in self.CALENDAR_FIELDS
            if name not in deferred and (update_fields is None or name in update_fields)
        ]
        if not names:
            return False
        stored = Event._base_manager.filter(pk=self.pk).values(*names).first()
        # A row that is not stored yet (an explicit pk on a new event) has nothing to compare with.
        return stored is not None and any(stored[name] != getattr(self, name) for name in names)

    def clean(self):
        errors = {}
        if self.start and self.end:
            if self.all_day:
                self.start, self.end = self._all_day_bounds()
            if self.end < self.start:
                errors["end"] = _("The event cannot end before it starts.")
        if self.cover_image and not self.cover_alt:
            errors["cover_alt"] = _("Describe the cover image for visitors who cannot see it.")
        if self.registration_deadline and self.end and self.registration_deadline > self.end:
            errors["registration_deadline"] = _("The registration deadline is after the event has ended.")
        if errors:
            raise ValidationError(errors)

    def _all_day_bounds(self):
        """All-day events run from 00:00 on the first day to the end of the last day, local time."""
        tz = self.tzinfo
        first = timezone.localtime(self.start, tz).date()
        last = timezone.localtime(self.end, tz).date()
        return (
            datetime.combine(first, time.min, tzinfo=tz),
            datetime.combine(last, time(23, 59, 59), tzinfo=tz),
        )

    # --- display helpers (in the event's own time zone) -------------------------------------

    @property
    def tzinfo(self):
        return zoneinfo.ZoneInfo(self.timezone or site_timezone())

    @property
    def local_start(self):
        return timezone.localtime(self.start, self.tzinfo)

    @property
    def local_end(self):
        return timezone.localtime(self.end, self.tzinfo)

    @property
    def first_day(self):
        return self.local_start.date()

    @property
    def last_day(self):
        return self.local_end.date()

    @property
    def is_multi_day(self):
        return self.first_day != self.last_day

    @property
    def shows_zone(self):
        return self.timezone != site_timezone()

    @property
    def is_cancelled(self):
        return self.status == self.Status.CANCELLED

    @property
    def is_past(self):
        return self.end < timezone.now()

    @property
    def is_in_progress(self):
        return self.start <= timezone.now() <= self.end

    @property
    def registration_open(self):
        if not self.registration_url or self.is_cancelled or self.is_past:
            return False
        return self.registration_deadline is None or self.registration_deadline > timezone.now()

    @property
    def location_text(self):
        return ", ".join(part for part in [self.venue_name, " ".join(self.address.split())] if part)

    def exclusive_end_date(self):
        """iCalendar's DTEND for all-day events is the day after the last day."""
        return self.last_day + timedelta(days=1)


class GuestSpeakers(models.Model):
    """Speakers who are not in the people directory, as comma-separated names (agenda items, decks)."""

    guest_speakers = models.CharField(
        _("guest speakers"),
        max_length=300,
        blank=True,
        help_text=_("Speakers who are not in the people directory, comma-separated."),
    )

    class Meta:
        abstract = True

    @property
    def guest_speaker_list(self):
        return [name.strip() for name in self.guest_speakers.split(",") if name.strip()]

    def speaker_names(self):
        return [p.full_name for p in self.speakers.all()] + self.guest_speaker_list


class AgendaItemQuerySet(models.QuerySet):
    def public(self):
        """Items of the programmes of published events."""
        return self.filter(event__in=Event.objects.published())


class AgendaItem(GuestSpeakers):
    class Kind(models.TextChoices):
        TALK = "talk", _("Talk")
        KEYNOTE = "keynote", pgettext_lazy("kind of talk", "Keynote")
        BREAK = "break", _("Break")
        POSTER_SESSION = "poster_session", _("Poster session")
        DISCUSSION = "discussion", _("Discussion")
        OTHER = "other", pgettext_lazy("kind of agenda item", "Other")

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="agenda_items", verbose_name=_("event")
    )
    start = models.DateTimeField(_("start"), help_text=_("In the event's time zone."))
    end = models.DateTimeField(_("end"), null=True, blank=True, help_text=_("Optional."))
    title = models.CharField(_("title"), max_length=300)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.TALK)
    room = models.CharField(
        _("room"),
        max_length=100,
        blank=True,
        help_text=_("Where at the venue, if the programme uses several rooms."),
    )
    speakers = models.ManyToManyField(
        "programs.Person", blank=True, related_name="agenda_items", verbose_name=_("speakers")
    )
    abstract = MarkdownxField(_("abstract"), blank=True, help_text=_("Markdown."))

    objects = AgendaItemQuerySet.as_manager()

    class Meta:
        ordering = ["start", "pk"]
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=F("start")), name="agenda_item_end_after_start"
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return f"{self.event.get_absolute_url()}#agenda-{self.pk}"

    def clean(self):
        if self.start and self.end and self.end < self.start:
            raise ValidationError({"end": _("An agenda item cannot end before it starts.")})

    @property
    def local_start(self):
        return timezone.localtime(self.start, self.event.tzinfo)

    @property
    def local_end(self):
        return timezone.localtime(self.end, self.event.tzinfo) if self.end else None

    @property
    def has_calendar_file(self):
        """Whether members can add this item to their calendars on its own: it has an end time
        (start alone is not an appointment) and is something one attends, not a break."""
        return self.end is not None and self.kind != self.Kind.BREAK

    def get_calendar_url(self):
        return reverse("events:talk-ics", kwargs={"slug": self.event.slug, "pk": self.pk})


class Licence(models.TextChoices):
    CC_BY = "cc-by-4.0", "CC BY 4.0"
    CC_BY_SA = "cc-by-sa-4.0", "CC BY-SA 4.0"
    CC_BY_NC = "cc-by-nc-4.0", "CC BY-NC 4.0"
    CC_BY_ND = "cc-by-nd-4.0", "CC BY-ND 4.0"
    CC0 = "cc0-1.0", _("CC0 1.0 (public domain)")
    ALL_RIGHTS_RESERVED = "all-rights-reserved", _("All rights reserved")


LICENCE_URLS = {
    Licence.CC_BY: "https://creativecommons.org/licenses/by/4.0/",
    Licence.CC_BY_SA: "https://creativecommons.org/licenses/by-sa/4.0/",
    Licence.CC_BY_NC: "https://creativecommons.org/licenses/by-nc/4.0/",
    Licence.CC_BY_ND: "https://creativecommons.org/licenses/by-nd/4.0/",
    Licence.CC0: "https://creativecommons.org/publicdomain/zero/1.0/",
}


class Language(models.TextChoices):
    ENGLISH = "en", _("English")
    GERMAN = "de", _("German")


class DocumentType(models.TextChoices):
    PDF = "pdf", "PDF"
    PPTX = "pptx", "PowerPoint"
    ODP = "odp", _("OpenDocument presentation")
    KEY = "key", pgettext_lazy("file type", "Keynote")


CONTENT_TYPES = {
    DocumentType.PDF: "application/pdf",
    DocumentType.PPTX: "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    DocumentType.ODP: "application/vnd.oasis.opendocument.presentation",
    DocumentType.KEY: "application/vnd.apple.keynote",
}


class StoredDocument(models.Model):
    """A stored slide file and what was learnt from it on upload (shared by decks and their versions)."""

    file = models.FileField(_("file"), max_length=200, editable=False)
    original_filename = models.CharField(
        _("original filename"),
        max_length=255,
        editable=False,
        help_text=_("The uploaded file's name, used for downloads."),
    )
    file_type = models.CharField(_("file type"), max_length=10, choices=DocumentType.choices, editable=False)
    size = models.PositiveBigIntegerField(_("size"), default=0, editable=False)
    sha256 = models.CharField("SHA-256", max_length=64, editable=False)
    page_count = models.PositiveIntegerField(_("page count"), null=True, blank=True, editable=False)
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now, editable=False)

    class Meta:
        abstract = True

    @property
    def content_type(self):
        return CONTENT_TYPES[self.file_type]

    @property
    def summary(self):
        """e.g. "PDF, 24 pages, 3.1 MB"."""
        parts = [str(DocumentType(self.file_type).label) if self.file_type != DocumentType.PDF else "PDF"]
        if self.page_count:
            parts.append(
                ngettext("%(count)d page", "%(count)d pages", self.page_count) % {"count": self.page_count}
            )
        parts.append(self.size_text)
        return ", ".join(parts)

    @property
    def size_text(self):
        """The file's size as the site writes it: "3.1 MB", "870 KB"."""
        from django.template.defaultfilters import filesizeformat

        return filesizeformat(self.size).replace("\xa0", " ")


class SlideDeckQuerySet(models.QuerySet):
    def with_file(self):
        return self.exclude(file="")

    def public(self):
        """Decks any visitor may open: those with a file, of published events."""
        return self.with_file().filter(event__in=Event.objects.published())

    def visible_to(self, user):
        """What `user` may open: decks of the events `user` may see (staff previews included)."""
        return self.with_file().filter(event__in=Event.objects.visible_to(user))

    def for_listing(self):
        return self.select_related("event", "agenda_item").prefetch_related("speakers")

    def in_programme_order(self):
        """The order of the event's programme: decks of agenda items by the items' start, then
        the decks of no agenda item alphabetically."""
        return self.order_by(F("agenda_item__start").asc(nulls_last=True), "agenda_item_id", "title", "pk")


class SlideDeck(GuestSpeakers, StoredDocument):
    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="slide_decks", verbose_name=_("event")
    )
    agenda_item = models.ForeignKey(
        AgendaItem,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="slide_decks",
        verbose_name=_("agenda item"),
        help_text=_("The talk these slides belong to (optional)."),
    )
    title = models.CharField(_("title"), max_length=300)
    slug = models.SlugField(
        _("web address"),
        max_length=120,
        unique=True,
        help_text=_(
            "The last part of the slides' web address, e.g. “optimal-transport” in /slides/optimal-transport/. Filled in from "
            "the title; small letters, digits and hyphens."
        ),
    )
    speakers = models.ManyToManyField(
        "programs.Person", blank=True, related_name="slide_decks", verbose_name=_("speakers")
    )
    licence = models.CharField(_("licence"), max_length=30, choices=Licence.choices, default=Licence.CC_BY)
    language = models.CharField(
        _("language"), max_length=5, choices=Language.choices, default=Language.ENGLISH
    )
    thumbnail = models.ImageField(_("thumbnail"), max_length=200, blank=True, editable=False)
    text = models.TextField(
        _("extracted text"), blank=True, editable=False, help_text=_("From the PDF, for search.")
    )
    download_count = models.PositiveIntegerField(_("download count"), default=0, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["text", "download_count"])

    objects = SlideDeckQuerySet.as_manager()

    class Meta:
        ordering = ["event", "agenda_item__start", "title"]
        verbose_name = _("slide deck")
        verbose_name_plural = _("slide decks")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("events:deck-detail", kwargs={"slug": self.slug})

    def get_download_url(self):
        return reverse("events:deck-download", kwargs={"slug": self.slug})

    def clean(self):
        if self.agenda_item_id and self.event_id and self.agenda_item.event_id != self.event_id:
            raise ValidationError(
                {"agenda_item": _("This talk belongs to another event; choose one of this event's talks.")}
            )

    @property
    def is_published(self) -> bool:
        """A deck is public with its event (the publishing rule of `SlideDeckQuerySet.public`)."""
        return bool(self.file) and self.event.is_published

    @property
    def licence_url(self):
        return LICENCE_URLS.get(self.licence, "")

    def count_download(self, client: str) -> bool:
        """Count a download by `client` (an opaque daily fingerprint, see events.downloads), at
        most once per client and day. Returns whether it was counted."""
        today = timezone.localdate()
        if DownloadFingerprint.objects.filter(digest=client).exists():
            return False  # the usual case once counted (ranges, repeats): no write, no lock
        with transaction.atomic():
            _, new = DownloadFingerprint.objects.get_or_create(digest=client, defaults={"day": today})
            if new:
                SlideDeck.objects.filter(pk=self.pk).update(download_count=F("download_count") + 1)
                DownloadFingerprint.objects.filter(day__lt=today).delete()  # yesterday's are of no use
        return new


class DownloadFingerprint(models.Model):
    """A deck downloaded by one client today, as a keyed hash that changes every day: a repeated
    request (a second click, a reader fetching byte ranges) is not counted again. It holds no
    address and no cookie, and rows from earlier days are deleted."""

    digest = models.CharField(max_length=64, unique=True)
    day = models.DateField(db_index=True)

    class Meta:
        verbose_name = _("download fingerprint")
        verbose_name_plural = _("download fingerprints")

    def __str__(self):
        return f"{self.day}: {self.digest[:12]}…"


class SlideDeckVersion(StoredDocument):
    """An earlier file of a deck, kept when the deck's file was replaced."""

    deck = models.ForeignKey(
        SlideDeck, on_delete=models.CASCADE, related_name="versions", verbose_name=_("slide deck")
    )
    replaced_at = models.DateTimeField(_("replaced at"), default=timezone.now)

    class Meta:
        ordering = ["-uploaded_at"]
        verbose_name = _("earlier version")
        verbose_name_plural = _("earlier versions")

    def __str__(self):
        return f"{self.deck} ({self.uploaded_at:%Y-%m-%d})"

    def get_absolute_url(self):
        return reverse("events:version-download", kwargs={"slug": self.deck.slug, "pk": self.pk})


# Speakers' own uploads (issue 17): a personal link per talk, no account, moderated by editors.
# The token itself is never stored: it is derived from the link's random `nonce` with the site's
# SECRET_KEY (as Django's password-reset tokens are), so the admin can show, copy and e-mail it
# again, while a copy of the database alone opens nothing. Lookups go by its SHA-256 (`token_hash`).
# Changing SECRET_KEY therefore retires every link, as it does password-reset links.
UPLOAD_LINK_DAYS_AFTER_EVENT = 30


class UploadLinkQuerySet(models.QuerySet):
    def usable(self):
        """Links a speaker can still use: not revoked, not expired."""
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())


class UploadLink(models.Model):
    """A personal upload link for one talk, for one speaker (or for whoever gives the talk)."""

    class State(models.TextChoices):
        UNUSED = "unused", _("Unused")
        USED = "used", _("Used")
        EXPIRED = "expired", _("Expired")
        REVOKED = "revoked", _("Revoked")

    agenda_item = models.ForeignKey(
        AgendaItem, on_delete=models.CASCADE, related_name="upload_links", verbose_name=_("talk")
    )
    speaker = models.ForeignKey(
        "programs.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="upload_links",
        verbose_name=_("speaker"),
        help_text=_("Leave empty for a link for the whole talk."),
    )
    name = models.CharField(_("name"), max_length=200, blank=True, help_text=_("Whom the link is for."))
    email = models.EmailField(_("e-mail address"), blank=True)
    nonce = models.CharField(max_length=64, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    expires_at = models.DateTimeField(_("expires at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("created by"),
    )
    first_used_at = models.DateTimeField(_("first used at"), null=True, blank=True, editable=False)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)
    bytes_received = models.PositiveBigIntegerField(_("bytes received"), default=0, editable=False)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True, editable=False)

    objects = UploadLinkQuerySet.as_manager()

    class Meta:
        ordering = ["agenda_item__start", "agenda_item_id", "pk"]
        verbose_name = _("speaker upload link")
        verbose_name_plural = _("speaker upload links")

    def __str__(self):
        return f"{self.agenda_item} – {self.recipient}"

    @property
    def recipient(self):
        return self.name or (self.speaker.full_name if self.speaker_id else "") or _("all speakers")

    @property
    def event(self):
        return self.agenda_item.event

    @property
    def state(self):
        if self.revoked_at:
            return self.State.REVOKED
        if self.expires_at <= timezone.now():
            return self.State.EXPIRED
        return self.State.USED if self.first_used_at else self.State.UNUSED

    @property
    def is_usable(self):
        return self.state in (self.State.UNUSED, self.State.USED)

    @staticmethod
    def default_expiry(agenda_item):
        return agenda_item.event.end + timedelta(days=UPLOAD_LINK_DAYS_AFTER_EVENT)


class SpeakerUploadQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=SpeakerUpload.Status.PENDING)


class SpeakerUpload(StoredDocument):
    """A file a speaker sent through an upload link. Never public by itself: an editor approves it
    (it becomes the talk's deck, or a new version of it) or rejects it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for review")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        REPLACED = "replaced", _("Replaced by a later upload")

    agenda_item = models.ForeignKey(
        AgendaItem, on_delete=models.CASCADE, related_name="speaker_uploads", verbose_name=_("talk")
    )
    link = models.ForeignKey(
        UploadLink,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="uploads",
        verbose_name=_("upload link"),
    )
    thumbnail = models.ImageField(_("thumbnail"), max_length=200, blank=True, editable=False)
    text = models.TextField(_("extracted text"), blank=True, editable=False)
    title = models.CharField(_("title"), max_length=300)
    licence = models.CharField(_("licence"), max_length=30, choices=Licence.choices, default=Licence.CC_BY)
    note = models.TextField(_("note to the editors"), max_length=2000, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True, editable=False)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("reviewed by"),
    )
    review_message = models.TextField(_("message to the speaker"), blank=True)
    deck = models.ForeignKey(
        SlideDeck,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="speaker_uploads",
        editable=False,
        verbose_name=_("slide deck"),
    )
    editors_notified_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = SpeakerUploadQuerySet.as_manager()

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        verbose_name = _("slides from a speaker")
        verbose_name_plural = _("slides from speakers")

    def __str__(self):
        return self.title
