"""The admin as an editor meets it (issue 15): web addresses, help texts, dates, wording."""

import datetime
import html
import re
from html.parser import HTMLParser

import pytest
from django.contrib import admin
from django.utils import timezone, translation
from django.utils.html import strip_tags
from django.utils.safestring import SafeData

from events.models import Event
from spp_site.admin import admin_moment
from spp_site.publishing import Status
from tests.core.factories import PageFactory
from tests.events.factories import EventFactory
from tests.forms import form_fields

pytestmark = pytest.mark.django_db

EVENT_ADD = "/admin/events/event/add/"


def event_post(client, **fields):
    """The event add form as an editor fills it in: the title, its address, two agenda rows."""
    data = form_fields(client.get(EVENT_ADD).content.decode(), "event_form")
    data.update(
        {
            "title": ["Annual meeting 2027"],
            "slug": ["annual-meeting-2027"],
            "kind": [Event.Kind.ANNUAL_MEETING],
            "timezone": ["Europe/Berlin"],
            "start_0": ["2027-03-01"],
            "start_1": ["09:00"],
            "end_0": ["2027-03-03"],
            "end_1": ["17:00"],
            "status": [Status.DRAFT],
            "publish_at_0": ["2026-01-01"],
            "publish_at_1": ["09:00"],
            "agenda_items-TOTAL_FORMS": ["2"],
        }
    )
    for n, title in enumerate(["Opening talk", "Optimal transport"]):
        data.update(
            {
                f"agenda_items-{n}-title": [title],
                f"agenda_items-{n}-day": ["2027-03-01"],
                f"agenda_items-{n}-start_time": [f"{9 + n}:00"],
                f"agenda_items-{n}-kind": ["talk"],
            }
        )
    data.update(fields)
    return client.post(EVENT_ADD, data)


# --- web addresses (slugs) -------------------------------------------------------------------------


def test_a_taken_address_names_the_draft_holding_it_and_a_free_alternative(client, editor):
    holder = EventFactory(title="Annual meeting 2027", slug="annual-meeting-2027", status=Status.DRAFT)
    EventFactory(slug="annual-meeting-2027-2")
    client.force_login(editor)
    response = event_post(client)
    assert response.status_code == 200  # the form comes back, not a 500 or a redirect
    errors = response.context["adminform"].form.errors["slug"]
    assert len(errors) == 1  # not Django's "Event with this web address already exists." as well
    page = response.content.decode()
    link = f'<a href="/admin/events/event/{holder.pk}/change/">Annual meeting 2027</a>'
    assert link in page
    assert "draft, not public" in page
    assert "“annual-meeting-2027-3”" in page  # -2 is taken too: the first free one
    assert Event.objects.filter(title="Annual meeting 2027").count() == 1


def test_a_refused_save_keeps_the_agenda_rows_and_shows_them_open(client, editor):
    EventFactory(slug="annual-meeting-2027", status=Status.DRAFT)
    client.force_login(editor)
    page = event_post(client).content.decode()
    assert 'value="Opening talk"' in page and 'value="Optimal transport"' in page
    group = page[page.index('id="agenda_items-group"') :]
    fieldset = group[: group.index(">", group.index("<fieldset"))]
    assert "collapse" not in fieldset


def test_an_empty_agenda_stays_folded(client, editor):
    client.force_login(editor)
    page = client.get(EVENT_ADD).content.decode()
    group = page[page.index('id="agenda_items-group"') :]
    assert "collapse" in group[: group.index(">", group.index("<fieldset"))]


def test_the_free_address_saves(client, editor):
    EventFactory(slug="annual-meeting-2027", status=Status.DRAFT)
    client.force_login(editor)
    response = event_post(client, slug=["annual-meeting-2027-2"])
    assert response.status_code == 302
    event = Event.objects.get(slug="annual-meeting-2027-2")
    assert event.agenda_items.count() == 2


def test_keeping_its_own_address_is_no_conflict(client, editor):
    page = PageFactory(slug="about")
    client.force_login(editor)
    url = f"/admin/spp_site/page/{page.pk}/change/"
    data = form_fields(client.get(url).content.decode(), "page_form")
    assert client.post(url, data).status_code == 302


def test_a_scheduled_holder_is_named_with_its_date(client, editor):
    later = timezone.now() + datetime.timedelta(days=3)
    PageFactory(title="Old about", slug="about", publish_at=later)
    client.force_login(editor)
    data = form_fields(client.get("/admin/spp_site/page/add/").content.decode(), "page_form")
    data.update({"title": ["About"], "slug": ["about"], "body": ["Text"]})
    page = client.post("/admin/spp_site/page/add/", data).content.decode()
    assert "Old about" in page and "scheduled for" in page and "“about-2”" in page


def test_every_admin_with_a_public_address_fills_it_from_the_title():
    for model, model_admin in admin.site._registry.items():
        if any(f.name == "slug" and f.editable for f in model._meta.fields):
            assert "slug" in model_admin.prepopulated_fields, model


# --- help texts ------------------------------------------------------------------------------------


class _HelpTexts(HTMLParser):
    """The text of every `<div class="help">` of an admin page, as the browser shows it, and the
    tooltips of tabular inlines' column headings."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texts, self.depth = [], 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "img" and "help-tooltip" in (attrs.get("class") or "").split():
            self.texts.append(attrs.get("title") or "")
        if self.depth:
            self.depth += 1
        elif tag == "div" and "help" in (attrs.get("class") or "").split():
            self.depth = 1
            self.texts.append("")

    def handle_endtag(self, tag):
        if self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if self.depth:
            self.texts[-1] += data


def _normal(text):
    return re.sub(r"\s+", " ", str(text)).strip()


def _source_help_texts(context):
    """Each field's help text as written; text marked safe is HTML on purpose (Django's password
    rules list), read as its text."""
    forms = [context["adminform"].form]
    for inline in context["inline_admin_formsets"]:
        forms.append(inline.formset.empty_form)
    texts = [field.help_text for form in forms for field in form.fields.values() if field.help_text]
    texts = [str(text) for text in texts]  # lazy texts, evaluated (a safe one stays SafeData)
    return {_normal(strip_tags(text) if isinstance(text, SafeData) else text) for text in texts}


def test_every_help_text_reads_as_written(client, superuser, demo_site):
    """Placeholders such as <slug> were swallowed as HTML ("/slides//."): each help text must reach
    the page with all its characters."""
    client.force_login(superuser)
    checked = 0
    for model in admin.site._registry:
        opts = model._meta
        urls = [f"/admin/{opts.app_label}/{opts.model_name}/add/"]
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            urls.append(f"/admin/{opts.app_label}/{opts.model_name}/{first.pk}/change/")
        for url in urls:
            response = client.get(url)
            if response.status_code != 200 or "adminform" not in (response.context or {}):
                continue
            parser = _HelpTexts()
            parser.feed(response.content.decode())
            shown = {_normal(text) for text in parser.texts}
            for text in _source_help_texts(response.context):
                assert text in shown, (url, text)
                assert not re.search(r"//|''|“”|<\w+>", html.unescape(text)), (url, text)
                checked += 1
    assert checked > 50


# --- dates and sizes -------------------------------------------------------------------------------

MOMENT = datetime.datetime(2026, 11, 27, 17, 52, tzinfo=datetime.UTC)  # 18:52 in Berlin


def test_list_columns_show_moments_as_the_site_writes_them(client, editor):
    from tests.news.factories import NewsItemFactory

    NewsItemFactory(title="Moment news", publish_at=MOMENT)
    client.force_login(editor)
    page = client.get("/admin/news/newsitem/").content.decode()
    assert "27 Nov 2026, 18:52" in page
    assert "27 November 2026, 18:52" not in page  # not Django's long DATETIME_FORMAT


def test_german_editors_see_the_german_format():
    with translation.override("de"):
        assert admin_moment(timezone.localtime(MOMENT)) == "27. Nov 2026, 18:52"
    with translation.override("en"):
        assert admin_moment(timezone.localtime(MOMENT)) == "27 Nov 2026, 18:52"


def test_read_only_moments_and_sizes_of_a_deck(client, editor):
    from tests.events.factories import make_deck

    deck = make_deck()
    deck.uploaded_at = MOMENT
    deck.save()
    client.force_login(editor)
    page = client.get(f"/admin/events/slidedeck/{deck.pk}/change/").content.decode()
    assert "27 Nov 2026, 18:52" in page
    assert re.search(r"\d+(\.\d)? KB", page)
    assert f">{deck.size}<" not in page  # no raw byte counts


def test_history_shows_moments_and_no_empty_change_reason(client, editor):
    page_item = PageFactory(title="History page")
    client.force_login(editor)
    page = client.get(f"/admin/spp_site/page/{page_item.pk}/history/").content.decode()
    assert "Change reason" not in page
    moment = timezone.localtime(page_item.history.first().history_date)
    assert f"{moment:%-d %b %Y, %H:%M}" in page
    assert 'style="' not in page


# --- wording and small stumbles --------------------------------------------------------------------


def test_old_addresses_are_filtered_by_the_site_s_own_kinds_of_content(client, editor):
    for item in (PageFactory(slug="before"), EventFactory(slug="event-before")):
        item.slug = f"{item.slug}-after"
        item.save()
    client.force_login(editor)
    html_page = client.get("/admin/spp_site/oldurl/").content.decode()
    filters = html_page[html_page.index('id="changelist-filter"') :]
    assert ">Page</a>" in filters and ">Event</a>" in filters
    assert "permission" not in filters.lower() and " | " not in filters


def test_pages_have_no_date_drill_down(client, editor):
    PageFactory()
    client.force_login(editor)
    assert 'class="toplinks"' not in client.get("/admin/spp_site/page/").content.decode()
    assert 'class="toplinks"' in client.get("/admin/news/newsitem/").content.decode()


def test_saving_a_scheduled_item_says_when_it_goes_public(client, editor):
    later = timezone.localtime(timezone.now() + datetime.timedelta(days=3))
    item = PageFactory(title="Later page", publish_at=later)
    client.force_login(editor)
    url = f"/admin/spp_site/page/{item.pk}/change/"
    data = form_fields(client.get(url).content.decode(), "page_form")
    response = client.post(url, data, follow=True)
    text = " ".join(str(m) for m in response.context["messages"])
    assert f"Scheduled for {admin_moment(later)}" in text and "Later page" in text
    assert "changed successfully" not in text


def test_saving_a_public_item_keeps_django_s_message(client, editor):
    item = PageFactory(title="Now page")
    client.force_login(editor)
    url = f"/admin/spp_site/page/{item.pk}/change/"
    data = form_fields(client.get(url).content.decode(), "page_form")
    response = client.post(url, data, follow=True)
    assert "changed successfully" in " ".join(str(m) for m in response.context["messages"])


def test_the_preview_banner_leads_back_to_editing(client, editor):
    item = PageFactory(slug="draft-page", status=Status.DRAFT)
    client.force_login(editor)
    page = client.get("/draft-page/").content.decode()
    assert f'href="/admin/spp_site/page/{item.pk}/change/">Back to editing</a>' in page


@pytest.mark.parametrize("url", ["/admin/auth/user/", "/admin/spp_site/sitesettings/"])
def test_a_refused_admin_page_is_the_branded_403(client, editor, url):
    client.force_login(editor)
    response = client.get(url)
    assert response.status_code == 403
    page = response.content.decode()
    assert "You don’t have permission for this; ask a site administrator." in page or (
        "You don't have permission for this; ask a site administrator." in html.unescape(page)
    )
    assert 'href="/admin/"' in page  # back to the dashboard
    assert "<main" in page  # the site's layout


def test_the_403_page_renders_for_visitors_too(client):
    from django.core.exceptions import PermissionDenied
    from django.test import RequestFactory
    from django.views.defaults import permission_denied

    request = RequestFactory().get("/somewhere/")
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    response = permission_denied(request, PermissionDenied())
    assert response.status_code == 403
    assert "ask a site administrator" in html.unescape(response.content.decode())


def test_speaker_search_ranks_name_matches_first(client, editor):
    from tests.programs.factories import InstitutionFactory, PersonFactory

    weber_institute = InstitutionFactory(name="Weber Institute")
    for n in range(3):
        PersonFactory(first_name="Anna", last_name=f"Abel{n}", affiliation=weber_institute)
    PersonFactory(first_name="Max", last_name="Weber")
    client.force_login(editor)
    response = client.get(
        "/admin/autocomplete/",
        {"term": "Weber", "app_label": "events", "model_name": "agendaitem", "field_name": "speakers"},
    )
    results = [row["text"] for row in response.json()["results"]]
    assert len(results) == 4 and "Weber" in results[0] and "Max" in results[0]
