"""Stored files of deleted decks and versions are removed once nothing refers to them any more."""

from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from .models import SlideDeck, SlideDeckVersion
from .services import delete_unreferenced_files


@receiver(post_delete, sender=SlideDeck, dispatch_uid="events-deck-files")
@receiver(post_delete, sender=SlideDeckVersion, dispatch_uid="events-version-files")
def remove_files(sender, instance, **kwargs):
    names = [instance.file.name]
    if isinstance(instance, SlideDeck):
        names.append(instance.thumbnail.name)
    transaction.on_commit(lambda: delete_unreferenced_files(names))
