"""Text hygiene. Control characters (pasted from PDFs or Word) are invisible, invalid in HTML and
XML, and break feeds, calendars and HTTP headers: they are removed before saving, and single-line
fields (titles, names) lose line breaks too. What leaves the site in a format with stricter rules
(an .ics property, a feed, JSON-LD, an HTTP header) goes through `single_line` or
`strip_control_characters` again on the way out, so rows written any other way (a raw
`update()`, a fixture, the shell) cannot break it either."""

import re

from django.db import models
from django.db.models.signals import pre_save
from django.utils.functional import lazy

CONTENT_APPS = {"programs", "events", "news", "spp_site"}
# C0 controls except tab, line feed and carriage return; DEL; C1 controls.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


# A run of white space holding a line break or tab of any kind (incl. vertical tab, form feed,
# NEL, U+2028/U+2029).
_BREAKS = re.compile(r"\s*[\t\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]\s*")


def strip_control_characters(text: str) -> str:
    """Remove control characters; keep tabs and line breaks (for multi-line text)."""
    return _CONTROL.sub("", text)


def single_line(text: str) -> str:
    """One line of text (for titles, names, calendar properties, header values): each run of
    line breaks or tabs becomes one space, other control characters go."""
    return strip_control_characters(_BREAKS.sub(" ", text or "")).strip()


def _interpolate(text, params) -> str:
    return text % params


# A translated text with named placeholders (`gettext_lazy("… %(name)s …")`), filled in with
# `params` only when it is shown, in the language active then: for help texts and other class
# attributes that include another lazy text (`gettext_lazy(…) % {…}` would translate at import).
interpolate_lazy = lazy(_interpolate, str)


def _clean_text_fields(sender, instance, raw=False, **kwargs):
    if raw or sender._meta.app_label not in CONTENT_APPS:
        return
    deferred = instance.get_deferred_fields()  # not loaded, so not changed: never read them
    for field in sender._meta.concrete_fields:
        if field.attname in deferred or not isinstance(field, models.CharField | models.TextField):
            continue
        value = getattr(instance, field.attname)
        if not isinstance(value, str):
            continue
        cleaned = (
            strip_control_characters(value) if isinstance(field, models.TextField) else single_line(value)
        )
        if cleaned != value:
            setattr(instance, field.attname, cleaned)


def connect():
    pre_save.connect(_clean_text_fields, dispatch_uid="spp-strip-control-characters")


# What a spreadsheet reads as the start of a formula (CSV injection): such a cell gets a leading
# apostrophe, which spreadsheets show as text and do not evaluate.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_cell(value) -> str:
    """`value` as a CSV cell that no spreadsheet runs as a formula."""
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text
