"""The program itself: perspectives, funding phases, institutions, people, projects and calls."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from markdownx.models import MarkdownxField
from simple_history.models import HistoricalRecords

from spp_site.identifiers import OrcidField, gepris_url, orcid_url, validate_gepris_id
from spp_site.images import ProcessedImageField
from spp_site.models import GermanVersion
from spp_site.publishing import Publishable, PublishableQuerySet, after, start_of


class ResearchPerspective(models.Model):
    number = models.PositiveSmallIntegerField(
        _("number"), unique=True, help_text=_("Display order and number of the perspective (1, 2, 3).")
    )
    title = models.CharField(
        _("title"), max_length=200, help_text=_("For example “Statistical perspective”.")
    )
    slug = models.SlugField(
        _("web address"),
        max_length=100,
        unique=True,
        help_text=_(
            "The last part of the perspective's web address, e.g. “statistical-perspective” in /research/statistical-perspective/. Filled in from "
            "the title; small letters, digits and hyphens."
        ),
    )
    summary = models.CharField(
        _("summary"), max_length=300, help_text=_("One line, shown on the home page and in lists.")
    )
    body = MarkdownxField(_("body"), blank=True, help_text=_("Markdown; $…$ and $$…$$ for mathematics."))
    history = HistoricalRecords()

    class Meta:
        ordering = ["number"]
        verbose_name = _("research perspective")
        verbose_name_plural = _("research perspectives")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("programs:perspective-detail", kwargs={"slug": self.slug})


class FundingPhase(models.Model):
    number = models.PositiveSmallIntegerField(
        _("number"), unique=True, help_text=_("1 for the first funding period, 2 for the second.")
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    dfg_project_number = models.CharField(
        _("DFG project number"), max_length=20, blank=True, validators=[validate_gepris_id]
    )
    description = models.TextField(
        _("description"), blank=True, help_text=_("A sentence or two, plain text.")
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["number"]
        verbose_name = _("funding phase")
        verbose_name_plural = _("funding phases")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="phase_end_after_start"
            )
        ]

    def __str__(self):
        return _("Phase %(number)s (%(start)s–%(end)s)") % {
            "number": self.number,
            "start": self.start_date.year,
            "end": self.end_date.year,
        }

    def get_absolute_url(self):
        return reverse("programs:project-list") + f"?phase={self.number}"

    def clean(self):
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The phase cannot end before it starts.")})

    @property
    def gepris_url(self):
        return gepris_url(self.dfg_project_number)


class InstitutionQuerySet(models.QuerySet):
    def with_projects(self):
        return self.filter(projects__isnull=False).distinct()

    def on_map(self):
        return self.with_projects().exclude(latitude=None).exclude(longitude=None)


class Institution(models.Model):
    class Kind(models.TextChoices):
        UNIVERSITY = "university", _("University")
        INSTITUTE = "institute", _("Research institute")
        OTHER = "other", pgettext_lazy("kind of institution", "Other")

    name = models.CharField(_("name"), max_length=200, unique=True)
    short_name = models.CharField(
        _("short name"), max_length=40, blank=True, help_text=_("For example “LMU Munich”.")
    )
    slug = models.SlugField(
        _("web address"),
        max_length=100,
        unique=True,
        help_text=_(
            "Names the institution in the project list's filter, e.g. “lmu-munich” in "
            "/projects/?institution=lmu-munich. Filled in from the name; small letters, digits and hyphens."
        ),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.UNIVERSITY)
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = models.CharField(_("country"), max_length=100, default="Germany")
    website = models.URLField(_("website"), blank=True)
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=7,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
        help_text=_("Degrees north, −90 to 90 (main campus, 3 decimals), for the map."),
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=7,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
        help_text=_("Degrees east, −180 to 180."),
    )
    history = HistoricalRecords()

    objects = InstitutionQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("institution")
        verbose_name_plural = _("institutions")
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                name="institution_latitude",
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="institution_longitude",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("programs:project-list") + f"?institution={self.slug}"

    @property
    def label(self):
        return self.short_name or self.name


class Role(models.TextChoices):
    """What a person is in the program (a person can hold several). Order = directory order."""

    COORDINATOR = "coordinator", _("Coordinator")
    COORDINATION_TEAM = "coordination_team", _("Coordination team")
    PRINCIPAL_INVESTIGATOR = "principal_investigator", _("Principal investigator")
    MERCATOR_FELLOW = "mercator_fellow", _("Mercator fellow")
    COMMITTEE = "committee", _("Committee member")
    RESEARCHER = "researcher", _("Researcher")


# The directory's headings (a group of people).
ROLE_PLURALS = {
    Role.COORDINATOR: pgettext_lazy("directory heading", "Coordinator"),
    Role.COORDINATION_TEAM: pgettext_lazy("directory heading", "Coordination team"),
    Role.PRINCIPAL_INVESTIGATOR: _("Principal investigators"),
    Role.MERCATOR_FELLOW: _("Mercator fellows"),
    Role.COMMITTEE: _("Committee members"),
    Role.RESEARCHER: _("Researchers"),
}


class PersonQuerySet(models.QuerySet):
    def with_role(self, role):
        """People holding `role`; principal investigators also follow from project memberships."""
        condition = Q(roles__role=role)
        if role == Role.PRINCIPAL_INVESTIGATOR:
            condition |= Q(memberships__role=ProjectMembership.Role.PRINCIPAL_INVESTIGATOR)
        return self.filter(condition).distinct()

    def filter_by(self, institution=None, perspective=None):
        """The directory's filters: people at `institution`; members of a project in `perspective`."""
        qs = self
        if institution:
            qs = qs.filter(affiliation=institution)
        if perspective:
            qs = qs.filter(
                pk__in=ProjectMembership.objects.filter(project__perspectives=perspective).values("person")
            )
        return qs


class Person(models.Model):
    title = models.CharField(
        _("academic title"), max_length=50, blank=True, help_text=_("For example “Prof. Dr.”.")
    )
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    slug = models.SlugField(
        _("web address"),
        max_length=120,
        unique=True,
        help_text=_(
            "The last part of the person's web address, e.g. “ada-lovelace” in /people/ada-lovelace/. Filled in from "
            "the name; small letters, digits and hyphens."
        ),
    )
    affiliation = models.ForeignKey(
        Institution,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="people",
        verbose_name=_("affiliation"),
    )
    photo = ProcessedImageField(
        _("photo"),
        upload_to="people",
        blank=True,
        max_dimension=1200,
        help_text=_("JPEG, PNG or WebP. Location data and other metadata are removed on upload."),
    )
    photo_alt = models.CharField(
        _("photo description"),
        max_length=200,
        blank=True,
        help_text=_(
            "Alternative text for the photo. Leave empty to use “Portrait of” and the person's name."
        ),
    )
    orcid = OrcidField(
        _("ORCID iD"),
        blank=True,
        help_text=_("16 characters, e.g. 0000-0002-1825-0097 (the orcid.org URL is accepted too)."),
    )
    website = models.URLField(_("website"), blank=True)
    email = models.EmailField(
        _("public e-mail"),
        blank=True,
        help_text=_(
            "Shown on the public page (protected against simple address harvesters). Leave empty to hide."
        ),
    )
    bio = MarkdownxField(_("biography"), blank=True, help_text=_("Markdown."))
    history = HistoricalRecords()

    objects = PersonQuerySet.as_manager()

    # What "Erase personal data" in the admin removes on request, from the profile and from every
    # earlier version: what people tell about themselves (key: (label, fields)). Name, academic
    # title, affiliation, ORCID iD, roles and project memberships stay: they are the program's
    # public record of who took part (as the DFG publishes it), shown on project and event pages;
    # to remove someone entirely, erase this and then delete the person.
    PERSONAL_DATA = {
        # Labels as they read inside a sentence ("Erased: …"); the erasure form capitalises them.
        "photo": (_("portrait photo and its description"), ("photo", "photo_alt")),
        "email": (_("public e-mail"), ("email",)),
        "website": (_("website"), ("website",)),
        "bio": (_("biography, with pictures pasted into it"), ("bio",)),
    }

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self):
        return self.full_name

    def get_absolute_url(self):
        return reverse("programs:person-detail", kwargs={"slug": self.slug})

    @property
    def full_name(self):
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def display_name(self):
        return f"{self.title} {self.full_name}".strip()

    @property
    def photo_description(self):
        return self.photo_alt or _("Portrait of %(name)s") % {"name": self.full_name}

    @property
    def orcid_url(self):
        return orcid_url(self.orcid)


class PersonRole(models.Model):
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="roles", verbose_name=_("person")
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)

    class Meta:
        ordering = ["person", "role"]
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        constraints = [models.UniqueConstraint(fields=["person", "role"], name="unique_person_role")]

    def __str__(self):
        return f"{self.person}: {self.get_role_display()}"


class ProjectQuerySet(models.QuerySet):
    def for_listing(self):
        return self.prefetch_related(
            "perspectives",
            "phases",
            "institutions",
            models.Prefetch(
                "memberships",
                queryset=ProjectMembership.objects.filter(
                    role=ProjectMembership.Role.PRINCIPAL_INVESTIGATOR
                ).select_related("person", "person__affiliation"),
                to_attr="pi_memberships",
            ),
        )

    def filter_by(self, perspective=None, phase=None, institution=None):
        qs = self
        if perspective:
            qs = qs.filter(perspectives=perspective)
        if phase:
            qs = qs.filter(phases=phase)
        if institution:
            qs = qs.filter(institutions=institution)
        return qs.distinct() if (perspective or phase or institution) else qs


# Addresses under /projects/ that are views of the list, not projects (programs/urls.py).
PROJECT_LIST_VIEWS = {"table", "csv"}


class Project(models.Model):
    title = models.CharField(_("title"), max_length=300)
    acronym = models.CharField(_("acronym"), max_length=40, blank=True)
    slug = models.SlugField(
        _("web address"),
        max_length=120,
        unique=True,
        help_text=_(
            "The last part of the project's web address, e.g. “optimal-transport” in /projects/optimal-transport/. Filled in from "
            "the title; small letters, digits and hyphens."
        ),
    )
    perspectives = models.ManyToManyField(
        ResearchPerspective, related_name="projects", verbose_name=_("research perspectives")
    )
    phases = models.ManyToManyField(
        FundingPhase, related_name="projects", blank=True, verbose_name=_("funding phases")
    )
    institutions = models.ManyToManyField(
        Institution, related_name="projects", blank=True, verbose_name=_("institutions")
    )
    members = models.ManyToManyField(
        Person, through="ProjectMembership", related_name="projects", verbose_name=_("members")
    )
    abstract = MarkdownxField(
        _("abstract"), blank=True, help_text=_("Markdown; $…$ and $$…$$ for mathematics.")
    )
    gepris_id = models.CharField(
        _("GEPRIS number"),
        max_length=12,
        blank=True,
        validators=[validate_gepris_id],
        help_text=_("The DFG's project number; the GEPRIS link is built from it."),
    )
    website = models.URLField(_("website"), blank=True)
    image = ProcessedImageField(_("image"), upload_to="projects", blank=True)
    image_alt = models.CharField(
        _("image description"), max_length=200, blank=True, help_text=_("Required when there is an image.")
    )
    history = HistoricalRecords()

    objects = ProjectQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        verbose_name = _("project")
        verbose_name_plural = _("projects")

    def __str__(self):
        return f"{self.title} ({self.acronym})" if self.acronym else self.title

    def get_absolute_url(self):
        return reverse("programs:project-detail", kwargs={"slug": self.slug})

    def clean(self):
        if self.slug in PROJECT_LIST_VIEWS:
            raise ValidationError({"slug": _("This web address is taken by the project list.")})
        if self.image and not self.image_alt:
            raise ValidationError({"image_alt": _("Describe the image for visitors who cannot see it.")})

    @property
    def gepris_url(self):
        return gepris_url(self.gepris_id)

    @property
    def phase_numbers(self):
        """The numbers of the project's funding phases, e.g. [1, 2] (reads prefetched phases)."""
        return [phase.number for phase in self.phases.all()]


class ProjectMembership(models.Model):
    class Role(models.TextChoices):
        PRINCIPAL_INVESTIGATOR = "principal_investigator", _("Principal investigator")
        RESEARCHER = "researcher", _("Researcher")
        ASSOCIATED = "associated", _("Associated member")
        MERCATOR_FELLOW = "mercator_fellow", _("Mercator fellow")

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("project")
    )
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("person")
    )
    role = models.CharField(
        _("role"), max_length=30, choices=Role.choices, default=Role.PRINCIPAL_INVESTIGATOR
    )
    order = models.PositiveSmallIntegerField(
        _("order"), default=0, help_text=_("Members are listed by this number.")
    )

    class Meta:
        ordering = ["order", "person__last_name"]
        verbose_name = _("project member")
        verbose_name_plural = _("project members")
        constraints = [models.UniqueConstraint(fields=["project", "person"], name="unique_project_member")]

    def __str__(self):
        return f"{self.person} – {self.get_role_display()} ({self.project})"


class CallQuerySet(PublishableQuerySet):
    def open(self):
        now = timezone.now()
        return self.published().filter(opens_on__lte=timezone.localdate(now), deadline__gt=now)

    def current(self):
        """The open call (the one closing soonest), else the most recent published call, else None."""
        return self.open().order_by("deadline").first() or self.published().order_by("-deadline").first()

    def changes_after(self, now):
        """Besides publication: a call opens (at the start of its first day) and closes."""
        rows = (
            self.not_drafts()
            .filter(Q(publish_at__gt=now) | Q(opens_on__gt=timezone.localdate(now)) | Q(deadline__gt=now))
            .values_list("publish_at", "opens_on", "deadline")
        )
        return [
            moment
            for publish_at, opens_on, deadline in rows
            for moment in after(now, publish_at, start_of(opens_on), deadline)
        ]


class Call(GermanVersion, Publishable):
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(
        _("web address"),
        max_length=120,
        unique=True,
        help_text=_(
            "The last part of the call's web address, e.g. “second-phase” in /apply/second-phase/. Filled in from "
            "the title; small letters, digits and hyphens."
        ),
    )
    phase = models.ForeignKey(
        FundingPhase,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="calls",
        verbose_name=_("funding phase"),
    )
    opens_on = models.DateField(_("opens on"), help_text=_("First day proposals can be submitted."))
    deadline = models.DateTimeField(
        _("deadline"),
        help_text=_(
            "Proposal deadline in the site's time zone, shown beside the field (e.g. 23:59 on the last day)."
        ),
    )
    summary = models.CharField(
        _("summary"), max_length=300, blank=True, help_text=_("One line, shown on the home page.")
    )
    body = MarkdownxField(_("body"), help_text=_("Eligibility, how to submit, contacts. Markdown."))
    info_sessions = models.ManyToManyField(
        "events.Event",
        blank=True,
        related_name="calls",
        verbose_name=_("information sessions"),
        help_text=_("Information sessions about this call; their slides appear on the Apply page."),
    )
    history = HistoricalRecords()

    objects = CallQuerySet.as_manager()

    class Meta:
        ordering = ["-deadline"]
        verbose_name = _("call")
        verbose_name_plural = _("calls")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("programs:call-detail", kwargs={"slug": self.slug})

    def clean(self):
        if self.opens_on and self.deadline and timezone.localdate(self.deadline) < self.opens_on:
            raise ValidationError({"deadline": _("The deadline cannot be before the call opens.")})

    @property
    def has_closed(self):
        return self.deadline <= timezone.now()

    @property
    def is_open(self):
        now = timezone.now()
        return self.is_published and self.opens_on <= timezone.localdate(now) and self.deadline > now


class FAQItem(models.Model):
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="faq_items", verbose_name=_("call"))
    question = models.CharField(_("question"), max_length=300)
    answer = MarkdownxField(_("answer"), help_text=_("Markdown."))
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("FAQ item")
        verbose_name_plural = _("FAQ items")

    def __str__(self):
        return self.question


def headline_numbers():
    """The home page's figures, counted live from the data. Institutions are counted one way
    everywhere on the home page (all with projects, as on the map); the universities are a part of
    them, never a figure beside them."""
    return {
        "projects": Project.objects.count(),
        "principal_investigators": Person.objects.with_role(Role.PRINCIPAL_INVESTIGATOR).count(),
        # Counted like the map: every institution with projects, the universities among them.
        "institutions": Institution.objects.with_projects().count(),
        "universities": Institution.objects.filter(kind=Institution.Kind.UNIVERSITY).with_projects().count(),
    }
