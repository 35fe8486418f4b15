"""Speakers' upload links: making, finding and describing their tokens.

A token is derived, not stored: HMAC(SECRET_KEY, link.pk, link.nonce), base64url, 43 characters.
The database keeps only its SHA-256 (`UploadLink.token_hash`) to find the link a token names."""

import base64
import hashlib
import re
import secrets

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
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


# --- for the editors: addresses, messages, mail merges -------------------------------------------
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def link_url(request, link: UploadLink) -> str:
    """The address a speaker opens (absolute, on the host the editor uses)."""
    return request.build_absolute_uri(
        reverse("events:speaker-upload-start", kwargs={"token": token_for(link)})
    )


def fill_in(template: str, values: dict) -> str:
    """`template` with each {name} in `values` replaced; other braces are left as written."""
    return PLACEHOLDER.sub(lambda match: str(values.get(match[1], match[0])), template)


def message_values(link: UploadLink, url: str) -> dict:
    from spp_site.admin import admin_day, admin_moment
    from spp_site.models import SiteSettings

    talk, event = link.agenda_item, link.agenda_item.event
    return {
        "name": link.recipient,
        "talk": talk.title,
        "event": event.title,
        "start": admin_moment(talk.local_start),
        "link": url,
        "expires": admin_day(timezone.localtime(link.expires_at, event.tzinfo)),
        "contact": SiteSettings.load().contact_email or settings.DEFAULT_FROM_EMAIL,
    }


def email_link(link: UploadLink, url: str, subject: str, message: str) -> bool:
    """Send `link` to its address with the editor's `subject` and `message` (placeholders filled
    in); records when. Returns False when the link has no address or cannot be used any more."""
    if not link.email or not link.is_usable:
        return False
    values = message_values(link, url)
    contact = values["contact"]
    EmailMessage(
        fill_in(subject, values).replace("\n", " "),
        fill_in(message, values),
        to=[link.email],
        reply_to=[contact] if contact else None,
    ).send()
    link.emailed_at = timezone.now()
    link.save(update_fields=["emailed_at"])
    return True
