import datetime

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from news.models import NewsItem
from spp_site.publishing import Status
from tests.events.factories import EventFactory
from tests.news.factories import NewsItemFactory

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 3, 1, 12, 0, tzinfo=datetime.UTC)


@time_machine.travel(NOW, tick=False)
def test_published_excludes_drafts_and_future_items():
    live = NewsItemFactory(publish_at=NOW - datetime.timedelta(minutes=1))
    NewsItemFactory(status=Status.DRAFT, publish_at=NOW - datetime.timedelta(days=1))
    NewsItemFactory(publish_at=NOW + datetime.timedelta(hours=1))
    assert list(NewsItem.objects.published()) == [live]


def test_scheduled_item_goes_live_by_itself_when_its_time_comes(client):
    with time_machine.travel(NOW, tick=False):
        item = NewsItemFactory(publish_at=NOW + datetime.timedelta(hours=2))
        draft = NewsItemFactory(status=Status.DRAFT, publish_at=NOW - datetime.timedelta(days=1))
        url = item.get_absolute_url()
        assert client.get(url).status_code == 404
        assert client.get(draft.get_absolute_url()).status_code == 404
        assert item.title not in client.get("/news/").content.decode()
    with time_machine.travel(NOW + datetime.timedelta(hours=2, seconds=1), tick=False):
        # No command ran in between: the clock alone decides.
        assert client.get(url).status_code == 200
        assert item.title in client.get("/news/").content.decode()
        assert client.get(draft.get_absolute_url()).status_code == 404


def test_events_use_the_same_rule_and_cancelled_events_stay_public(client):
    draft = EventFactory(status="draft")
    cancelled = EventFactory(status="cancelled")
    scheduled = EventFactory(publish_at=timezone.now() + datetime.timedelta(days=1))
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get(scheduled.get_absolute_url()).status_code == 404
    response = client.get(cancelled.get_absolute_url())
    assert response.status_code == 200
    assert "This event has been cancelled" in response.content.decode()


def test_staff_preview_of_a_draft_is_bannered_and_not_cached(client, editor):
    draft = NewsItemFactory(status=Status.DRAFT)
    client.force_login(editor)
    response = client.get(draft.get_absolute_url())
    assert response.status_code == 200
    assert "Draft — not public" in response.content.decode()
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Robots-Tag"] == "noindex"


def test_staff_without_view_permission_gets_404(client, django_user_model):
    user = django_user_model.objects.create_user("staff", password="x", is_staff=True)
    client.force_login(user)
    assert client.get(NewsItemFactory(status=Status.DRAFT).get_absolute_url()).status_code == 404


def test_stale_drafts():
    old = NewsItemFactory(status=Status.DRAFT)
    NewsItem.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(days=31))
    NewsItemFactory(status=Status.DRAFT)
    assert list(NewsItem.objects.stale_drafts()) == [old]


def test_stale_drafts_are_drafts_older_than_the_given_days():
    week_old_draft = NewsItemFactory(status=Status.DRAFT)
    NewsItemFactory()  # published, as old
    NewsItem.objects.update(created_at=timezone.now() - datetime.timedelta(days=8))
    assert list(NewsItem.objects.stale_drafts(days=7)) == [week_old_draft]
    assert not NewsItem.objects.stale_drafts(days=9).exists()


@pytest.fixture
def everything():
    """A published item, a draft and a scheduled item."""
    return [
        NewsItemFactory(),
        NewsItemFactory(status=Status.DRAFT),
        NewsItemFactory(publish_at=timezone.now() + datetime.timedelta(hours=1)),
    ]


def test_anonymous_visitors_see_the_published_items(everything):
    assert list(NewsItem.objects.visible_to(AnonymousUser())) == everything[:1]


def test_staff_without_the_view_permission_see_the_published_items(everything, django_user_model):
    staff = django_user_model.objects.create_user("staff", is_staff=True)
    assert list(NewsItem.objects.visible_to(staff)) == everything[:1]


def test_editors_see_everything_for_previews(everything, editor):
    assert set(NewsItem.objects.visible_to(editor)) == set(everything)


def test_inactive_editors_see_the_published_items(everything, editor):
    editor.is_active = False
    assert list(NewsItem.objects.visible_to(editor)) == everything[:1]
