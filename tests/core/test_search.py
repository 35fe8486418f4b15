"""The site search (spp_site.search): what is found, what never is, ranking, snippets, hostile
queries, the page. On SQLite (FTS5) and PostgreSQL (tsvector); ranking and stemming details are
tested on PostgreSQL only."""

import datetime
import io
import re

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from events.models import AgendaItem, Event
from news.models import NewsItem
from programs.models import Call
from spp_site import search
from spp_site.models import Page, SearchEntry, SearchState
from spp_site.publishing import Status
from tests.core.factories import PageFactory
from tests.events.factories import AgendaItemFactory, EventFactory, make_deck, pdf_upload
from tests.news.factories import NewsItemFactory
from tests.programs.factories import (
    CallFactory,
    FAQFactory,
    MembershipFactory,
    PersonFactory,
    PerspectiveFactory,
    ProjectFactory,
)
from tests.queries import queries_at_1_and_50

pytestmark = pytest.mark.django_db
postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="ranking and stemming details: PostgreSQL's text search"
)
HOUR = datetime.timedelta(hours=1)


def found(client, query, **params):
    """(kind, title) of the results on the first page of /search/?q=query."""
    response = client.get("/search/", {"q": query, **params})
    assert response.status_code == 200
    return [(r.entry.kind, r.entry.title) for r in response.context["results"]]


def titles(client, query, **params):
    return [title for _, title in found(client, query, **params)]


def test_every_kind_of_content_is_found(client):
    event = EventFactory(title="Event about quokka", summary="Workshop.")
    AgendaItemFactory(event=event, title="Talk", abstract="An abstract on quokka behaviour.")
    make_deck(event, title="Slides", upload=pdf_upload(title="The quokka slide"))
    NewsItemFactory(title="News", body="The **quokka** arrives.")
    project = ProjectFactory(title="Project", abstract="Quokka studies.")
    PersonFactory(first_name="Quokka", last_name="Person", bio="")
    PerspectiveFactory(title="Perspective", body="The quokka perspective.")
    PageFactory(title="Page", body="About the quokka.")
    call = CallFactory(title="Call", body="How to apply.")
    FAQFactory(call=call, question="May a quokka apply?", answer="Yes.")
    MembershipFactory(project=project)
    search.rebuild()

    kinds = {kind for kind, _ in found(client, "quokka")}

    assert kinds == set(SearchEntry.Kind.values)


def test_a_word_only_in_a_decks_pdf_finds_the_deck_with_its_event_and_page_count(client):
    event = EventFactory(title="Spring workshop")
    make_deck(event, title="Opening", upload=pdf_upload(pages=4, title="Wombatology explained"))
    search.rebuild()

    response = client.get("/search/", {"q": "wombatology"})

    [result] = response.context["results"]
    assert (result.entry.kind, result.entry.title) == ("deck", "Opening")
    html = response.content.decode()
    assert "at Spring workshop" in html
    assert "4 pages" in html
    assert "<mark>Wombatology</mark>" in html


def test_the_last_word_is_also_a_prefix(client):
    NewsItemFactory(title="Approximation theory")
    search.rebuild()

    assert titles(client, "approx") == ["Approximation theory"]
    assert titles(client, "approx theory") == []  # only the last word is a prefix
    assert titles(client, "theory approx") == ["Approximation theory"]


def test_every_word_must_occur(client):
    NewsItemFactory(title="Robust networks")
    NewsItemFactory(title="Robust estimators")
    search.rebuild()

    assert titles(client, "robust networks") == ["Robust networks"]


@pytest.mark.parametrize("via", ["signals", "rebuild"])
def test_content_visitors_cannot_see_is_never_indexed_nor_found(client, commit, via):
    later = timezone.now() + HOUR
    with commit():
        NewsItemFactory(title="Draft platypus", status=Status.DRAFT)
        NewsItemFactory(title="Scheduled platypus", publish_at=later)
        PageFactory(title="Draft platypus page", status=Status.DRAFT)
        PageFactory(title="Scheduled platypus page", publish_at=later)
        CallFactory(title="Draft platypus call", status=Status.DRAFT)
        for status, publish_at in [(Event.Status.DRAFT, timezone.now()), (Event.Status.PUBLISHED, later)]:
            event = EventFactory(title="Platypus event", status=status, publish_at=publish_at)
            AgendaItemFactory(event=event, title="Platypus talk")
            make_deck(event, title="Platypus slides")
        NewsItemFactory(title="Public platypus")
    if via == "rebuild":
        search.rebuild()

    assert list(SearchEntry.objects.values_list("title", flat=True)) == ["Public platypus"]
    assert titles(client, "platypus") == ["Public platypus"]


def test_a_deck_without_a_file_is_not_indexed(client):
    event = EventFactory()
    event.slide_decks.create(title="Empty echidna deck", slug="empty")
    search.rebuild()

    assert titles(client, "echidna") == []


def test_a_scheduled_item_is_found_from_its_moment_on_without_a_save(client, commit):
    moment = timezone.now() + HOUR
    with commit():
        NewsItemFactory(title="Numbat announcement", publish_at=moment)
        event = EventFactory(title="Numbat meeting", publish_at=moment + HOUR)
        AgendaItemFactory(event=event, title="Numbat talk")
    assert titles(client, "numbat") == []
    assert SearchState.objects.get().next_due == moment

    with time_machine.travel(moment + datetime.timedelta(minutes=1)):
        assert titles(client, "numbat") == ["Numbat announcement"]
    with time_machine.travel(moment + 2 * HOUR):
        assert sorted(titles(client, "numbat")) == ["Numbat announcement", "Numbat meeting", "Numbat talk"]
        assert SearchState.objects.get().next_due is None


def test_saving_deleting_and_unpublishing_keep_the_index_current(client, commit):
    with commit():
        item = NewsItemFactory(title="Axolotl news")
        page = PageFactory(title="Axolotl page")
    assert sorted(titles(client, "axolotl")) == ["Axolotl news", "Axolotl page"]

    with commit():
        item.title = "Axolotl report"
        item.save()
        page.delete()
    assert titles(client, "axolotl") == ["Axolotl report"]

    with commit():
        item.status = Status.DRAFT
        item.save()
    assert titles(client, "axolotl") == []
    assert not SearchEntry.objects.exists()


def test_an_events_talks_and_decks_follow_the_event(client, commit):
    with commit():
        event = EventFactory(title="Capybara days")
        AgendaItemFactory(event=event, title="Capybara talk")
        make_deck(event, title="Capybara slides")
    assert len(titles(client, "capybara")) == 3

    with commit():
        event.status = Event.Status.DRAFT
        event.save()
    assert titles(client, "capybara") == []

    with commit():
        event.status = Event.Status.PUBLISHED
        event.save()
    assert len(titles(client, "capybara")) == 3

    with commit():
        event.delete()
    assert titles(client, "capybara") == []
    assert not SearchEntry.objects.exists()


def test_a_speakers_new_name_reaches_their_talks(client, commit):
    with commit():
        person = PersonFactory(first_name="Ada", last_name="Lovelace")
        talk = AgendaItemFactory(title="On engines")
        talk.speakers.add(person)
    assert ("talk", "On engines") in found(client, "lovelace")

    with commit():
        person.last_name = "Byron"
        person.save()
    assert ("talk", "On engines") in found(client, "byron")
    assert found(client, "lovelace") == []

    with commit():
        talk.speakers.clear()
    assert found(client, "byron") == [("person", "Prof. Dr. Ada Byron")]


def test_a_failing_index_update_does_not_fail_the_save(client, commit, monkeypatch, caplog):
    def broken(targets):
        raise RuntimeError("index down")

    monkeypatch.setattr(search, "reindex", broken)
    with commit():
        NewsItemFactory(title="Saved anyway")

    assert NewsItem.objects.filter(title="Saved anyway").exists()
    assert "could not be updated" in caplog.text


def test_a_stale_entry_is_not_shown(client):
    item = NewsItemFactory(title="Stale wallaby")
    search.rebuild()
    NewsItem.objects.filter(pk=item.pk).update(status=Status.DRAFT)  # no signal: the index is stale

    assert titles(client, "wallaby") == []
    assert not SearchEntry.objects.exists()  # and the entry is gone


HOSTILE_QUERIES = [
    "",
    " ",
    '"',
    '"unbalanced',
    "'",
    "%",
    "%%",
    "_",
    "\\",
    "\\\\'",
    "'; DROP TABLE spp_site_searchentry; --",
    "(",
    "((a)",
    "a)",
    "\x00",
    "a\x00b",
    "NEAR",
    "NEAR(a b)",
    "a NEAR/2 b",
    "*",
    "a*",
    "-",
    "-a",
    "a -b",
    "a OR b",
    "a AND NOT b",
    "^a",
    "title:a",
    "{title}: a",
    "a:*",
    "a & b | !c",
    "<->",
    "a <-> b",
    "\ue000mark\ue001",
    "<script>alert(1)</script>",
    "ü" * 300,
    "a" * 2000,
    " ".join(["word"] * 500),
    "x" * 70 + " y",
]


@pytest.mark.parametrize("query", HOSTILE_QUERIES, ids=range(len(HOSTILE_QUERIES)))
def test_hostile_queries_get_a_normal_page(client, query):
    NewsItemFactory(title="A word", teaser="a b c title near")
    search.rebuild()

    response = client.get("/search/", {"q": query, "type": query, "page": query})

    assert response.status_code == 200
    assert b"<script>alert" not in response.content
    assert b"\x00" not in response.content


@pytest.mark.parametrize(
    "raw", ["q=%ff%fe", "q=%c3", "q=a%00b", "q=%e2%80%ae", "q=a&q=b", "q", "type=%ff&page=%ff"]
)
def test_undecodable_and_odd_query_strings_get_a_normal_page(client, raw):
    response = client.get("/search/", QUERY_STRING=raw)
    assert response.status_code == 200


def test_the_query_is_cut_to_a_bounded_number_of_words():
    terms = search.terms_of(" ".join(f"w{i}" for i in range(100)))
    assert len(terms) == search.MAX_TERMS
    assert search.terms_of('NEAR("a" b*) -c') == ["near", "a", "b", "c"]
    assert search.terms_of("\x00%_\\'") == []


def test_text_from_content_is_escaped_in_snippets_and_titles(client):
    NewsItemFactory(
        title="<b>Bold</b> koala",
        teaser="<script>alert('x')</script> <img src=x onerror=alert(1)> koala & friends",
    )
    search.rebuild()

    html = client.get("/search/", {"q": "koala"}).content.decode()

    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert "onerror=alert(1)&gt;" in html  # escaped (PostgreSQL cuts the snippet after the tag)
    assert "&amp; friends" in html
    assert "&lt;b&gt;Bold&lt;/b&gt;" in html
    assert "<mark>koala</mark>" in html


def test_highlighted_snippets_are_balanced():
    assert search.highlighted(f"a {search.START}b") == "a <mark>b</mark>"
    assert search.highlighted(f"{search.STOP}a <i>") == "a &lt;i&gt;"


def test_results_are_paged(client):
    for i in range(25):
        NewsItemFactory(title=f"Dingo {i}")
    search.rebuild()

    first = client.get("/search/", {"q": "dingo"})
    second = client.get("/search/", {"q": "dingo", "page": 2})

    assert len(first.context["results"]) == 20
    assert len(second.context["results"]) == 5
    assert "25 results" in first.content.decode()
    assert 'href="?q=dingo&amp;page=2"' in first.content.decode()
    shown = {r.entry.title for r in first.context["results"]} | {
        r.entry.title for r in second.context["results"]
    }
    assert len(shown) == 25
    assert client.get("/search/", {"q": "dingo", "page": 99}).status_code == 200


def test_results_can_be_narrowed_to_one_kind(client):
    NewsItemFactory(title="Emu news")
    PageFactory(title="Emu page")
    search.rebuild()

    response = client.get("/search/", {"q": "emu", "type": "page"})

    assert titles(client, "emu", type="page") == ["Emu page"]
    html = response.content.decode()
    assert 'href="?q=emu&amp;type=news">News (1)' in html
    assert "All (2)" in html
    assert 'href="?q=emu&amp;type=page&amp;page=' not in html  # one page only
    assert len(titles(client, "emu", type="nonsense")) == 2


def test_no_results_suggest_near_words_and_the_listings(client):
    NewsItemFactory(title="Approximation of operators")
    search.rebuild()

    response = client.get("/search/", {"q": "aproximation"})

    html = response.content.decode()
    assert "Nothing was found for “aproximation”" in html
    assert 'href="?q=approximation"' in html
    assert 'href="/news/"' in html and 'href="/events/"' in html


def test_the_page_is_not_indexed_nor_stored_by_the_page_cache(client):
    NewsItemFactory(title="Bilby")
    search.rebuild()

    response = client.get("/search/", {"q": "bilby"})

    assert '<meta name="robots" content="noindex">' in response.content.decode()
    assert "private" in response["Cache-Control"]
    assert client.get("/search/", {"q": "bilby"})["X-Page-Cache"] == "miss"
    assert re.search(r"<title>Search results for “bilby” ·", response.content.decode())


def test_the_header_has_a_search_form_on_every_page(client):
    html = client.get("/").content.decode()
    assert re.search(r'<form class="site-search" method="get" action="/search/" role="search"', html)
    assert '<input type="search" id="site-search-q" name="q"' in html


def test_a_search_costs_the_same_queries_for_1_and_50_results(client, commit):
    def add_row(i):
        with commit():
            [NewsItemFactory, PageFactory][i % 2](title=f"Quoll {i}")

    response, one, fifty = queries_at_1_and_50(client, "/search/?q=quoll", add_row)

    assert response.context["paginator"].count == 50
    assert one == fifty


def test_rebuild_command_is_idempotent_and_prints_counts():
    NewsItemFactory(title="Kiwi")
    PageFactory(title="Kiwi page")
    out = io.StringIO()
    call_command("rebuild_search_index", stdout=out)
    call_command("rebuild_search_index", stdout=out)

    assert SearchEntry.objects.count() == 2
    assert out.getvalue().count("2 entries in the search index") == 2
    assert "News: 1" in out.getvalue()


@postgresql_only
def test_a_title_match_ranks_before_a_body_match(client):
    NewsItemFactory(title="Something else", body="A paragraph about the tapir.", publish_at=timezone.now())
    NewsItemFactory(title="The tapir", body="Nothing.", publish_at=timezone.now() - 10 * HOUR)
    search.rebuild()

    assert titles(client, "tapir") == ["The tapir", "Something else"]


@postgresql_only
def test_german_stemming(client):
    NewsItemFactory(title="Neuronale Netze", body="Über tiefe Netze.")
    search.rebuild()

    assert titles(client, "Netz") == ["Neuronale Netze"]
    assert titles(client, "Netzen") == ["Neuronale Netze"]  # not a prefix of "Netze": stemming
    assert titles(client, "neuronalen netz") == ["Neuronale Netze"]


@postgresql_only
def test_english_stemming_and_names_as_written(client):
    NewsItemFactory(title="Generalisation of networks", body="By Gitta Kutyniok.")
    search.rebuild()

    assert titles(client, "network generalisation") == ["Generalisation of networks"]
    assert titles(client, "kutyniok") == ["Generalisation of networks"]


def test_the_demo_decks_pdf_text_is_found(demo_site, client):
    """Acceptance: "homology" occurs only on a slide of a seeded deck (seed_demo fills the index)."""
    assert SearchEntry.objects.filter(title__icontains="homology").count() == 0
    response = client.get("/search/", {"q": "homology"})

    assert [(r.entry.kind, r.entry.title) for r in response.context["results"]] == [
        ("deck", "Loss landscapes and their topology (demo)")
    ]
    assert "Annual meeting 2023" in response.content.decode()


def test_the_demo_content_is_indexed_for_every_kind(demo_site):
    kinds = set(SearchEntry.objects.values_list("kind", flat=True))
    assert kinds == set(SearchEntry.Kind.values)
    assert not SearchEntry.objects.filter(kind="talk", title="Coffee break").exists()
    assert SearchEntry.objects.filter(kind="news").count() == NewsItem.objects.published().count()
    assert SearchEntry.objects.filter(kind="page").count() == Page.objects.published().count()
    assert SearchEntry.objects.filter(kind="call").count() == Call.objects.published().count()
    assert SearchEntry.objects.filter(kind="talk").count() == (
        AgendaItem.objects.public().exclude(kind=AgendaItem.Kind.BREAK).count()
    )


def test_the_german_site_searches_and_links_in_german(client):
    """A page's German version is searched; on /de/search/ its German title is shown, every result
    links to the German address, and English-only content is marked as English."""
    PageFactory(
        title="Privacy",
        slug="privacy",
        body="How we handle data.",
        title_de="Datenschutzerklärung",
        body_de="Wie wir mit Ihren Daten umgehen: Datensparsamkeit.",
    )
    NewsItemFactory(title="Datensparsamkeit in practice", body="English text.")
    search.rebuild()
    response = client.get("/de/search/", {"q": "Datensparsamkeit"})
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="de"' in html
    assert {r.entry.title for r in response.context["results"]} == {"Privacy", "Datensparsamkeit in practice"}
    assert '<a href="/de/privacy/">Datenschutzerklärung</a>' in html
    assert re.search(r'<h2 id="result-\d+" lang="en"><a href="/de/news/\d{4}/[\w-]+/">Datensparsamkeit', html)
    english = client.get("/search/", {"q": "Datensparsamkeit"}).content.decode()
    assert '<a href="/privacy/">Privacy</a>' in english


@pytest.mark.parametrize("path", ["/search/", "/de/search/"])
def test_a_nul_in_the_query_is_answered_in_every_language(client, path):
    assert client.get(path, QUERY_STRING="q=net%00work").status_code == 200
    assert client.get("/de/events/", QUERY_STRING="kind=%00").status_code == 400  # elsewhere still refused
