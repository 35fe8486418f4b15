"""Speakers' uploads are reviewed: approving publishes them on the talk (a new deck, or a new
version of the talk's deck under the same address), rejecting keeps them off the site; editors
hear of new uploads at most once per event per hour."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from events.models import SlideDeck, SpeakerUpload
from events.notifications import notify_editors_of_uploads
from events.services import approve_speaker_upload, reject_speaker_upload
from events.upload_links import create_link
from tests.events.factories import AgendaItemFactory, make_deck, make_speaker_upload, pdf_upload
from tests.programs.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_approving_an_upload_creates_the_talks_deck_with_the_talks_speakers(editor):
    talk = AgendaItemFactory(title="Optimal transport")
    person = PersonFactory()
    talk.speakers.add(person)
    upload = make_speaker_upload(talk=talk, title="Transport, corrected", licence="all-rights-reserved")
    deck = approve_speaker_upload(upload, editor)
    assert (deck.agenda_item, deck.event, deck.title) == (talk, talk.event, "Transport, corrected")
    assert deck.licence == upload.licence
    assert deck.file.name == upload.file.name and deck.thumbnail.name == upload.thumbnail.name
    assert list(deck.speakers.all()) == [person]
    upload.refresh_from_db()
    assert upload.status == SpeakerUpload.Status.APPROVED
    assert (upload.reviewed_by, upload.deck) == (editor, deck)
    assert deck in SlideDeck.objects.public()


def test_approving_again_on_a_talk_with_a_deck_makes_a_new_version_under_the_same_address(editor):
    talk = AgendaItemFactory()
    deck = make_deck(event=talk.event, agenda_item=talk)
    old_file, old_slug = deck.file.name, deck.slug
    upload = make_speaker_upload(talk=talk, upload=pdf_upload("new.pdf", pages=5, title="New"))
    approved = approve_speaker_upload(upload, editor)
    assert approved.pk == deck.pk and approved.slug == old_slug
    assert approved.file.name == upload.file.name and approved.page_count == 5
    assert [version.file.name for version in deck.versions.all()] == [old_file]
    assert SlideDeck.objects.count() == 1


def test_the_decks_history_says_who_uploaded_and_who_approved(editor):
    upload = make_speaker_upload()
    deck = approve_speaker_upload(upload, editor)
    record = deck.history.latest()
    assert record.history_user == editor
    assert record.history_change_reason.startswith(
        f"Uploaded by Ada Lovelace via speaker link #{upload.link_id} on "
    )
    assert record.history_change_reason.endswith("approved by editor")
    assert len(record.history_change_reason) <= 100


def test_a_reviewed_upload_cannot_be_reviewed_again(editor):
    upload = make_speaker_upload()
    approve_speaker_upload(upload, editor)
    with pytest.raises(ValidationError):
        approve_speaker_upload(upload, editor)
    with pytest.raises(ValidationError):
        reject_speaker_upload(upload, editor, "No")


def test_rejecting_with_a_message_tells_the_speaker_and_publishes_nothing(editor):
    upload = make_speaker_upload()
    assert reject_speaker_upload(upload, editor, "Please send the PDF without the videos.")
    upload.refresh_from_db()
    assert upload.status == SpeakerUpload.Status.REJECTED and upload.reviewed_by == editor
    assert SlideDeck.objects.count() == 0
    (message,) = mail.outbox
    assert message.to == ["ada@example.org"]
    assert "Please send the PDF without the videos." in message.body


def test_rejecting_without_a_message_sends_nothing(editor):
    assert not reject_speaker_upload(make_speaker_upload(), editor)
    assert mail.outbox == []


# --- notifications --------------------------------------------------------------------------


def test_two_uploads_within_an_hour_make_one_mail_and_a_later_flush_sends_the_rest(editor, commit):
    talk = AgendaItemFactory()
    with commit():
        first = make_speaker_upload(talk=talk, title="First")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["editor@example.org"]
    assert "First" in mail.outbox[0].body
    with commit():
        second = make_speaker_upload(create_link(talk), title="Second")
    assert len(mail.outbox) == 1  # held back: a mail for this event went out less than an hour ago
    second.refresh_from_db()
    assert second.editors_notified_at is None
    assert notify_editors_of_uploads(now=timezone.now() + timedelta(minutes=59)) == 0
    assert notify_editors_of_uploads(now=timezone.now() + timedelta(minutes=61)) == 1
    assert len(mail.outbox) == 2
    assert "Second" in mail.outbox[1].body and "First" not in mail.outbox[1].body
    first.refresh_from_db()
    assert first.editors_notified_at is not None


def test_each_event_has_its_own_hour(editor, commit):
    with commit():
        make_speaker_upload()
    with commit():
        make_speaker_upload()
    assert len(mail.outbox) == 2


def test_the_cron_command_sends_what_was_held_back(editor):
    upload = make_speaker_upload()  # not committed: no mail yet
    SpeakerUpload.objects.filter(pk=upload.pk).update(editors_notified_at=None)
    call_command("notify_speaker_uploads", verbosity=0)
    assert len(mail.outbox) == 1
    call_command("notify_speaker_uploads", verbosity=0)
    assert len(mail.outbox) == 1


def test_a_long_name_is_cut_so_the_history_note_keeps_the_link_and_the_editor(editor):
    link = create_link(AgendaItemFactory(), name="Professor " + "Longname " * 20)
    deck = approve_speaker_upload(make_speaker_upload(link), editor)
    reason = deck.history.latest().history_change_reason
    assert len(reason) == 100 and reason.endswith("approved by editor") and f"link #{link.pk}" in reason
