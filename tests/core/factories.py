import datetime

import factory
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from events.services import attach_file
from news.models import NewsItem
from programs.models import ProjectMembership
from spp_site.admin_views import MARKDOWN_IMAGE_DIR
from spp_site.images import process_image, store_processed_image
from spp_site.models import MarkdownImage, Page, SiteSettings
from spp_site.publishing import Status
from spp_site.roles import sync_groups
from tests.conftest import picture
from tests.events.factories import AgendaItemFactory, make_deck, pdf_upload
from tests.news.factories import NewsItemFactory
from tests.programs.factories import (
    FAQFactory,
    MembershipFactory,
    PersonFactory,
    PersonRoleFactory,
    PhaseFactory,
    ProjectFactory,
)


class PageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Page

    title = factory.Sequence(lambda n: f"Page {n}")
    slug = factory.Sequence(lambda n: f"page-{n}")
    body = "Page text."
    status = Status.PUBLISHED
    publish_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))


def content_of_every_kind():
    """A small site with a row of each kind of content and real files from the upload pipelines:
    a portrait (processed, with renditions) that was replaced (the old one kept by the history), a
    slide deck with its first-page picture and an earlier version, an image pasted into Markdown,
    a page whose slug changed (an old-URL redirect), an admin log entry and the editor roles.
    For tests of whole-database operations (backups, migrations); each call adds another set."""
    editor_group, _ = sync_groups()
    n = get_user_model().objects.count()
    editor = get_user_model().objects.create_user(f"editor{n}", f"editor{n}@example.org", "editor-pass-123")
    editor.groups.add(editor_group)

    person = PersonFactory(photo=picture("red"))
    person.photo = picture("blue")
    person.save()
    PersonRoleFactory(person=person)
    PhaseFactory()
    project = ProjectFactory(institutions=[person.affiliation])
    MembershipFactory(project=project, person=person, role=ProjectMembership.Role.PRINCIPAL_INVESTIGATOR)
    FAQFactory()
    settings = SiteSettings.load()
    settings.coordinating_institution = person.affiliation
    settings.save()

    item = AgendaItemFactory()
    deck = make_deck(item.event, title="Opening talk")
    attach_file(deck, pdf_upload("revised.pdf", title="Opening talk, revised"))

    pasted = store_processed_image(process_image(picture("green", "chart.png")), MARKDOWN_IMAGE_DIR)
    image = MarkdownImage.objects.create(image=pasted, original_filename="chart.png", uploaded_by=editor)
    news = NewsItemFactory(body=f"Results:\n\n{image.markdown}\n")

    page = PageFactory()
    page.slug = f"{page.slug}-renamed"
    page.save()
    LogEntry.objects.create(
        user=editor,
        content_type_id=ContentType.objects.get_for_model(NewsItem).pk,
        object_id=str(news.pk),
        object_repr=str(news),
        action_flag=ADDITION,
        change_message="[]",
        action_time=timezone.now(),
    )
