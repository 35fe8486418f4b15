from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Case, Count, IntegerField, Q, Value, When
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.text import capfirst
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from spp_site.admin import (
    GERMAN_VERSION_FIELDSET,
    ContentAdmin,
    ContentInlineMixin,
    PublishableAdmin,
    thumbnail,
)
from spp_site.erasure import erase, plan_erasure

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
    ordering = ["number"]  # Meta.ordering does not apply to the annotated (GROUP BY) queryset

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(project_count=Count("projects"))

    @admin.display(description=_("projects"), ordering="project_count")
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
    ordering = ["name"]  # Meta.ordering does not apply to the annotated (GROUP BY) queryset

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(project_count=Count("projects", distinct=True))

    @admin.display(description=_("projects"), ordering="project_count")
    def project_count(self, obj):
        return obj.project_count


class PersonAdminForm(forms.ModelForm):
    role_list = forms.MultipleChoiceField(
        label=_("Roles in the program"),
        choices=Role.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Principal investigators of projects are listed as such automatically."),
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


class ErasureForm(forms.Form):
    what = forms.MultipleChoiceField(
        label=_("Erase"),
        choices=[(key, capfirst(label)) for key, (label, _fields) in Person.PERSONAL_DATA.items()],
        initial=list(Person.PERSONAL_DATA),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose what to erase.")},
    )

    def field_names(self) -> list[str]:
        return [name for key in self.cleaned_data["what"] for name in Person.PERSONAL_DATA[key][1]]

    def summary(self) -> str:
        """What is erased, in words (never the data itself): for the history note and the log."""
        return ", ".join(str(Person.PERSONAL_DATA[key][0]) for key in self.cleaned_data["what"])


class MembershipInline(ContentInlineMixin, admin.TabularInline):
    model = ProjectMembership
    extra = 1
    autocomplete_fields = ["person"]
    fields = ["person", "role", "order"]


class PersonMembershipInline(MembershipInline):
    autocomplete_fields = ["project"]
    fields = ["project", "role", "order"]
    extra = 0
    verbose_name = _("project")
    verbose_name_plural = _("projects")


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
    actions = ["erase_personal_data"]
    fieldsets = [
        (None, {"fields": ["title", "first_name", "last_name", "slug", "affiliation", "role_list"]}),
        (_("Photo"), {"fields": ["photo", "photo_alt"]}),
        (_("Links and contact"), {"fields": ["orcid", "website", "email"]}),
        (_("Biography"), {"fields": ["bio"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("roles")

    def get_search_results(self, request, queryset, search_term):
        """People whose name matches every word come first (speaker autocompletes: "Weber" finds
        Dr. Weber before the people of the Weber Institute), then by name."""
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        words = search_term.split()
        if words:
            by_name = Q()
            for word in words:
                by_name &= Q(first_name__icontains=word) | Q(last_name__icontains=word)
            rank = Case(When(by_name, then=Value(0)), default=Value(1), output_field=IntegerField())
            queryset = queryset.annotate(name_rank=rank).order_by(
                "name_rank", "last_name", "first_name", "pk"
            )
        return queryset, may_have_duplicates

    @admin.display(description=_("photo"))
    def photo_preview(self, obj):
        return thumbnail(obj.photo, alt="", size=40)

    @admin.display(description=_("roles"))
    def role_names(self, obj):
        return ", ".join(r.get_role_display() for r in obj.roles.all())

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        wanted = set(form.cleaned_data.get("role_list") or [])
        person = form.instance
        person.roles.exclude(role__in=wanted).delete()
        existing = set(person.roles.values_list("role", flat=True))
        PersonRole.objects.bulk_create([PersonRole(person=person, role=r) for r in wanted - existing])

    # --- erasing personal data (GDPR): for whoever may both change and delete people ----------

    def has_erase_permission(self, request, obj=None):
        return self.has_change_permission(request, obj) and self.has_delete_permission(request, obj)

    @admin.action(description=_("Erase personal data of the selected people…"), permissions=["erase"])
    def erase_personal_data(self, request, queryset):
        return self._erase_personal_data(request, list(queryset), from_list=True)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), "has_erase_permission": self.has_erase_permission(request)}
        return super().change_view(request, object_id, form_url, extra_context)

    def get_urls(self):
        return [
            path(
                "<path:object_id>/erase/",
                self.admin_site.admin_view(self.erase_view),
                name="programs_person_erase",
            ),
            *super().get_urls(),
        ]

    def erase_view(self, request, object_id):
        person = self.get_object(request, unquote(object_id))
        if person is None:
            raise Http404(gettext("No such person."))
        if not self.has_erase_permission(request, person):
            raise PermissionDenied
        response = self._erase_personal_data(request, [person])
        return response or redirect("admin:programs_person_change", person.pk)

    def _erase_personal_data(self, request, people, from_list=False):
        """Ask for confirmation, listing what goes and what stays; once confirmed, erase and
        return None (back to where the editor came from)."""
        confirmed = request.method == "POST" and request.POST.get("erase") == "yes"
        form = ErasureForm(request.POST if confirmed else None)
        if confirmed and form.is_valid():
            what = form.summary()
            # The history note is short (100 characters at most): the keys, e.g. "photo, email".
            note = f"Personal data erased: {', '.join(form.cleaned_data['what'])}."
            for person in people:
                plan = erase(person, form.field_names(), reason=note)
                self.log_change(request, person, gettext("Personal data erased: %(what)s.") % {"what": what})
                self._report_erasure(request, person, what, plan)
            return None
        every_field = [name for _, names in Person.PERSONAL_DATA.values() for name in names]
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Erase personal data"),
            "opts": self.opts,
            "form": form,
            "erasures": [(person, plan_erasure(person, every_field)) for person in people],
            "from_list": from_list,
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
            "cancel_url": (
                reverse("admin:programs_person_changelist")
                if from_list
                else reverse("admin:programs_person_change", args=[people[0].pk])
            ),
        }
        return TemplateResponse(request, "admin/programs/person/erase_personal_data.html", context)

    def _report_erasure(self, request, person, what, plan):
        deleted = len(plan.deleted)
        erased = ngettext(
            "Erased from %(person)s and %(count)d earlier version: %(what)s.",
            "Erased from %(person)s and %(count)d earlier versions: %(what)s.",
            plan.versions,
        ) % {"person": person, "count": plan.versions, "what": what}
        pictures = ngettext(
            "%(count)d stored picture deleted.", "%(count)d stored pictures deleted.", deleted
        ) % {"count": deleted}
        self.message_user(request, f"{erased} {pictures}", messages.SUCCESS)
        for name, places in plan.kept().items():
            self.message_user(
                request,
                gettext("The picture %(name)s of %(person)s stays because it is used by %(places)s.")
                % {"name": name, "person": person, "places": "; ".join(places)},
                messages.WARNING,
            )


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
        (_("Description"), {"fields": ["abstract", "image", "image_alt"]}),
        (_("Links"), {"fields": ["gepris_id", "website"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("perspectives")

    @admin.display(description=_("image"))
    def image_preview(self, obj):
        return thumbnail(obj.image, alt="", size=48)

    @admin.display(description=_("perspectives"))
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
    search_fields = ["title", "summary", "body", "title_de", "body_de"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["info_sessions"]
    inlines = [FAQInline]
    fieldsets = [
        (None, {"fields": ["title", "slug", "phase", "summary", "body"]}),
        GERMAN_VERSION_FIELDSET,
        (_("Dates"), {"fields": ["opens_on", "deadline"]}),
        (_("Information sessions"), {"fields": ["info_sessions"]}),
        (_("Publishing"), {"fields": ["status", "publish_at"]}),
    ]

    @admin.display(description=_("open now"), boolean=True)
    def is_open(self, obj):
        return obj.is_open
