"""The one publishing rule: drafts, published items, and scheduled publication.

An item is public when its status is one of the model's public statuses and its `publish_at`
has passed. The decision is taken at request time from the clock, so a scheduled item goes live
on its own, without a cron job.
"""

from datetime import date, datetime, time, timedelta

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class PublishableQuerySet(models.QuerySet):
    def published(self):
        """Items any visitor may see right now."""
        return self.filter(status__in=self.model.PUBLIC_STATUSES, publish_at__lte=timezone.now())

    def scheduled(self):
        """Items that are set to go public but whose time has not come yet."""
        return self.filter(status__in=self.model.PUBLIC_STATUSES, publish_at__gt=timezone.now())

    def drafts(self):
        return self.filter(status=Status.DRAFT)

    def changes_after(self, now):
        """The moments after `now` at which what visitors see of these items changes by itself,
        with no one saving anything (the page cache keeps a page until the first of them; see
        spp_site.pagecache): here, scheduled publication. Models whose pages change with the clock
        in other ways override this, reading what they need in one query."""
        return list(self.not_drafts().filter(publish_at__gt=now).values_list("publish_at", flat=True))

    def not_drafts(self):
        """Published and scheduled items (what `changes_after` looks at)."""
        return self.filter(status__in=self.model.PUBLIC_STATUSES)

    def stale_drafts(self, days=30):
        """Drafts created more than `days` days ago (the admin dashboard lists them)."""
        return self.drafts().filter(created_at__lt=timezone.now() - timedelta(days=days))

    def visible_to(self, user):
        """What `user` may open: everything for staff who can view this model (for previews),
        published items for everybody else."""
        if can_preview(user, self.model):
            return self.all()
        return self.published()


def can_preview(user, model) -> bool:
    opts = model._meta
    return bool(
        user
        and user.is_active
        and user.is_staff
        and user.has_perm(f"{opts.app_label}.view_{opts.model_name}")
    )


def start_of(day: date) -> datetime:
    """The first moment of `day` in the site's time zone."""
    return timezone.make_aware(datetime.combine(day, time.min))


def after(now, *moments):
    """Those of `moments` (datetimes, or None) that lie after `now`."""
    return [moment for moment in moments if moment is not None and moment > now]


class Publishable(models.Model):
    """Abstract base for anything that goes through draft → scheduled → published."""

    PUBLIC_STATUSES: tuple[str, ...] = (Status.PUBLISHED,)

    status = models.CharField(
        _("status"),
        max_length=20,
        choices=Status.choices,
        default=Status.DRAFT,
        help_text=_("Drafts are visible only to staff (as a preview)."),
    )
    publish_at = models.DateTimeField(
        _("publish at"),
        default=timezone.now,
        db_index=True,
        help_text=_("The item becomes public at this moment. Set a future time to schedule it."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = PublishableQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def is_published(self) -> bool:
        return self.status in self.PUBLIC_STATUSES and self.publish_at <= timezone.now()

    @property
    def is_scheduled(self) -> bool:
        return self.status in self.PUBLIC_STATUSES and self.publish_at > timezone.now()
