"""Editors hear of speakers' uploads by e-mail: one mail per event covering every upload not yet
announced, at most one per event per hour.

Who: the active members of the Editor group with an e-mail address; if there are none, the
site's contact address (SiteSettings). When: after each new upload is committed (a post_save
receiver, so every way of creating an upload is covered), and from `manage.py
notify_speaker_uploads`, which cron runs every few minutes to send what an earlier mail held
back. The last mail's time is not kept anywhere new: it is the latest `editors_notified_at` of the
event's uploads, so every process and server sees the same answer."""

import logging
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from spp_site.roles import EDITOR

from .models import Event, SpeakerUpload

logger = logging.getLogger(__name__)

INTERVAL = timedelta(hours=1)


def editor_addresses() -> list[str]:
    from spp_site.models import SiteSettings

    addresses = sorted(
        set(
            get_user_model()
            .objects.filter(is_active=True, groups__name=EDITOR)
            .exclude(email="")
            .values_list("email", flat=True)
        )
    )
    if not addresses and SiteSettings.load().contact_email:
        addresses = [SiteSettings.load().contact_email]
    return addresses


def notify_editors_of_uploads(now=None) -> int:
    """Send the mails that are due: for each event with uploads not yet announced, unless a mail
    for it went out less than INTERVAL ago. Returns how many mails were sent."""
    now = now or timezone.now()
    waiting = SpeakerUpload.objects.pending().filter(editors_notified_at__isnull=True)
    event_ids = sorted(set(waiting.values_list("agenda_item__event_id", flat=True)))
    if not event_ids:
        return 0
    recipients = editor_addresses()
    if not recipients:
        logger.warning("Speakers sent slides, but no editor has an e-mail address to be told.")
        return 0
    sent = 0
    for event_id in event_ids:
        with transaction.atomic():
            # The event's row lock lets one process at a time decide (on PostgreSQL).
            event = Event.objects.select_for_update().filter(pk=event_id).first()
            if event is None:
                continue
            of_event = SpeakerUpload.objects.filter(agenda_item__event=event)
            last = of_event.aggregate(last=Max("editors_notified_at"))["last"]
            if last and now - last < INTERVAL:
                continue
            uploads = list(
                of_event.pending()
                .filter(editors_notified_at__isnull=True)
                .select_related("agenda_item", "link__speaker")
                .order_by("uploaded_at", "pk")
            )
            if not uploads:
                continue  # reviewed or replaced before a mail was due: nothing to tell
            _mail(event, uploads, recipients)
            sent += 1
            of_event.filter(pk__in=[upload.pk for upload in uploads]).update(editors_notified_at=now)
    return sent


def _mail(event, uploads, recipients):
    with translation.override(settings.LANGUAGE_CODE):
        subject = ngettext(
            "%(count)d new slide file from speakers of “%(event)s”",
            "%(count)d new slide files from speakers of “%(event)s”",
            len(uploads),
        ) % {"count": len(uploads), "event": event.title}
        lines = [
            _("Speakers sent slides through their upload links. Nothing is public until you approve it."),
            "",
        ]
        for upload in uploads:
            sender = upload.link.recipient if upload.link_id else "—"
            when = date_format(timezone.localtime(upload.uploaded_at), "DATETIME_FORMAT")
            lines.append(
                f"- {upload.agenda_item.title}: “{upload.title}” ({upload.summary}), {sender}, {when}"
            )
            if upload.note:
                lines.append("  " + _("Note: %(note)s") % {"note": " ".join(upload.note.split())})
        lines += [
            "",
            _(
                "Approve or reject them in the admin: the dashboard's panel “Slides sent by speakers”, or %(path)s"
            )
            % {"path": reverse("admin:events_speakerupload_changelist")},
        ]
    EmailMessage(subject, "\n".join(lines), to=recipients).send()


def upload_created(sender, instance, created, raw=False, **kwargs):
    """post_save receiver: announce a new upload once it is committed. A mail that cannot be
    sent never fails the speaker's upload; the next upload or the cron job sends it."""
    if created and not raw:
        transaction.on_commit(_notify_safely)


def _notify_safely():
    try:
        notify_editors_of_uploads()
    except Exception:
        logger.exception("The editors could not be told of new speaker uploads; the cron job retries.")
