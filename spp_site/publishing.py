"""The one publishing rule: drafts, published items, and scheduled publication.

An item is public when its status is one of the model's public statuses and its `publish_at`
has passed. The decision is taken at request time from the clock, so a scheduled item goes live
on its own, without a cron job.
"""

from datetime import timedelta

from django.db import models
from django.utils import timezone


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"


class PublishableQuerySet(models.QuerySet):
    def published(self):
        """Items any visitor may see right now."""
        return self.filter(status__in=self.model.PUBLIC_STATUSES, publish_at__lte=timezone.now())

    def scheduled(self):
        """Items that are set to go public but whose time has not come yet."""
        return self.filter(status__in=self.model.PUBLIC_STATUSES, publish_at__gt=timezone.now())

    def drafts(self):
        return self.filter(status=Status.DRAFT)

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


class Publishable(models.Model):
    """Abstract base for anything that goes through draft → scheduled → published."""

    PUBLIC_STATUSES: tuple[str, ...] = (Status.PUBLISHED,)

    status = models.CharField(
        max_length=20,
        choices=Status.choices,
        default=Status.DRAFT,
        help_text="Drafts are visible only to staff (as a preview).",
    )
    publish_at = models.DateTimeField(
        "publish at",
        default=timezone.now,
        db_index=True,
        help_text="The item becomes public at this moment. Set a future time to schedule it.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PublishableQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def is_published(self) -> bool:
        return self.status in self.PUBLIC_STATUSES and self.publish_at <= timezone.now()

    @property
    def is_scheduled(self) -> bool:
        return self.status in self.PUBLIC_STATUSES and self.publish_at > timezone.now()
