"""Images without a description never go live (spp_site.alt_text): published and scheduled items
are refused with an error at the image, drafts may keep the placeholder, and the dashboard lists
such drafts."""

import datetime

import pytest
from django.utils import timezone, translation

from events.models import AgendaItem
from news.models import NewsItem
from programs.models import Person
from spp_site.alt_text import missing_descriptions
from spp_site.models import ALT_TEXT_PLACEHOLDER, EditorProfile
from spp_site.publishing import Status
from tests.core.test_concurrency import form_data
from tests.events.factories import AgendaItemFactory, EventFactory
from tests.news.factories import NewsItemFactory
from tests.programs.factories import PersonFactory

pytestmark = pytest.mark.django_db

IMAGE = "/media/markdown/chart-800x400.png"


def placeholder_image(language="en"):
    with translation.override(language):
        return f"![{ALT_TEXT_PLACEHOLDER}]({IMAGE})"


BODY_WITH_PLACEHOLDER = f"Our results.\n\n{placeholder_image()}\n\nMore text."


# --- finding the images -----------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "de"])
def test_the_placeholder_in_either_language_counts_as_no_description(language):
    (problem,) = missing_descriptions(f"Text\n\n{placeholder_image(language)}", "body")
    assert (problem.src, problem.line, problem.placeholder, problem.field) == (IMAGE, 3, True, "body")


@pytest.mark.parametrize(
    "text", [f"![]({IMAGE})", f"![   ]({IMAGE})", f'<img src="{IMAGE}" alt="">', f'a <img src="{IMAGE}"> b']
)
def test_an_empty_description_counts_in_markdown_and_raw_html(text):
    (problem,) = missing_descriptions(text)
    assert problem.src == IMAGE and not problem.placeholder


@pytest.mark.parametrize(
    "text",
    [
        f"![Bar chart of the errors]({IMAGE})",
        f"`![]({IMAGE})` in code is no image",
        "![](https://example.org/x.png) from elsewhere is shown as a link",
        "No image at all.",
        "",
    ],
)
def test_described_images_and_non_images_pass(text):
    assert missing_descriptions(text) == []


# --- saving in the admin ----------------------------------------------------------------------


def _post_news(client, status, body, publish_at=None):
    response = client.get("/admin/news/newsitem/add/")
    data = form_data(response)
    when = timezone.localtime(publish_at or timezone.now() - datetime.timedelta(minutes=5))
    data.update(
        title=["Results"],
        slug=["results"],
        teaser=["A teaser."],
        body=[body],
        status=[status],
        publish_at_0=[when.date().isoformat()],
        publish_at_1=[when.strftime("%H:%M:%S")],
    )
    return client.post("/admin/news/newsitem/add/", data)


def _body_errors(response):
    return [str(e) for e in response.context["adminform"].form.errors.get("body", [])]


def test_publishing_with_the_placeholder_is_refused_with_an_error_at_the_image(client, editor):
    client.force_login(editor)
    response = _post_news(client, Status.PUBLISHED, BODY_WITH_PLACEHOLDER)
    assert response.status_code == 200
    (error,) = _body_errors(response)
    assert IMAGE in error and "line 3" in error and "placeholder" in error
    assert not NewsItem.objects.exists()


def test_scheduling_with_the_placeholder_is_refused(client, editor):
    client.force_login(editor)
    tomorrow = timezone.now() + datetime.timedelta(days=1)
    response = _post_news(client, Status.PUBLISHED, BODY_WITH_PLACEHOLDER, publish_at=tomorrow)
    assert response.status_code == 200 and IMAGE in _body_errors(response)[0]
    assert not NewsItem.objects.exists()


def test_publishing_an_image_with_empty_brackets_is_refused(client, editor):
    client.force_login(editor)
    response = _post_news(client, Status.PUBLISHED, f"Intro\n![]({IMAGE})")
    (error,) = _body_errors(response)
    assert IMAGE in error and "line 2" in error and "empty" in error
    assert not NewsItem.objects.exists()


def test_a_draft_may_keep_the_placeholder(client, editor):
    client.force_login(editor)
    response = _post_news(client, Status.DRAFT, BODY_WITH_PLACEHOLDER)
    assert response.status_code == 302
    assert NewsItem.objects.get().body == BODY_WITH_PLACEHOLDER


def test_the_german_admin_refuses_with_a_german_message(client, editor):
    EditorProfile.objects.create(user=editor, language="de")
    client.force_login(editor)
    response = _post_news(client, Status.PUBLISHED, f"![]({IMAGE})")
    assert "Beschreiben Sie das Bild" in _body_errors(response)[0]


def test_an_agenda_abstract_cannot_go_public_with_its_event(client, editor):
    event = EventFactory(status=Status.DRAFT)
    item = AgendaItemFactory(event=event, abstract=BODY_WITH_PLACEHOLDER)
    client.force_login(editor)
    url = f"/admin/events/event/{event.pk}/change/"
    data = form_data(client.get(url))
    data["status"] = [Status.PUBLISHED]
    response = client.post(url, data)
    assert response.status_code == 200
    inline = next(f for f in response.context["inline_admin_formsets"] if f.formset.model is AgendaItem)
    (error,) = inline.formset.forms[0].errors["abstract"]
    assert IMAGE in error
    event.refresh_from_db()
    assert event.status == Status.DRAFT
    # As long as the event stays a draft, the abstract may keep it.
    data["status"] = [Status.DRAFT]
    data["title"] = ["Renamed while still a draft"]
    assert client.post(url, data).status_code == 302
    assert AgendaItem.objects.get(pk=item.pk).abstract == BODY_WITH_PLACEHOLDER


def test_content_without_a_draft_state_never_takes_the_placeholder(client, editor):
    person = PersonFactory()
    client.force_login(editor)
    url = f"/admin/programs/person/{person.pk}/change/"
    data = form_data(client.get(url))
    data["bio"] = [BODY_WITH_PLACEHOLDER]
    response = client.post(url, data)
    assert response.status_code == 200
    assert IMAGE in str(response.context["adminform"].form.errors["bio"])
    assert Person.objects.get(pk=person.pk).bio == person.bio


def test_publish_now_leaves_drafts_with_undescribed_images_unpublished(client, editor):
    blocked = NewsItemFactory(status=Status.DRAFT, body=BODY_WITH_PLACEHOLDER, title="Blocked")
    fine = NewsItemFactory(status=Status.DRAFT, body="No image.")
    client.force_login(editor)
    response = client.post(
        "/admin/news/newsitem/",
        {"action": "publish_now", "_selected_action": [blocked.pk, fine.pk]},
        follow=True,
    )
    blocked.refresh_from_db()
    fine.refresh_from_db()
    assert blocked.status == Status.DRAFT and fine.status == Status.PUBLISHED
    text = response.content.decode()
    assert "Not published:" in text and IMAGE in text


# --- the dashboard ----------------------------------------------------------------------------


def test_the_dashboard_lists_drafts_with_undescribed_images(client, editor):
    draft = NewsItemFactory(status=Status.DRAFT, title="Draft with a chart", body=BODY_WITH_PLACEHOLDER)
    NewsItemFactory(status=Status.DRAFT, title="Described", body=f"![A chart]({IMAGE})")
    event = EventFactory(status=Status.DRAFT, title="Workshop with a pictured talk")
    AgendaItemFactory(event=event, abstract=f"![]({IMAGE})")
    client.force_login(editor)
    response = client.get("/admin/")
    (panel,) = [s for s in response.context["attention"] if s["title"] == "Images without a description"]
    listed = {obj: (url, note) for obj, url, note in panel["rows"]}
    assert set(listed) == {draft, event}
    assert listed[draft] == (
        f"/admin/news/newsitem/{draft.pk}/change/",
        "News item · 1 image without a description",
    )
    assert f'href="/admin/news/newsitem/{draft.pk}/change/"' in response.content.decode()


# --- the editor's toolbar and cheat sheet (behaviour: tests/browser/test_markdown_toolbar.py) ---


def test_toolbar_and_cheat_sheet_follow_the_admin_language(client, editor):
    EditorProfile.objects.create(user=editor, language="de")
    client.force_login(editor)
    html = client.get("/admin/news/newsitem/add/").content.decode()
    assert 'aria-label="Fett"' in html and ">Bild einfügen</button>" in html
    assert "Spickzettel" in html
    assert "admin/spp-markdown-toolbar" in html
