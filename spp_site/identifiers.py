"""Identifiers editors type in — ORCID iDs and DFG (GEPRIS) project numbers: their validation,
normalisation and public URLs, each written once."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

_ORCID = re.compile(r"^\d{4}-\d{4}-\d{4}-\d{3}[\dX]$")
_ORCID_PREFIXES = ("https://orcid.org/", "http://orcid.org/", "orcid.org/")
GEPRIS_PROJECT_URL = "https://gepris.dfg.de/gepris/projekt/{}"
ORCID_URL = "https://orcid.org/{}"


def normalize_orcid(value: str) -> str:
    """Accept '0000-0002-1825-0097', the URL form, or the 16 characters without hyphens."""
    value = (value or "").strip()
    for prefix in _ORCID_PREFIXES:
        if value.lower().startswith(prefix):
            value = value[len(prefix) :]
    compact = value.replace("-", "").replace(" ", "").upper()
    if len(compact) == 16:
        return "-".join(compact[i : i + 4] for i in range(0, 16, 4))
    return value


def orcid_checksum(base_digits: str) -> str:
    """ISO 7064 MOD 11-2 check character for the first 15 digits of an ORCID iD."""
    total = 0
    for digit in base_digits:
        total = (total + int(digit)) * 2
    result = (12 - total % 11) % 11
    return "X" if result == 10 else str(result)


def validate_orcid(value: str) -> None:
    if not _ORCID.match(value or ""):
        raise ValidationError(
            _("Enter an ORCID iD as 0000-0000-0000-0000 (16 characters; the last may be X)."),
            code="orcid_format",
        )
    digits = value.replace("-", "")
    if orcid_checksum(digits[:15]) != digits[15]:
        raise ValidationError(
            _("This ORCID iD's check digit does not match: please copy it again from orcid.org."),
            code="orcid_checksum",
        )


def orcid_url(orcid: str) -> str:
    return ORCID_URL.format(orcid) if orcid else ""


class OrcidFormField(forms.CharField):
    """Takes what editors paste (the orcid.org URL, spaces, no hyphens) and keeps the bare iD."""

    def to_python(self, value):
        return normalize_orcid(super().to_python(value))


class OrcidField(models.CharField):
    """An ORCID iD, stored as 0000-0000-0000-0000 and checked (format and check digit)."""

    default_validators = [validate_orcid]
    # The form accepts the longer URL form; it is shortened to the 19-character iD.
    FORM_MAX_LENGTH = 60

    def __init__(self, *args, **kwargs):
        kwargs["max_length"] = 19
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        del kwargs["max_length"]
        return name, path, args, kwargs

    def to_python(self, value):
        return normalize_orcid(super().to_python(value))

    def pre_save(self, model_instance, add):
        value = normalize_orcid(getattr(model_instance, self.attname))
        setattr(model_instance, self.attname, value)
        return value

    def formfield(self, **kwargs):
        return super().formfield(
            **{"form_class": OrcidFormField, "max_length": self.FORM_MAX_LENGTH, **kwargs}
        )


def validate_gepris_id(value: str) -> None:
    if not re.fullmatch(r"\d{5,12}", value or ""):
        raise ValidationError(
            _("A GEPRIS project number has only digits, for example 441826958."), code="gepris"
        )


def gepris_url(number: str) -> str:
    """The public GEPRIS page of a DFG project number ("" for none)."""
    return GEPRIS_PROJECT_URL.format(number) if number else ""
