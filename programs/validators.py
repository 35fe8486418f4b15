"""Validators for identifiers editors type in (ORCID iD, GEPRIS number, coordinates)."""

import re

from django.core.exceptions import ValidationError

_ORCID = re.compile(r"^\d{4}-\d{4}-\d{4}-\d{3}[\dX]$")
_ORCID_PREFIXES = ("https://orcid.org/", "http://orcid.org/", "orcid.org/")


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
            "Enter an ORCID iD as 0000-0000-0000-0000 (16 characters; the last may be X).",
            code="orcid_format",
        )
    digits = value.replace("-", "")
    if orcid_checksum(digits[:15]) != digits[15]:
        raise ValidationError(
            "This ORCID iD's check digit does not match: please copy it again from orcid.org.",
            code="orcid_checksum",
        )


def validate_gepris_id(value: str) -> None:
    if not re.fullmatch(r"\d{5,12}", value or ""):
        raise ValidationError(
            "A GEPRIS project number has only digits, for example 441826958.", code="gepris"
        )
