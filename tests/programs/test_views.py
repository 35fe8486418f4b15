import csv
import io

import pytest
from django.core.exceptions import ValidationError
from lxml import html as lxml_html

from programs.models import Role
from tests.conftest import picture
from tests.events.factories import EventFactory, make_deck
from tests.news.factories import NewsItemFactory
from tests.programs.factories import (
    CallFactory,
    FAQFactory,
    InstitutionFactory,
    MembershipFactory,
    PersonFactory,
    PersonRoleFactory,
    PerspectiveFactory,
    PhaseFactory,
    ProjectFactory,
)
from tests.queries import queries_at_1_and_50

pytestmark = pytest.mark.django_db


def text(response):
    return response.content.decode()


def test_research_pages(client):
    perspective = PerspectiveFactory(title="Statistical perspective", body="Body with $x$")
    ProjectFactory(title="A statistical project", perspectives=[perspective])
    assert "Statistical perspective" in text(client.get("/research/"))
    html = text(client.get(perspective.get_absolute_url()))
    assert "A statistical project" in html and "<math" in html


def test_project_list_filters_combine_and_survive_pagination(client):
    p1, p2 = PerspectiveFactory(slug="stat"), PerspectiveFactory(slug="appl")
    phase2 = PhaseFactory(number=2)
    phase1 = PhaseFactory(number=1)
    tum, kit = InstitutionFactory(slug="tum"), InstitutionFactory(slug="kit")
    for i in range(14):
        ProjectFactory(title=f"Match {i:02}", perspectives=[p1], phases=[phase2], institutions=[tum])
    ProjectFactory(title="Wrong perspective", perspectives=[p2], phases=[phase2], institutions=[tum])
    ProjectFactory(title="Wrong phase", perspectives=[p1], phases=[phase1], institutions=[tum])
    ProjectFactory(title="Wrong institution", perspectives=[p1], phases=[phase2], institutions=[kit])
    response = client.get("/projects/?perspective=stat&phase=2&institution=tum")
    assert response.context["paginator"].count == 14
    html = text(response)
    assert "Wrong" not in html
    assert 'href="?perspective=stat&amp;phase=2&amp;institution=tum&amp;page=2"' in html
    page2 = client.get("/projects/?perspective=stat&phase=2&institution=tum&page=2")
    titles = [p.title for p in page2.context["object_list"]]
    assert titles == ["Match 12", "Match 13"]


def test_project_list_ignores_unknown_filter_values(client):
    ProjectFactory(title="Visible project")
    response = client.get("/projects/?perspective=nope&phase=x")
    assert response.status_code == 200
    assert "Visible project" in text(response)


@pytest.mark.parametrize("page", ["999", "abc", "0"])
def test_project_list_bad_page_is_404(client, page):
    ProjectFactory()
    assert client.get(f"/projects/?page={page}").status_code == 404


def _project_with_everything(i):
    perspective = PerspectiveFactory()
    institution = InstitutionFactory()
    project = ProjectFactory(perspectives=[perspective], institutions=[institution], phases=[PhaseFactory()])
    for _ in range(2):
        MembershipFactory(project=project)
    return project


def test_project_list_query_count_is_constant(client):
    response, one, fifty = queries_at_1_and_50(client, "/projects/", _project_with_everything)
    assert response.context["paginator"].count == 50
    assert one == fifty <= 10


def _filtered_projects():
    """Three projects in the statistical perspective (two in phase 2), one elsewhere."""
    stat, appl = PerspectiveFactory(slug="stat", title="Statistical"), PerspectiveFactory(slug="appl")
    phase1, phase2 = PhaseFactory(number=1), PhaseFactory(number=2)
    lmu = InstitutionFactory(slug="lmu", name="LMU Munich", short_name="LMU")
    tum = InstitutionFactory(slug="tum", name="TU Munich", short_name="TUM")
    first = ProjectFactory(
        title="Alpha", perspectives=[stat], phases=[phase1, phase2], institutions=[lmu, tum]
    )
    MembershipFactory(
        project=first, person=PersonFactory(title="Dr.", first_name="Ada", last_name="Lovelace")
    )
    MembershipFactory(project=first, person=PersonFactory(title="", first_name="Alan", last_name="Turing"))
    MembershipFactory(project=first, role="researcher", person=PersonFactory(last_name="NotAPI"))
    ProjectFactory(title="Beta", perspectives=[stat], phases=[phase2])
    ProjectFactory(title="Gamma", perspectives=[stat], phases=[phase1])
    ProjectFactory(title="Delta", perspectives=[appl], phases=[phase2])


def csv_rows(response):
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))


def test_project_csv_has_one_row_per_project_of_the_filter(client):
    _filtered_projects()
    response = client.get("/projects/csv/?perspective=stat&phase=2")
    assert response["Content-Disposition"] == 'attachment; filename="spp2298-projects-stat-phase-2.csv"'
    rows = csv_rows(response)
    assert rows[0] == ["Title", "Phase", "Perspective", "Principal investigators", "Institutions", "URL"]
    assert rows[1:] == [
        ["Alpha", "1; 2", "Statistical", "Dr. Ada Lovelace; Alan Turing", "LMU Munich; TU Munich",
         "http://testserver/projects/" + rows[1][5].rsplit("/", 2)[-2] + "/"],
        ["Beta", "2", "Statistical", "", "", rows[2][5]],
    ]  # fmt: skip
    assert rows[1][5].startswith("http://testserver/projects/project-")
    assert client.get(rows[1][5].removeprefix("http://testserver")).status_code == 200


def test_project_csv_without_a_filter_lists_every_project(client):
    _filtered_projects()
    response = client.get("/projects/csv/")
    assert response["Content-Disposition"] == 'attachment; filename="spp2298-projects.csv"'
    assert response.content.startswith("\ufeff".encode())
    assert [row[0] for row in csv_rows(response)[1:]] == ["Alpha", "Beta", "Delta", "Gamma"]


@pytest.mark.parametrize("title", ['=HYPERLINK("http://evil")', "+1", "-1", "@SUM(A1)"])
def test_project_csv_defuses_cells_a_spreadsheet_would_run_as_formulas(client, title):
    ProjectFactory(title=title)
    ProjectFactory(title="Plain - with a dash inside")
    titles = sorted(row[0] for row in csv_rows(client.get("/projects/csv/"))[1:])
    assert sorted(titles) == sorted(["'" + title, "Plain - with a dash inside"])


def test_project_csv_in_german_has_german_headers(client):
    ProjectFactory()
    assert csv_rows(client.get("/de/projects/csv/"))[0][:2] == ["Titel", "Förderphase"]


def test_project_table_lists_every_project_of_the_filter_unpaginated(client):
    _filtered_projects()
    for i in range(20):
        ProjectFactory(title=f"Zeta {i:02}", perspectives=[PerspectiveFactory()])
    document = lxml_html.fromstring(client.get("/projects/table/?perspective=stat").content)
    rows = document.xpath("//table/tbody/tr")
    assert [" ".join(row.xpath("th")[0].text_content().split()) for row in rows] == ["Alpha", "Beta", "Gamma"]
    alpha = [" ".join(cell.text_content().split()) for cell in rows[0].xpath("td")]
    assert alpha[0] == "1, 2" and alpha[1] == "Statistical"
    assert "Dr. Ada Lovelace" in alpha[2] and "NotAPI" not in alpha[2]
    assert rows[0].xpath("td[4]//li/text()") == ["LMU", "TUM"]
    assert document.xpath("//table/caption")[0].text_content() == "Projects: Statistical"
    assert document.xpath("//title")[0].text_content().startswith("Projects in a table: Statistical")
    region = document.xpath("//div[@role='region']")[0]
    assert region.get("tabindex") == "0" and region.get("aria-labelledby") == "projects-caption"
    assert len(document.xpath("//thead//th[@scope='col']")) == 5
    everything = lxml_html.fromstring(client.get("/projects/table/").content)
    assert len(everything.xpath("//table/tbody/tr")) == 24
    assert [a.get("href") for a in everything.xpath("//nav[@class='breadcrumbs']//a")] == ["/projects/"]


def test_project_list_links_its_table_and_csv_with_the_filter(client):
    _filtered_projects()
    html = text(client.get("/projects/?perspective=stat&phase=2&page=1"))
    assert 'href="/projects/table/?perspective=stat&amp;phase=2"' in html
    assert (
        'href="/projects/csv/?perspective=stat&amp;phase=2" download>Download as CSV (2 projects)</a>' in html
    )
    assert "Funding phases 1, 2" in html and "Funding phase 2<" in html


def test_project_table_query_count_is_constant(client):
    response, one, fifty = queries_at_1_and_50(client, "/projects/table/", _project_with_everything)
    assert len(response.context["object_list"]) == 50
    assert one == fifty <= 10


def test_project_csv_query_count_is_constant(client):
    response, one, fifty = queries_at_1_and_50(client, "/projects/csv/", _project_with_everything)
    assert len(csv_rows(response)) == 51
    assert one == fifty <= 10


@pytest.mark.parametrize("slug", ["table", "csv"])
def test_a_project_cannot_take_the_address_of_a_list_view(slug):
    with pytest.raises(ValidationError, match="taken by the project list"):
        ProjectFactory.build(slug=slug).clean()


def test_project_detail_shows_members_institutions_gepris_and_related_content(client):
    institution = InstitutionFactory(name="TU Darmstadt")
    project = ProjectFactory(
        title="Globally Optimal Neural Network Training", gepris_id="463910157", institutions=[institution]
    )
    pi = MembershipFactory(
        project=project, person=PersonFactory(first_name="Marc", last_name="Pfetsch")
    ).person
    event = EventFactory(title="A meeting")
    event.projects.add(project)
    deck = make_deck(event, title="Pfetsch's slides")
    deck.speakers.add(pi)
    news = NewsItemFactory(title="Project news")
    news.related_projects.add(project)
    html = text(client.get(project.get_absolute_url()))
    for expected in ["Marc Pfetsch", "Principal investigator", "TU Darmstadt",
                     "https://gepris.dfg.de/gepris/projekt/463910157", "A meeting", "Pfetsch&#x27;s slides", "Project news"]:  # fmt: skip
        assert expected in html, expected


def test_meta_description_cannot_gain_attributes(client):
    project = ProjectFactory(abstract='Intro `x" autofocus onfocus="alert(1)`')
    html = client.get(project.get_absolute_url()).content.decode()
    meta = next(line for line in html.splitlines() if 'name="description"' in line)
    assert "onfocus=" not in meta.replace("onfocus=&quot;", "")
    assert "&quot;" in meta


def test_people_directory_groups_by_role_and_filters_by_institution(client):
    lmu, fau = InstitutionFactory(slug="lmu", name="LMU"), InstitutionFactory(slug="fau", name="FAU")
    coordinator = PersonRoleFactory(
        person=PersonFactory(last_name="Kutyniok", affiliation=lmu), role=Role.COORDINATOR
    ).person
    PersonRoleFactory(person=PersonFactory(last_name="Burger", affiliation=fau), role=Role.COORDINATION_TEAM)
    pi = MembershipFactory(person=PersonFactory(last_name="Viaproject", affiliation=fau)).person
    response = client.get("/people/")
    groups = {g["title"]: [p.last_name for p in g["people"]] for g in response.context["groups"]}
    assert groups["Coordinator"] == ["Kutyniok"]
    assert groups["Coordination team"] == ["Burger"]
    assert groups["Principal investigators"] == ["Viaproject"]
    filtered = client.get("/people/?institution=fau")
    names = {p.last_name for g in filtered.context["groups"] for p in g["people"]}
    assert names == {"Burger", "Viaproject"}
    assert coordinator.full_name in text(client.get(coordinator.get_absolute_url()))
    assert pi.memberships.first().project.title in text(client.get(pi.get_absolute_url()))


def test_people_directory_filters_by_perspective_and_names_the_filters(client):
    stat = PerspectiveFactory(slug="stat", title="Statistical")
    lmu = InstitutionFactory(slug="lmu", name="LMU Munich")
    in_stat = MembershipFactory(
        project=ProjectFactory(perspectives=[stat]), person=PersonFactory(last_name="Stat", affiliation=lmu)
    ).person
    PersonRoleFactory(person=in_stat, role=Role.COORDINATOR)
    MembershipFactory(person=PersonFactory(last_name="Elsewhere", affiliation=lmu))
    PersonRoleFactory(person=PersonFactory(last_name="Nomember", affiliation=lmu), role=Role.RESEARCHER)
    response = client.get("/people/?perspective=stat")
    groups = {g["title"]: [p.last_name for p in g["people"]] for g in response.context["groups"]}
    assert groups == {"Coordinator": ["Stat"], "Principal investigators": ["Stat"]}
    document = lxml_html.fromstring(response.content)
    assert document.xpath("//title")[0].text_content().startswith("People: Statistical")
    headings = [" ".join(h.text_content().split()) for h in document.xpath("//main//h2")]
    assert headings == ["Coordinator (1)", "Principal investigators (1)"]
    assert "1 person matches the filters." in text(response)
    both = client.get("/people/?perspective=stat&institution=lmu")
    assert (
        lxml_html.fromstring(both.content)
        .xpath("//title")[0]
        .text_content()
        .startswith("People: Statistical, LMU Munich")
    )
    everybody = {
        p.last_name for g in client.get("/people/?institution=lmu").context["groups"] for p in g["people"]
    }
    assert everybody == {"Stat", "Elsewhere", "Nomember"}


def test_people_directory_says_when_nobody_matches_and_links_to_everybody(client):
    stat = PerspectiveFactory(slug="stat")
    PersonRoleFactory(role=Role.RESEARCHER)
    html = text(client.get(f"/people/?perspective={stat.slug}"))
    assert "Nobody matches these filters." in html
    assert '<a href="/people/">Clear the filters and show everybody</a>' in html


def test_people_directory_shows_uploaded_photos_and_initials_otherwise(client):
    PersonRoleFactory(person=PersonFactory(first_name="Ada", last_name="Lovelace", photo=picture("red")))
    PersonRoleFactory(person=PersonFactory(first_name="Alan", last_name="Turing", photo=""))
    cards = lxml_html.fromstring(client.get("/people/").content).xpath(
        "//li[contains(@class, 'person-card')]"
    )
    assert [bool(card.xpath(".//img[contains(@src, '/media/people/')]")) for card in cards] == [True, False]
    assert cards[1].xpath(".//span[@class='avatar']")[0].text_content() == "AT"


def _person_with_roles(i):
    person = PersonFactory(photo="")
    PersonRoleFactory(person=person, role=Role.RESEARCHER)
    MembershipFactory(person=person)  # a principal investigator through a project
    return person


def test_people_directory_query_count_is_constant(client):
    response, one, fifty = queries_at_1_and_50(client, "/people/", _person_with_roles)
    sizes = {g["title"]: len(g["people"]) for g in response.context["groups"]}
    assert sizes == {"Principal investigators": 50, "Researchers": 50}
    assert one == fifty


def test_a_person_with_the_pi_role_and_a_pi_membership_is_listed_once(client):
    person = PersonFactory(last_name="Both")
    PersonRoleFactory(person=person, role=Role.PRINCIPAL_INVESTIGATOR)
    MembershipFactory(person=person)
    groups = {g["title"]: g["people"] for g in client.get("/people/").context["groups"]}
    assert [p.last_name for p in groups["Principal investigators"]] == ["Both"]


def test_person_email_is_not_in_the_html_as_an_address(client):
    person = PersonFactory(email="gitta.kutyniok@example.org", orcid="0000-0002-1825-0097")
    html = text(client.get(person.get_absolute_url()))
    assert "gitta.kutyniok@example.org" not in html
    assert "mailto:" not in html
    assert "gitta.kutyniok (at) example (dot) org" in html
    assert 'href="https://orcid.org/0000-0002-1825-0097"' in html


def test_apply_shows_open_call_with_faq_and_info_session_slides(client):
    call = CallFactory(title="Second call")
    FAQFactory(call=call, question="Can I apply twice?")
    session = EventFactory(title="Info session", kind="information_session")
    call.info_sessions.add(session)
    make_deck(session, title="Info slides")
    html = text(client.get("/apply/"))
    assert "The call <strong>Second call</strong> is open." in html
    assert "Can I apply twice?" in html and "Info session" in html and "Info slides" in html
    assert "(Europe/Berlin)" in html


def test_apply_without_open_call_shows_the_most_recent(client):
    from datetime import timedelta

    from django.utils import timezone

    CallFactory(title="Old call", deadline=timezone.now() - timedelta(days=400))
    CallFactory(title="Recent call", deadline=timezone.now() - timedelta(days=10))
    html = text(client.get("/apply/"))
    assert "No call is open at the moment" in html and "Recent call" in html
    assert "Old call" in html  # under "Earlier calls"


def test_apply_with_no_calls_at_all(client):
    assert "No call is open at the moment" in text(client.get("/apply/"))
