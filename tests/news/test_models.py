import datetime
import zoneinfo

import pytest
import time_machine
from django.utils import timezone

from news.models import NewsItem
from spp_site.publishing import Status
from tests.news.factories import NewsItemFactory

pytestmark = pytest.mark.django_db
BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
NOW = datetime.datetime(2026, 3, 1, 12, 0, tzinfo=BERLIN)
HOUR = datetime.timedelta(hours=1)
# 23:30 on New Year's Eve in Berlin is 22:30 UTC; 00:30 on New Year's Day is 23:30 UTC the day before.
NEW_YEARS_EVE = datetime.datetime(2025, 12, 31, 23, 30, tzinfo=BERLIN)
NEW_YEARS_DAY = datetime.datetime(2026, 1, 1, 0, 30, tzinfo=BERLIN)


@pytest.fixture
def items():
    with time_machine.travel(NOW, tick=False):
        return {
            "published": NewsItemFactory(publish_at=NOW - HOUR),
            "scheduled": NewsItemFactory(publish_at=NOW + HOUR),
            "draft": NewsItemFactory(status=Status.DRAFT, publish_at=NOW - HOUR),
            "future draft": NewsItemFactory(status=Status.DRAFT, publish_at=NOW + HOUR),
        }


@time_machine.travel(NOW, tick=False)
def test_published(items):
    assert list(NewsItem.objects.published()) == [items["published"]]


@time_machine.travel(NOW, tick=False)
def test_scheduled(items):
    assert list(NewsItem.objects.scheduled()) == [items["scheduled"]]


@time_machine.travel(NOW, tick=False)
def test_drafts_whatever_their_date(items):
    assert set(NewsItem.objects.drafts()) == {items["draft"], items["future draft"]}


def test_featured_are_published_items_marked_featured():
    featured = NewsItemFactory(featured=True)
    NewsItemFactory(featured=True, status=Status.DRAFT)
    NewsItemFactory(featured=True, publish_at=timezone.now() + HOUR)
    NewsItemFactory(featured=False)
    assert list(NewsItem.objects.featured()) == [featured]


def test_in_category_filters_and_no_category_keeps_all():
    award = NewsItemFactory(category=NewsItem.Category.AWARD)
    job = NewsItemFactory(category=NewsItem.Category.JOB)
    assert list(NewsItem.objects.in_category(NewsItem.Category.AWARD)) == [award]
    assert set(NewsItem.objects.in_category("")) == {award, job}


def test_in_year_counts_the_year_in_the_sites_time_zone():
    eve, day = NewsItemFactory(publish_at=NEW_YEARS_EVE), NewsItemFactory(publish_at=NEW_YEARS_DAY)
    assert list(NewsItem.objects.in_year(2025)) == [eve]
    assert list(NewsItem.objects.in_year(2026)) == [day]


def test_the_address_carries_the_year_in_the_sites_time_zone():
    eve = NewsItemFactory(slug="eve", publish_at=NEW_YEARS_EVE)
    day = NewsItemFactory(slug="day", publish_at=NEW_YEARS_DAY)
    assert (eve.get_absolute_url(), day.get_absolute_url()) == ("/news/2025/eve/", "/news/2026/day/")


@pytest.mark.parametrize(
    ("expires_on", "closed"),
    [
        (None, False),
        (datetime.date(2026, 3, 2), False),
        (datetime.date(2026, 3, 1), False),
        (datetime.date(2026, 2, 28), True),
    ],
)
@time_machine.travel(NOW, tick=False)
def test_an_item_is_closed_the_day_after_it_closes(expires_on, closed):
    assert NewsItemFactory.build(expires_on=expires_on).is_closed is closed


@time_machine.travel(datetime.datetime(2026, 3, 1, 0, 30, tzinfo=BERLIN), tick=False)
def test_closing_follows_the_sites_calendar_day():
    # Still 28 February in UTC, already 1 March in Berlin: an item that closed on 28 February is closed.
    assert NewsItemFactory.build(expires_on=datetime.date(2026, 2, 28)).is_closed
