"""Models shared by every app (kept to the few the whole site needs)."""

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models

ALT_TEXT_PLACEHOLDER = "Describe this image for people who cannot see it"


class OldUrl(models.Model):
    """A public URL an item used to have (before its slug or date changed).

    `OldUrlRedirectMiddleware` answers requests for it, and for anything below it, with a
    permanent redirect to the item's current URL, computed live: no chains, and no redirect
    once the item is gone.
    """

    path = models.CharField(max_length=500, unique=True)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["path"]
        verbose_name = "old URL"
        verbose_name_plural = "old URLs"
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self):
        return self.path


class MarkdownImage(models.Model):
    """A picture an editor dropped or pasted into a Markdown field (the file is processed by the
    shared image pipeline; this row records who uploaded what, for the image library in the admin)."""

    image = models.ImageField(max_length=200, editable=False)
    original_filename = models.CharField(max_length=255, editable=False)
    uploaded_by = models.ForeignKey(
        "auth.User", on_delete=models.SET_NULL, null=True, blank=True, editable=False, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at"]
        verbose_name = "image in Markdown text"
        verbose_name_plural = "images in Markdown text"

    def __str__(self):
        return self.original_filename or self.image.name

    @property
    def markdown(self):
        return f"![{ALT_TEXT_PLACEHOLDER}]({self.image.url})"
