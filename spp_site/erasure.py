"""Erasing personal data on request (GDPR Art. 17): the chosen fields are emptied on the item
*and in every history version of it*, and the stored files they held (with their renditions) are
deleted unless another row still uses them (`spp_site.cleanup`). Pictures from the image library
that were pasted only into an erased text leave the library and the storage too.

Which fields count as personal data is the model's to say (`Person.PERSONAL_DATA`); the admin
asks for confirmation, shows what will go and what other rows keep, and records who erased what
(without the data: the history note and the admin log name the fields only).
"""

import re
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from .cleanup import (
    Reference,
    delete_unreferenced_files_on_commit,
    find_references,
    is_history,
    item_model,
    markdown_fields,
    name_fields,
)
from .images import original_name
from .models import MarkdownImage


def media_names_in(text: str) -> set[str]:
    """Stored names a text shows or links to (`MEDIA_URL` followed by the name)."""
    pattern = re.escape(settings.MEDIA_URL) + r"([^\s()<>\[\]\"']+)"
    return {original_name(name) for name in re.findall(pattern, text or "")}


@dataclass(frozen=True)
class ErasurePlan:
    """What erasing `fields` of an item does."""

    fields: tuple[str, ...]
    versions: int  # history versions of the item, emptied too
    files: frozenset[str]  # stored names in the erased file fields, now and in earlier versions
    pasted: frozenset[str]  # library images shown in the erased texts, now or in earlier versions
    elsewhere: dict[str, list[Reference]]  # of those, the ones other rows use (they stay)

    @property
    def deleted(self) -> list[str]:
        """The stored names that go (the others stay for the rows in `elsewhere`)."""
        return sorted((self.files | self.pasted) - self.elsewhere.keys())

    def kept(self) -> dict[str, list[str]]:
        """For editors: where each kept name is used, an item's earlier versions named only when
        the item itself no longer uses it."""
        places = {}
        for name, references in self.elsewhere.items():
            current = {(r.model, r.object_id, r.field) for r in references if not is_history(r.model)}
            places[name] = [
                str(r)
                for r in references
                if not is_history(r.model) or (item_model(r.model), r.object_id, r.field) not in current
            ]
        return places


def _history(model):
    attribute = getattr(model._meta, "simple_history_manager_attribute", None)
    return getattr(model, attribute) if attribute else None


def plan_erasure(instance, field_names) -> ErasurePlan:
    """What `erase` would do, changing nothing (for the confirmation page)."""
    model = type(instance)
    attnames = [model._meta.get_field(name).attname for name in field_names]
    for name in field_names:
        if not model._meta.get_field(name).blank:
            raise ValueError(f"{model._meta.label}.{name} cannot be emptied, so it cannot be erased.")
    history = _history(model)
    pk = model._meta.pk.attname
    rows = list(model._base_manager.filter(pk=instance.pk).values(*attnames))
    versions = history.filter(**{pk: instance.pk}) if history is not None else None
    if versions is not None:
        rows += versions.values(*attnames)
    files = {row[a] for row in rows for a, _ in name_fields(model) if a in attnames and row[a]}
    shown = {
        name
        for row in rows
        for a in markdown_fields(model)
        if a in attnames
        for name in media_names_in(row[a])
    }
    pasted = set(MarkdownImage.objects.filter(image__in=shown).values_list("image", flat=True))
    elsewhere = {}
    for reference in find_references(files | pasted):
        if reference.is_of(instance, attnames):
            continue  # erased with the item
        if reference.name in pasted and reference.model is MarkdownImage:
            continue  # the library entry: goes unless a text elsewhere still shows the image
        elsewhere.setdefault(reference.name, []).append(reference)
    return ErasurePlan(
        fields=tuple(field_names),
        versions=versions.count() if versions is not None else 0,
        files=frozenset(files),
        pasted=frozenset(pasted),
        elsewhere=elsewhere,
    )


def erase(instance, field_names, reason: str) -> ErasurePlan:
    """Empty `field_names` of `instance` and of all its history versions, record `reason` (which
    must not contain the data) as the history note, and delete the stored files nothing else uses
    once the transaction commits. Returns what was done."""
    model = type(instance)
    empty = {
        model._meta.get_field(name).attname: None if model._meta.get_field(name).null else ""
        for name in field_names
    }
    with transaction.atomic():
        plan = plan_erasure(instance, field_names)
        history = _history(model)
        if history is not None:
            history.filter(**{model._meta.pk.attname: instance.pk}).update(**empty)
            note = history.model._meta.get_field("history_change_reason")
            instance._change_reason = reason[: note.max_length]
        for attname, value in empty.items():
            setattr(instance, attname, value)
        # Only the erased fields: other fields as this (possibly older) copy has them stay as stored.
        instance.save(update_fields=list(field_names))
        MarkdownImage.objects.filter(image__in=plan.pasted - plan.elsewhere.keys()).delete()
        for storage in {storage for attname, storage in name_fields(model) if attname in empty}:
            delete_unreferenced_files_on_commit(plan.files, storage)
    return plan
