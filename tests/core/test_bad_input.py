"""Odd input gets a 4xx or is ignored, never a 500 (on SQLite and PostgreSQL alike)."""

import pytest

from tests.events.factories import AgendaItemFactory, EventFactory, make_deck
from tests.news.factories import NewsItemFactory
from tests.programs.factories import ProjectFactory

pytestmark = pytest.mark.django_db

ODD = ["%00", "%C0", "%ff", "'", "<script>", "9" * 30, "-1", "%E2%80%AE"]


@pytest.fixture
def content():
    ProjectFactory()
    NewsItemFactory()
    make_deck(EventFactory(slug="meeting"))


@pytest.mark.parametrize("value", ODD)
@pytest.mark.parametrize(
    "template",
    [
        "/projects/?perspective={v}&phase={v}&institution={v}",
        "/projects/?page={v}",
        "/people/?institution={v}",
        "/events/?kind={v}",
        "/news/?category={v}&page={v}",
        "/news/{v}/",
        "/news/2024/{v}/",
        "/news/feed/{v}/rss/",
        "/events/calendar/{v}.ics",
        "/events/{v}/",
        "/slides/{v}/download/",
        "/media/{v}",
        "/{v}/",
        "/apply/{v}/",
    ],
)
def test_odd_values_never_cause_a_server_error(client, content, template, value):
    response = client.get(template.format(v=value))
    assert response.status_code in (200, 301, 302, 400, 404), response.status_code


@pytest.mark.parametrize(
    ("header", "status"),
    [
        ("bytes=abc", 200),  # not a byte range: ignored
        ("bytes=5-1", 200),  # invalid (last before first): ignored, as RFC 9110 14.2 allows
        ("bytes=0-1,5-9", 200),  # several ranges: no multipart, the whole file
        ("items=0-1", 200),  # a unit we do not know: ignored (RFC 9110 14.2, MUST)
        ("bytes=-0", 416),  # valid, but the last 0 bytes cannot be satisfied
        ("bytes=99999999999999999999-", 416),  # starts beyond the end
    ],
)
def test_odd_range_headers(client, header, status):
    deck = make_deck()
    assert client.get(deck.get_download_url(), headers={"Range": header}).status_code == status


@pytest.mark.parametrize(
    "url",
    [
        "/events/?kind=%00",
        "/news/?category=a%00b",
        "/projects/?q%00=1",
        "/admin/events/event/?status__exact=%00",
        "/admin/events/event/?kind__exact=%00",
        "/admin/autocomplete/?app_label=events&model_name=slidedeck&field_name=event&term=%00",
        "/admin/programs/person/?q=%00",
    ],
)
def test_nul_characters_in_the_query_are_a_bad_request(client, superuser, url):
    client.force_login(superuser)
    response = client.get(url)
    assert response.status_code == 400
    assert "This address cannot be read" in response.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/admin/events/event/?start__year=99999999999999999999999",
        "/admin/news/newsitem/?publish_at__year=99999999999999999999999",
        "/admin/spp_site/markdownimage/?uploaded_at__year=99999999999999999999999",
        "/admin/events/event/?start__year=2024&start__month=13",
        "/admin/axes/accessattempt/?attempt_time__year=99999999999999999999999",
        "/admin/otp_totp/totpdevice/?created_at__year=99999999999999999999999",
        "/admin/otp_static/staticdevice/?last_used_at__year=99999999999999999999999",
    ],
)
def test_impossible_dates_in_admin_lists_are_invalid_lookups(client, superuser, url):
    client.force_login(superuser)
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].endswith("?e=1")
    assert client.get(response["Location"]).status_code == 200


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/admin/events/slidedeck/add/?event=x", "event"),
        ("/admin/events/slidedeck/add/?event=99999999999999999999999", "event"),
        ("/admin/events/slidedeck/add/?event=424242", "event"),
        ("/admin/events/event/add/?projects=x,y", "projects"),
        ("/admin/news/newsitem/add/?author_person=abc", "author_person"),
    ],
)
def test_add_forms_ignore_values_that_name_no_row(client, superuser, url, field):
    client.force_login(superuser)
    response = client.get(url)
    assert response.status_code == 200
    assert field not in response.context["adminform"].form.initial


def test_add_forms_keep_values_that_name_a_row(client, superuser):
    event = EventFactory()
    talk = AgendaItemFactory(event=event)
    AgendaItemFactory()  # another event's talk
    client.force_login(superuser)
    response = client.get(f"/admin/events/slidedeck/add/?event={event.pk}")
    form = response.context["adminform"].form
    assert form.initial["event"] == str(event.pk)
    assert list(form.fields["agenda_item"].queryset) == [talk]  # this event's talks only
