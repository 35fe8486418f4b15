from django import forms
from django.contrib import admin
from django.db.models import Count

from spp_site.admin import ContentAdmin, ContentInlineMixin, PublishableAdmin, thumbnail

from .models import (
    Call,
    FAQItem,
    FundingPhase,
    Institution,
    Person,
    PersonRole,
    Project,
    ProjectMembership,
    ResearchPerspective,
    Role,
)


@admin.register(ResearchPerspective)
class ResearchPerspectiveAdmin(ContentAdmin):
    list_display = ["number", "title", "summary", "project_count"]
    list_display_links = ["title"]
    search_fields = ["title", "summary", "body"]
    prepopulated_fields = {"slug": ["title"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(project_count=Count("projects"))

    @admin.display(description="projects", ordering="project_count")
    def project_count(self, obj):
        return obj.project_count


@admin.register(FundingPhase)
class FundingPhaseAdmin(ContentAdmin):
    list_display = ["__str__", "start_date", "end_date", "dfg_project_number"]
    search_fields = ["dfg_project_number", "description"]


@admin.register(Institution)
class InstitutionAdmin(ContentAdmin):
    list_display = ["name", "short_name", "kind", "city", "country", "latitude", "longitude", "project_count"]
    list_filter = ["kind", "country"]
    search_fields = ["name", "short_name", "city"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(project_count=Count("projects", distinct=True))

    @admin.display(description="projects", ordering="project_count")
    def project_count(self, obj):
        return obj.project_count


class PersonAdminForm(forms.ModelForm):
    role_list = forms.MultipleChoiceField(
        label="Roles in the program",
        choices=Role.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Principal investigators of projects are listed as such automatically.",
    )

    class Meta:
        model = Person
        fields = [
            "title", "first_name", "last_name", "slug", "affiliation", "photo", "photo_alt",
            "orcid", "website", "email", "bio",
        ]  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["role_list"] = [r.role for r in self.instance.roles.all()]


class MembershipInline(ContentInlineMixin, admin.TabularInline):
    model = ProjectMembership
    extra = 1
    autocomplete_fields = ["person"]
    fields = ["person", "role", "order"]


class PersonMembershipInline(MembershipInline):
    autocomplete_fields = ["project"]
    fields = ["project", "role", "order"]
    extra = 0
    verbose_name = "project"
    verbose_name_plural = "projects"


@admin.register(Person)
class PersonAdmin(ContentAdmin):
    form = PersonAdminForm
    list_display = ["photo_preview", "last_name", "first_name", "title", "affiliation", "role_names"]
    list_display_links = ["photo_preview", "last_name"]
    list_filter = ["roles__role", "affiliation"]
    list_select_related = ["affiliation"]
    search_fields = ["first_name", "last_name", "email", "orcid", "affiliation__name"]
    autocomplete_fields = ["affiliation"]
    prepopulated_fields = {"slug": ["first_name", "last_name"]}
    inlines = [PersonMembershipInline]
    fieldsets = [
        (None, {"fields": ["title", "first_name", "last_name", "slug", "affiliation", "role_list"]}),
        ("Photo", {"fields": ["photo", "photo_alt"]}),
        ("Links and contact", {"fields": ["orcid", "website", "email"]}),
        ("Biography", {"fields": ["bio"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("roles")

    @admin.display(description="photo")
    def photo_preview(self, obj):
        return thumbnail(obj.photo, alt="", size=40)

    @admin.display(description="roles")
    def role_names(self, obj):
        return ", ".join(r.get_role_display() for r in obj.roles.all())

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        wanted = set(form.cleaned_data.get("role_list") or [])
        person = form.instance
        person.roles.exclude(role__in=wanted).delete()
        existing = set(person.roles.values_list("role", flat=True))
        PersonRole.objects.bulk_create([PersonRole(person=person, role=r) for r in wanted - existing])


@admin.register(Project)
class ProjectAdmin(ContentAdmin):
    list_display = ["image_preview", "title", "acronym", "perspective_list", "gepris_id"]
    list_display_links = ["image_preview", "title"]
    list_filter = ["perspectives", "phases", "institutions"]
    search_fields = ["title", "acronym", "abstract", "gepris_id", "members__last_name"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["institutions"]
    filter_horizontal = ["perspectives", "phases"]
    inlines = [MembershipInline]
    fieldsets = [
        (None, {"fields": ["title", "acronym", "slug", "perspectives", "phases", "institutions"]}),
        ("Description", {"fields": ["abstract", "image", "image_alt"]}),
        ("Links", {"fields": ["gepris_id", "website"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("perspectives")

    @admin.display(description="image")
    def image_preview(self, obj):
        return thumbnail(obj.image, alt="", size=48)

    @admin.display(description="perspectives")
    def perspective_list(self, obj):
        return ", ".join(p.title for p in obj.perspectives.all())


class FAQInline(ContentInlineMixin, admin.StackedInline):
    model = FAQItem
    extra = 0
    fields = ["question", "answer", "order"]


@admin.register(Call)
class CallAdmin(PublishableAdmin):
    list_display = ["title", "phase", "opens_on", "deadline", "visibility", "is_open", "public_link"]
    list_filter = ["status", "phase"]
    search_fields = ["title", "summary", "body"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["info_sessions"]
    inlines = [FAQInline]
    fieldsets = [
        (None, {"fields": ["title", "slug", "phase", "summary", "body"]}),
        ("Dates", {"fields": ["opens_on", "deadline"]}),
        ("Information sessions", {"fields": ["info_sessions"]}),
        ("Publishing", {"fields": ["status", "publish_at"]}),
    ]

    @admin.display(description="open now", boolean=True)
    def is_open(self, obj):
        return obj.is_open
