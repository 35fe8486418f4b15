"""The translation checks of tests/core/test_translations.py: what the source marks for translation
against the German catalogue, and template text that is not marked at all."""

import io
import os
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import polib
from django.core.management import call_command
from django.template.base import Lexer, TokenType
from django.test.utils import override_settings

ROOT = Path(__file__).resolve().parents[1]
CATALOGUE = ROOT / "locale" / "de" / "LC_MESSAGES" / "django.po"
# The site's own source: what `make messages-extract` reads (everything else is ignored there).
SOURCE = ["manage.py", "spp_site", "programs", "events", "news", "templates"]
PLACEHOLDER = re.compile(r"%\([a-z_0-9]+\)[sd]|\{[a-z_0-9]*\}")


# --- 1. every marked string has a German translation ----------------------------------------------


def extract(source_root: Path, folder: Path) -> polib.POFile:
    """The strings marked in the source below `source_root`, as makemessages finds them (it needs
    GNU gettext's xgettext): extracted from a copy, so the real catalogue is never touched."""
    copy = folder / "source"
    for name in SOURCE:
        path = source_root / name
        if path.is_dir():
            shutil.copytree(path, copy / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        elif path.exists():
            copy.mkdir(parents=True, exist_ok=True)
            shutil.copy(path, copy / name)
    (copy / "locale").mkdir(parents=True)
    with override_settings(LOCALE_PATHS=[copy / "locale"]):
        cwd = Path.cwd()
        try:
            os.chdir(copy)
            call_command("makemessages", locale=["de"], no_location=True, verbosity=0, stdout=io.StringIO())
        finally:
            os.chdir(cwd)
    return polib.pofile(str(copy / "locale" / "de" / "LC_MESSAGES" / "django.po"))


def _key(entry) -> tuple:
    return (entry.msgctxt, entry.msgid, entry.msgid_plural)


def _label(entry) -> str:
    return f"[{entry.msgctxt}] {entry.msgid!r}" if entry.msgctxt else repr(entry.msgid)


def _same_placeholders(original: str, translation: str, plural: bool) -> bool:
    found, expected = PLACEHOLDER.findall(translation), PLACEHOLDER.findall(original)
    if plural:  # a plural's forms may leave out the number ("ein Projekt" for "1 project")
        return set(found) <= set(expected)
    return sorted(found) == sorted(expected)


def catalogue_problems(marked: polib.POFile, catalogue: polib.POFile) -> list[str]:
    """What is wrong with `catalogue` for the strings `marked` in the source: a string without a
    German translation (missing, empty or fuzzy), a translation whose placeholders differ from the
    original's, and translations no source uses any more (or kept as obsolete entries)."""
    problems = []
    known = {_key(e): e for e in catalogue if not e.obsolete}
    for entry in marked:
        found = known.get(_key(entry))
        if found is None:
            problems.append(f"not in the catalogue: {_label(entry)}")
        elif found.fuzzy:
            problems.append(f"fuzzy (needs checking): {_label(entry)}")
        elif not (found.msgstr or (found.msgstr_plural and all(found.msgstr_plural.values()))):
            problems.append(f"not translated: {_label(entry)}")
    for entry in catalogue:
        if not entry.msgid:
            continue
        if entry.obsolete:
            problems.append(f"obsolete entry left in the catalogue: {_label(entry)}")
            continue
        pairs = (
            [(entry.msgid, entry.msgstr)]
            if not entry.msgid_plural
            else [(entry.msgid if n == 0 else entry.msgid_plural, s) for n, s in entry.msgstr_plural.items()]
        )
        for original, translation in pairs:
            if translation and not _same_placeholders(original, translation, plural=bool(entry.msgid_plural)):
                problems.append(f"placeholders differ: {_label(entry)} → {translation!r}")
    used = {_key(e) for e in marked}
    problems += [
        f"no longer used: {_label(e)}"
        for e in catalogue
        if e.msgid and not e.obsolete and _key(e) not in used
    ]
    return problems


# --- 2. no template text outside the translation tags ---------------------------------------------

# Names, not words of a language: the same in every translation.
NOT_TRANSLATED = re.compile(r"\b(SPP|RSS|Atom|ORCID|Google Calendar|Outlook)\b")
WORD = re.compile(r"[^\W\d_]{2,}")
# Attributes people read (or hear); value only on buttons.
READ_ATTRIBUTES = {"alt", "title", "aria-label", "placeholder", "aria-description"}
BUTTON_TYPES = {"submit", "button", "reset"}
MARK = " "  # where the template had a tag or a variable
# Blocks whose content is no text but an attribute of the parent template's (CSS classes).
NOT_TEXT_BLOCKS = {"bodyclass"}


def visible_source(template: str) -> str:
    """The template with every tag, variable and comment replaced by MARK and the contents of
    translation blocks and `{% comment %}` left out: what remains is literal text."""
    out, skip = [], None
    for token in Lexer(template).tokenize():
        if token.token_type == TokenType.BLOCK:
            name = token.contents.split()[0] if token.contents.split() else ""
            if skip and name == skip:
                skip = None
            elif not skip and name in ("blocktranslate", "blocktrans"):
                skip = "endblocktranslate" if name == "blocktranslate" else "endblocktrans"
            elif not skip and name == "comment":
                skip = "endcomment"
            elif not skip and name == "block" and token.contents.split()[1] in NOT_TEXT_BLOCKS:
                skip = "endblock"
            out.append(MARK)
        elif token.token_type == TokenType.TEXT and not skip:
            out.append(token.contents)
        elif token.token_type != TokenType.TEXT:
            out.append(MARK)
    return "".join(out)


class _TextFinder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name, value in attrs:
            readable = name in READ_ATTRIBUTES or (
                name == "value" and tag == "input" and (attributes.get("type") or "") in BUTTON_TYPES
            )
            if readable and value and _words(value):
                self.found.append(f'<{tag} {name}="{value}">')

    handle_startendtag = handle_starttag

    def handle_data(self, data):
        if _words(data):
            self.found.append(" ".join(data.split()))


def _words(text: str) -> list[str]:
    return WORD.findall(NOT_TRANSLATED.sub("", text))


def unmarked_text(template: str) -> list[str]:
    """Literal words in `template` that no translation tag covers (text and readable attributes)."""
    finder = _TextFinder()
    finder.feed(visible_source(template))
    finder.close()
    return finder.found
