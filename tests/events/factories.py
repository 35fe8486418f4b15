import datetime

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from events.models import AgendaItem, Event, SlideDeck
from events.services import attach_file
from spp_site.demo_media import slides_pdf


def pdf_upload(name="slides.pdf", pages=3, title="Test slides"):
    slides = [(f"Slide {i}", [f"Point {i}"]) for i in range(2, pages + 1)]
    return SimpleUploadedFile(name, slides_pdf(title, slides, "Test footer"), content_type="application/pdf")


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Event {n}")
    slug = factory.Sequence(lambda n: f"event-{n}")
    kind = Event.Kind.WORKSHOP
    start = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=10))
    end = factory.LazyAttribute(lambda o: o.start + datetime.timedelta(hours=6))
    status = Event.Status.PUBLISHED
    publish_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))


class AgendaItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgendaItem

    event = factory.SubFactory(EventFactory)
    start = factory.LazyAttribute(lambda o: o.event.start)
    end = factory.LazyAttribute(lambda o: o.start + datetime.timedelta(minutes=30))
    title = factory.Sequence(lambda n: f"Talk {n}")


def make_deck(event=None, name="slides.pdf", title=None, upload=None, inspected=None, **fields):
    """A deck with a file; `inspected` (from `inspect_document`) lets many decks share one check."""
    event = event or EventFactory()
    n = SlideDeck.objects.count() + 1
    deck = SlideDeck(event=event, title=title or f"Deck {n}", slug=f"deck-{n}-{event.slug}", **fields)
    return attach_file(deck, upload or pdf_upload(name, title=f"Deck {n}"), inspected)


def make_speaker_upload(link=None, *, talk=None, upload=None, title="Slides from the speaker", **fields):
    """A pending SpeakerUpload with a real stored file and first-page picture, stored as the
    speaker's page stores them (through `_store` and `_store_thumbnail`)."""
    from events.models import SpeakerUpload
    from events.services import _store, _store_thumbnail
    from events.upload_links import create_link
    from events.uploads import inspect_document

    if link is None:
        link = create_link(talk or AgendaItemFactory(), name="Ada Lovelace", email="ada@example.org")
    upload = upload or pdf_upload("my-talk.pdf", title=title)
    inspected = inspect_document(upload)
    thumbnail, _ = _store_thumbnail(inspected)
    name, _ = _store(inspected)
    return SpeakerUpload.objects.create(
        agenda_item=link.agenda_item,
        link=link,
        file=name,
        original_filename=upload.name,
        file_type=inspected.file_type,
        size=inspected.size,
        sha256=inspected.sha256,
        page_count=inspected.page_count,
        thumbnail=thumbnail,
        text=inspected.text,
        title=title,
        **fields,
    )
