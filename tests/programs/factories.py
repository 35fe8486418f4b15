import datetime

import factory
from django.utils import timezone

from programs.models import (
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
from spp_site.publishing import Status


class InstitutionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Institution

    name = factory.Sequence(lambda n: f"University {n}")
    short_name = factory.Sequence(lambda n: f"Uni {n}")
    slug = factory.Sequence(lambda n: f"uni-{n}")
    kind = Institution.Kind.UNIVERSITY
    city = "Munich"
    latitude = 48.151
    longitude = 11.580


class PerspectiveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ResearchPerspective

    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Perspective {n}")
    slug = factory.Sequence(lambda n: f"perspective-{n}")
    summary = "One line about it."
    body = "Some **Markdown**."


class PhaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FundingPhase
        django_get_or_create = ("number",)

    number = 1
    start_date = datetime.date(2021, 7, 1)
    end_date = datetime.date(2024, 6, 30)
    dfg_project_number = "441826958"


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    title = "Prof. Dr."
    first_name = "Demo"
    last_name = factory.Sequence(lambda n: f"Person{n}")
    slug = factory.Sequence(lambda n: f"demo-person-{n}")
    affiliation = factory.SubFactory(InstitutionFactory)


class PersonRoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PersonRole

    person = factory.SubFactory(PersonFactory)
    role = Role.RESEARCHER


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Project number {n}")
    slug = factory.Sequence(lambda n: f"project-{n}")
    abstract = "An abstract with $x^2$."

    @factory.post_generation
    def perspectives(self, create, extracted, **kwargs):
        if create:
            self.perspectives.set(extracted or [PerspectiveFactory()])

    @factory.post_generation
    def institutions(self, create, extracted, **kwargs):
        if create and extracted:
            self.institutions.set(extracted)

    @factory.post_generation
    def phases(self, create, extracted, **kwargs):
        if create and extracted:
            self.phases.set(extracted)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProjectMembership

    project = factory.SubFactory(ProjectFactory)
    person = factory.SubFactory(PersonFactory)
    role = ProjectMembership.Role.PRINCIPAL_INVESTIGATOR


class CallFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Call

    title = factory.Sequence(lambda n: f"Call {n}")
    slug = factory.Sequence(lambda n: f"call-{n}")
    opens_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=10))
    deadline = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=30))
    body = "How to apply."
    status = Status.PUBLISHED
    publish_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=10))


class FAQFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FAQItem

    call = factory.SubFactory(CallFactory)
    question = factory.Sequence(lambda n: f"Question {n}?")
    answer = "An answer."
