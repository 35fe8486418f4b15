import datetime
import itertools
import zoneinfo
from collections import namedtuple

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from programs.models import (
    Call,
    FundingPhase,
    Institution,
    Person,
    Project,
    ProjectMembership,
    Role,
    headline_numbers,
)
from spp_site.publishing import Status
from tests.programs.factories import (
    CallFactory,
    InstitutionFactory,
    MembershipFactory,
    PersonFactory,
    PersonRoleFactory,
    PerspectiveFactory,
    PhaseFactory,
    ProjectFactory,
)

pytestmark = pytest.mark.django_db
BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
DAY = datetime.timedelta(days=1)


# --- people and their roles ----------------------------------------------------------------------


def test_principal_investigators_by_role():
    pi = PersonRoleFactory(role=Role.PRINCIPAL_INVESTIGATOR).person
    PersonRoleFactory(role=Role.RESEARCHER)
    assert list(Person.objects.with_role(Role.PRINCIPAL_INVESTIGATOR)) == [pi]


def test_principal_investigators_by_project_membership():
    pi = MembershipFactory(role=ProjectMembership.Role.PRINCIPAL_INVESTIGATOR).person
    MembershipFactory(role=ProjectMembership.Role.RESEARCHER)
    assert list(Person.objects.with_role(Role.PRINCIPAL_INVESTIGATOR)) == [pi]


def test_a_principal_investigator_by_role_and_by_two_memberships_appears_once():
    pi = PersonRoleFactory(role=Role.PRINCIPAL_INVESTIGATOR).person
    MembershipFactory(person=pi)
    MembershipFactory(person=pi)
    assert list(Person.objects.with_role(Role.PRINCIPAL_INVESTIGATOR)) == [pi]


def test_other_roles_come_from_the_role_only():
    fellow = PersonRoleFactory(role=Role.MERCATOR_FELLOW).person
    MembershipFactory(role=ProjectMembership.Role.MERCATOR_FELLOW)  # a member, not a listed fellow
    PersonRoleFactory(role=Role.COORDINATOR)
    assert list(Person.objects.with_role(Role.MERCATOR_FELLOW)) == [fellow]


def test_headline_numbers_count_projects_principal_investigators_institutions_and_universities():
    university, institute = InstitutionFactory(), InstitutionFactory(kind=Institution.Kind.INSTITUTE)
    InstitutionFactory()  # a university without a project
    first = ProjectFactory(institutions=[university, institute])
    ProjectFactory(institutions=[university])
    pi = MembershipFactory(project=first).person
    PersonRoleFactory(person=pi, role=Role.PRINCIPAL_INVESTIGATOR)
    PersonRoleFactory(role=Role.PRINCIPAL_INVESTIGATOR)
    MembershipFactory(project=first, role=ProjectMembership.Role.RESEARCHER)
    assert headline_numbers() == {
        "projects": 2,
        "principal_investigators": 2,
        "institutions": 2,
        "universities": 1,
    }


# --- institutions ------------------------------------------------------------------------------


def test_institutions_with_projects_appear_once_each():
    busy = InstitutionFactory()
    ProjectFactory(institutions=[busy])
    ProjectFactory(institutions=[busy])
    InstitutionFactory()
    assert list(Institution.objects.with_projects()) == [busy]


def test_institutions_on_the_map_have_projects_and_both_coordinates():
    placed, no_latitude, no_longitude = (
        InstitutionFactory(),
        InstitutionFactory(latitude=None),
        InstitutionFactory(longitude=None),
    )
    InstitutionFactory()  # coordinates, but no project
    ProjectFactory(institutions=[placed, no_latitude, no_longitude])
    assert list(Institution.objects.on_map()) == [placed]


# --- projects ----------------------------------------------------------------------------------


Cell = namedtuple("Cell", ["perspective", "phase", "institution"])


@pytest.fixture
def grid():
    """A project in every combination of two perspectives, two phases and two institutions,
    and the values the filters choose."""
    perspectives = PerspectiveFactory(), PerspectiveFactory()
    phases = PhaseFactory(number=1), PhaseFactory(number=2)
    institutions = InstitutionFactory(), InstitutionFactory()
    projects = {
        Cell(*cell): ProjectFactory(perspectives=[cell[0]], phases=[cell[1]], institutions=[cell[2]])
        for cell in itertools.product(perspectives, phases, institutions)
    }
    return projects, Cell(perspectives[0], phases[1], institutions[0])


def test_filter_by_nothing_keeps_every_project(grid):
    assert Project.objects.filter_by().count() == 8


@pytest.mark.parametrize(
    "names",
    [
        ["perspective"],
        ["phase"],
        ["institution"],
        ["perspective", "phase"],
        ["perspective", "institution"],
        ["phase", "institution"],
        ["perspective", "phase", "institution"],
    ],
)
def test_filters_combine_with_and(grid, names):
    projects, chosen = grid
    filters = {name: getattr(chosen, name) for name in names}
    expected = [p for cell, p in projects.items() if all(getattr(cell, n) == v for n, v in filters.items())]
    assert len(expected) == 8 // 2 ** len(names)
    assert sorted(Project.objects.filter_by(**filters), key=lambda p: p.pk) == expected


def test_for_listing_prefetches_only_the_principal_investigators(django_assert_num_queries):
    project = ProjectFactory()
    pi = MembershipFactory(project=project).person
    MembershipFactory(project=project, role=ProjectMembership.Role.RESEARCHER)
    ProjectFactory()
    with django_assert_num_queries(5):  # projects, perspectives, phases, institutions, PI memberships
        listed = list(Project.objects.for_listing().order_by("pk"))
        pis = [[m.person for m in p.pi_memberships] for p in listed]
        perspectives = [len(p.perspectives.all()) for p in listed]
        institutions = [len(p.institutions.all()) for p in listed]
    assert (pis, perspectives, institutions) == ([[pi], []], [1, 1], [0, 0])


# --- calls --------------------------------------------------------------------------------------


def test_open_calls_have_opened_and_not_closed_and_are_published():
    today, now = timezone.localdate(), timezone.now()
    open_call = CallFactory(opens_on=today, deadline=now + DAY)
    CallFactory(opens_on=today + DAY, deadline=now + 30 * DAY)  # not open yet
    CallFactory(opens_on=today - 30 * DAY, deadline=now - datetime.timedelta(minutes=1))  # closed
    CallFactory(status=Status.DRAFT, opens_on=today, deadline=now + DAY)
    CallFactory(opens_on=today, deadline=now + DAY, publish_at=now + DAY)  # scheduled
    assert list(Call.objects.open()) == [open_call]
    assert open_call.is_open


def test_current_call_is_the_open_one_closing_soonest():
    now = timezone.now()
    CallFactory(deadline=now + 60 * DAY)
    soonest = CallFactory(deadline=now + 10 * DAY)
    CallFactory(opens_on=timezone.localdate() - 90 * DAY, deadline=now - DAY)
    assert Call.objects.current() == soonest


def test_without_an_open_call_the_current_one_is_the_most_recent_published():
    now = timezone.now()
    CallFactory(opens_on=timezone.localdate() - 900 * DAY, deadline=now - 800 * DAY)
    recent = CallFactory(opens_on=timezone.localdate() - 90 * DAY, deadline=now - 30 * DAY)
    CallFactory(status=Status.DRAFT, opens_on=timezone.localdate() - 90 * DAY, deadline=now - DAY)
    assert Call.objects.current() == recent


def test_drafts_are_never_the_current_call():
    CallFactory(status=Status.DRAFT)
    assert Call.objects.current() is None


def test_a_calls_deadline_cannot_be_before_it_opens():
    call = CallFactory.build(
        opens_on=datetime.date(2026, 3, 1), deadline=datetime.datetime(2026, 2, 28, 23, 59, tzinfo=BERLIN)
    )
    with pytest.raises(ValidationError) as exc:
        call.clean()
    assert list(exc.value.message_dict) == ["deadline"]


def test_a_deadline_on_the_opening_day_counts_in_the_sites_time_zone():
    # 00:30 in Berlin on the opening day is still the day before in UTC.
    call = CallFactory.build(
        opens_on=datetime.date(2026, 3, 1), deadline=datetime.datetime(2026, 3, 1, 0, 30, tzinfo=BERLIN)
    )
    call.clean()


# --- funding phases and identifiers ------------------------------------------------------------


def test_a_phase_cannot_end_before_it_starts():
    phase = FundingPhase(number=3, start_date=datetime.date(2027, 7, 1), end_date=datetime.date(2027, 6, 30))
    with pytest.raises(ValidationError) as exc:
        phase.clean()
    assert list(exc.value.message_dict) == ["end_date"]


@pytest.mark.parametrize(
    "typed",
    ["https://orcid.org/0000-0002-1825-0097", "orcid.org/0000-0002-1825-0097", " 0000000218250097 "],
)
def test_orcid_is_stored_as_the_bare_id(typed):
    person = PersonFactory(orcid="")
    person.orcid = typed
    person.full_clean()
    assert person.orcid == "0000-0002-1825-0097"
    assert person.orcid_url == "https://orcid.org/0000-0002-1825-0097"


def test_an_orcid_with_a_wrong_check_digit_is_refused():
    person = PersonFactory()
    person.orcid = "https://orcid.org/0000-0002-1825-0098"
    with pytest.raises(ValidationError) as exc:
        person.full_clean()
    assert "check digit" in exc.value.message_dict["orcid"][0]


def test_gepris_links_of_projects_and_phases():
    assert (
        ProjectFactory(gepris_id="463910157").gepris_url == "https://gepris.dfg.de/gepris/projekt/463910157"
    )
    assert PhaseFactory().gepris_url == "https://gepris.dfg.de/gepris/projekt/441826958"


def test_no_gepris_number_no_link():
    assert ProjectFactory(gepris_id="").gepris_url == ""
    assert PhaseFactory(dfg_project_number="").gepris_url == ""


def test_orcid_is_normalised_on_save_without_a_form():
    person = PersonFactory(orcid="https://orcid.org/0000-0002-1825-0097")
    person.refresh_from_db()
    assert person.orcid == "0000-0002-1825-0097"
