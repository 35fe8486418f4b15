from django.db.models import Prefetch
from django.http import QueryDict
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import DetailView, ListView, TemplateView

from events.models import AgendaItem, SlideDeck
from spp_site.spreadsheets import csv_response
from spp_site.views import BreadcrumbsMixin, PublishedObjectMixin

from .forms import PersonFilterForm, ProjectFilterForm
from .models import ROLE_PLURALS, Call, Person, Project, ProjectMembership, ResearchPerspective, Role


class PerspectiveListView(ListView):
    model = ResearchPerspective
    template_name = "programs/perspective_list.html"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .prefetch_related(Prefetch("projects", queryset=Project.objects.order_by("title")))
        )


class PerspectiveDetailView(BreadcrumbsMixin, DetailView):
    model = ResearchPerspective

    def get_breadcrumbs(self):
        return [(_("Research"), reverse("programs:perspective-list")), (self.object.title, None)]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["projects"] = self.object.projects.for_listing().order_by("title")
        return context


class ProjectFilterMixin:
    """The project list's filters (GET parameters), shared by the cards, the table and the CSV file."""

    model = Project

    def get_queryset(self):
        self.filter_form = ProjectFilterForm(self.request.GET or None)
        self.active_filters = self.filter_form.filters() if self.request.GET else {}
        return Project.objects.filter_by(**self.active_filters).for_listing().order_by("title")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = QueryDict(mutable=True)
        for name, value in self.active_filters.items():
            query[name] = self.filter_form[name].field.prepare_value(value)
        context.update(
            filter_form=self.filter_form,
            active_filters=self.active_filters,
            querystring=query.urlencode(),
        )
        return context


class ProjectListView(ProjectFilterMixin, ListView):
    paginate_by = 12


class ProjectTableView(BreadcrumbsMixin, ProjectFilterMixin, ListView):
    """All projects of the filter on one page, one row each: for reviewers comparing projects."""

    template_name = "programs/project_table.html"

    def get_breadcrumbs(self):
        return [(_("Projects"), reverse("programs:project-list")), (_("Table"), None)]


class ProjectCSVView(ProjectFilterMixin, ListView):
    """The projects of the filter as a CSV file, one row each."""

    def render_to_response(self, context, **response_kwargs):
        names = [
            "phase-" + str(value.number) if name == "phase" else value.slug
            for name, value in self.active_filters.items()
        ]
        filename = "-".join(["spp2298-projects", *names]) + ".csv"
        header = [
            _("Title"),
            _("Phase"),
            _("Perspective"),
            _("Principal investigators"),
            _("Institutions"),
            _("URL"),
        ]
        rows = (
            [
                project.title,
                "; ".join(str(number) for number in project.phase_numbers),
                "; ".join(p.title for p in project.perspectives.all()),
                "; ".join(m.person.display_name for m in project.pi_memberships),
                "; ".join(i.name for i in project.institutions.all()),
                self.request.build_absolute_uri(project.get_absolute_url()),
            ]
            for project in self.object_list
        )
        return csv_response(filename, header, rows)


class ProjectDetailView(BreadcrumbsMixin, DetailView):
    model = Project

    def get_breadcrumbs(self):
        return [
            (_("Projects"), reverse("programs:project-list")),
            (self.object.acronym or self.object.title, None),
        ]

    def get_queryset(self):
        return Project.objects.prefetch_related(
            "perspectives",
            "phases",
            "institutions",
            Prefetch(
                "memberships",
                queryset=ProjectMembership.objects.select_related("person", "person__affiliation"),
            ),
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        project = self.object
        member_ids = [m.person_id for m in project.memberships.all()]
        context.update(
            events=project.events.published().order_by("-start"),
            # Talks and slides by the project's members, wherever they were given.
            talks=AgendaItem.objects.public()
            .filter(speakers__in=member_ids)
            .distinct()
            .select_related("event")
            .prefetch_related("speakers")
            .order_by("-start"),
            decks=SlideDeck.objects.public()
            .filter(speakers__in=member_ids)
            .distinct()
            .for_listing()
            .order_by("-event__start", "title"),
            news=project.news_items.published().order_by("-publish_at")[:5],
        )
        return context


class PersonListView(ListView):
    """The directory, grouped by role (a person with several roles is listed under each)."""

    model = Person
    template_name = "programs/person_list.html"

    def get_queryset(self):
        self.filter_form = PersonFilterForm(self.request.GET or None)
        self.active_filters = self.filter_form.filters() if self.request.GET else {}
        return Person.objects.filter_by(**self.active_filters).select_related("affiliation")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        groups = [(role, list(self.object_list.with_role(role))) for role in Role]
        context["groups"] = [
            {
                "role": role,
                "slug": role.value.replace("_", "-"),
                "title": ROLE_PLURALS[role],
                "people": people,
            }
            for role, people in groups
            if people
        ]
        context["filter_form"] = self.filter_form
        context["active_filters"] = self.active_filters
        context["people_count"] = len(
            {person.pk for group in context["groups"] for person in group["people"]}
        )
        return context


class PersonDetailView(BreadcrumbsMixin, DetailView):
    model = Person

    def get_breadcrumbs(self):
        return [(_("People"), reverse("programs:person-list")), (self.object.full_name, None)]

    def get_queryset(self):
        return Person.objects.select_related("affiliation").prefetch_related("roles")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        person = self.object
        context.update(
            memberships=person.memberships.select_related("project").order_by("project__title"),
            talks=person.agenda_items.public().select_related("event").order_by("-start"),
            decks=person.slide_decks.public().for_listing().order_by("-event__start"),
            news=person.news_items.published()[:5],
        )
        return context


class ApplyView(TemplateView):
    """The current call (or, while none is open, the most recent one) with its FAQ and the
    information sessions' slides."""

    template_name = "programs/apply.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        call = Call.objects.current()
        context["call"] = call
        context["earlier_calls"] = Call.objects.published().exclude(pk=call.pk if call else None)
        context.update(call_context(call))
        return context


def call_context(call):
    if call is None:
        return {}
    sessions = call.info_sessions.published().order_by("start")
    return {
        "faq_items": call.faq_items.all(),
        "info_sessions": sessions,
        "info_decks": SlideDeck.objects.public().filter(event__in=sessions).for_listing(),
    }


class CallDetailView(BreadcrumbsMixin, PublishedObjectMixin, DetailView):
    model = Call

    def get_breadcrumbs(self):
        return [(_("Apply"), reverse("programs:apply")), (self.object.title, None)]

    def get_queryset(self):
        return super().get_queryset().select_related("phase")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(call_context(self.object))
        return context
