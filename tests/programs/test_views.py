import pytest

from programs.models import Role
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
