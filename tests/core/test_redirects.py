import pytest

from spp_site.models import OldUrl
from tests.events.factories import EventFactory, make_deck
from tests.news.factories import NewsItemFactory
from tests.programs.factories import ProjectFactory

pytestmark = pytest.mark.django_db


def test_changing_a_slug_keeps_the_old_url_as_permanent_redirect(client):
    item = NewsItemFactory(slug="old-name")
    old_url = item.get_absolute_url()
    item.slug = "new-name"
    item.save()
    response = client.get(old_url)
    assert response.status_code == 301
    assert response["Location"] == item.get_absolute_url()
    assert client.get(response["Location"]).status_code == 200


def test_two_renames_do_not_chain_and_query_strings_survive(client):
    project = ProjectFactory(slug="first")
    project.slug = "second"
    project.save()
    project.slug = "third"
    project.save()
    response = client.get("/projects/first/?x=1")
    assert response.status_code == 301
    assert response["Location"] == "/projects/third/?x=1"


def test_renaming_back_frees_the_path(client):
    project = ProjectFactory(slug="a")
    project.slug = "b"
    project.save()
    project.slug = "a"
    project.save()
    assert not OldUrl.objects.filter(path="/projects/a/").exists()
    assert client.get("/projects/a/").status_code == 200
    assert client.get("/projects/b/")["Location"] == "/projects/a/"


def test_urls_below_an_old_url_follow_it(client):
    event = EventFactory(slug="meeting")
    make_deck(event)
    event.slug = "annual-meeting"
    event.save()
    response = client.get("/events/meeting/calendar.ics")
    assert response.status_code == 301
    assert response["Location"] == "/events/annual-meeting/calendar.ics"


def test_deleted_target_is_a_plain_404(client):
    project = ProjectFactory(slug="x1")
    project.slug = "x2"
    project.save()
    project.delete()
    assert client.get("/projects/x1/").status_code == 404


def test_redirects_only_for_real_prefixes(client):
    project = ProjectFactory(slug="old")
    project.slug = "new"
    project.save()
    assert client.get("/projects//old/").status_code == 404
    assert client.get("/projects/old/")["Location"] == "/projects/new/"
