"""Stored files that nothing refers to any more are deleted: one rule for every upload of the site.

A stored name is *referenced*, and its file kept, while any of these holds it:

- a file field of a row: every `FileField`/`ImageField` of every model, found from the models
  themselves (photos, cover images, the logo, slide files and their first-page pictures, earlier
  slide versions, images pasted into Markdown), so a new image field needs no change here;
- the same field in a history version (django-simple-history keeps the name as text), for the
  fields editors upload in forms: reverting to that version in the admin brings the picture back.
  Files the site writes itself (`editable=False`: slide files and their first-page pictures) are
  not kept by history versions; earlier slide files are kept as `SlideDeckVersion` rows instead;
- a Markdown text, current or in a history version, that contains the name without its extension
  (so a pasted `/media/<name>`, or one of its renditions, counts). An image pasted into Markdown
  stays while a text shows it, even after its entry in the image library has been deleted.

Identical uploads share one stored file (names are content hashes), so one name may be held by
several rows. A processed image's renditions (`<stem>.w<width>.webp`) go with it.

When: after the transaction commits, for the file a row had before it was saved with another
one or none (compared with the stored row, as `redirects.py` does for URLs), and for the files
of a deleted row or a deleted history version (so pruning old history with simple_history's
`clean_old_history` lets go of their files). `spp_site.erasure` empties history versions on
request; `manage.py cleanup_media` finds files left behind by anything else (`QuerySet.update()`,
uploads from before this rule).
"""

import logging
import posixpath
from collections import defaultdict
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.apps import apps
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.db.models import Q
from django.db.models.signals import post_delete, post_save, pre_save
from django.utils.translation import gettext
from markdownx.models import MarkdownxField
from simple_history.models import HistoricalChanges

from .images import rendition_names

logger = logging.getLogger(__name__)

# Names looked up per query (a few hundred parameters, well below every database's limit).
CHUNK_SIZE = 100


def is_history(model) -> bool:
    return issubclass(model, HistoricalChanges)


def item_model(model):
    """The model whose items `model`'s rows are: the model itself, or the one a history model records."""
    return model.instance_type if is_history(model) else model


def name_fields(model) -> list[tuple[str, Any]]:
    """(attname, storage) of the fields of `model` whose stored names keep a file (see above)."""
    if not is_history(model):
        return [
            (f.attname, f.storage) for f in model._meta.concrete_fields if isinstance(f, models.FileField)
        ]
    recorded = {f.attname for f in model._meta.concrete_fields}
    return [
        (f.attname, f.storage)
        for f in model.instance_type._meta.concrete_fields
        if isinstance(f, models.FileField) and f.editable and f.attname in recorded
    ]


def markdown_fields(model) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields if isinstance(f, MarkdownxField)]


def _stem(name: str) -> str:
    return posixpath.splitext(name)[0] or name


@dataclass(frozen=True)
class Reference:
    """A row that holds a stored name in `field`. `pk` is the row's key; `object_id` the key of
    the item it belongs to (the same for a current row; the recorded item for a history version)."""

    model: type[models.Model]
    pk: Any
    object_id: Any
    field: str
    name: str

    def is_of(self, instance, fields=None) -> bool:
        """True if the row is `instance` or one of its history versions (in one of `fields`)."""
        return (
            item_model(self.model)._meta.concrete_model is instance._meta.concrete_model
            and self.object_id == instance.pk
            and (fields is None or self.field in fields)
        )

    def __str__(self):
        """For editors: 'news item “Spring school” (body)', 'an earlier version of person “…” (photo)'."""
        opts = item_model(self.model)._meta
        row = self.model._base_manager.filter(pk=self.pk).first()
        item = row.instance if row is not None and is_history(self.model) else row
        what = (
            gettext("%(model)s “%(item)s”") % {"model": opts.verbose_name, "item": item}
            if item is not None
            else str(opts.verbose_name)
        )
        field = self.model._meta.get_field(self.field).verbose_name
        if is_history(self.model):
            return gettext("an earlier version of %(what)s (%(field)s)") % {"what": what, "field": field}
        return f"{what} ({field})"


def find_references(names) -> list[Reference]:
    """Every row, current or history version, that refers to one of `names` (see above)."""
    wanted = sorted({name for name in names if name})
    found = []
    for model in sorted(apps.get_models(), key=lambda m: m._meta.label):
        files = [attname for attname, _ in name_fields(model)]
        texts = markdown_fields(model)
        if not files and not texts:
            continue
        key = model._meta.pk.attname
        item_key = item_model(model)._meta.pk.attname
        for start in range(0, len(wanted), CHUNK_SIZE):
            stems = {name: _stem(name) for name in wanted[start : start + CHUNK_SIZE]}
            condition = Q()
            for attname in files:
                condition |= Q(**{f"{attname}__in": list(stems)})
            for attname in texts:
                for stem in stems.values():
                    condition |= Q(**{f"{attname}__contains": stem})
            rows = model._base_manager.filter(condition).values(*{key, item_key}, *files, *texts)
            for row in rows.iterator():
                for attname in files:
                    if row[attname] in stems:
                        found.append(Reference(model, row[key], row[item_key], attname, row[attname]))
                for attname in texts:
                    for name, stem in stems.items():
                        if stem in (row[attname] or ""):  # SQLite's LIKE ignores case; this does not
                            found.append(Reference(model, row[key], row[item_key], attname, name))
    return found


def referenced_names(names) -> set[str]:
    return {reference.name for reference in find_references(names)}


def stored_files(name: str) -> list[str]:
    """The files stored for `name`: the file itself and, for a processed image, its renditions."""
    return [name, *rendition_names(name)]


def delete_unreferenced_files(names, storage=None) -> list[str]:
    """Delete the stored files of those `names` that nothing refers to any more (with their
    renditions); return the files deleted. Call it once the transaction that let go of the names
    has committed (`delete_unreferenced_files_on_commit`)."""
    storage = storage or default_storage
    names = {name for name in names if name}
    deleted = []
    for name in sorted(names - referenced_names(names)):
        for stored in stored_files(name):
            if storage.exists(stored):
                storage.delete(stored)
                deleted.append(stored)
    if deleted:
        logger.info(
            "Deleted %d stored file(s) nothing refers to any more: %s", len(deleted), ", ".join(deleted)
        )
    return deleted


def delete_unreferenced_files_on_commit(names, storage=None) -> None:
    """Check `names` once the current transaction commits (at once outside a transaction).
    A failing storage is logged, never undoes the commit: `cleanup_media` finds the file later."""
    names = sorted({name for name in names if name})
    if names:
        transaction.on_commit(partial(delete_unreferenced_files, names, storage), robust=True)


def _on_commit_per_storage(pairs) -> None:
    by_storage = defaultdict(list)
    for name, storage in pairs:
        by_storage[storage].append(name)
    for storage, names in by_storage.items():
        delete_unreferenced_files_on_commit(names, storage)


def _name(value) -> str:
    """The stored name of a field value (a FieldFile, or the text of a history version)."""
    return getattr(value, "name", value) or ""


def _remember_stored_names(sender, instance, raw=False, update_fields=None, **kwargs):
    """Before saving: the names the stored row holds in the file fields that may change. Fields
    not loaded (`only()`/`defer()`) or not saved (`update_fields`) do not change, so are not read."""
    instance._stored_file_names = {}
    if raw or instance.pk is None:
        return
    deferred = instance.get_deferred_fields()
    attnames = [
        attname
        for attname, _ in name_fields(sender)
        if attname not in deferred and (update_fields is None or attname in update_fields)
    ]
    if attnames:
        stored = sender._base_manager.filter(pk=instance.pk).values(*attnames).first()
        instance._stored_file_names = stored or {}


def _delete_replaced_files(sender, instance, raw=False, **kwargs):
    stored = instance.__dict__.pop("_stored_file_names", None) or {}
    if raw:
        return
    storages = dict(name_fields(sender))
    _on_commit_per_storage(
        (old, storages[attname])
        for attname, old in stored.items()
        if old and old != _name(getattr(instance, attname))
    )


def _delete_files_of_deleted_row(sender, instance, **kwargs):
    deferred = instance.get_deferred_fields()  # not loaded: unknown here, left to cleanup_media
    _on_commit_per_storage(
        (_name(getattr(instance, attname)), storage)
        for attname, storage in name_fields(sender)
        if attname not in deferred
    )


def connect():
    """Watch every model whose rows hold stored names (called once the models are loaded). Only
    those: a `post_delete` receiver makes Django load rows before deleting them."""
    for model in apps.get_models():
        if not name_fields(model):
            continue
        uid = f"spp-file-cleanup-{model._meta.label_lower}"
        post_delete.connect(_delete_files_of_deleted_row, sender=model, dispatch_uid=f"{uid}-delete")
        if not is_history(model):  # history versions are written once and never saved again
            pre_save.connect(_remember_stored_names, sender=model, dispatch_uid=f"{uid}-pre-save")
            post_save.connect(_delete_replaced_files, sender=model, dispatch_uid=f"{uid}-post-save")
