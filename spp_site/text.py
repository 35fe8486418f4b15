"""Text hygiene for everything editors save: control characters (pasted from PDFs or Word) are
invisible, invalid in HTML and XML, and break feeds, so they are removed before saving."""

import re

from django.db import models
from django.db.models.signals import pre_save

CONTENT_APPS = {"programs", "events", "news", "spp_site"}
# C0 controls except tab, line feed and carriage return; DEL; C1 controls.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def strip_control_characters(text: str) -> str:
    return _CONTROL.sub("", text)


def _clean_text_fields(sender, instance, raw=False, **kwargs):
    if raw or sender._meta.app_label not in CONTENT_APPS:
        return
    deferred = instance.get_deferred_fields()  # not loaded, so not changed: never read them
    for field in sender._meta.concrete_fields:
        if isinstance(field, models.CharField | models.TextField) and field.attname not in deferred:
            value = getattr(instance, field.attname)
            if isinstance(value, str) and _CONTROL.search(value):
                setattr(instance, field.attname, strip_control_characters(value))


def connect():
    pre_save.connect(_clean_text_fields, dispatch_uid="spp-strip-control-characters")
