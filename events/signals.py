"""Stored files of deleted decks are removed once nothing refers to them any more (identical
uploads share one stored copy, so a file may still serve another deck or version)."""

from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from spp_site.images import image_size, rendition_name, rendition_widths

from .models import SlideDeck, SlideDeckVersion


def _unreferenced(name: str) -> bool:
    return not (
        SlideDeck.objects.filter(file=name).exists()
        or SlideDeckVersion.objects.filter(file=name).exists()
        or SlideDeck.objects.filter(thumbnail=name).exists()
    )


def _delete_if_unreferenced(names):
    for name in names:
        if name and _unreferenced(name):
            extra = []
            size = image_size(name)
            if size:
                extra = [rendition_name(name, w) for w in rendition_widths(size[0])]
            for stored in [name, *extra]:
                default_storage.delete(stored)


@receiver(post_delete, sender=SlideDeck, dispatch_uid="events-deck-files")
@receiver(post_delete, sender=SlideDeckVersion, dispatch_uid="events-version-files")
def remove_files(sender, instance, **kwargs):
    names = [instance.file.name]
    if isinstance(instance, SlideDeck):
        names.append(instance.thumbnail.name)
    transaction.on_commit(lambda: _delete_if_unreferenced(names))
