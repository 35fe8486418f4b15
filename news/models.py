"""News: announcements, meeting reports, awards, calls and job openings."""

import uuid
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from markdownx.models import MarkdownxField
from simple_history.models import HistoricalRecords

from spp_site.images import ProcessedImageField
from spp_site.publishing import Publishable, PublishableQuerySet, after, start_of


class NewsQuerySet(PublishableQuerySet):
    def for_listing(self):
        return self.select_related("author_person")

    def in_category(self, category):
        return self.filter(category=category) if category else self

    def in_year(self, year):
        """Items published in `year` (a calendar year in the site's time zone)."""
        return self.filter(publish_at__year=year)

    def featured(self):
        return self.published().filter(featured=True)

    def changes_after(self, now):
        """Besides publication: an item with an end date shows "Closed" from the day after it."""
        rows = (
            self.not_drafts()
            .filter(Q(publish_at__gt=now) | Q(expires_on__gte=timezone.localdate(now)))
            .values_list("publish_at", "expires_on")
        )
        return [
            moment
            for publish_at, expires_on in rows
            for moment in after(now, publish_at, expires_on and start_of(expires_on + timedelta(days=1)))
        ]


class NewsItem(Publishable):
    class Category(models.TextChoices):
        ANNOUNCEMENT = "announcement", _("Announcement")
        MEETING_REPORT = "meeting-report", _("Meeting report")
        AWARD = "award", _("Award")
        CALL = "call", pgettext_lazy("news category", "Call")
        JOB = "job", _("Job opening")
        OTHER = "other", pgettext_lazy("news category", "Other")

    uuid = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(
        _("web address"),
        max_length=120,
        unique=True,
        help_text=_(
            "The last part of the news item's web address, e.g. “new-members” in /news/2026/new-members/. Filled in from "
            "the title; small letters, digits and hyphens."
        ),
    )
    teaser = models.TextField(
        _("teaser"),
        max_length=400,
        help_text=_("Plain text, one or two sentences: shown in lists, feeds and link previews."),
    )
    body = MarkdownxField(
        _("body"), help_text=_("Markdown; $…$ and $$…$$ for mathematics; paste or drop images.")
    )
    cover_image = ProcessedImageField(_("cover image"), upload_to="news", blank=True)
    cover_alt = models.CharField(
        _("cover image description"),
        max_length=200,
        blank=True,
        help_text=_("Required when there is a cover image."),
    )
    category = models.CharField(
        _("category"), max_length=20, choices=Category.choices, default=Category.ANNOUNCEMENT
    )
    author_person = models.ForeignKey(
        "programs.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="news_items",
        verbose_name=_("author"),
        help_text=_("Shown as the author. Leave empty to sign as the coordination office."),
    )
    author_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("created by"),
    )
    featured = models.BooleanField(_("featured on the home page"), default=False)
    expires_on = models.DateField(
        _("closes on"),
        null=True,
        blank=True,
        help_text=_(
            "For job openings and calls: after this day the item is listed as closed (it stays visible)."
        ),
    )
    related_events = models.ManyToManyField(
        "events.Event", blank=True, related_name="news_items", verbose_name=_("related events")
    )
    related_projects = models.ManyToManyField(
        "programs.Project", blank=True, related_name="news_items", verbose_name=_("related projects")
    )
    history = HistoricalRecords()

    objects = NewsQuerySet.as_manager()

    class Meta:
        ordering = ["-publish_at", "-pk"]
        get_latest_by = "publish_at"
        verbose_name = _("news item")
        verbose_name_plural = _("news items")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("news:detail", kwargs={"year": self.local_year, "slug": self.slug})

    def clean(self):
        if self.cover_image and not self.cover_alt:
            raise ValidationError(
                {"cover_alt": _("Describe the cover image for visitors who cannot see it.")}
            )

    @property
    def is_closed(self):
        return self.expires_on is not None and self.expires_on < timezone.localdate()

    @property
    def local_year(self):
        """The year of publication in the site's time zone (part of the item's address)."""
        return timezone.localtime(self.publish_at).year

    @property
    def author_name(self):
        return self.author_person.display_name if self.author_person else ""
