"""Speakers' upload links: tokens are derived, stored only as a hash, and name exactly one link."""

from datetime import timedelta

import pytest
from django.utils import timezone

from events.models import UploadLink
from events.upload_links import create_link, find_link, token_for, token_hash
from tests.events.factories import AgendaItemFactory

pytestmark = pytest.mark.django_db


def test_a_token_finds_its_link_and_is_not_stored():
    link = create_link(AgendaItemFactory())
    token = token_for(link)
    assert len(token) == 43
    assert find_link(token) == link
    stored = UploadLink.objects.filter(pk=link.pk).values().get()
    assert token not in {str(value) for value in stored.values()}
    assert stored["token_hash"] == token_hash(token)


def test_tokens_differ_and_wrong_tokens_find_nothing():
    first, second = create_link(AgendaItemFactory()), create_link(AgendaItemFactory())
    assert token_for(first) != token_for(second)
    token = token_for(first)
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    for wrong in (tampered, token[:-1], "", "x" * 43, None):
        assert find_link(wrong) is None


def test_a_link_expires_thirty_days_after_its_event_by_default_and_reports_its_state():
    item = AgendaItemFactory()
    link, other = create_link(item), create_link(item)
    assert link.expires_at == item.event.end + timedelta(days=30)
    assert link.state == UploadLink.State.UNUSED
    link.first_used_at = timezone.now()
    link.save()
    assert link.state == UploadLink.State.USED and link.is_usable
    link.expires_at = timezone.now() - timedelta(seconds=1)
    link.save()
    assert link.state == UploadLink.State.EXPIRED and not link.is_usable
    assert list(UploadLink.objects.usable()) == [other]
    other.revoked_at = timezone.now()
    other.save()
    assert other.state == UploadLink.State.REVOKED and not other.is_usable
    assert list(UploadLink.objects.usable()) == []
