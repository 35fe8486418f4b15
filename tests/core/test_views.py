"""The site's own pages: the home page that composes every app, and editors' pages."""

import pytest

from programs.models import ProjectMembership
from tests.core.factories import PageFactory
from tests.events.factories import EventFactory
from tests.news.factories import NewsItemFactory
from tests.programs.factories import (
    CallFactory,
    InstitutionFactory,
    MembershipFactory,
    ProjectFactory,
)

pytestmark = pytest.mark.django_db


def text(response):
    return response.content.decode()


def test_home_headline_numbers_follow_the_data(client):
    tum, zib = InstitutionFactory(), InstitutionFactory(kind="institute")
    project = ProjectFactory(institutions=[tum, zib])
    MembershipFactory(project=project)
    response = client.get("/")
    numbers = response.context["numbers"]
    assert numbers == {"projects": 1, "principal_investigators": 1, "universities": 1}
    project2 = ProjectFactory(institutions=[InstitutionFactory()])
    MembershipFactory(project=project2)
    MembershipFactory(project=project2, role=ProjectMembership.Role.RESEARCHER)
    numbers = client.get("/").context["numbers"]
    assert numbers == {"projects": 2, "principal_investigators": 2, "universities": 2}
    assert "<strong>2</strong> <span>projects</span>" in text(client.get("/"))


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
