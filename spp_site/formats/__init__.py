"""Dates and numbers as each language writes them (FORMAT_MODULE_PATH): Django's own formats for
the language, with the site's display formats on top, and the few parts of a date range that Django
has no setting for (`range_format`)."""

from django.utils import formats, translation


def range_format(name: str) -> str:
    """A display format of this package's modules for the active language, e.g. `DAY_FORMAT` ("j"
    in English, "j." in German), for the first day of a range such as "3–5 March" / "3.–5. März"."""
    for module in formats.get_format_modules(translation.get_language()):
        if hasattr(module, name):
            return getattr(module, name)
    raise AttributeError(f"No format {name} for {translation.get_language()}")
