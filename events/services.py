"""Slide-deck workflows that touch several models and the storage: attaching a (new) file to a
deck with its earlier file kept as a version, creating decks from many uploads at once, and
receiving a speaker's file through an upload link."""

import re
import secrets
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import NamedTuple

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from spp_site.images import process_pil_image, rendition_names, store_processed_image

from .models import SlideDeck, SlideDeckVersion, SpeakerUpload, UploadLink
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
    return name, [] if existed else [name, *rendition_names(name)]


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
        _set_file(
            deck,
            StoredFile(
                name=file_name,
                original_filename=PurePath(uploaded.name).name[:255],
                file_type=inspected.file_type,
                size=inspected.size,
                sha256=inspected.sha256,
                page_count=inspected.page_count,
                thumbnail=thumb_name,
                text=inspected.text,
            ),
        )
    except Exception:
        for name in written:
            default_storage.delete(name)
        raise
    return deck


class StoredFile(NamedTuple):
    """A checked file already in the storage, and what was learnt from it."""

    name: str
    original_filename: str
    file_type: str
    size: int
    sha256: str
    page_count: int | None
    thumbnail: str
    text: str


@transaction.atomic
def _set_file(deck: SlideDeck, stored: StoredFile) -> None:
    """Make `stored` the deck's file, the previous one (if any) kept as a SlideDeckVersion.
    The old file's first-page picture, shown nowhere any more, is deleted by spp_site.cleanup
    once the deck is saved with the new one."""
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
    deck.file.name = stored.name
    deck.original_filename = stored.original_filename
    deck.file_type = stored.file_type
    deck.size = stored.size
    deck.sha256 = stored.sha256
    deck.page_count = stored.page_count
    deck.thumbnail.name = stored.thumbnail
    deck.text = stored.text
    deck.uploaded_at = timezone.now()
    deck.save()


# Words in slide file names that say which copy a file is, not what it is about.
VERSION_WORD = re.compile(
    r"^(v\d+[a-z]?|v?\d+\.\d+|ver\d*|version\d*|rev\d*|final\d*|draft\d*|copy|kopie|endg(ue|ü)ltig)$", re.I
)


def title_from_filename(filename: str) -> str:
    """A readable title from a file name, without underscores and version words:
    'Burger_optimal-transport v3 FINAL.pdf' -> 'Burger optimal transport'."""
    stem = PurePath(filename).stem
    words = [
        word
        for word in re.split(r"[\s_\-]+", stem)
        if word and not VERSION_WORD.match(word) and not re.fullmatch(r"\(\d+\)", word)
    ]
    words = re.sub(r"[.()\[\]]+", " ", " ".join(words)).split()
    title = " ".join(words) or "Slides"
    return title[:1].upper() + title[1:]


def _fold(word: str) -> set[str]:
    """The spellings a word may have in a file name: 'Müller' -> {'müller', 'muller', 'mueller'}."""
    word = word.casefold()
    transliterated = word.replace("ä", "ae").replace("ö", "oe").replace("ü", "ue").replace("ß", "ss")
    stripped = "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))
    return {word, transliterated, stripped.replace("ß", "ss")}


def _words(text: str) -> list[str]:
    return [word for word in re.split(r"[\W_]+", text) if word]


# Title words too common to tell talks apart.
COMMON_WORDS = {
    "and", "the", "for", "with", "from", "into", "on", "of", "in", "to", "a", "an", "via",
    "und", "der", "die", "das", "mit", "für", "von", "zur", "zum", "ein", "eine",
    "slides", "talk", "folien", "vortrag", "pdf",
}  # fmt: skip


@dataclass
class TalkMatch:
    """What a file name says about its talk: `talk` when one talk fits best, `candidates` (best
    first) when several fit as well as each other (then no talk is chosen for the editor)."""

    talk: object | None
    candidates: list = field(default_factory=list)
    score: int = 0

    @property
    def ambiguous(self) -> bool:
        return self.talk is None and len(self.candidates) > 1


def _surnames(talk) -> list[str]:
    names = [person.last_name for person in talk.speakers.all()]
    names += [guest.split()[-1] for guest in talk.guest_speaker_list if guest.split()]
    return [name for name in names if name]


def match_talk(filename: str, talks) -> TalkMatch:
    """Which of `talks` (agenda items, speakers prefetched) the slide file `filename` belongs to,
    from the speakers' surnames (3 points each: 'Müller', 'Mueller' and 'Muller' all count) and
    the title's words (1 point each) found in the file name. A talk needs 2 points (a surname,
    or two title words); when two talks share the best score, none is chosen."""
    spellings = set()
    for word in _words(PurePath(filename).stem):
        spellings |= _fold(word)
    scored = []
    for talk in talks:
        score = 0
        for surname in _surnames(talk):
            parts = [part for part in _words(surname) if len(part) > 2] or _words(surname)
            if parts and all(_fold(part) & spellings for part in parts):
                score += 3
        title_words = {w.casefold() for w in _words(talk.title) if len(w) > 2} - COMMON_WORDS
        score += sum(1 for word in title_words if _fold(word) & spellings)
        if score >= 2:
            scored.append((score, talk))
    if not scored:
        return TalkMatch(None)
    scored.sort(key=lambda pair: -pair[0])
    best = scored[0][0]
    tied = [talk for score, talk in scored if score == best]
    if len(tied) > 1:
        return TalkMatch(None, tied, best)
    return TalkMatch(tied[0], [talk for _, talk in scored], best)


def fill_speakers_from_talk(deck: SlideDeck) -> bool:
    """A deck saved with a talk and no speakers gets the talk's speakers (and guest speakers).
    Returns whether it did."""
    talk = deck.agenda_item
    if talk is None or deck.guest_speakers or deck.speakers.exists():
        return False
    speakers = list(talk.speakers.all())
    if not speakers and not talk.guest_speakers:
        return False
    deck.speakers.set(speakers)
    if talk.guest_speakers:
        deck.guest_speakers = talk.guest_speakers
        deck.save(update_fields=["guest_speakers"])
    return True


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


# --- bulk upload with a confirmation step ---------------------------------------------------
# A checked file waits in PENDING_DIR (through the storage API, under a random name, never served:
# the media view refuses DECK_DIR) until the editor confirms its talk and title; the confirmation
# form carries a signed token naming it. Skipped and cancelled files are deleted at once; files of
# a confirmation never sent are removed by `manage.py cleanup_media` (nothing refers to them)
# once the token has expired.
PENDING_DIR = f"{DECK_DIR}/pending"
PENDING_MAX_AGE = 60 * 60  # seconds; cleanup_media leaves files younger than an hour alone


def _signer(event) -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=f"events.bulk-upload.{event.pk}")


class Pending(NamedTuple):
    token: str
    name: str  # the uploaded file's name
    match: TalkMatch
    title: str  # the proposed title: the matched talk's, or the cleaned file name
    duplicate: SlideDeck | None  # a deck of the event with an identical file


def stash_upload(event, uploaded, inspected: InspectedDocument, talks) -> Pending:
    """Keep a checked file until the editor confirms it; propose its talk and title."""
    name = PurePath(uploaded.name or "").name[:255]
    inspected.content.seek(0)
    stored = default_storage.save(
        f"{PENDING_DIR}/{secrets.token_hex(16)}.{inspected.file_type}", inspected.content
    )
    inspected.release()
    token = _signer(event).sign_object({"file": stored, "name": name, "sha256": inspected.sha256})
    match = match_talk(name, talks)
    title = match.talk.title if match.talk else title_from_filename(name)
    duplicate = event.slide_decks.filter(sha256=inspected.sha256).order_by("pk").first()
    return Pending(token, name, match, title, duplicate)


def read_pending(event, token: str) -> dict:
    """The pending file a token names; raises signing.BadSignature (SignatureExpired included)."""
    data = _signer(event).unsign_object(token, max_age=PENDING_MAX_AGE)
    if not str(data.get("file", "")).startswith(f"{PENDING_DIR}/") or ".." in data["file"]:
        raise signing.BadSignature("not a pending upload")
    return data


def discard_pending(data: dict) -> None:
    default_storage.delete(data["file"])


def confirm_pending(event, data: dict, talk, title: str, replace: SlideDeck | None, deadline=None):
    """Turn a pending file into a deck of `event` (or, with `replace`, into the new file of that
    deck). Raises ValidationError if the file is refused or gone; the pending file is removed
    in every case."""
    try:
        if not default_storage.exists(data["file"]):
            raise ValidationError(
                _("“%(name)s” is no longer waiting; upload it again."), params={"name": data["name"]}
            )
        with default_storage.open(data["file"]) as stored:
            upload = File(stored, name=data["name"])
            inspected = inspect_document(upload, deadline=deadline)
            title = (title or (talk.title if talk else title_from_filename(data["name"])))[:300]
            with transaction.atomic():
                deck = replace or SlideDeck(event=event, slug=unique_slug(f"{event.slug}-{title}"))
                deck.title = title
                deck.agenda_item = talk or deck.agenda_item
                attach_file(deck, upload, inspected)
                if deck.file and deck.sha256 == inspected.sha256 and replace:
                    deck.save()  # the identical file: attach_file changed nothing, the talk and title may
                fill_speakers_from_talk(deck)
        return deck, inspected.notice
    finally:
        discard_pending(data)


# --- speakers' own uploads (issue 17) ---------------------------------------------------------


def speaker_upload_allowance(link: UploadLink) -> int:
    """How many more bytes `link` may bring (SPEAKER_UPLOAD_MAX_TOTAL in all, replaced files
    included: a link is not a way to fill the storage)."""
    return max(settings.SPEAKER_UPLOAD_MAX_TOTAL - link.bytes_received, 0)


def receive_speaker_upload(
    link: UploadLink, uploaded, *, title: str, licence: str, note: str = ""
) -> SpeakerUpload:
    """Keep the file a speaker sent through `link` for the editors to review (never public by
    itself). Checked as the admin checks files (`inspect_document`; raises ValidationError), stored
    as decks are (once per content), with its first-page picture. The link's earlier upload still
    waiting for review is replaced: marked so, its file deleted unless another row holds it
    (spp_site.cleanup). Nothing is half-written: if saving fails, files written here are removed."""
    name = PurePath(uploaded.name or "").name[:255]
    allowance = speaker_upload_allowance(link)
    if uploaded.size > allowance:
        raise ValidationError(
            _(
                "This link has received as much as it may (%(limit)s in all); “%(name)s” does not "
                "fit. Please write to the organisers."
            ),
            code="link_full",
            params={"name": name, "limit": filesizeformat(settings.SPEAKER_UPLOAD_MAX_TOTAL)},
        )
    inspected = inspect_document(uploaded)
    written = []
    try:
        file_name, new = _store(inspected)
        written += new
        thumb_name, new = _store_thumbnail(inspected)
        written += new
        with transaction.atomic():
            now = timezone.now()
            # The link row locked: two uploads through one link at once are counted one after the other.
            locked = UploadLink.objects.select_for_update().get(pk=link.pk)
            for earlier in SpeakerUpload.objects.pending().filter(link=locked):
                earlier.status = SpeakerUpload.Status.REPLACED
                earlier.file.name = ""
                earlier.thumbnail.name = ""
                earlier.save(update_fields=["status", "file", "thumbnail"])
            upload = SpeakerUpload.objects.create(
                agenda_item_id=locked.agenda_item_id,
                link=locked,
                file=file_name,
                original_filename=name,
                file_type=inspected.file_type,
                size=inspected.size,
                sha256=inspected.sha256,
                page_count=inspected.page_count,
                thumbnail=thumb_name,
                text=inspected.text,
                title=title.strip()[:300] or locked.agenda_item.title[:300],
                licence=licence,
                note=note.strip()[:2000],
                uploaded_at=now,
            )
            locked.first_used_at = locked.first_used_at or now
            locked.last_used_at = now
            locked.bytes_received += uploaded.size
            locked.save(update_fields=["first_used_at", "last_used_at", "bytes_received"])
    except Exception:
        for stored in written:
            default_storage.delete(stored)
        raise
    link.first_used_at, link.last_used_at = locked.first_used_at, locked.last_used_at
    link.bytes_received = locked.bytes_received
    upload.notice = inspected.notice
    return upload


# --- speakers' uploads: moderation -----------------------------------------------------------
# A speaker's file (`SpeakerUpload`, stored by `receive_speaker_upload` like a deck's file) is
# never public by itself. Approving makes it the talk's deck, or the new file of the talk's deck
# (the old file kept as a version, the deck's address unchanged); rejecting keeps it out.
# Both keep the upload row, so "who sent what, when" stays with the deck's history.
HISTORY_REASON_LENGTH = 100  # simple_history's history_change_reason column


def _not_pending(upload: SpeakerUpload) -> ValidationError:
    return ValidationError(
        _("These slides were already reviewed (%(status)s)."),
        params={"status": upload.get_status_display()},
    )


def _lock_pending(upload: SpeakerUpload) -> SpeakerUpload:
    """`upload` read again with its row locked (only its own row: PostgreSQL refuses FOR UPDATE
    on the nullable side of the outer join to the link), for the review that called; raises
    ValidationError if it was reviewed meanwhile. Call inside a transaction."""
    locked = (
        SpeakerUpload.objects.select_for_update(of=("self",))
        .select_related("agenda_item__event", "link__speaker")
        .get(pk=upload.pk)
    )
    if locked.status != SpeakerUpload.Status.PENDING:
        raise _not_pending(locked)
    return locked


def approval_reason(upload: SpeakerUpload, user) -> str:
    """The deck history's note: "Uploaded by Ada Lovelace via speaker link #12 on 2026-11-28;
    approved by editor" (in English, as history notes are stored once for every reader)."""
    via = f" via speaker link #{upload.link_id}" if upload.link_id else ""
    day = timezone.localdate(upload.uploaded_at).isoformat()
    approver = (user.get_username() if user else "") or "?"
    recipient = upload.link.recipient if upload.link_id else "a speaker"
    tail = f"{via} on {day}; approved by {approver}"
    room = max(HISTORY_REASON_LENGTH - len("Uploaded by ") - len(tail), 8)  # a long name is cut
    return f"Uploaded by {str(recipient)[:room]}{tail}"[:HISTORY_REASON_LENGTH]


def approve_speaker_upload(upload: SpeakerUpload, user) -> SlideDeck:
    """Publish a pending upload on its talk: a new deck (title and licence from the upload,
    speakers from the talk), or the new file of the talk's deck, whose earlier file is kept as
    a version under the same address. The stored file is not copied. Raises ValidationError if
    the upload is no longer pending."""
    with transaction.atomic():
        upload = _lock_pending(upload)
        talk = upload.agenda_item
        deck = talk.slide_decks.order_by("pk").first()
        new = deck is None
        if new:
            deck = SlideDeck(
                event=talk.event,
                agenda_item=talk,
                slug=unique_slug(f"{talk.event.slug}-{upload.title}"),
            )
        deck.title = upload.title[:300]
        deck.licence = upload.licence
        deck._change_reason = approval_reason(upload, user)
        deck._history_user = user
        stored = StoredFile(
            name=upload.file.name,
            original_filename=upload.original_filename,
            file_type=upload.file_type,
            size=upload.size,
            sha256=upload.sha256,
            page_count=upload.page_count,
            thumbnail=upload.thumbnail.name,
            text=upload.text,
        )
        if deck.pk and deck.file and deck.sha256 == upload.sha256:
            deck.save()  # the same file again: the title and licence may still change
        else:
            _set_file(deck, stored)
        if new:
            fill_speakers_from_talk(deck)
        upload.status = SpeakerUpload.Status.APPROVED
        upload.reviewed_at = timezone.now()
        upload.reviewed_by = user
        upload.deck = deck
        upload.save(update_fields=["status", "reviewed_at", "reviewed_by", "deck"])
    return deck


def reject_speaker_upload(upload: SpeakerUpload, user, message: str = "") -> bool:
    """Keep a pending upload off the site. With a `message`, the link's recipient is told by
    e-mail (when the link has an address). Returns whether a message was sent."""
    message = message.strip()
    with transaction.atomic():
        upload = _lock_pending(upload)
        upload.status = SpeakerUpload.Status.REJECTED
        upload.reviewed_at = timezone.now()
        upload.reviewed_by = user
        upload.review_message = message
        upload.save(update_fields=["status", "reviewed_at", "reviewed_by", "review_message"])
    address = upload.link.email if upload.link_id else ""
    if not (message and address):
        return False
    talk = upload.agenda_item
    subject = _("Your slides for “%(talk)s”") % {"talk": talk.title}
    body = _(
        "The editors of the website looked at the slides you sent for “%(talk)s” (%(event)s) "
        "and did not publish them. Their message:\n\n%(message)s\n\n"
        "You can send a new file through the same link while it is valid."
    ) % {"talk": talk.title, "event": talk.event.title, "message": message}
    EmailMessage(str(subject), str(body), to=[address], reply_to=_reply_to(user)).send()
    return True


def _reply_to(user) -> list[str]:
    from spp_site.models import SiteSettings

    address = SiteSettings.load().contact_email or (user.email if user else "")
    return [address] if address else []
