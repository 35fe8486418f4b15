"""The admin pages issue 15 touched, as an editor meets them, checked whole with axe-core: no
serious or critical WCAG violation, including in Django's own autocomplete fields (named by
static/admin/spp-select2-names.js) and in inline rows."""

import pytest

from tests.browser.conftest import login
from tests.browser.test_quality import axe_violations
from tests.events.factories import AgendaItemFactory, EventFactory, make_deck
from tests.news.factories import NewsItemFactory
from tests.programs.factories import PersonFactory


def serious(violations):
    return [v for v in violations if "(serious)" in v or "(critical)" in v]


@pytest.fixture
def content(db):
    event = EventFactory(title="Annual meeting 2027")
    speaker = PersonFactory(first_name="Ada", last_name="Burger")
    talk = AgendaItemFactory(event=event, title="Optimal transport")
    talk.speakers.add(speaker)
    deck = make_deck(event, title="Optimal transport slides", agenda_item=talk)
    deck.speakers.add(speaker)
    news = NewsItemFactory(title="News with a speaker")
    return {"event": event, "deck": deck, "news": news}


def test_the_editors_forms_and_dashboard_have_no_serious_violations(live_server, editor, page, content):
    login(page, live_server, "editor", "editor-pass-123")
    pages = {
        "dashboard": "/admin/",
        "event change form (agenda, decks)": f"/admin/events/event/{content['event'].pk}/change/",
        "event add form": "/admin/events/event/add/",
        "slide deck change form": f"/admin/events/slidedeck/{content['deck'].pk}/change/",
        "slide deck add form": "/admin/events/slidedeck/add/",
        "news change form": f"/admin/news/newsitem/{content['news'].pk}/change/",
    }
    problems = []
    for name, path in pages.items():
        response = page.goto(live_server.url + path)
        assert response.status == 200, name
        page.wait_for_load_state("load")
        problems += [f"{name}: {v}" for v in serious(axe_violations(page))]
    assert problems == [], "\n".join(problems)


def test_an_autocomplete_search_box_is_named_after_its_field(live_server, editor, page, content):
    login(page, live_server, "editor", "editor-pass-123")
    page.goto(f"{live_server.url}/admin/events/slidedeck/{content['deck'].pk}/change/")
    box = page.locator(".field-speakers .select2-search__field")
    label = page.locator("label[for=id_speakers]").inner_text().rstrip(":")
    assert box.get_attribute("aria-label") == label
    page.locator(".field-speakers .select2-selection").click()  # select2 redraws the box
    page.keyboard.press("Escape")
    assert page.locator(".field-speakers .select2-search__field").get_attribute("aria-label") == label
