import datetime
import io
import json
import zoneinfo
from collections import Counter

import pytest
import time_machine
from django.apps import apps
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from events.models import AgendaItem, Event, SlideDeck
from spp_site.models import SiteSettings
from tests.core.factories import PageFactory
from tests.events.factories import AgendaItemFactory, EventFactory, make_deck
from tests.news.factories import NewsItemFactory
from tests.programs.factories import ProjectFactory

pytestmark = pytest.mark.django_db
BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
NOW = datetime.datetime(2026, 5, 10, 12, 0, tzinfo=BERLIN)
HOUR = datetime.timedelta(hours=1)


def stored(event):
    return Event.objects.get(pk=event.pk)


def deck(event, file="decks/ab/abc.pdf", **fields):
    """A deck row without going through the upload pipeline (the QuerySets only look at `file`)."""
    n = SlideDeck.objects.count() + 1
    return SlideDeck.objects.create(event=event, title=f"Deck {n}", slug=f"deck-{n}", file=file, **fields)


# --- only(), defer(), values(): the model reads no deferred field ----------------------------


@pytest.mark.parametrize(
    "queryset",
    [lambda: Event.objects.only("slug"), lambda: Event.objects.defer("description")],
    ids=["only", "defer"],
)
def test_partial_loading_returns_the_event_and_loads_deferred_fields_on_access(queryset):
    event = EventFactory(slug="meeting", description="About the meeting.")
    loaded = queryset().first()
    assert (loaded.pk, loaded.slug, loaded.description) == (event.pk, "meeting", "About the meeting.")


def test_values_and_values_list():
    EventFactory(slug="meeting")
    assert list(Event.objects.values("slug")) == [{"slug": "meeting"}]
    assert list(Event.objects.values_list("slug", flat=True)) == ["meeting"]


def test_a_partially_loaded_event_can_be_changed_and_saved():
    EventFactory(slug="meeting", title="Annual meeting")
    for event in Event.objects.only("slug"):
        event.slug = "annual-meeting"
        event.save()
    event = Event.objects.get()
    assert (event.slug, event.title, event.sequence) == ("annual-meeting", "Annual meeting", 0)


# --- sequence (iCalendar SEQUENCE) -----------------------------------------------------------


def test_a_new_event_starts_at_sequence_zero():
    assert stored(EventFactory()).sequence == 0


CALENDAR_CHANGES = {
    "title": "Another title",
    "start": lambda e: e.start - HOUR,
    "end": lambda e: e.end + HOUR,
    "all_day": True,
    "timezone": "America/New_York",
    "venue_name": "Main hall",
    "address": "Some street 1",
    "online_url": "https://meet.example.org/x",
    "status": Event.Status.CANCELLED,
    "summary": "A new summary",
    "description": "A new description",
}
OTHER_CHANGES = {
    "registration_url": "https://register.example.org",
    "registration_deadline": lambda e: e.start,
    "slug": "another-slug",
    "publish_at": lambda e: e.publish_at - HOUR,
    "cover_alt": "A description",
    "kind": Event.Kind.COLLOQUIUM,
}


def change(field, value):
    event = stored(EventFactory())
    setattr(event, field, value(event) if callable(value) else value)
    event.save()
    return stored(event).sequence


def test_every_calendar_field_is_listed():
    assert set(CALENDAR_CHANGES) == set(Event.CALENDAR_FIELDS)


@pytest.mark.parametrize("field", CALENDAR_CHANGES)
def test_changing_a_calendar_field_raises_sequence_by_one(field):
    assert change(field, CALENDAR_CHANGES[field]) == 1


@pytest.mark.parametrize("field", OTHER_CHANGES)
def test_changing_another_field_keeps_sequence(field):
    assert change(field, OTHER_CHANGES[field]) == 0


def test_saving_without_a_change_keeps_sequence():
    event = stored(EventFactory())
    event.save()
    event.save()
    assert stored(event).sequence == 0


def test_each_saved_change_raises_sequence_again():
    event = stored(EventFactory())
    for title in ("One", "Two", "Three"):
        event.title = title
        event.save()
    assert stored(event).sequence == 3


def test_a_title_change_on_an_event_loaded_with_only_title_raises_sequence():
    event = Event.objects.only("title").get(pk=EventFactory(title="Old").pk)
    event.title = "New"
    event.save()  # Django saves the loaded fields only (an update_fields save)
    assert (stored(event).title, stored(event).sequence) == ("New", 1)


def test_update_fields_with_a_calendar_field_stores_the_new_sequence():
    event = stored(EventFactory())
    event.title = "New"
    event.save(update_fields=["title"])
    assert (stored(event).title, stored(event).sequence) == ("New", 1)


def test_update_fields_without_a_calendar_field_keeps_sequence():
    event = stored(EventFactory(title="Old"))
    event.title = "New"  # changed in memory, but not saved
    event.registration_url = "https://register.example.org"
    event.save(update_fields=["registration_url"])
    assert (stored(event).title, stored(event).registration_url, stored(event).sequence) == (
        "Old",
        "https://register.example.org",
        0,
    )


# --- dumpdata and loaddata ---------------------------------------------------------------------

CONTENT_APPS = ("events", "programs", "news", "spp_site")


def dump():
    out = io.StringIO()
    call_command("dumpdata", *CONTENT_APPS, stdout=out)
    return json.loads(out.getvalue())


@pytest.fixture
def content():
    event = EventFactory(slug="meeting")
    event.projects.add(ProjectFactory())
    item = AgendaItemFactory(event=event)
    make_deck(event, agenda_item=item)
    deck(EventFactory(status="draft"))
    NewsItemFactory().related_events.add(event)
    PageFactory()
    SiteSettings(short_name="SPP 2298").save()
    event.slug = "annual-meeting"  # leaves an old URL behind
    event.save()


def test_dumpdata_writes_every_content_row(content):
    rows = dump()
    counts = Counter(row["model"] for row in rows)
    assert {m: counts[m] for m in ("events.event", "events.agendaitem", "events.slidedeck")} == {
        "events.event": 2,
        "events.agendaitem": 1,
        "events.slidedeck": 2,
    }
    assert {"programs.project", "news.newsitem", "spp_site.page", "spp_site.oldurl"} <= set(counts)


def test_loaddata_of_a_dump_into_an_empty_database_restores_it(content, tmp_path):
    before = dump()
    content_models = [m for app in CONTENT_APPS for m in apps.get_app_config(app).get_models()]
    # Content first (deleting it writes history rows), then the history.
    for model in sorted(content_models, key=lambda m: m._meta.model_name.startswith("historical")):
        model._base_manager.all().delete()
    assert dump() == []
    (tmp_path / "content.json").write_text(json.dumps(before))
    call_command("loaddata", tmp_path / "content.json", stdout=io.StringIO())
    assert dump() == before


# --- QuerySets -----------------------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_upcoming_are_published_events_not_ended_yet_soonest_first():
    later = EventFactory(start=NOW + 48 * HOUR, end=NOW + 50 * HOUR)
    running = EventFactory(start=NOW - HOUR, end=NOW + HOUR)
    EventFactory(start=NOW - 3 * HOUR, end=NOW - HOUR)
    EventFactory(status="draft", start=NOW + HOUR, end=NOW + 2 * HOUR)
    cancelled = EventFactory(status="cancelled", start=NOW + 24 * HOUR, end=NOW + 25 * HOUR)
    assert list(Event.objects.upcoming()) == [running, cancelled, later]


@time_machine.travel(NOW, tick=False)
def test_past_are_published_events_that_ended_newest_first():
    older = EventFactory(start=NOW - 48 * HOUR, end=NOW - 46 * HOUR)
    recent = EventFactory(start=NOW - 3 * HOUR, end=NOW - HOUR)
    EventFactory(start=NOW - HOUR, end=NOW + HOUR)
    EventFactory(status="draft", start=NOW - 5 * HOUR, end=NOW - 4 * HOUR)
    assert list(Event.objects.past()) == [recent, older]


def test_of_kind_filters_and_no_kind_keeps_all():
    workshop = EventFactory(kind=Event.Kind.WORKSHOP)
    meeting = EventFactory(kind=Event.Kind.ANNUAL_MEETING)
    assert list(Event.objects.of_kind(Event.Kind.ANNUAL_MEETING)) == [meeting]
    assert set(Event.objects.of_kind("")) == {workshop, meeting}


def test_public_agenda_items_are_those_of_published_and_cancelled_events():
    published = AgendaItemFactory(event=EventFactory())
    cancelled = AgendaItemFactory(event=EventFactory(status="cancelled"))
    AgendaItemFactory(event=EventFactory(status="draft"))
    AgendaItemFactory(event=EventFactory(publish_at=timezone.now() + HOUR))  # scheduled
    assert set(AgendaItem.objects.public()) == {published, cancelled}


@pytest.fixture
def decks():
    """A public deck, a deck without a file, a deck of a draft and of a scheduled event."""
    published = EventFactory()
    return {
        "public": deck(published),
        "no file": deck(published, file=""),
        "draft": deck(EventFactory(status="draft")),
        "scheduled": deck(EventFactory(publish_at=timezone.now() + HOUR)),
    }


def test_with_file_excludes_decks_without_a_file(decks):
    assert set(SlideDeck.objects.with_file()) == {decks["public"], decks["draft"], decks["scheduled"]}


def test_public_decks_have_a_file_and_a_published_event(decks):
    assert list(SlideDeck.objects.public()) == [decks["public"]]


def test_anonymous_visitors_see_the_public_decks(decks):
    assert list(SlideDeck.objects.visible_to(AnonymousUser())) == [decks["public"]]


def test_editors_also_see_decks_of_unpublished_events_but_none_without_a_file(decks, editor):
    assert set(SlideDeck.objects.visible_to(editor)) == {decks["public"], decks["draft"], decks["scheduled"]}


@pytest.mark.parametrize(
    ("name", "published"), [("public", True), ("no file", False), ("draft", False), ("scheduled", False)]
)
def test_deck_is_published_agrees_with_the_queryset(decks, name, published):
    assert decks[name].is_published is published
    assert SlideDeck.objects.public().filter(pk=decks[name].pk).exists() is published


# --- clean() -------------------------------------------------------------------------------------


def errors(instance):
    with pytest.raises(ValidationError) as exc:
        instance.clean()
    return exc.value.message_dict


def test_an_event_cannot_end_before_it_starts():
    event = EventFactory.build(start=NOW, end=NOW - HOUR)
    assert list(errors(event)) == ["end"]


def test_all_day_events_run_from_midnight_to_the_end_of_the_last_day_in_their_zone():
    tokyo = zoneinfo.ZoneInfo("Asia/Tokyo")
    event = EventFactory.build(
        all_day=True,
        timezone="Asia/Tokyo",
        start=datetime.datetime(2026, 3, 12, 15, 30, tzinfo=tokyo),
        end=datetime.datetime(2026, 3, 14, 9, 0, tzinfo=tokyo),
    )
    event.clean()
    assert event.start == datetime.datetime(2026, 3, 12, 0, 0, tzinfo=tokyo)
    assert event.end == datetime.datetime(2026, 3, 14, 23, 59, 59, tzinfo=tokyo)


def test_a_cover_image_needs_a_description():
    event = EventFactory.build(cover_image="events/cover-800x600.webp", cover_alt="")
    assert list(errors(event)) == ["cover_alt"]
    event.cover_alt = "The lecture hall"
    event.clean()


def test_registration_cannot_close_after_the_event_has_ended():
    event = EventFactory.build(start=NOW, end=NOW + HOUR, registration_deadline=NOW + 2 * HOUR)
    assert list(errors(event)) == ["registration_deadline"]
    event.registration_deadline = NOW + HOUR
    event.clean()


def test_an_agenda_item_cannot_end_before_it_starts():
    item = AgendaItemFactory.build(event=EventFactory(), start=NOW, end=NOW - HOUR)
    assert list(errors(item)) == ["end"]


def test_a_deck_cannot_point_at_another_events_talk():
    deck = make_deck()
    deck.agenda_item = AgendaItemFactory()  # a talk of a different event
    with pytest.raises(ValidationError) as exc:
        deck.full_clean()
    assert "agenda_item" in exc.value.message_dict
