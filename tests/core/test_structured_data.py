"""Structured data (JSON-LD): one script block on the pages about the program, an event, a news item
and a person, that parses as JSON, carries what search engines require, with absolute addresses,
and that no value can break out of."""

import datetime
import json
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone
from lxml import html

from events.models import AgendaItem, Event
from programs.models import Role
from spp_site.models import SiteSettings
from spp_site.structured_data import dumps
from tests.conftest import picture
from tests.core.factories import PageFactory
from tests.events.factories import AgendaItemFactory, EventFactory
from tests.news.factories import NewsItemFactory
from tests.programs.factories import InstitutionFactory, PersonFactory, PersonRoleFactory, ProjectFactory

pytestmark = pytest.mark.django_db

BASE = "http://testserver"
SCHEMA = "https://schema.org/"
BLOCK = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.DOTALL)
HOSTILE = 'Deep nets </script><script>alert("x")</script> & <!-- more'


def blocks(client, url):
    """The page's ld+json blocks, parsed (the page itself parsed as HTML, as a browser would)."""
    response = client.get(url)
    assert response.status_code == 200, url
    document = html.fromstring(response.content)
    return [json.loads(node.text) for node in document.xpath('//script[@type="application/ld+json"]')]


def data(client, url):
    found = blocks(client, url)
    assert len(found) == 1, url
    assert found[0]["@context"] == "https://schema.org"
    return found[0]


def absolute_urls(value):
    """Every value under a "url", "@id", "image", "logo" or "sameAs" key, anywhere in `value`."""
    if isinstance(value, list):
        return [url for item in value for url in absolute_urls(item)]
    if not isinstance(value, dict):
        return []
    found = []
    for key, item in value.items():
        if key in {"url", "@id", "image", "logo", "sameAs", "mainEntityOfPage"}:
            found += item if isinstance(item, list) else [item]
        else:
            found += absolute_urls(item)
    return found


def assert_absolute(value):
    urls = absolute_urls(value)
    assert urls
    assert all(re.match(r"https?://[^/]+/", url) for url in urls), urls


@pytest.fixture
def site_settings():
    lmu = InstitutionFactory(
        name="Ludwig-Maximilians-Universität München", short_name="LMU Munich", website="https://www.lmu.de/"
    )
    site = SiteSettings.load()
    site.program_name = "Theoretical Foundations of Deep Learning"
    site.short_name = "SPP 2298"
    site.tagline = "A mathematical theory of deep learning."
    site.dfg_number = "441826958"
    site.coordinating_institution = lmu
    site.save()
    return site


# --- Organization ----------------------------------------------------------------------------------


def test_the_home_page_describes_the_program_funded_by_the_dfg_and_coordinated_at_lmu(client, site_settings):
    org = data(client, "/")
    assert org["@type"] == "Organization"
    assert (org["name"], org["alternateName"]) == ("Theoretical Foundations of Deep Learning", "SPP 2298")
    assert org["url"] == f"{BASE}/"
    assert org["description"] == "A mathematical theory of deep learning."
    assert org["funder"] == {
        "@type": "Organization",
        "name": "Deutsche Forschungsgemeinschaft",
        "alternateName": "DFG",
        "url": "https://www.dfg.de/",
    }
    assert org["parentOrganization"]["name"] == "Ludwig-Maximilians-Universität München"
    assert org["parentOrganization"]["url"] == "https://www.lmu.de/"
    assert org["sameAs"] == ["https://gepris.dfg.de/gepris/projekt/441826958"]
    assert_absolute(org)


def test_the_logo_is_an_absolute_address(client, site_settings):
    site_settings.logo = picture("navy", "logo.png")
    site_settings.save()
    org = data(client, "/")
    assert org["logo"].startswith(f"{BASE}/media/site/") and org["logo"].endswith(".webp")


# --- Event -----------------------------------------------------------------------------------------


def test_an_event_carries_dates_with_offset_status_mode_place_and_organizer(client, site_settings):
    event = EventFactory(
        title="Annual meeting 2023",
        start=datetime.datetime(2023, 9, 25, 9, 0, tzinfo=ZoneInfo("Europe/Berlin")),
        end=datetime.datetime(2023, 9, 27, 13, 0, tzinfo=ZoneInfo("Europe/Berlin")),
        venue_name="LMU Munich, Main Building",
        address="Geschwister-Scholl-Platz 1\n80539 München",
        summary="The program's yearly meeting.",
    )
    found = data(client, event.get_absolute_url())
    assert found["@type"] == "Event"
    assert found["name"] == "Annual meeting 2023"
    assert found["url"] == f"{BASE}{event.get_absolute_url()}"
    assert (found["startDate"], found["endDate"]) == (
        "2023-09-25T09:00:00+02:00",
        "2023-09-27T13:00:00+02:00",
    )
    assert found["eventStatus"] == f"{SCHEMA}EventScheduled"
    assert found["eventAttendanceMode"] == f"{SCHEMA}OfflineEventAttendanceMode"
    assert found["location"] == {
        "@type": "Place",
        "name": "LMU Munich, Main Building",
        "address": {
            "@type": "PostalAddress",
            "streetAddress": "Geschwister-Scholl-Platz 1",
            "postalCode": "80539",
            "addressLocality": "München",
        },
    }
    assert found["description"] == "The program's yearly meeting."
    assert found["organizer"]["@type"] == "Organization"
    assert found["organizer"]["name"] == "Theoretical Foundations of Deep Learning"
    assert found["organizer"]["url"] == f"{BASE}/"
    assert_absolute(found)


def test_an_event_abroad_gives_its_times_in_its_own_zone_and_an_all_day_event_its_dates(
    client, site_settings
):
    abroad = EventFactory(
        start=datetime.datetime(2024, 6, 3, 9, 0, tzinfo=ZoneInfo("America/New_York")),
        end=datetime.datetime(2024, 6, 3, 17, 0, tzinfo=ZoneInfo("America/New_York")),
        timezone="America/New_York",
    )
    assert data(client, abroad.get_absolute_url())["startDate"] == "2024-06-03T09:00:00-04:00"
    all_day = EventFactory(
        all_day=True,
        start=datetime.datetime(2024, 7, 1, 0, 0, tzinfo=ZoneInfo("Europe/Berlin")),
        end=datetime.datetime(2024, 7, 2, 23, 59, 59, tzinfo=ZoneInfo("Europe/Berlin")),
    )
    found = data(client, all_day.get_absolute_url())
    assert (found["startDate"], found["endDate"]) == ("2024-07-01", "2024-07-02")


def test_a_cancelled_event_says_so(client, site_settings):
    event = EventFactory(status=Event.Status.CANCELLED, venue_name="Bonn")
    assert data(client, event.get_absolute_url())["eventStatus"] == f"{SCHEMA}EventCancelled"


def test_online_and_mixed_events_have_a_virtual_location(client, site_settings):
    online = EventFactory(online_url="https://meeting.example.org/info")
    found = data(client, online.get_absolute_url())
    assert found["eventAttendanceMode"] == f"{SCHEMA}OnlineEventAttendanceMode"
    assert found["location"] == {"@type": "VirtualLocation", "url": "https://meeting.example.org/info"}

    mixed = EventFactory(venue_name="TU Berlin", address="Berlin", online_url="https://meeting.example.org/x")
    found = data(client, mixed.get_absolute_url())
    assert found["eventAttendanceMode"] == f"{SCHEMA}MixedEventAttendanceMode"
    assert [place["@type"] for place in found["location"]] == ["Place", "VirtualLocation"]
    assert found["location"][0]["address"] == {"@type": "PostalAddress", "addressLocality": "Berlin"}


def test_talks_are_sub_events_with_their_speakers_and_breaks_are_not(client, site_settings):
    event = EventFactory(cover_image=picture("teal"), cover_alt="The lake")
    speaker = PersonFactory(first_name="Ada", last_name="Lovelace")
    talk = AgendaItemFactory(
        event=event, title="Expressivity of deep networks", guest_speakers="Grace Hopper"
    )
    talk.speakers.set([speaker])
    AgendaItemFactory(event=event, title="Coffee", kind=AgendaItem.Kind.BREAK)
    found = data(client, event.get_absolute_url())
    assert [sub["name"] for sub in found["subEvent"]] == ["Expressivity of deep networks"]
    sub = found["subEvent"][0]
    assert sub["@type"] == "Event"
    assert sub["url"] == f"{BASE}{event.get_absolute_url()}#agenda-{talk.pk}"
    assert sub["startDate"] == timezone.localtime(talk.start, event.tzinfo).isoformat(timespec="seconds")
    assert sub["performer"] == [
        {"@type": "Person", "name": "Ada Lovelace", "url": f"{BASE}{speaker.get_absolute_url()}"},
        {"@type": "Person", "name": "Grace Hopper"},
    ]
    assert found["image"][0].startswith(f"{BASE}/media/events/")


# --- NewsArticle -----------------------------------------------------------------------------------


def test_a_news_item_is_a_news_article_with_dates_author_image_and_publisher(client, site_settings):
    author = PersonFactory(first_name="Ada", last_name="Lovelace")
    published = timezone.now() - datetime.timedelta(days=2)
    item = NewsItemFactory(
        title="Meeting report",
        teaser="What happened at the lake.",
        author_person=author,
        cover_image=picture("olive"),
        cover_alt="Participants",
        publish_at=published,
    )
    found = data(client, item.get_absolute_url())
    assert found["@type"] == "NewsArticle"
    assert found["headline"] == "Meeting report"
    assert found["description"] == "What happened at the lake."
    assert found["datePublished"] == timezone.localtime(published).isoformat(timespec="seconds")
    assert found["dateModified"] == timezone.localtime(item.updated_at).isoformat(timespec="seconds")
    assert datetime.datetime.fromisoformat(found["dateModified"]) >= datetime.datetime.fromisoformat(
        found["datePublished"]
    )
    assert found["author"] == [
        {"@type": "Person", "name": "Ada Lovelace", "url": f"{BASE}{author.get_absolute_url()}"}
    ]
    assert found["publisher"]["name"] == "Theoretical Foundations of Deep Learning"
    assert found["image"][0].startswith(f"{BASE}/media/news/")
    assert found["url"] == found["mainEntityOfPage"] == f"{BASE}{item.get_absolute_url()}"
    assert_absolute(found)


def test_a_news_item_without_an_author_is_signed_by_the_program(client, site_settings):
    item = NewsItemFactory()
    author = data(client, item.get_absolute_url())["author"]
    assert author == [
        {
            "@type": "Organization",
            "@id": f"{BASE}/#organization",
            "name": "Theoretical Foundations of Deep Learning",
            "alternateName": "SPP 2298",
            "url": f"{BASE}/",
        }
    ]


def test_a_scheduled_item_is_dated_from_its_publication(client, site_settings):
    saved = datetime.datetime(2024, 5, 6, 10, 0, tzinfo=datetime.UTC)
    with time_machine.travel(saved, tick=False) as clock:
        item = NewsItemFactory(publish_at=saved + datetime.timedelta(hours=1))
        clock.move_to(saved + datetime.timedelta(hours=2))
        found = data(client, item.get_absolute_url())
    assert found["datePublished"] == found["dateModified"] == "2024-05-06T13:00:00+02:00"


# --- Person ----------------------------------------------------------------------------------------


def test_a_person_has_affiliation_role_orcid_and_homepage(client, site_settings):
    tum = InstitutionFactory(
        name="Technische Universität München", short_name="TUM", website="https://www.tum.de/"
    )
    person = PersonFactory(
        title="Prof. Dr.",
        first_name="Ada",
        last_name="Lovelace",
        affiliation=tum,
        orcid="0000-0002-1825-0097",
        website="https://ada.example.org/",
        email="ada@example.org",
        photo=picture("maroon"),
    )
    PersonRoleFactory(person=person, role=Role.PRINCIPAL_INVESTIGATOR)
    found = data(client, person.get_absolute_url())
    assert found["@type"] == "Person"
    assert (found["name"], found["honorificPrefix"]) == ("Ada Lovelace", "Prof. Dr.")
    assert found["jobTitle"] == "Principal investigator"
    assert found["affiliation"] == {
        "@type": "CollegeOrUniversity",
        "name": "Technische Universität München",
        "alternateName": "TUM",
        "url": "https://www.tum.de/",
    }
    assert found["sameAs"] == ["https://orcid.org/0000-0002-1825-0097", "https://ada.example.org/"]
    assert found["image"].startswith(f"{BASE}/media/people/")
    assert "ada@example.org" not in json.dumps(found)  # the address stays protected from harvesters
    assert_absolute(found)


def test_a_person_without_links_has_no_empty_values(client, site_settings):
    person = PersonFactory(affiliation=None)
    found = data(client, person.get_absolute_url())
    assert set(found) == {
        "@context",
        "@type",
        "name",
        "url",
        "honorificPrefix",
        "givenName",
        "familyName",
        "memberOf",
    }


# --- escaping --------------------------------------------------------------------------------------


def hostile_pages(site_settings):
    """Pages whose structured data holds a hostile value: (address, key, value)."""
    event = EventFactory(title=HOSTILE, summary=HOSTILE, venue_name=HOSTILE)
    AgendaItemFactory(event=event, title=HOSTILE, guest_speakers=HOSTILE.replace(",", ""))
    item = NewsItemFactory(title=HOSTILE, teaser=HOSTILE)
    person = PersonFactory(
        first_name="</script>", last_name="<!--", website="https://example.org/?a=1&b=</script>"
    )
    site_settings.program_name = HOSTILE
    site_settings.save()
    return [
        ("/", "name", HOSTILE),
        (event.get_absolute_url(), "name", HOSTILE),
        (item.get_absolute_url(), "headline", HOSTILE),
        (person.get_absolute_url(), "givenName", "</script>"),
    ]


def test_no_value_can_end_the_script_element(client, site_settings):
    for url, key, value in hostile_pages(site_settings):
        page = client.get(url).content.decode()
        raw = BLOCK.findall(page)  # from the opening tag to the first "</script>"
        assert len(raw) == 1, url
        assert not re.search("[<>&]", raw[0]), url
        parsed = json.loads(raw[0])  # the whole block: nothing ended it early
        assert parsed[key] == value, url
        assert blocks(client, url) == [parsed]  # an HTML parser sees the same single block


def test_titles_and_names_keep_their_text(client, site_settings):
    event = EventFactory(title=HOSTILE)
    assert data(client, event.get_absolute_url())["name"] == HOSTILE


def test_values_are_single_lines_even_for_rows_saved_around_the_cleaning(client, site_settings):
    event = EventFactory()
    Event.objects.filter(pk=event.pk).update(title="Line one\nline two\u2028three\x07", summary="a\r\n\tb")
    found = data(client, event.get_absolute_url())
    assert (found["name"], found["description"]) == ("Line one line two three", "a b")


def test_the_serialiser_escapes_what_html_would_read():
    text = dumps({"a": "</script><!-- & \u2028"})
    assert text == '{"a": "\\u003c/script\\u003e\\u003c!-- \\u0026"}'
    assert json.loads(text) == {"a": "</script><!-- &"}


# --- which pages -----------------------------------------------------------------------------------


def test_other_pages_have_no_structured_data(client, site_settings):
    project = ProjectFactory()
    page = PageFactory()
    for url in ["/projects/", project.get_absolute_url(), "/events/", "/news/", page.get_absolute_url()]:
        assert blocks(client, url) == [], url
