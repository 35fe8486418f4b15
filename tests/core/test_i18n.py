"""The site in English and German (spp_site/i18n.py): German at /de/…, English at every address it
always had; the language switch; the first visit's redirect and the page cache; German versions of
pages and calls; the admin in the editor's language; dates as each language writes them."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.utils import translation

from events.templatetags.event_dates import event_date_short, event_when
from spp_site import pagecache
from spp_site.models import EditorProfile
from spp_site.templatetags.spp import zoned_datetime
from tests.core.factories import PageFactory
from tests.events.factories import EventFactory
from tests.news.factories import NewsItemFactory
from tests.programs.factories import CallFactory
from tests.quality import PAGE_TYPES

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")
GERMAN_MENU = ["Forschung", "Projekte", "Personen", "Veranstaltungen", "Aktuelles", "Bewerbung"]


def german(path: str) -> str:
    return f"/de{path}"


def html_lang(html: str) -> str:
    return re.search(r'<html lang="([^"]+)"', html).group(1)


def alternates(html: str) -> dict[str, str]:
    return dict(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', html))


def switch_link(html: str) -> str:
    found = re.search(r'<nav class="language-switch"[^>]*>.*?<a href="([^"]+)"', html, re.S)
    return found.group(1).replace("&amp;", "&")


# --- every page type in German ----------------------------------------------------------------------


@pytest.mark.parametrize("name", [n for n in PAGE_TYPES if "404" not in n])
def test_every_page_type_has_a_german_version(demo_site, client, name):
    response = client.get(german(PAGE_TYPES[name]))
    assert response.status_code == 200
    html = response.content.decode()
    assert html_lang(html) == "de"
    assert response["Content-Language"] == "de"
    nav = re.search(r'<nav class="main-nav".*?</nav>', html, re.S).group(0)
    assert all(label in nav for label in GERMAN_MENU)
    assert "Zum Hauptinhalt springen" in html and "Veranstaltungskalender (iCalendar)" in html
    assert 'hreflang="en"' in html and "English</a>" in html


def test_a_german_404_is_german(demo_site, client):
    response = client.get("/de/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert html_lang(html) == "de" and "Seite nicht gefunden" in html


@pytest.mark.parametrize("name", list(PAGE_TYPES))
def test_the_old_english_addresses_still_answer_in_english(demo_site, client, name):
    response = client.get(PAGE_TYPES[name])
    assert response.status_code == (404 if "404" in name else 200)
    html = response.content.decode()
    assert html_lang(html) == "en"
    assert "Skip to main content" in html


def test_english_stays_at_the_root_without_en_prefix(client):
    assert client.get("/en/events/").status_code == 404  # one address per page: English has no prefix


# --- hreflang and the language switch ----------------------------------------------------------------


def test_every_page_links_its_versions_in_both_languages(client):
    html = client.get("/de/events/?kind=workshop").content.decode()
    assert alternates(html) == {
        "en": "http://testserver/events/?kind=workshop",
        "de": "http://testserver/de/events/?kind=workshop",
        "x-default": "http://testserver/events/?kind=workshop",
    }
    assert alternates(client.get("/events/").content.decode())["de"] == "http://testserver/de/events/"


def test_the_switch_goes_to_the_same_page_in_the_other_language_and_remembers_it(client):
    page = PageFactory(slug="about", title="About")
    html = client.get(f"{page.get_absolute_url()}?x=1").content.decode()
    link = switch_link(html)
    assert link == "/i18n/de/?next=%2Fde%2Fabout%2F%3Fx%3D1"
    assert 'lang="de" hreflang="de">Deutsch</a>' in html
    response = client.get(link)
    assert response.status_code == 302
    assert response["Location"] == "/de/about/?x=1"
    assert response.cookies["django_language"].value == "de"
    assert "no-cache" in response["Cache-Control"]

    back = switch_link(client.get("/de/about/?x=1").content.decode())
    response = client.get(back)
    assert response["Location"] == "/about/?x=1"
    assert response.cookies["django_language"].value == "en"


def test_a_reader_who_chose_english_is_not_sent_back_to_german(client):
    client.get("/i18n/en/?next=/de/")
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9")
    assert response.status_code == 200 and html_lang(response.content.decode()) == "en"


@pytest.mark.parametrize(
    "next_url",
    ["https://evil.example/", "//evil.example/", "", "javascript:alert(1)", "/x\r\nSet-Cookie: a=b"],
)
def test_the_switch_goes_nowhere_but_this_site(client, next_url):
    response = client.get("/i18n/de/", {"next": next_url})
    assert response.status_code == 302 and response["Location"] == "/de/"


def test_the_switch_knows_only_the_sites_languages(client):
    assert client.get("/i18n/fr/?next=/").status_code == 404
    assert client.post("/i18n/de/?next=/").status_code == 405


def test_robots_keep_out_of_the_switch(client):
    assert "Disallow: /i18n/" in client.get("/robots.txt").content.decode()


# --- the first visit: only the bare root redirects -----------------------------------------------------


def test_a_browser_preferring_german_is_sent_from_the_root_to_german(client):
    response = client.get("/?utm=x", HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9,en;q=0.5")
    assert response.status_code == 302 and response["Location"] == "/de/?utm=x"
    assert {"Accept-Language", "Cookie"} <= {v.strip() for v in response["Vary"].split(",")}


def test_the_english_root_says_what_it_depends_on(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9,de;q=0.5")
    assert response.status_code == 200
    assert {"Accept-Language", "Cookie"} <= {v.strip() for v in response["Vary"].split(",")}


def test_other_addresses_are_never_redirected_by_language(client):
    response = client.get("/events/", HTTP_ACCEPT_LANGUAGE="de")
    assert response.status_code == 200 and html_lang(response.content.decode()) == "en"


def test_a_german_cookie_sends_the_root_to_german(client):
    client.cookies["django_language"] = "de"
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="en")["Location"] == "/de/"


@pytest.mark.parametrize("english_first", [True, False])
def test_the_page_cache_never_answers_the_root_in_the_wrong_language(client, english_first, settings):
    assert settings.PAGE_CACHE

    def english():
        response = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 200 and html_lang(response.content.decode()) == "en"
        return response

    def german_visitor():
        response = client.get("/", HTTP_ACCEPT_LANGUAGE="de")
        assert response.status_code == 302 and response["Location"] == "/de/"

    if english_first:
        assert english()[pagecache.STATUS_HEADER] == "miss"
        german_visitor()
    else:
        german_visitor()
        assert english()[pagecache.STATUS_HEADER] == "miss"
    assert english()[pagecache.STATUS_HEADER] == "hit"
    german_visitor()
    # The German home is stored on its own, never as the English one.
    first = client.get("/de/")
    assert html_lang(first.content.decode()) == "de" and first[pagecache.STATUS_HEADER] == "miss"
    assert html_lang(client.get("/de/").content.decode()) == "de"
    assert english()[pagecache.STATUS_HEADER] == "hit"


def test_a_changed_translation_is_a_new_code_version(settings, tmp_path):
    settings.BASE_DIR = tmp_path
    settings.STATIC_ROOT = tmp_path / "static"
    catalogue = tmp_path / "locale" / "de" / "LC_MESSAGES" / "django.po"
    catalogue.parent.mkdir(parents=True)
    catalogue.write_text('msgid "Events"\nmsgstr "Veranstaltungen"\n')
    pagecache.code_version.cache_clear()
    try:
        before = pagecache.code_version()
        catalogue.write_text('msgid "Events"\nmsgstr "Termine"\n')
        pagecache.code_version.cache_clear()
        assert pagecache.code_version() != before
    finally:
        pagecache.code_version.cache_clear()


# --- content in both languages -------------------------------------------------------------------------


def test_a_page_with_a_german_version_shows_it_on_the_german_site(client):
    page = PageFactory(
        slug="imprint",
        title="Imprint",
        body="Legal notice.",
        summary="Who runs the site.",
        title_de="Impressum",
        body_de="Angaben gemäß § 5 DDG.",
        summary_de="Wer die Website betreibt.",
        show_in_footer=True,
    )
    url = page.get_absolute_url()  # before a German request activates German in this thread
    html = client.get(german(url)).content.decode()
    assert "<h1>Impressum</h1>" in html and "Angaben gemäß § 5 DDG." in html
    assert "<title>Impressum ·" in html
    assert '<meta name="description" content="Wer die Website betreibt.">' in html
    assert '<article lang="en">' not in html
    assert '<a href="/de/imprint/">Impressum</a>' in html  # the footer

    english = client.get(url).content.decode()
    assert "<h1>Imprint</h1>" in english and "Impressum" not in english


def test_a_page_without_a_german_version_is_shown_in_english_and_says_so(client):
    page = PageFactory(
        slug="about", title="About the program", body="Text.", show_in_menu=True, title_de="Über"
    )
    html = client.get(german(page.get_absolute_url())).content.decode()
    assert '<article lang="en">' in html and "<h1>About the program</h1>" in html  # no German text yet
    assert 'lang="en" aria-current="page">About the program</a>' in html  # the menu


def test_the_apply_page_shows_the_calls_german_version(client):
    CallFactory(
        title="Second call", body="How to apply.", title_de="Zweite Ausschreibung", body_de="So geht’s."
    )
    html = client.get("/de/apply/").content.decode()
    assert "Die Ausschreibung <strong>Zweite Ausschreibung</strong> ist offen." in html
    assert "So geht’s." in html and "How to apply." not in html
    assert "The call <strong>Second call</strong> is open." in client.get("/apply/").content.decode()


def test_english_only_content_is_marked_english_on_german_pages(client):
    url = NewsItemFactory(title="Annual meeting report").get_absolute_url()
    html = client.get(german(url)).content.decode()
    assert '<h1 id="page-title" lang="en">Annual meeting report</h1>' in html
    assert 'lang="en"' not in client.get(url).content.decode().split("<main", 1)[1]


def test_an_old_german_address_goes_to_the_items_german_address(client):
    page = PageFactory(slug="old-name")
    page.slug = "new-name"
    page.save()
    response = client.get("/de/old-name/")
    assert response.status_code == 301 and response["Location"] == "/de/new-name/"
    assert client.get("/old-name/")["Location"] == "/new-name/"


def test_old_urls_are_recorded_in_english_whatever_the_admin_language(client):
    page = PageFactory(slug="first")
    with translation.override("de"):
        page.slug = "second"
        page.save()
    assert client.get("/first/")["Location"] == "/second/"


# --- the admin in the editor's language -----------------------------------------------------------------


@pytest.fixture
def signed_in(client, editor):
    client.force_login(editor)
    return client


def test_the_admin_follows_the_browsers_language(signed_in):
    html = signed_in.get("/admin/", HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9").content.decode()
    assert '<html lang="de"' in html
    assert "Abmelden" in html and "Sprache / Language" in html and "Zwei-Faktor-Authentifizierung" in html
    english = signed_in.get("/admin/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Log out" in english and "Language / Sprache" in english


def test_the_admin_sign_in_page_follows_the_browsers_language(client):
    html = client.get("/admin/login/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert '<html lang="de"' in html and "Anmelden" in html


def test_the_editors_saved_language_wins_over_the_browser(signed_in, editor):
    EditorProfile.objects.create(user=editor, language="de")
    assert "Abmelden" in signed_in.get("/admin/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    EditorProfile.objects.filter(user=editor).update(language="en")
    assert "Log out" in signed_in.get("/admin/", HTTP_ACCEPT_LANGUAGE="de").content.decode()


def test_editors_choose_their_admin_language_on_their_own_page(signed_in, editor):
    page = signed_in.get("/admin/language/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert 'name="csrfmiddlewaretoken"' in page.content.decode()
    response = signed_in.post("/admin/language/", {"language": "de"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302 and response["Location"] == "/admin/language/"
    assert EditorProfile.objects.get(user=editor).language == "de"
    html = signed_in.get("/admin/language/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Die Sprache der Verwaltung ist gespeichert." in html and '<html lang="de"' in html
    signed_in.post("/admin/language/", {"language": ""}, HTTP_ACCEPT_LANGUAGE="en")
    assert "Log out" in signed_in.get("/admin/", HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_the_language_page_is_for_staff_only(client):
    client.force_login(get_user_model().objects.create_user("visitor", password="visitor-pass-123"))
    assert client.get("/admin/language/")["Location"].startswith("/admin/login/")


def test_the_page_form_has_a_folded_german_version(signed_in, superuser, client):
    client.force_login(superuser)
    html = client.get("/admin/spp_site/page/add/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'name="title_de"' in html and 'name="body_de"' in html
    assert re.search(r"<details[^>]*>\s*<summary>.*German version", html, re.S)


# --- dates as each language writes them -------------------------------------------------------------------


def _event(start, end, all_day=False, zone="Europe/Berlin"):
    return EventFactory.build(start=start, end=end, all_day=all_day, timezone=zone)


def _text(html) -> str:
    return re.sub(r"<[^>]+>", "", str(html))


def _day(*args):
    return datetime.datetime(*args, tzinfo=BERLIN)


@pytest.mark.parametrize(
    ("start", "end", "all_day", "english", "german"),
    [
        (_day(2026, 11, 27), _day(2026, 11, 27, 23, 59), True, "27 November 2026", "27. November 2026"),
        (_day(2026, 3, 3), _day(2026, 3, 5, 23, 59), True, "3–5 March 2026", "3.–5. März 2026"),
        (
            _day(2026, 3, 30),
            _day(2026, 4, 2, 23, 59),
            True,
            "30 March – 2 April 2026",
            "30. März – 2. April 2026",
        ),
        (
            _day(2025, 12, 30),
            _day(2026, 1, 2, 23, 59),
            True,
            "30 December 2025 – 2 January 2026",
            "30. Dezember 2025 – 2. Januar 2026",
        ),
        (
            _day(2026, 11, 27, 14, 30),
            _day(2026, 11, 27, 16, 0),
            False,
            "27 November 2026, 14:30–16:00",
            "27. November 2026, 14:30–16:00",
        ),
        (
            _day(2026, 5, 7, 9, 0),
            _day(2026, 5, 8, 17, 0),
            False,
            "7 May 2026, 09:00 – 8 May 2026, 17:00",
            "7. Mai 2026, 09:00 – 8. Mai 2026, 17:00",
        ),
    ],
)
def test_event_dates_in_each_language(start, end, all_day, english, german):
    event = _event(start, end, all_day)
    if all_day:
        event.start, event.end = event._all_day_bounds()
    with translation.override("en"):
        assert _text(event_when(event)) == english
    with translation.override("de"):
        assert _text(event_when(event)) == german


def test_dates_elsewhere_in_each_language():
    event = _event(_day(2023, 10, 18, 14), _day(2023, 10, 18, 16), zone="America/New_York")
    moment = datetime.datetime(2026, 11, 30, 23, 59, tzinfo=BERLIN)
    with translation.override("en"):
        assert _text(event_date_short(event)) == "18 Oct 2023"
        assert _text(zoned_datetime(moment)) == "30 November 2026, 23:59 CET (Europe/Berlin)"
        assert _text(event_when(event)).endswith("(New York time, EDT)")
    with translation.override("de"):
        assert _text(event_date_short(event)) == "18. Okt 2023"
        assert _text(zoned_datetime(moment)) == "30. November 2026, 23:59 CET (Europe/Berlin)"
        assert _text(event_when(event)).endswith("(Ortszeit New York, EDT)")


def test_a_german_page_writes_its_dates_in_german(client):
    url = NewsItemFactory(publish_at=datetime.datetime(2024, 3, 5, 10, tzinfo=BERLIN)).get_absolute_url()
    assert "5. März 2024" in client.get(german(url)).content.decode()
    assert "5 March 2024" in client.get(url).content.decode()


@pytest.mark.parametrize("prefix", ["", "/de"])
def test_the_menu_marks_the_current_section_only_in_every_language(client, prefix):
    html = client.get(f"{prefix}/events/").content.decode()
    current = re.findall(r'<li><a href="([^"]+)" aria-current="([^"]+)"', html)
    assert current == [(f"{prefix}/events/", "page")]
