"""The site's own pages: the home page that composes every app, and editors' pages."""

import datetime

import pytest
from django.utils import timezone

from events.models import Event
from programs.models import ProjectMembership, Role
from spp_site.models import SiteSettings
from tests.core.factories import PageFactory
from tests.events.factories import EventFactory
from tests.news.factories import NewsItemFactory
from tests.programs.factories import (
    CallFactory,
    InstitutionFactory,
    MembershipFactory,
    PersonFactory,
    PersonRoleFactory,
    ProjectFactory,
)
from tests.queries import get_counting_queries

pytestmark = pytest.mark.django_db


def text(response):
    return response.content.decode()


def test_home_headline_numbers_follow_the_data(client):
    tum, zib = InstitutionFactory(), InstitutionFactory(kind="institute")
    project = ProjectFactory(institutions=[tum, zib])
    MembershipFactory(project=project)
    response = client.get("/")
    numbers = response.context["numbers"]
    assert numbers == {"projects": 1, "principal_investigators": 1, "institutions": 2, "universities": 1}
    project2 = ProjectFactory(institutions=[InstitutionFactory()])
    MembershipFactory(project=project2)
    MembershipFactory(project=project2, role=ProjectMembership.Role.RESEARCHER)
    numbers = client.get("/").context["numbers"]
    assert numbers == {"projects": 2, "principal_investigators": 2, "institutions": 3, "universities": 2}
    html = text(client.get("/"))
    assert "<strong>2</strong> <span>projects</span>" in html
    # Institutions counted like the map; the universities explained as a part of them.
    assert "<strong>3</strong> <span>institutions</span> <small>(2 of them universities)</small>" in html
    assert "3 institutions in Germany with projects in the program" in html


def test_home_map_has_one_named_marker_per_institution_with_projects(client):
    lmu = InstitutionFactory(name="LMU Munich", city="Munich", latitude=48.151, longitude=11.58)
    bonn = InstitutionFactory(name="University of Bonn", city="Bonn", latitude=50.734, longitude=7.103)
    InstitutionFactory(name="No Projects University", latitude=52.5, longitude=13.4)
    abroad = InstitutionFactory(
        name="ETH Zurich", city="Zurich", country="Switzerland", latitude=47.376, longitude=8.548
    )
    ProjectFactory(institutions=[lmu, bonn])
    ProjectFactory(institutions=[lmu, abroad])
    html = text(client.get("/"))
    assert html.count('class="map-marker"') == 2
    assert 'aria-label="LMU Munich, Munich: 2 projects"' in html
    assert 'aria-label="University of Bonn, Bonn: 1 project"' in html
    assert "No Projects University" not in html
    assert "plus 1 abroad" in html and "ETH Zurich" in html


def test_home_merges_institutions_at_the_same_place_into_one_marker_with_a_count(client):
    berlin = [
        InstitutionFactory(
            name=f"Berlin institute {i}", city="Berlin", latitude=52.5 + i / 100, longitude=13.4
        )
        for i in range(4)
    ]
    bonn = InstitutionFactory(name="University of Bonn", city="Bonn", latitude=50.734, longitude=7.103)
    ProjectFactory(institutions=[*berlin, bonn])
    html = text(client.get("/"))
    assert html.count('class="map-marker') == 2
    assert 'aria-label="Berlin: 4 institutions"' in html and 'href="#map-place-berlin"' in html
    assert '<li id="map-place-berlin">Berlin: <ul>' in html
    assert all(f">Berlin institute {i}</a>" in html for i in range(4))
    assert 'aria-label="University of Bonn, Bonn: 1 project"' in html
    assert "5 institutions in Germany" in html


def test_a_cancelled_upcoming_event_never_leads_the_home_page(client):
    soon = timezone.now() + datetime.timedelta(days=2)
    EventFactory(title="Cancelled soon", start=soon, end=soon, status=Event.Status.CANCELLED)
    EventFactory(
        title="Later workshop", start=soon + datetime.timedelta(days=5), end=soon + datetime.timedelta(days=6)
    )
    response = client.get("/")
    assert [e.title for e in response.context["upcoming_events"]] == ["Later workshop", "Cancelled soon"]
    html = text(response)
    assert html.index("Later workshop") < html.index("Cancelled soon")
    assert "<s>Cancelled soon</s>" in html and "badge-cancelled" in html


def test_home_highlights_the_next_annual_meeting_and_names_the_coordination(client):
    assert "Next annual meeting" not in text(client.get("/"))
    EventFactory(title="Cancelled meeting", kind=Event.Kind.ANNUAL_MEETING, status=Event.Status.CANCELLED)
    EventFactory(title="Draft meeting", kind=Event.Kind.ANNUAL_MEETING, status=Event.Status.DRAFT)
    assert "Next annual meeting" not in text(client.get("/"))
    EventFactory(title="Annual meeting 2031", kind=Event.Kind.ANNUAL_MEETING)
    lmu = InstitutionFactory(name="LMU Munich")
    coordinator = PersonFactory(first_name="Gitta", last_name="Kutyniok", affiliation=lmu)
    PersonRoleFactory(person=coordinator, role=Role.COORDINATOR)
    settings = SiteSettings.load()
    settings.coordinating_institution = lmu
    settings.save()
    html = text(client.get("/"))
    assert 'id="annual-meeting">Next annual meeting</h2>' in html and "Annual meeting 2031" in html
    assert f'Coordinator: <a href="{coordinator.get_absolute_url()}">' in html and "(LMU Munich)" in html
    assert "Coordinated at LMU Munich." in html


def test_home_query_count_does_not_grow_with_the_data(client):
    def build(n):
        for i in range(n):
            inst = InstitutionFactory(city=f"City {i % 3}", latitude=50 + i / 10, longitude=10)
            ProjectFactory(institutions=[inst])
            EventFactory(kind=Event.Kind.ANNUAL_MEETING)
        PersonRoleFactory(role=Role.COORDINATOR)

    build(1)
    _, one = get_counting_queries(client, "/")
    build(20)
    _, many = get_counting_queries(client, "/")
    assert one == many


def test_home_shows_the_open_call_with_its_deadline(client):
    CallFactory(title="Call for phase 3", summary="Apply now.")
    html = text(client.get("/"))
    assert "Open call: Call for phase 3" in html and "Europe/Berlin" in html


def test_home_lists_upcoming_events_and_news(client):
    EventFactory(title="Upcoming workshop")
    NewsItemFactory(title="Latest news item")
    NewsItemFactory(title="Featured item", featured=True)
    html = text(client.get("/"))
    assert "Upcoming workshop" in html and "Latest news item" in html and "Featured item" in html


def test_site_pages_and_footer_links(client):
    PageFactory(title="Imprint", slug="imprint", show_in_footer=True, body="Legal **notice**.")
    PageFactory(title="About", slug="about", show_in_menu=True)
    PageFactory(title="Secret", slug="secret", status="draft")
    html = text(client.get("/imprint/"))
    assert "<strong>notice</strong>" in html
    assert '<a href="/imprint/">Imprint</a>' in html
    assert '<a href="/about/"' in html
    assert client.get("/secret/").status_code == 404
    assert "Secret" not in html
