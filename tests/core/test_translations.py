"""The German catalogue is complete and every template string is marked: `make test` fails when a
template has text outside the translation tags or a marked string has no German translation."""

import os
import shutil
from pathlib import Path

import polib
import pytest

from tests.translations import CATALOGUE, ROOT, catalogue_problems, extract, unmarked_text


def require_gettext():
    if shutil.which("xgettext") and shutil.which("msgmerge"):
        return
    reason = "the catalogue check needs GNU gettext (Debian: apt-get install gettext)"
    if os.environ.get("REQUIRE_GETTEXT", "").lower() in {"1", "true", "yes"}:
        pytest.fail(f"REQUIRE_GETTEXT is set: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def marked(tmp_path_factory):
    require_gettext()
    return extract(ROOT, tmp_path_factory.mktemp("messages"))


def test_every_marked_string_has_a_german_translation(marked):
    assert len(marked) > 100  # the extraction found the site's strings
    assert catalogue_problems(marked, polib.pofile(str(CATALOGUE))) == []


def test_the_catalogue_check_reports_missing_fuzzy_and_wrong_translations(tmp_path):
    require_gettext()
    source = tmp_path / "site"
    (source / "templates").mkdir(parents=True)
    (source / "templates" / "page.html").write_text(
        "{% load i18n %}{% translate 'Events' %}{% translate 'News' %}"
        "{% blocktranslate %}Hello {{ name }}{% endblocktranslate %}{% translate 'Upcoming' %}"
        "{% translate 'Past' %}"
    )
    marked = extract(source, tmp_path / "extracted")
    catalogue = polib.POFile()
    catalogue.append(polib.POEntry(msgid="Events", msgstr="Veranstaltungen"))  # fine
    catalogue.append(polib.POEntry(msgid="Hello %(name)s", msgstr="Hallo %(nmae)s"))  # wrong placeholder
    catalogue.append(polib.POEntry(msgid="Upcoming", msgstr="", flags=[]))  # empty
    catalogue.append(polib.POEntry(msgid="Past", msgstr="Vergangen", flags=["fuzzy"]))
    catalogue.append(polib.POEntry(msgid="Gone", msgstr="Weg"))  # nothing uses it
    problems = catalogue_problems(marked, catalogue)
    assert sorted(problems) == sorted(
        [
            "not in the catalogue: 'News'",
            "placeholders differ: 'Hello %(name)s' → 'Hallo %(nmae)s'",
            "not translated: 'Upcoming'",
            "fuzzy (needs checking): 'Past'",
            "no longer used: 'Gone'",
        ]
    )


TEMPLATES = sorted((ROOT / "templates").rglob("*.html"))


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT / "templates")))
def test_no_template_text_is_left_unmarked(path):
    assert unmarked_text(path.read_text()) == []


@pytest.mark.parametrize(
    ("template", "found"),
    [
        ("<p>Hello</p>", ["Hello"]),
        ("{% load i18n %}<p>{% translate 'Hello' %} world</p>", ["world"]),
        ('<img src="x.png" alt="A cat">', ['<img alt="A cat">']),
        ('<nav aria-label="Main">{{ menu }}</nav>', ['<nav aria-label="Main">']),
        ('<input type="submit" value="Send">', ['<input value="Send">']),
        ('<a title="{% if x %}Open{% endif %}">x</a>', ['<a title=" Open ">']),
        ("<p{% if x %} class='a'{% endif %}>Text</p>", ["Text"]),
    ],
)
def test_the_template_check_finds_unmarked_text(template, found):
    assert unmarked_text(template) == found


@pytest.mark.parametrize(
    "template",
    [
        "{% load i18n %}<p>{% translate 'Hello' %}</p>",
        "{% load i18n %}<p>{% blocktranslate trimmed with n=x %}Hello {{ n }}{% endblocktranslate %}</p>",
        '{% load i18n %}<a aria-label="{% translate \'Main\' %}" href="/">SPP 2298 · RSS</a>',
        '<input type="hidden" name="action" value="erase">{# A comment #}{% comment %}Notes{% endcomment %}',
        "<p>&rsaquo; – {{ title }} (42)</p>",
    ],
)
def test_the_template_check_accepts_marked_text(template):
    assert unmarked_text(template) == []


def test_the_compiled_catalogue_is_in_use(client, db):
    """German pages come from the compiled catalogue (make messages), not from the English text."""
    assert Path(CATALOGUE).with_suffix(".mo").exists(), "run `make messages`"
    html = client.get("/de/").content.decode()
    assert '<html lang="de">' in html
    assert "Veranstaltungen" in html and "Zum Hauptinhalt springen" in html
