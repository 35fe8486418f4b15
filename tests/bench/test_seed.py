"""bench/seed.py: the benchmark's data set has the size the issue states, its slide decks went
through the upload path, and every page `make bench` measures answers an anonymous visitor.

Seeding takes half a minute, so it runs once for the class (`setUpTestData`), into a temporary
media folder of its own (the suite's per-test MEDIA_ROOT comes too late for it)."""

import shutil
import tempfile
from pathlib import Path

from django.test import TestCase, override_settings

from bench.seed import BIG_DECK_BYTES, BIG_DECK_SLUG, COUNTS, TALK_EVENT, TALKS, bench_pages, seed
from events.models import Event, SlideDeck
from news.models import NewsItem
from programs.models import Person, Project


def counts():
    return {
        "news": NewsItem.objects.count(),
        "events": Event.objects.count(),
        "projects": Project.objects.count(),
        "people": Person.objects.count(),
    }


class BenchDataSetTests(TestCase):
    @classmethod
    def setUpClass(cls):
        cls.media = Path(tempfile.mkdtemp(prefix="bench-seed-media-"))
        cls.addClassCleanup(shutil.rmtree, cls.media, ignore_errors=True)
        cls.enterClassContext(override_settings(MEDIA_ROOT=cls.media))
        super().setUpClass()  # runs setUpTestData

    @classmethod
    def setUpTestData(cls):
        seed(log=lambda message: None)

    def test_the_data_set_has_the_stated_size_and_a_second_run_adds_nothing(self):
        self.assertEqual(COUNTS, {"news": 200, "events": 60, "projects": 60, "people": 150})  # issue 12
        self.assertEqual(counts(), COUNTS)
        decks = SlideDeck.objects.count()
        seed(log=lambda message: None)
        self.assertEqual(counts(), COUNTS)
        self.assertEqual(SlideDeck.objects.count(), decks)

    def test_generated_content_is_published(self):
        generated_news = NewsItem.objects.filter(slug__startswith="news-")
        self.assertEqual(generated_news.published().count(), generated_news.count())
        # Only the demo content's cancelled colloquium and draft meeting are not published.
        self.assertEqual(
            set(Event.objects.exclude(status=Event.Status.PUBLISHED).values_list("slug", flat=True)),
            {"colloquium-cancelled", "annual-meeting-2027"},
        )

    def test_the_talk_event_has_its_talks_each_with_an_uploaded_deck(self):
        event = Event.objects.get(slug=TALK_EVENT)
        self.assertEqual(TALKS, 20)
        self.assertEqual(event.agenda_items.count(), TALKS)
        decks = list(event.slide_decks.all())
        self.assertEqual(len(decks), TALKS)
        self.assertEqual(
            {d.agenda_item_id for d in decks}, set(event.agenda_items.values_list("pk", flat=True))
        )
        for deck in decks:  # what the upload path adds: a page count, a first-page picture, the text
            self.assertEqual(deck.page_count, 7)
            self.assertTrue(deck.thumbnail.name)
            self.assertIn("Main result", deck.text)
            self.assertTrue(deck.speakers.exists())

    def test_the_download_deck_is_a_real_pdf_of_about_a_megabyte(self):
        deck = SlideDeck.objects.get(slug=BIG_DECK_SLUG)
        self.assertTrue(BIG_DECK_BYTES <= deck.size < 1.3 * BIG_DECK_BYTES, deck.size)
        self.assertEqual((self.media / deck.file.name).stat().st_size, deck.size)
        self.assertEqual((self.media / deck.file.name).read_bytes()[:5], b"%PDF-")
        self.assertGreaterEqual(deck.page_count, 3)
        self.assertTrue((self.media / deck.thumbnail.name).is_file())

    def test_every_measured_page_answers_an_anonymous_visitor(self):
        pages = bench_pages()
        self.assertEqual(len(pages), 10)
        with self.settings(MEDIA_ROOT=self.media):  # the deck download reads the file
            for name, path, _ in pages:
                with self.subTest(name):
                    self.assertEqual(self.client.get(path).status_code, 200)
