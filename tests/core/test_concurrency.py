"""Lost updates: a save from a form opened before someone else saved the item is refused, the
editor's input kept, with who changed what; saving again then keeps the editor's version."""

import re
import threading
import time
import zoneinfo
from html import unescape

import pytest
from django.contrib.admin.models import LogEntry
from django.db import connection, transaction
from django.test import Client

from news.models import NewsItem
from programs.models import Project, Role
from spp_site.models import Page
from spp_site.publishing import Status
from tests.conftest import staff_member
from tests.core.factories import PageFactory
from tests.events.factories import AgendaItemFactory, EventFactory, make_deck
from tests.forms import form_fields
from tests.news.factories import NewsItemFactory
from tests.programs.factories import PersonFactory, ProjectFactory
from tests.quality import nu_errors
from tests.queries import queries_at_1_and_50

pytestmark = pytest.mark.django_db
BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")


def form_data(response, form_id=None):
    """The form of an admin page as the browser would post it (a dict of lists)."""
    form_id = form_id or f"{response.context['opts'].model_name}_form"
    data = form_fields(response.content.decode(), form_id)
    assert data, f"no form {form_id} on the page"
    return data


def text(response):
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())))


@pytest.fixture
def anna(roles):
    user = staff_member("anna", "anna-pass-123", roles[0])
    user.first_name, user.last_name = "Anna", "Editor"
    user.save()
    return user


@pytest.fixture
def ben(roles):
    return staff_member("ben", "ben-pass-123", roles[0])


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


def saved_at(obj):
    return f"{obj.history.latest().history_date.astimezone(BERLIN):%H:%M}"


def second_save(url, first, first_changes, second, second_changes):
    """Two editors open the change form `url`; `first` saves `first_changes`, then `second` saves
    `second_changes` from the form they opened before: (the second editor's client, response)."""
    a, b = logged_in(first), logged_in(second)
    form_a, form_b = form_data(a.get(url)), form_data(b.get(url))
    assert a.post(url, {**form_a, **first_changes}).status_code == 302
    return b, b.post(url, {**form_b, **second_changes})


def news_conflict(anna, ben):
    """The scenario of the issue: Anna adds a paragraph, Ben changes the title from the stale form."""
    item = NewsItemFactory(title="Old title", body="First paragraph.")
    url = f"/admin/news/newsitem/{item.pk}/change/"
    b, response = second_save(
        url,
        anna,
        {"body": ["First paragraph.\n\nA second paragraph by Anna."]},
        ben,
        {"title": ["A better title"]},
    )
    return item, url, b, response


def test_the_second_editor_of_a_news_item_sees_what_the_first_saved_and_keeps_their_input(anna, ben):
    item, _, _, response = news_conflict(anna, ben)

    assert response.status_code == 200
    page = text(response)
    assert (
        f"Someone else — Anna Editor — saved this item at {saved_at(item)} while you were editing. Your "
        "changes are not saved yet. Review what changed below, then save again to keep your version."
    ) in page
    assert "+ A second paragraph by Anna." in page  # the other editor's change, line by line
    assert form_data(response)["title"] == ["A better title"]  # Ben's input is still in the form
    item.refresh_from_db()
    assert item.title == "Old title" and "A second paragraph by Anna." in item.body


def test_saving_again_after_seeing_the_conflict_keeps_the_second_editors_version(anna, ben):
    item, url, b, response = news_conflict(anna, ben)
    assert b.post(url, form_data(response)).status_code == 302  # the form came back with a fresh token
    item.refresh_from_db()
    assert item.title == "A better title" and item.body == "First paragraph."  # deliberately overwritten
    assert item.history.latest().history_user == ben
    # The change message compares with what Ben saw last (Anna's version), not with his first form.
    log = LogEntry.objects.filter(object_id=str(item.pk), user=ben).get()
    assert log.get_change_message() == "Changed Title and Body."


def test_a_person_has_no_updated_at_and_is_protected_too(anna, ben):
    person = PersonFactory(first_name="Gitta", last_name="Kutyniok", bio="")
    anna_changes = {
        "role_list": [Role.COORDINATOR],  # stored in another table, not a column of Person
        "bio": ["Professor of mathematics.\nCoordinator of the program."],
    }
    _, response = second_save(
        f"/admin/programs/person/{person.pk}/change/",
        anna,
        anna_changes,
        ben,
        {"orcid": ["0000-0002-1825-0097"]},
    )

    assert response.status_code == 200
    page = text(response)
    assert f"Someone else — Anna Editor — saved this item at {saved_at(person)}" in page
    assert "Roles in the program (empty) Coordinator" in page  # field, before, now
    assert "+ Professor of mathematics. + Coordinator of the program." in page
    assert form_data(response)["orcid"] == ["0000-0002-1825-0097"]
    person.refresh_from_db()
    assert person.orcid == "" and list(person.roles.values_list("role", flat=True)) == [Role.COORDINATOR]


def test_a_changed_inline_row_is_a_conflict(anna, ben):
    event = EventFactory(title="Annual meeting")
    talk = AgendaItemFactory(event=event, title="Opening")
    _, response = second_save(
        f"/admin/events/event/{event.pk}/change/",
        anna,
        {"agenda_items-0-title": ["Opening keynote"]},
        ben,
        {"venue_name": ["LMU Munich"]},
    )

    assert response.status_code == 200
    assert "Agenda item “Opening”: Title Opening Opening keynote" in text(response)
    talk.refresh_from_db()
    event.refresh_from_db()
    assert talk.title == "Opening keynote" and event.venue_name == ""


def test_a_slide_deck_saved_in_its_own_form_is_a_conflict_for_the_event_form(anna, ben):
    deck = make_deck(title="Slides")
    url = f"/admin/events/event/{deck.event.pk}/change/"
    b = logged_in(ben)
    form_b = form_data(b.get(url))
    a = logged_in(anna)
    deck_url = f"/admin/events/slidedeck/{deck.pk}/change/"
    form_a = form_data(a.get(deck_url))
    form_a["title"] = ["Slides of the opening talk"]
    assert a.post(deck_url, form_a).status_code == 302
    form_b["slide_decks-0-title"] = ["Opening slides"]
    response = b.post(url, form_b)

    assert response.status_code == 200
    page = text(response)
    assert f"Someone else — Anna Editor — saved this item at {saved_at(deck)}" in page
    assert "Slide deck “Slides”: Title Slides Slides of the opening talk" in page
    deck.refresh_from_db()
    assert deck.title == "Slides of the opening talk"


def test_inline_rows_added_and_deleted_meanwhile_are_listed_and_stay_so(ben):
    event = EventFactory()
    AgendaItemFactory(event=event, title="Coffee")
    url = f"/admin/events/event/{event.pk}/change/"
    b = logged_in(ben)
    form_b = form_data(b.get(url))
    event.agenda_items.get().delete()
    AgendaItemFactory(event=event, title="Poster session")
    form_b["summary"] = ["One day of talks."]
    response = b.post(url, form_b)
    page = text(response)
    assert "Agenda item “Poster session” Added (it stays when you save)" in page
    assert "Agenda item “Coffee” Deleted (saving again does not bring it back" in page
    assert form_data(response)["agenda_items-0-title"] == ["Coffee"]  # still on the page, to copy

    assert b.post(url, form_data(response)).status_code == 302
    event.refresh_from_db()
    assert event.summary == "One day of talks."
    assert list(event.agenda_items.values_list("title", flat=True)) == ["Poster session"]


def test_no_conflict_when_the_same_editor_saves_twice_in_a_row(ben):
    item = NewsItemFactory()
    url = f"/admin/news/newsitem/{item.pk}/change/"
    b = logged_in(ben)
    form = form_data(b.get(url))
    form["title"], form["_continue"] = ["First version"], ["1"]
    assert b.post(url, form)["Location"] == url  # "Save and continue editing"
    form = form_data(b.get(url))
    form["title"] = ["Second version"]
    assert b.post(url, form).status_code == 302
    item.refresh_from_db()
    assert item.title == "Second version"


def test_no_conflict_when_someone_else_saved_without_changing_anything(anna, ben):
    item = NewsItemFactory()
    _, response = second_save(
        f"/admin/news/newsitem/{item.pk}/change/", anna, {}, ben, {"title": ["Ben's title"]}
    )
    assert response.status_code == 302
    assert NewsItem.objects.get(pk=item.pk).title == "Ben's title"


def test_an_old_tab_of_the_same_editor_is_named_as_such(ben):
    item = NewsItemFactory(teaser="Old teaser.")
    url = f"/admin/news/newsitem/{item.pk}/change/"
    b = logged_in(ben)
    first_tab, second_tab = form_data(b.get(url)), form_data(b.get(url))
    first_tab["teaser"] = ["New teaser."]
    assert b.post(url, first_tab).status_code == 302
    second_tab["title"] = ["Another title"]
    page = text(b.post(url, second_tab))
    assert f"You saved this item in another window at {saved_at(item)} while you were editing here." in page
    assert "Teaser Old teaser. New teaser." in page


def test_publishing_by_action_while_a_form_is_open_is_a_conflict(anna, ben):
    item = NewsItemFactory(status=Status.DRAFT)
    url = f"/admin/news/newsitem/{item.pk}/change/"
    b = logged_in(ben)
    form_b = form_data(b.get(url))
    logged_in(anna).post("/admin/news/newsitem/", {"action": "publish_now", "_selected_action": [item.pk]})
    form_b["title"] = ["Edited"]
    page = text(b.post(url, form_b))
    assert "Someone else — Anna Editor — saved this item" in page and "Status Draft Published" in page
    assert NewsItem.objects.get(pk=item.pk).status == Status.PUBLISHED


def test_a_token_that_is_not_ours_asks_to_check_and_save_again(ben):
    item, other = NewsItemFactory(), NewsItemFactory()
    url = f"/admin/news/newsitem/{item.pk}/change/"
    b = logged_in(ben)
    form = form_data(b.get(url))
    form["edit_token"] = form_data(b.get(f"/admin/news/newsitem/{other.pk}/change/"))["edit_token"]
    form["title"] = ["Kept"]
    response = b.post(url, form)
    assert "This form could not be checked against the saved version" in text(response)
    assert form_data(response)["title"] == ["Kept"]
    assert b.post(url, form_data(response)).status_code == 302
    assert NewsItem.objects.get(pk=item.pk).title == "Kept"


def test_restoring_an_earlier_version_still_works_and_is_checked_too(anna, ben):
    project = ProjectFactory(abstract="The original abstract.")
    project.abstract = "A rewritten abstract."
    project.save()
    original = project.history.earliest()
    url = f"/admin/programs/project/{project.pk}/history/{original.history_id}/"
    b = logged_in(ben)
    form = form_data(b.get(url))
    assert form["abstract"] == ["The original abstract."]
    assert b.post(url, form).status_code == 302
    assert Project.objects.get(pk=project.pk).abstract == "The original abstract."

    stale = form_data(b.get(url))
    project.refresh_from_db()
    project.abstract, project._history_user = "Anna's abstract.", anna
    project.save()
    response = b.post(url, stale)
    assert "Someone else — Anna Editor — saved this item" in text(response)
    assert b.post(url, form_data(response)).status_code == 302  # reverting after all
    assert Project.objects.get(pk=project.pk).abstract == "The original abstract."


# --- change lists ----------------------------------------------------------------------------


def row_prefix(rows, obj):
    """The form prefix of `obj`'s row in a posted change list."""
    return next(
        f"form-{n}" for n in range(int(rows["form-TOTAL_FORMS"][0])) if rows[f"form-{n}-id"] == [str(obj.pk)]
    )


def test_a_list_edit_leaves_rows_the_editor_did_not_touch_as_others_saved_them(ben):
    first, second = NewsItemFactory(title="First"), NewsItemFactory(title="Second")
    b = logged_in(ben)
    rows = form_data(b.get("/admin/news/newsitem/"), "changelist-form")
    NewsItem.objects.filter(pk=first.pk).update(featured=True)  # someone features the first meanwhile
    rows[f"{row_prefix(rows, second)}-featured"], rows["_save"] = ["on"], ["Save"]
    assert b.post("/admin/news/newsitem/", rows).status_code == 302
    assert set(NewsItem.objects.filter(featured=True)) == {first, second}  # Django alone unfeatures the first


def test_a_list_edit_of_a_row_someone_changed_meanwhile_is_refused_with_their_change(anna, ben):
    page = PageFactory(title="Imprint", order=0)
    b = logged_in(ben)
    rows = form_data(b.get("/admin/spp_site/page/"), "changelist-form")
    a = logged_in(anna)
    form_a = form_data(a.get(f"/admin/spp_site/page/{page.pk}/change/"))
    form_a["order"] = ["5"]
    assert a.post(f"/admin/spp_site/page/{page.pk}/change/", form_a).status_code == 302
    prefix = row_prefix(rows, page)
    rows[f"{prefix}-show_in_menu"], rows["_save"] = ["on"], ["Save"]
    response = b.post("/admin/spp_site/page/", rows)

    assert response.status_code == 200
    assert (
        f"Someone else — Anna Editor — saved this row at {saved_at(page)} while you were editing. What "
        "changed: Order: 0 → 5. Your changes are not saved yet; save again to keep "
        "your version."
    ) in text(response)
    again = form_data(response, "changelist-form")
    assert again[f"{prefix}-show_in_menu"] == ["on"]  # Ben's tick is kept
    page.refresh_from_db()
    assert not page.show_in_menu and page.order == 5
    assert b.post("/admin/spp_site/page/", {**again, "_save": ["Save"]}).status_code == 302
    page.refresh_from_db()
    assert page.show_in_menu and page.order == 0  # Ben's row as he saw it and saved it again


def test_a_refused_list_edit_shows_each_form_beside_its_own_row(ben):
    first = PageFactory(title="Alpha", order=1)
    PageFactory(title="Beta", order=2)
    b = logged_in(ben)
    rows = form_data(b.get("/admin/spp_site/page/"), "changelist-form")
    Page.objects.filter(pk=first.pk).update(order=3)  # Alpha now comes after Beta
    rows[f"{row_prefix(rows, first)}-show_in_footer"], rows["_save"] = ["on"], ["Save"]
    cl = b.post("/admin/spp_site/page/", rows).context["cl"]
    assert [row.pk for row in cl.result_list] == [form.instance.pk for form in cl.formset.forms]
    assert [row.title for row in cl.result_list] == ["Alpha", "Beta"]  # the order Ben saw


@pytest.mark.parametrize(
    ("url", "factory"), [("/admin/news/newsitem/", NewsItemFactory), ("/admin/spp_site/page/", PageFactory)]
)
def test_the_rows_tokens_cost_no_query_per_row(ben, url, factory):
    response, one, fifty = queries_at_1_and_50(logged_in(ben), url, lambda i: factory())
    assert one == fifty
    assert sum(name.endswith("-edit_token") for name in form_data(response, "changelist-form")) == 50


def test_the_conflict_list_and_a_refused_list_edit_are_valid_html(anna, ben, tmp_path):
    _, _, b, conflict = news_conflict(anna, ben)
    page = PageFactory()
    rows = form_data(b.get("/admin/spp_site/page/"), "changelist-form")
    Page.objects.filter(pk=page.pk).update(order=4)
    rows[f"{row_prefix(rows, page)}-show_in_menu"], rows["_save"] = ["on"], ["Save"]
    refused = b.post("/admin/spp_site/page/", rows).content.decode()
    assert "errorlist nonfield" in refused
    # The change form as a whole is not: Django's autocomplete widget writes an empty <option>.
    section = re.search(r'<section class="module spp-conflict".*?</section>', conflict.content.decode(), re.S)
    wrapped = (
        f'<!doctype html><html lang="en"><head><title>Conflict</title></head><body>{section[0]}</body></html>'
    )
    assert nu_errors({"conflict list": wrapped, "refused list edit": refused}, tmp_path) == []


# --- race safety -----------------------------------------------------------------------------


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks: PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_a_save_waits_for_a_concurrent_save_of_the_item_and_then_sees_it(roles):
    """Between the check and the write nobody else writes: Ben's save waits for Anna's transaction,
    then reports her change (without the lock it would overwrite it after she commits)."""
    ben = staff_member("ben", "ben-pass-123", roles[0])
    item = NewsItemFactory(body="First paragraph.")
    url = f"/admin/news/newsitem/{item.pk}/change/"
    b = logged_in(ben)
    form_b = form_data(b.get(url))
    form_b["title"] = ["Ben's title"]
    anna_holds_the_row, anna_may_commit, result = threading.Event(), threading.Event(), {}

    def anna_saves():
        with transaction.atomic():
            stored = NewsItem.objects.select_for_update().get(pk=item.pk)
            stored.body += "\n\nAnna's paragraph."
            stored.save()
            anna_holds_the_row.set()
            anna_may_commit.wait(10)
        connection.close()

    def ben_saves():
        result["response"] = b.post(url, form_b)
        connection.close()

    anna, ben_thread = threading.Thread(target=anna_saves), threading.Thread(target=ben_saves)
    anna.start()
    assert anna_holds_the_row.wait(10)
    ben_thread.start()
    time.sleep(0.5)
    assert ben_thread.is_alive()  # waiting for Anna's lock
    anna_may_commit.set()
    anna.join(10)
    ben_thread.join(10)
    assert result["response"].status_code == 200
    assert "Anna's paragraph." in text(result["response"])
    item.refresh_from_db()
    assert item.title != "Ben's title" and "Anna's paragraph." in item.body
