"""The site's own models: editor-written pages, the site-wide settings, old URLs and the images
pasted into Markdown (the few things every app needs, or that belong to no single app)."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from markdownx.models import MarkdownxField
from simple_history.models import HistoricalRecords

from .identifiers import gepris_url, validate_gepris_id
from .images import ProcessedImageField
from .publishing import Publishable

# The home page picture is stored at most this wide (renditions of 320 … 1280 pixels beside it): a
# sharp picture on a large screen without a heavy original for the largest contentful paint.
HERO_MAX_DIMENSION = 1600

ALT_TEXT_PLACEHOLDER = _("Describe this image for people who cannot see it")


class OldUrl(models.Model):
    """A public URL an item used to have (before its slug or date changed).

    `OldUrlRedirectMiddleware` answers requests for it, and for anything below it, with a
    permanent redirect to the item's current URL, computed live: no chains, and no redirect
    once the item is gone.
    """

    path = models.CharField(_("path"), max_length=500, unique=True)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, verbose_name=_("content type"))
    object_id = models.PositiveBigIntegerField(_("object ID"))
    target = GenericForeignKey("content_type", "object_id")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["path"]
        verbose_name = _("old URL")
        verbose_name_plural = _("old URLs")
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self):
        return self.path


class MarkdownImage(models.Model):
    """A picture an editor dropped or pasted into a Markdown field (the file is processed by the
    shared image pipeline; this row records who uploaded what, for the image library in the admin)."""

    image = models.ImageField(_("image"), max_length=200, editable=False)
    original_filename = models.CharField(_("original filename"), max_length=255, editable=False)
    uploaded_by = models.ForeignKey(
        "auth.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at"]
        verbose_name = _("image in Markdown text")
        verbose_name_plural = _("images in Markdown text")

    def __str__(self):
        return self.original_filename or self.image.name

    @property
    def markdown(self):
        return f"![{ALT_TEXT_PLACEHOLDER}]({self.image.url})"


RESERVED_PAGE_SLUGS = {
    "admin", "apply", "events", "media", "news", "people", "projects", "research", "slides", "static",
    "institutions", "feeds", "calendar", "search", "sitemap", "robots", "favicon",
    "de", "en", "i18n",  # the languages' prefixes and the language switch (spp_site/i18n.py)
}  # fmt: skip


class GermanVersion(models.Model):
    """An optional German title, summary and text beside the English ones, for content that must
    exist in both languages (Imprint, Privacy, About, the call on the Apply page). The German site
    (/de/…) shows them once title and text are filled in, the English version until then; templates
    read `shown_title`, `shown_summary`, `shown_body` and mark the content with `shown_language`."""

    title_de = models.CharField(
        _("German title"),
        max_length=200,
        blank=True,
        help_text=_(
            "With the German text: the German site (/de/…) shows this version; until both are filled in, it shows the English one."
        ),
    )
    summary_de = models.CharField(_("German summary"), max_length=300, blank=True)
    body_de = MarkdownxField(_("German text"), blank=True, help_text=_("Markdown, like the English text."))

    class Meta:
        abstract = True

    @property
    def has_german_version(self) -> bool:
        return bool(self.title_de.strip() and self.body_de.strip())

    @property
    def shown_language(self) -> str:
        """The language of what the active language shows: German on the German site when there
        is a German version, else English."""
        if translation.get_language() == "de" and self.has_german_version:
            return "de"
        return settings.LANGUAGE_CODE

    def _shown(self, name):
        return getattr(self, f"{name}_de") if self.shown_language == "de" else getattr(self, name)

    @property
    def shown_title(self) -> str:
        return self._shown("title")

    @property
    def shown_summary(self) -> str:
        return self._shown("summary")

    @property
    def shown_body(self) -> str:
        return self._shown("body")


class Page(GermanVersion, Publishable):
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(
        _("web address"),
        max_length=100,
        unique=True,
        help_text=_(
            "The last part of the page's web address, e.g. “about” in /about/. Filled in from the title; "
            "small letters, digits and hyphens. Some words are reserved for the site."
        ),
    )
    summary = models.CharField(
        _("summary"),
        max_length=300,
        blank=True,
        help_text=_("One sentence for search engines and link previews."),
    )
    body = MarkdownxField(_("body"), help_text=_("Markdown; $…$ and $$…$$ for mathematics."))
    show_in_menu = models.BooleanField(_("show in the main menu"), default=False)
    show_in_footer = models.BooleanField(_("show in the footer"), default=False)
    order = models.PositiveSmallIntegerField(
        _("order"), default=0, help_text=_("Position in menu and footer.")
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "title"]
        verbose_name = _("page")
        verbose_name_plural = _("pages")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("site:page", kwargs={"slug": self.slug})

    def clean(self):
        if self.slug in RESERVED_PAGE_SLUGS:
            raise ValidationError(
                {
                    "slug": _("“%(slug)s” is used by the site itself; choose another address.")
                    % {"slug": self.slug}
                }
            )


class SiteSettings(models.Model):
    """The one row of site-wide settings (program name, contact, logo)."""

    program_name = models.CharField(
        _("program name"), max_length=200, default="Theoretical Foundations of Deep Learning"
    )
    short_name = models.CharField(_("short name"), max_length=40, default="SPP 2298")
    tagline = models.CharField(_("tagline"), max_length=300, blank=True)
    dfg_number = models.CharField(
        _("DFG project number"), max_length=20, blank=True, validators=[validate_gepris_id]
    )
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    coordinating_institution = models.ForeignKey(
        "programs.Institution",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("coordinating institution"),
    )
    logo = ProcessedImageField(
        _("logo"),
        upload_to="site",
        blank=True,
        max_dimension=800,
        help_text=_(
            "Shown in the header beside the short name, and in link previews of pages without a picture "
            "of their own. A square mark works best (at least 512 × 512 pixels, PNG with a transparent "
            "background). Without a logo the header shows “SPP” in a circle."
        ),
    )
    logo_alt = models.CharField(_("logo description"), max_length=200, blank=True)
    hero_image = ProcessedImageField(
        _("home page picture"),
        upload_to="site",
        blank=True,
        max_dimension=HERO_MAX_DIMENSION,
        help_text=_(
            "Optional: a wide picture at the top of the home page (at least 1600 pixels wide, about 3:1). "
            "An illustration or a photo of the program's own, never stock imagery."
        ),
    )
    hero_alt = models.CharField(
        _("home page picture description"),
        max_length=200,
        blank=True,
        help_text=_("What the picture shows, for people who cannot see it."),
    )
    hero_credit = models.CharField(
        _("home page picture credit"),
        max_length=200,
        blank=True,
        help_text=_(
            "Shown in small print under the picture, e.g. “Photo: Jane Doe” or “Illustration: SPP 2298”."
        ),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("site settings")
        verbose_name_plural = _("site settings")

    def __str__(self):
        return str(_("Site settings"))

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("site:home")

    @classmethod
    def load(cls):
        obj = cls.objects.select_related("coordinating_institution").filter(pk=1).first()
        return obj or cls(pk=1)

    @property
    def gepris_url(self):
        return gepris_url(self.dfg_number)

    def clean(self):
        if self.hero_image and not self.hero_alt.strip():
            raise ValidationError(
                {"hero_alt": _("Describe the home page picture for visitors who cannot see it.")}
            )


class Partner(models.Model):
    """A funder or partner institution, shown as a mark (its logo, or its name) in the footer of
    every page, in the order the site settings give."""

    class Role(models.TextChoices):
        FUNDED_BY = "funded_by", _("Funded by")
        COORDINATED_AT = "coordinated_at", _("Coordinated at")
        IN_COOPERATION_WITH = "in_cooperation_with", _("In cooperation with")
        SUPPORTED_BY = "supported_by", _("Supported by")

    site = models.ForeignKey(
        SiteSettings,
        on_delete=models.CASCADE,
        related_name="partners",
        default=1,
        verbose_name=_("site settings"),
    )
    role = models.CharField(
        _("role"),
        max_length=30,
        choices=Role.choices,
        default=Role.FUNDED_BY,
        help_text=_("The line above the mark, in the visitor's language."),
    )
    name = models.CharField(
        _("name"),
        max_length=200,
        help_text=_(
            "The full name, e.g. “Deutsche Forschungsgemeinschaft (DFG)”: the logo's text alternative."
        ),
    )
    url = models.URLField(_("web address"), blank=True)
    logo = ProcessedImageField(
        _("logo"),
        upload_to="partners",
        blank=True,
        max_dimension=600,
        help_text=_(
            "Optional, and only with the owner's permission. The footer shows it small, on a white "
            "background: a wide logo, PNG with a transparent background, works best. Without a logo the "
            "footer shows the name."
        ),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0, help_text=_("Smaller numbers first."))
    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("funder or partner")
        verbose_name_plural = _("funders and partners")

    def __str__(self):
        return f"{self.get_role_display()} {self.name}"

    def get_absolute_url(self):
        return reverse("site:home")  # shown in every page's footer; the home page stands for them


class SearchEntry(models.Model):
    """One public item as the site search finds it (see spp_site.search, which alone writes these
    rows): what visitors may see of it right now, as plain text, with its address and date.

    On PostgreSQL `vector` holds the weighted search vector (a GIN index, made by the migration,
    serves it); on SQLite the migration's triggers copy the texts into an FTS5 table instead."""

    class Kind(models.TextChoices):
        NEWS = "news", _("News")
        EVENT = "event", _("Event")
        TALK = "talk", _("Talk")
        DECK = "deck", _("Slides")
        PROJECT = "project", _("Project")
        PERSON = "person", _("Person")
        PERSPECTIVE = "perspective", _("Research perspective")
        PAGE = "page", _("Page")
        CALL = "call", _("Call")

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    kind = models.CharField(max_length=20, choices=Kind.choices)
    title = models.CharField(max_length=400)
    teaser = models.TextField(blank=True)
    body = models.TextField(blank=True)
    extra = models.TextField(blank=True, help_text="Speakers' names, text of the slides.")
    date = models.DateTimeField(null=True, blank=True)
    url = models.CharField(max_length=500)
    meta = models.JSONField(default=dict, blank=True)
    vector = SearchVectorField(null=True, editable=False)

    class Meta:
        ordering = ["kind", "title"]
        verbose_name = "search entry"
        verbose_name_plural = "search entries"
        constraints = [
            models.UniqueConstraint(fields=["content_type", "object_id"], name="unique_search_entry")
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.title}"

    def get_absolute_url(self):
        return self.url


class SearchState(models.Model):
    """The one row that says when the search index must next take in scheduled items whose
    publication time has passed (nobody saves anything then); see spp_site.search.sync_due."""

    next_due = models.DateTimeField(null=True, blank=True)
    checked_at = models.DateTimeField(help_text="Items published up to this moment are in the index.")

    class Meta:
        verbose_name = "search index state"
        verbose_name_plural = "search index state"

    def __str__(self):
        return f"Search index: next due {self.next_due or 'never'}"


class EditorProfile(models.Model):
    """A staff member's own settings: the admin's language (blank: the browser's)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="editor_profile"
    )
    language = models.CharField(
        _("admin language"),
        max_length=8,
        blank=True,
        choices=[("", _("as the browser asks")), *settings.LANGUAGES],
        help_text=_("Empty: the language your browser asks for."),
    )

    class Meta:
        verbose_name = _("editor profile")
        verbose_name_plural = _("editor profiles")

    def __str__(self):
        return str(self.user)

    @classmethod
    def language_of(cls, user) -> str:
        """The saved admin language of `user` ("" if none): one query per admin request."""
        return cls.objects.filter(user=user).values_list("language", flat=True).first() or ""
