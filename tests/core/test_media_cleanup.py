"""Stored files nothing refers to any more are deleted (spp_site.cleanup); what rows, history
versions or Markdown texts still use stays. Shown by the storage listing before and after."""

import contextlib
import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import transaction

from programs.models import Person
from spp_site.images import process_image, store_processed_image
from spp_site.models import MarkdownImage, SiteSettings
from tests.conftest import files_in, files_of, picture
from tests.core.factories import PageFactory
from tests.events.factories import EventFactory, make_deck
from tests.news.factories import NewsItemFactory
from tests.programs.factories import PersonFactory, ProjectFactory

pytestmark = pytest.mark.django_db


IMAGE_FIELDS = [
    pytest.param(PersonFactory, "photo", id="person-photo"),
    pytest.param(ProjectFactory, "image", id="project-image"),
    pytest.param(EventFactory, "cover_image", id="event-cover"),
    pytest.param(NewsItemFactory, "cover_image", id="news-cover"),
    pytest.param(SiteSettings.objects.create, "logo", id="site-logo"),
]


def prune_history(row, field, name=None):
    """Delete the history versions of `row` (those holding `name`), as clean_old_history does."""
    versions = type(row).history.filter(**{type(row)._meta.pk.attname: row.pk})
    (versions.filter(**{field: name}) if name else versions).delete()


@pytest.mark.parametrize(("make", "field"), IMAGE_FIELDS)
def test_a_replaced_file_stays_while_history_refers_to_it(make, field, media_root, commit):
    with commit():
        row = make(**{field: picture("red")})
    old = getattr(row, field).name
    assert files_in(media_root) == files_of(old)
    with commit():
        setattr(row, field, picture("blue"))
        row.save()
    new = getattr(row, field).name
    assert files_in(media_root) == sorted(files_of(old) + files_of(new))  # reverting brings it back
    with commit():
        prune_history(row, field, old)
    assert files_in(media_root) == files_of(new)


def test_reverting_to_an_earlier_version_brings_its_picture_back(client, media_root, commit):
    with commit():
        person = PersonFactory(photo=picture("red"))
        first = person.history.get()
        person.photo = picture("blue")
        person.save()
    with commit():
        first.instance.save()  # what History → Revert in the admin does
    person.refresh_from_db()
    assert person.photo.name == first.photo
    assert client.get(person.photo.url).status_code == 200


@pytest.mark.parametrize(("make", "field"), IMAGE_FIELDS)
def test_a_replaced_file_nothing_refers_to_is_deleted_with_its_renditions(make, field, media_root, commit):
    with commit():
        row = make(**{field: picture("red")})
        prune_history(row, field)
    old = getattr(row, field).name
    assert files_in(media_root) == files_of(old)
    with commit():
        setattr(row, field, picture("blue"))
        row.save()
    assert files_in(media_root) == files_of(getattr(row, field).name)


@pytest.mark.parametrize(("make", "field"), IMAGE_FIELDS)
def test_a_cleared_file_nothing_refers_to_is_deleted(make, field, media_root, commit):
    with commit():
        row = make(**{field: picture("red")})
        prune_history(row, field)
    assert files_in(media_root) == files_of(getattr(row, field).name)
    with commit():
        setattr(row, field, "")
        row.save()
    assert files_in(media_root) == []


@pytest.mark.parametrize(("make", "field"), IMAGE_FIELDS)
def test_a_deleted_rows_file_stays_for_its_deletion_record_until_history_is_pruned(
    make, field, media_root, commit
):
    with commit():
        row = make(**{field: picture("red")})
    name, pk = getattr(row, field).name, row.pk
    with commit():
        row.delete()
    assert files_in(media_root) == files_of(name)  # the deleted item can be restored from history
    row.pk = pk
    with commit():
        prune_history(row, field)
    assert files_in(media_root) == []


def test_pruning_history_with_simple_historys_command_deletes_what_only_history_held(media_root, commit):
    with commit():
        person = PersonFactory(photo=picture("red"))
        old = person.photo.name
        person.photo = picture("blue")
        person.save()
    with commit():
        call_command("clean_old_history", "--auto", "--days", "0", stdout=io.StringIO())
    assert files_in(media_root) == files_of(person.photo.name) and old not in files_in(media_root)


def test_a_file_shared_by_two_rows_stays_until_neither_uses_it(media_root, commit):
    with commit():
        first = PersonFactory(photo=picture("green"))
        second = PersonFactory(photo=picture("green"))
    name = first.photo.name
    assert second.photo.name == name  # identical uploads are stored once
    with commit():
        first.delete()
        Person.history.filter(last_name=first.last_name).delete()
    assert files_in(media_root) == files_of(name)
    with commit():
        second.photo = ""
        second.save()
        prune_history(second, "photo", name)
    assert files_in(media_root) == []


def test_a_picture_shown_in_a_markdown_text_stays(media_root, commit):
    with commit():
        person = PersonFactory(photo=picture("red"))
        prune_history(person, "photo")
    name = person.photo.name
    # An editor pasted a rendition of the portrait into a news item.
    NewsItemFactory(body=f"![Jane]({person.photo.url.removesuffix('.webp')}.w320.webp)")
    with commit():
        person.photo = ""
        person.save()
        prune_history(person, "photo", name)
    assert files_in(media_root) == files_of(name)


def test_saving_with_the_file_field_deferred_or_left_out_keeps_the_file(media_root, commit):
    with commit():
        person = PersonFactory(photo=picture("red"))
        prune_history(person, "photo")
    name = person.photo.name
    with commit():
        loaded = Person.objects.only("pk", "last_name").get(pk=person.pk)
        loaded.last_name = "Renamed"
        loaded.save()
        person.photo = ""
        person.save(update_fields=["last_name"])
    assert Person.objects.get().photo.name == name
    assert files_in(media_root) == files_of(name)


class Rollback(Exception):
    pass


def test_nothing_is_deleted_when_the_transaction_rolls_back(media_root, commit):
    with commit():
        person = PersonFactory(photo=picture("red"))
        prune_history(person, "photo")
    name = person.photo.name
    with commit(), contextlib.suppress(Rollback), transaction.atomic():
        person.photo = ""
        person.save()
        raise Rollback
    assert files_in(media_root) == files_of(name)


# --- images pasted into Markdown -------------------------------------------------------------


def upload_to_library(client, color):
    response = client.post("/admin/markdown/upload/", {"image": picture(color, "chart.png")})
    assert response.status_code == 200
    return MarkdownImage.objects.order_by("pk").last()


def test_deleting_a_library_image_no_text_shows_deletes_its_file(client, editor, media_root, commit):
    client.force_login(editor)
    image = upload_to_library(client, "red")
    assert files_in(media_root) == files_of(image.image.name)
    with commit():
        response = client.post(f"/admin/spp_site/markdownimage/{image.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert files_in(media_root) == []


def test_a_library_image_a_text_or_an_earlier_version_shows_stays(client, editor, media_root, commit):
    client.force_login(editor)
    image = upload_to_library(client, "red")
    page = PageFactory(body=f"Before. {image.markdown} After.")
    page.body = "The picture is gone from the current text."
    page.save()  # ...but not from the earlier version, which can be restored
    with commit():
        client.post(f"/admin/spp_site/markdownimage/{image.pk}/delete/", {"post": "yes"})
    assert not MarkdownImage.objects.exists()
    assert files_in(media_root) == files_of(image.image.name)


def test_identical_library_images_share_a_file_until_both_are_deleted(client, editor, media_root, commit):
    client.force_login(editor)
    first, second = upload_to_library(client, "red"), upload_to_library(client, "red")
    assert first.pk != second.pk and first.image.name == second.image.name
    with commit():
        first.delete()
    assert files_in(media_root) == files_of(second.image.name)
    with commit():
        second.delete()
    assert files_in(media_root) == []


# --- slide decks (their earlier files are versions, not history) --------------------------------


def test_a_deleted_events_decks_and_their_thumbnails_go_but_its_cover_stays_for_history(media_root, commit):
    with commit():
        event = EventFactory(cover_image=picture("red"))
        make_deck(event)
    cover = event.cover_image.name
    with commit():
        event.delete()  # the decks go with the event
    assert files_in(media_root) == files_of(cover)


# --- manage.py cleanup_media ---------------------------------------------------------------------


def orphan_image(color, folder):
    return store_processed_image(process_image(picture(color)), folder)


def test_cleanup_media_lists_then_deletes_only_unused_files_in_the_upload_folders(media_root, commit):
    with commit():
        person = PersonFactory(photo=picture("red"))
        replaced = person.photo.name
        person.photo = picture("blue")
        person.save()  # the red portrait stays for the history
        deck = make_deck()
    unused = [
        *files_of(orphan_image("green", "news")),  # left by an update() or a failed delete
        *files_of(orphan_image("yellow", "markdown")),
        "projects/0123456789abcdef01234567-700x400.w320.webp",  # a rendition without its image
        "decks/ab/unused.pdf",
    ]
    default_storage.save(unused[-2], ContentFile(b"RIFF"))
    default_storage.save(unused[-1], ContentFile(b"%PDF-1.7"))
    default_storage.save("backups/site.sql", ContentFile(b"not ours"))
    default_storage.save("robots.txt", ContentFile(b"not ours either"))
    before = files_in(media_root)

    out = io.StringIO()
    call_command("cleanup_media", "--dry-run", "--min-age", "0", stdout=out)
    assert files_in(media_root) == before
    listed = [
        line.removeprefix("unused: ") for line in out.getvalue().splitlines() if line.startswith("unused: ")
    ]
    assert sorted(listed) == sorted(unused)
    assert "are used by nothing; run again without --dry-run" in out.getvalue()

    out = io.StringIO()
    call_command("cleanup_media", "--min-age", "0", stdout=out)
    assert files_in(media_root) == sorted(set(before) - set(unused))
    assert f"{len(unused)} of {len(before) - 2} files" in out.getvalue()
    kept = files_in(media_root)
    assert set(files_of(replaced)) | set(files_of(person.photo.name)) <= set(kept)
    assert deck.file.name in kept and deck.thumbnail.name in kept
    assert {"backups/site.sql", "robots.txt"} <= set(kept)


def test_cleanup_media_leaves_recent_files_alone(media_root):
    orphan = orphan_image("green", "news")
    out = io.StringIO()
    call_command("cleanup_media", stdout=out)  # by default only files older than an hour go
    assert files_in(media_root) == files_of(orphan)
    assert "0 of 3 files" in out.getvalue()


def test_cleanup_media_refuses_a_negative_age():
    with pytest.raises(CommandError, match="cannot be negative"):
        call_command("cleanup_media", "--min-age", "-5")
