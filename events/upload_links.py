"""Speakers' upload links: making, finding and describing their tokens.

A token is derived, not stored: HMAC(SECRET_KEY, link.pk, link.nonce), base64url, 43 characters.
The database keeps only its SHA-256 (`UploadLink.token_hash`) to find the link a token names."""

import base64
import hashlib
import secrets

from django.db import transaction
from django.utils.crypto import constant_time_compare, salted_hmac

from .models import UploadLink

SALT = "events.upload_links"
TOKEN_LENGTH = 43


def _derive(pk: int, nonce: str) -> str:
    digest = salted_hmac(SALT, f"{pk}:{nonce}", algorithm="sha256").digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_for(link: UploadLink) -> str:
    """The link's token (for the admin to show, copy, e-mail or export)."""
    return _derive(link.pk, link.nonce)


@transaction.atomic
def create_link(
    agenda_item, *, speaker=None, name="", email="", expires_at=None, created_by=None
) -> UploadLink:
    link = UploadLink(
        agenda_item=agenda_item,
        speaker=speaker,
        name=name,
        email=email,
        expires_at=expires_at or UploadLink.default_expiry(agenda_item),
        created_by=created_by,
        nonce=secrets.token_urlsafe(32),
        # Unique placeholder until the primary key, which the token depends on, is known.
        token_hash=secrets.token_hex(32),
    )
    link.save()
    link.token_hash = token_hash(token_for(link))
    link.save(update_fields=["token_hash"])
    return link


def find_link(token: str) -> UploadLink | None:
    """The link `token` names, in whatever state (expired and revoked ones included), or None."""
    if not isinstance(token, str) or len(token) != TOKEN_LENGTH:
        return None
    link = (
        UploadLink.objects.select_related("agenda_item__event", "speaker")
        .filter(token_hash=token_hash(token))
        .first()
    )
    if link is None or not constant_time_compare(token_for(link), token):
        return None
    return link


# The speaker's page keeps the link in the session, so the token is in one address only (the one
# the speaker was sent, answered with a redirect) and never in a page, a form or a Referer.
SESSION_KEY = "speaker_upload_link"


def remember_link(request, link: UploadLink) -> None:
    """Bind `request`'s session to `link` (a new session key: a key set before the exchange, by
    anyone, is not the one that carries the link)."""
    request.session.cycle_key()
    request.session[SESSION_KEY] = link.pk


def link_in_session(request) -> UploadLink | None:
    """The link the session was given, in whatever state, or None."""
    pk = request.session.get(SESSION_KEY)
    if not isinstance(pk, int):
        return None
    return UploadLink.objects.select_related("agenda_item__event", "speaker").filter(pk=pk).first()


def session_may_upload(request) -> bool:
    """Whether `request` comes from a session holding a link that can still be used (one query;
    read by the request-body guard before anything reads the body)."""
    pk = request.session.get(SESSION_KEY)
    return isinstance(pk, int) and UploadLink.objects.usable().filter(pk=pk).exists()
