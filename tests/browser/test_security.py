"""The Content-Security-Policy in Chromium: the admin and its widgets work under it, and the
public pages break none of it."""

from django.utils import timezone

from news.models import NewsItem
from programs.models import Project
from tests.browser.conftest import login
from tests.browser.test_editing import PASTE_IMAGE, png_base64
from tests.events.factories import EventFactory
from tests.news.factories import NewsItemFactory
from tests.programs.factories import InstitutionFactory, PersonFactory, PerspectiveFactory
from tests.quality import PAGE_TYPES


def choose_in_select2(page, select, search):
    """Pick the match for `search` in the select2 autocomplete of `select` (it asks the server)."""
    page.click(f"{select} + .select2 .select2-selection")
    page.locator(".select2-container--open .select2-search__field").fill(search)
    option = page.locator(".select2-results__option--highlighted", has_text=search)
    option.wait_for()
    option.click()
    page.keyboard.press("Escape")  # a multiple select keeps its list open
    page.wait_for_function("() => !document.querySelector('.select2-container--open')")


def test_admin_widgets_work_under_the_policy(live_server, superuser, context, csp_violations):
    PersonFactory(first_name="Ada", last_name="Lovelace")
    EventFactory(title="Annual meeting")
    PerspectiveFactory(title="Optimisation")
    InstitutionFactory(name="Ludwig-Maximilians-Universität München")
    page = context.new_page()
    login(page, live_server, "root", "root-pass-123")

    # A news item: the Markdown live preview, a pasted image, date and time pickers, autocompletes.
    page.goto(f"{live_server.url}/admin/news/newsitem/add/")
    page.fill("#id_title", "Under the policy")
    page.fill("#id_teaser", "Teaser.")
    page.fill("#id_body", "## Preview works\n\nEuler: $e^{i\\pi}+1=0$\n\n")
    preview = page.locator(".markdownx-preview").first
    preview.locator("h2", has_text="Preview works").wait_for()
    assert preview.locator("math").count() == 1
    page.evaluate(PASTE_IMAGE, ["#id_body", png_base64()])
    page.wait_for_function("() => document.querySelector('#id_body').value.includes('](/media/markdown/')")
    page.keyboard.type("An orange rectangle")  # over the selected alt-text placeholder
    preview.locator('img[alt="An orange rectangle"]').wait_for()
    page.select_option("#id_status", "published")
    page.click("#calendarlink0")
    page.locator(".calendarbox .calendar-shortcuts a", has_text="Today").first.click()
    page.click("#clocklink0")
    page.locator(".clockbox .timelist a", has_text="Now").first.click()
    assert page.input_value("#id_publish_at_0") != "" and page.input_value("#id_publish_at_1") != ""
    choose_in_select2(page, "#id_author_person", "Lovelace")
    choose_in_select2(page, "#id_related_events", "Annual meeting")
    page.click("input[name=_save]")
    page.wait_for_url(f"{live_server.url}/admin/news/newsitem/")
    item = NewsItem.objects.get()
    assert item.author_person.last_name == "Lovelace"
    assert [e.title for e in item.related_events.all()] == ["Annual meeting"]
    assert "](/media/markdown/" in item.body
    assert timezone.localtime(item.publish_at).date() == timezone.localdate()  # the site's day, not UTC's

    # A project: filter_horizontal, a multiple autocomplete, the inline's "add another", and the
    # related-object popup ("+") whose answer page closes itself with a script.
    page.goto(f"{live_server.url}/admin/programs/project/add/")
    page.fill("#id_title", "Loss landscapes")
    page.fill("#id_acronym", "LOSS")
    page.select_option("#id_perspectives_from", index=0)
    page.click("#id_perspectives_add")
    assert page.locator("#id_perspectives_to option").count() == 1
    choose_in_select2(page, "#id_institutions", "Ludwig")
    rows = page.locator("tr.form-row.dynamic-memberships, tr.form-row[id^=memberships-]")
    before = rows.count()
    page.click(".add-row a")
    assert rows.count() == before + 1
    with page.expect_popup() as popup_info:
        page.click("#add_id_institutions")
    popup = popup_info.value
    popup.fill("#id_name", "Technische Universität Berlin")
    popup.fill("#id_short_name", "TU Berlin")
    popup.fill("#id_city", "Berlin")
    popup.fill("#id_latitude", "52.5")
    popup.fill("#id_longitude", "13.3")
    popup.click("input[name=_save]")
    popup.wait_for_event("close")
    page.locator("#id_institutions option", has_text="Technische Universität Berlin").wait_for(
        state="attached"
    )
    page.click("input[name=_save]")
    page.wait_for_url(f"{live_server.url}/admin/programs/project/")
    project = Project.objects.get()
    assert [p.title for p in project.perspectives.all()] == ["Optimisation"]
    assert project.institutions.count() == 2

    # Two-factor set-up: the QR code is inline SVG, drawn without script or style attributes.
    page.goto(f"{live_server.url}/admin/two-factor/setup/")
    page.locator("svg.spp-qr").wait_for()

    assert csp_violations == []


def test_public_pages_and_files_break_no_rule_of_the_policy(demo_site, context, csp_violations):
    page = context.new_page()
    header_errors = []  # Chromium names features of the Permissions-Policy header it does not know
    page.on(
        "console", lambda message: "Permissions-Policy" in message.text and header_errors.append(message.text)
    )
    deck = "/slides/information-session-phase-2-spp-2298-the-second-funding-period/"
    for name, url in {**PAGE_TYPES, "PDF download (sandboxed)": f"{deck}download/"}.items():
        response = page.goto(demo_site.url + url)
        assert response.status == (404 if "404" in name else 200), name
    assert csp_violations == []
    assert header_errors == []


def test_structured_data_stays_data_under_the_policy(live_server, context, csp_violations):
    """The JSON-LD block is data, which the policy does not apply to (no report), and a title that
    tries to end it stays inside it: one block, parsed by the browser, with the title as written."""
    title = "Meeting </script><script>window.__xss = 1</script><!--"
    urls = {
        EventFactory(title=title).get_absolute_url(): "name",
        NewsItemFactory(title=title).get_absolute_url(): "headline",
        PersonFactory(first_name=title).get_absolute_url(): "givenName",
    }
    page = context.new_page()
    for url, key in urls.items():
        assert page.goto(live_server.url + url).status == 200
        found = page.evaluate(
            """() => [...document.querySelectorAll('script[type="application/ld+json"]')]
                .map(s => JSON.parse(s.textContent))"""
        )
        assert [data[key] for data in found] == [title], url
        assert page.evaluate("() => [...document.scripts].filter(s => !s.src).length") == 1, url
        assert page.evaluate("() => window.__xss === undefined"), url
    assert csp_violations == []


def test_violations_are_reported(live_server, context, csp_violations):
    page = context.new_page()
    page.goto(f"{live_server.url}/robots.txt")
    page.evaluate(
        """() => document.body.insertAdjacentHTML("beforeend", '<img src="x" onerror="alert(1)">')"""
    )
    page.wait_for_function("() => document.querySelector('img').complete")
    assert any(report.startswith("script-src-attr blocked inline") for report in csp_violations)
