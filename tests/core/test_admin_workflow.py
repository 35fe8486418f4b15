import datetime
import io
import re
import warnings

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.paginator import UnorderedObjectListWarning
from django.utils import timezone
from PIL import Image

from events.models import Event
from programs.models import Project
from spp_site.models import MarkdownImage
from spp_site.publishing import Status
from tests.conftest import files_in
from tests.core.test_images import jpeg_with_gps
from tests.events.factories import EventFactory, make_deck
from tests.news.factories import NewsItemFactory
from tests.programs.factories import CallFactory, ProjectFactory

pytestmark = pytest.mark.django_db

CONTENT_PAGES = [
    "/admin/programs/project/", "/admin/programs/person/", "/admin/programs/institution/",
    "/admin/programs/researchperspective/", "/admin/programs/fundingphase/", "/admin/programs/call/",
    "/admin/spp_site/page/", "/admin/events/event/", "/admin/events/slidedeck/", "/admin/news/newsitem/",
    "/admin/news/newsitem/add/", "/admin/events/event/add/", "/admin/spp_site/markdownimage/",
]  # fmt: skip
ADMIN_ONLY_PAGES = [
    "/admin/auth/user/",
    "/admin/auth/group/",
    "/admin/auth/user/add/",
    "/admin/spp_site/sitesettings/",
]


@pytest.mark.parametrize("url", CONTENT_PAGES + ADMIN_ONLY_PAGES)
def test_anonymous_is_sent_to_the_login(client, url):
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


@pytest.mark.parametrize("url", CONTENT_PAGES)
def test_editor_manages_all_content(client, editor, url):
    client.force_login(editor)
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("url", ADMIN_ONLY_PAGES)
def test_editor_has_no_access_to_users_groups_or_site_settings(client, editor, url):
    client.force_login(editor)
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("url", CONTENT_PAGES + ADMIN_ONLY_PAGES)
def test_site_administrator_can_open_everything(client, site_admin, url):
    client.force_login(site_admin)
    assert client.get(url).status_code in (200, 302)  # site settings redirects to its one form
    if url.endswith("sitesettings/"):
        assert client.get(url, follow=True).status_code == 200


def test_editor_cannot_escalate_their_own_permissions(client, editor):
    client.force_login(editor)
    url = f"/admin/auth/user/{editor.pk}/change/"
    assert client.get(url).status_code == 403
    response = client.post(url, {"username": "editor", "is_superuser": "on", "is_staff": "on"})
    assert response.status_code == 403
    editor.refresh_from_db()
    assert not editor.is_superuser
    assert client.post("/admin/auth/group/add/", {"name": "Mine"}).status_code == 403


def test_editor_permissions_are_exactly_content(editor):
    assert editor.has_perm("news.add_newsitem") and editor.has_perm("events.change_slidedeck")
    assert editor.has_perm("programs.delete_project") and editor.has_perm("spp_site.add_markdownimage")
    assert not editor.has_perm("auth.view_user") and not editor.has_perm("auth.change_group")
    assert not editor.has_perm("spp_site.change_sitesettings")


# --- Markdown preview and image upload ---------------------------------------------------------


def test_preview_uses_the_public_renderer_and_is_staff_only(client, editor):
    assert client.post("/admin/markdown/preview/", {"content": "$x$"}).status_code == 302
    client.force_login(editor)
    html = client.post(
        "/admin/markdown/preview/", {"content": "# T\n\n$e^{i\\pi}+1=0$\n\n<script>x</script>"}
    ).content.decode()
    assert "<h2" in html and "<math" in html and "<script" not in html


def test_image_upload_stores_a_clean_webp_and_returns_markdown(client, editor, media_root):
    client.force_login(editor)
    response = client.post(
        "/admin/markdown/upload/", {"image": SimpleUploadedFile("chart.jpg", jpeg_with_gps())}
    )
    assert response.status_code == 200
    code = response.json()["image_code"]
    assert code.startswith("![Describe this image for people who cannot see it](/media/markdown/")
    image = MarkdownImage.objects.get()
    assert image.uploaded_by == editor and image.original_filename == "chart.jpg"
    with Image.open(media_root / image.image.name) as img:
        assert img.format == "WEBP" and not img.getexif()


def test_polyglot_and_svg_uploads_cannot_execute(client, editor, media_root):
    client.force_login(editor)
    polyglot = jpeg_with_gps() + b"<html><script>alert(1)</script></html>"
    response = client.post("/admin/markdown/upload/", {"image": SimpleUploadedFile("x.jpg", polyglot)})
    stored = (media_root / MarkdownImage.objects.get().image.name).read_bytes()
    assert b"<script>" not in stored and stored[8:12] == b"WEBP"
    served = client.get(response.json()["image_code"].split("(")[1].rstrip(")"))
    assert served["Content-Type"] == "image/webp" and served["X-Content-Type-Options"] == "nosniff"
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'
    response = client.post(
        "/admin/markdown/upload/", {"image": SimpleUploadedFile("x.svg", svg, "image/svg+xml")}
    )
    assert response.status_code == 400 and "not an image that can be read" in response.json()["error"]
    assert MarkdownImage.objects.count() == 1


def test_upload_needs_the_permission(client, django_user_model, media_root):
    user = django_user_model.objects.create_user("viewer", password="x", is_staff=True)
    client.force_login(user)
    response = client.post("/admin/markdown/upload/", {"image": SimpleUploadedFile("a.jpg", jpeg_with_gps())})
    assert response.status_code == 403
    assert files_in(media_root) == []


def test_oversized_dimensions_are_refused(client, editor, settings):
    settings.IMAGE_MAX_PIXELS = 10_000
    client.force_login(editor)
    out = io.BytesIO()
    Image.new("RGB", (200, 200)).save(out, format="PNG")
    response = client.post("/admin/markdown/upload/", {"image": SimpleUploadedFile("a.png", out.getvalue())})
    assert response.status_code == 400 and "pixels" in response.json()["error"]


def test_every_long_text_field_uses_the_markdown_editor(client, editor):
    client.force_login(editor)
    for url, count in [
        ("/admin/news/newsitem/add/", 1),
        ("/admin/programs/project/add/", 1),
        ("/admin/programs/person/add/", 1),
        ("/admin/programs/researchperspective/add/", 1),
        ("/admin/spp_site/page/add/", 1),
        ("/admin/programs/call/add/", 1),
        ("/admin/events/event/add/", 1),
    ]:
        html = client.get(url).content.decode()
        assert html.count('class="markdownx"') >= count, url
        assert 'data-markdownx-urls-path="/admin/markdown/preview/"' in html


# --- history -------------------------------------------------------------------------------


def test_history_records_who_and_what_and_restores_an_earlier_abstract(client, editor):
    client.force_login(editor)
    project = ProjectFactory(abstract="The original abstract.")
    project.abstract = "A rewritten abstract."
    project.save()
    history = project.history.order_by("history_date")
    original = history.first()
    page = client.get(f"/admin/programs/project/{project.pk}/history/").content.decode()
    assert "A rewritten abstract." in page  # the change list shows what changed
    form_url = f"/admin/programs/project/{project.pk}/history/{original.history_id}/"
    form = client.get(form_url).context["adminform"].form
    assert form.initial["abstract"] == "The original abstract."  # the form shows the old version
    data = {
        "title": original.title, "acronym": "", "slug": original.slug, "abstract": form.initial["abstract"],
        "gepris_id": "", "website": "", "image_alt": "",
        "perspectives": list(project.perspectives.values_list("pk", flat=True)),
        "memberships-TOTAL_FORMS": 0, "memberships-INITIAL_FORMS": 0,
        "memberships-MIN_NUM_FORMS": 0, "memberships-MAX_NUM_FORMS": 1000,
    }  # fmt: skip
    response = client.post(form_url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    project = Project.objects.get(pk=project.pk)
    assert project.abstract == "The original abstract."
    latest = project.history.latest()
    assert latest.history_user == editor


# --- dashboard -----------------------------------------------------------------------------


def test_dashboard_lists_what_needs_attention(client, editor):
    past = EventFactory(title="Past event without slides", start=timezone.now() - datetime.timedelta(days=30))
    with_slides = EventFactory(
        title="Past event with slides", start=timezone.now() - datetime.timedelta(days=20)
    )
    make_deck(with_slides)
    EventFactory(title="Upcoming without agenda")
    EventFactory(title="Cancelled upcoming", status=Event.Status.CANCELLED)
    EventFactory(
        title="Cancelled past",
        status=Event.Status.CANCELLED,
        start=timezone.now() - datetime.timedelta(days=9),
    )
    NewsItemFactory(title="Goes live later", publish_at=timezone.now() + datetime.timedelta(days=2))
    stale = NewsItemFactory(title="Forgotten draft", status=Status.DRAFT)
    type(stale).objects.filter(pk=stale.pk).update(updated_at=timezone.now() - datetime.timedelta(days=40))
    EventFactory(title="Fresh draft event", status=Event.Status.DRAFT)
    CallFactory(title="The open call")
    client.force_login(editor)
    html = client.get("/admin/").content.decode()
    sections = html.split("<caption>")

    def section(title):
        return next(s for s in sections if s.startswith(title)).split("</table>")[0]

    assert past.title in section("Past events without slides") and "with slides" not in section(
        "Past events without slides"
    )
    assert "Upcoming without agenda" in section("Upcoming events without an agenda")
    assert "Cancelled" not in html  # nothing to do for cancelled events
    assert "Goes live later" in section("Scheduled to go live") and "goes live" in section(
        "Scheduled to go live"
    )
    # Every draft, the most recently changed first, whatever its age.
    drafts = section("Drafts")
    assert drafts.index("Fresh draft event") < drafts.index("Forgotten draft")
    assert "hidden draft" in drafts
    assert "The open call" in section("Open call") and "Deadline" in section("Open call")


def test_each_dashboard_panel_says_what_to_do(client, editor):
    EventFactory(title="Upcoming without agenda")
    NewsItemFactory(title="A draft", status=Status.DRAFT)
    client.force_login(editor)
    html = client.get("/admin/").content.decode()
    panels = html.split('<div class="module">')[1:]
    with_rows = [p for p in panels if 'class="empty"' not in p.split("</table>")[0] and "<caption>" in p]
    assert len(with_rows) >= 2
    assert all('<p class="help">' in p for p in with_rows)


def test_dashboard_buttons_follow_the_role(client, editor, site_admin):
    client.force_login(editor)
    html = client.get("/admin/").content.decode()
    for url in ("/admin/events/event/add/", "/admin/news/newsitem/add/", "/admin/events/slidedeck/add/"):
        assert f'href="{url}"' in html
    assert "/admin/auth/user/invite/" not in html and 'href="/admin/guide/"' in html
    client.force_login(site_admin)
    assert 'href="/admin/auth/user/invite/"' in client.get("/admin/").content.decode()


def test_editors_guide_renders_with_its_screenshots(client, editor):
    client.force_login(editor)
    response = client.get("/admin/guide/")
    html = response.content.decode()
    assert response.status_code == 200 and "<h2" in html and "Publishing and scheduling" in html
    images = re.findall(r'<img[^>]* src="([^"]+)"', html)
    assert len(images) == 4
    for src in images:
        assert src.startswith("/static/docs/") and src.endswith(".png")
        assert (settings.BASE_DIR / "static" / src.removeprefix("/static/")).is_file()


def test_the_guide_is_for_staff_only(client, db):
    assert client.get("/admin/guide/")["Location"].startswith("/admin/login/")


def test_publish_action_and_visibility_column(client, editor):
    draft = NewsItemFactory(title="To publish", status=Status.DRAFT)
    client.force_login(editor)
    assert "spp-draft" in client.get("/admin/news/newsitem/").content.decode()
    client.post("/admin/news/newsitem/", {"action": "publish_now", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.is_published


def test_superuser_created_by_ensure_admin_can_use_everything(client):
    user = get_user_model().objects.create_superuser("admin2", "", "pw-123456")
    client.force_login(user)
    assert client.get("/admin/auth/user/").status_code == 200


@pytest.mark.parametrize(
    ("url", "make"),
    [
        ("/admin/autocomplete/?app_label=events&model_name=slidedeck&field_name=event", EventFactory),
        ("/admin/autocomplete/?app_label=programs&model_name=project&field_name=institutions", None),
        ("/admin/events/event/", EventFactory),
        ("/admin/programs/researchperspective/", None),
    ],
)
def test_admin_lists_and_autocompletes_are_ordered(client, superuser, url, make):
    """Counting annotations (GROUP BY) drop the models' default ordering: the admins state theirs,
    so pages of a list or of autocomplete results never overlap or skip rows."""
    if make:
        make()
    client.force_login(superuser)
    with warnings.catch_warnings():
        warnings.simplefilter("error", UnorderedObjectListWarning)
        assert client.get(url).status_code == 200
