"""The admin as a new editor meets it (issue 15), in Chromium: web addresses filled from the title,
a taken address named without losing the agenda, no time-zone note under date fields."""

from events.models import Event
from spp_site.publishing import Status
from tests.browser.conftest import CSP_LISTENER, login
from tests.browser.test_quality import axe_violations
from tests.events.factories import EventFactory


def serious(violations):
    return [v for v in violations if "(serious)" in v or "(critical)" in v]


def add_agenda_item(page, n, title, time):
    page.click("#agenda_items-group .add-row a")
    row = f"#agenda_items-{n}"
    page.fill(f"{row} input[name='agenda_items-{n}-title']", title)
    page.fill(f"{row} input[name='agenda_items-{n}-day']", "2027-03-01")
    page.fill(f"{row} input[name='agenda_items-{n}-start_time']", time)


def test_an_editor_gets_the_address_from_the_title_and_a_named_conflict_without_losing_the_agenda(
    live_server, editor, browser
):
    holder = EventFactory(title="Annual meeting 2027", slug="annual-meeting-2027", status=Status.DRAFT)
    # The editor's browser is six hours behind the site's zone: Django would add a note under
    # every date field ("You are 6 hours behind server time").
    context = browser.new_context(viewport={"width": 1280, "height": 900}, timezone_id="America/New_York")
    context.set_default_timeout(15_000)
    csp_violations = []
    context.expose_binding("reportCspViolation", lambda source, text: csp_violations.append(text))
    context.add_init_script(CSP_LISTENER)
    page = context.new_page()
    login(page, live_server, "editor", "editor-pass-123")
    page.goto(f"{live_server.url}/admin/events/event/add/")

    page.locator("#id_title").press_sequentially("Annual meeting 2027")
    assert page.input_value("#id_slug") == "annual-meeting-2027"  # filled as the editor types
    assert page.locator(".timezonewarning").count() > 0  # Django added its notes…
    assert page.locator(".timezonewarning").filter(visible=True).count() == 0  # …nobody sees them
    assert page.get_by_text("behind server time").filter(visible=True).count() == 0

    page.fill("#id_start_0", "2027-03-01")
    page.fill("#id_start_1", "09:00")
    page.fill("#id_end_0", "2027-03-03")
    page.fill("#id_end_1", "17:00")
    page.click("#agenda_items-group summary")  # the folded agenda, opened
    add_agenda_item(page, 0, "Opening talk", "09:00")
    add_agenda_item(page, 1, "Optimal transport", "10:00")
    page.click("input[name=_save]")

    error = page.locator(".errorlist").first
    assert "annual-meeting-2027" in error.inner_text() and "draft, not public" in error.inner_text()
    assert "“annual-meeting-2027-2”" in error.inner_text()
    link = error.locator("a", has_text="Annual meeting 2027")
    assert link.get_attribute("href") == f"/admin/events/event/{holder.pk}/change/"
    # The agenda is open, its rows as typed.
    assert page.locator("input[name='agenda_items-0-title']").is_visible()
    assert page.input_value("input[name='agenda_items-1-title']") == "Optimal transport"
    assert csp_violations == [], csp_violations  # (axe, run next, adds styles of its own)
    # The conflict message and the address field (select2's own search boxes elsewhere on the form
    # have no label: Django's autocomplete, not this page's doing).
    assert serious(axe_violations(page, ".form-row.field-slug")) == []

    page.fill("#id_slug", "annual-meeting-2027-2")
    page.click("input[name=_save]")
    page.wait_for_url(f"{live_server.url}/admin/events/event/")
    event = Event.objects.get(slug="annual-meeting-2027-2")
    assert sorted(event.agenda_items.values_list("title", flat=True)) == ["Opening talk", "Optimal transport"]
    context.close()
