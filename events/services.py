"""Slide-deck workflows that touch several models and the storage: attaching a (new) file to a
deck with its earlier file kept as a version, and creating decks from many uploads at once."""

import re
import time
from pathlib import PurePath
from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from spp_site.images import process_pil_image, store_processed_image

from .models import SlideDeck, SlideDeckVersion
from .uploads import InspectedDocument, inspect_document

# Deck files are only sent through the download view (which applies the publishing rule and
# counts downloads); the media view refuses this folder.
DECK_DIR = "decks"
THUMBNAIL_DIR = "slides/thumbnails"


def _store(inspected: InspectedDocument) -> tuple[str, list[str]]:
    """Store the checked file (a PDF disarmed) under its content hash (once: identical files
    share one stored copy). Returns the file name and the names this call newly wrote."""
    written = []
    name = f"{DECK_DIR}/{inspected.sha256[:2]}/{inspected.sha256}.{inspected.file_type}"
    if default_storage.exists(name) and default_storage.size(name) != inspected.size:
        default_storage.delete(name)  # a copy cut short (a worker killed while writing it)
    if not default_storage.exists(name):
        inspected.content.seek(0)
        stored = default_storage.save(name, inspected.content)
        written.append(stored)
        name = stored
    inspected.release()
    return name, written


def _store_thumbnail(inspected: InspectedDocument) -> tuple[str, list[str]]:
    """Store the first page's picture (with its renditions); same return value as `_store`."""
    if inspected.thumbnail is None:
        return "", []
    processed = process_pil_image(inspected.thumbnail, max_dimension=960)
    existed = default_storage.exists(processed.name(THUMBNAIL_DIR))
    name = store_processed_image(processed, THUMBNAIL_DIR)
    return name, [] if existed else [name]


def attach_file(deck: SlideDeck, uploaded, inspected: InspectedDocument | None = None) -> SlideDeck:
    """Give `deck` a new file. The previous file, if different, is kept as an earlier version.
    Nothing is half-written: if saving fails, files written by this call are removed again."""
    inspected = inspected or inspect_document(uploaded)
    if deck.pk and deck.file and deck.sha256 == inspected.sha256:
        return deck  # the same file again: nothing changes
    written = []
    try:
        file_name, new = _store(inspected)
        written += new
        thumb_name, new = _store_thumbnail(inspected)
        written += new
        with transaction.atomic():
            if deck.pk and deck.file:
                SlideDeckVersion.objects.create(
                    deck=deck,
                    file=deck.file.name,
                    original_filename=deck.original_filename,
                    file_type=deck.file_type,
                    size=deck.size,
                    sha256=deck.sha256,
                    page_count=deck.page_count,
                    uploaded_at=deck.uploaded_at,
                    replaced_at=timezone.now(),
                )
            deck.file.name = file_name
            deck.original_filename = PurePath(uploaded.name).name[:255]
            deck.file_type = inspected.file_type
            deck.size = inspected.size
            deck.sha256 = inspected.sha256
            deck.page_count = inspected.page_count
            deck.thumbnail.name = thumb_name
            deck.text = inspected.text
            deck.uploaded_at = timezone.now()
            deck.save()
    except Exception:
        for name in written:
            default_storage.delete(name)
        raise
    # The old file is kept as a version; its first-page picture, shown nowhere any more, is
    # deleted by spp_site.cleanup once the deck is saved with the new one.
    return deck


def title_from_filename(filename: str) -> str:
    """'2023-10-18_phase2_info-session_Kutyniok.pdf' -> '2023 10 18 phase2 info session Kutyniok'."""
    stem = PurePath(filename).stem
    words = re.sub(r"[_\-.]+", " ", stem).split()
    title = " ".join(words) or "Slides"
    return title[:1].upper() + title[1:]


def unique_slug(base: str, model=SlideDeck, max_length: int = 120) -> str:
    root = (slugify(base) or "slides")[: max_length - 5].strip("-")
    slug, n = root, 2
    while model.objects.filter(slug=slug).exists():
        slug = f"{root}-{n}"
        n += 1
    return slug


class BulkUpload(NamedTuple):
    created: list[SlideDeck]
    refused: list[tuple[str, list[str]]]  # (file name, reasons)
    disarmed: list[tuple[str, str]]  # (file name, what was taken out of it)


def create_decks(event, files) -> BulkUpload:
    """One deck per uploaded file, attached to `event`; a refused file never stops the others.
    Checking the files shares one time limit, so the request ends in time however many hostile
    files it brings."""
    created, refused, disarmed = [], [], []
    deadline = time.monotonic() + settings.SLIDES_INSPECT_TIMEOUT
    for uploaded in files:
        name = PurePath(uploaded.name or "").name
        try:
            inspected = inspect_document(uploaded, deadline=deadline)
            title = title_from_filename(name)
            deck = SlideDeck(event=event, title=title[:300], slug=unique_slug(f"{event.slug}-{title}"))
            attach_file(deck, uploaded, inspected)
            created.append(deck)
            if inspected.notice:
                disarmed.append((name, inspected.notice))
        except ValidationError as exc:
            refused.append((name, exc.messages))
    return BulkUpload(created, refused, disarmed)
