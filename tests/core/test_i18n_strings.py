"""The strings in Python code (models, forms, admin, messages, feeds, menus) in German, and the
check that every one of them has a German translation in the catalogue.

The German tests read the committed catalogue (locale/de/LC_MESSAGES/django.po), compiled here into
a temporary folder: they do not depend on a compiled .mo being present in the working tree."""

import datetime
import re
import shutil
import subprocess
from pathlib import Path

import polib
import pytest
from django.conf import settings as django_settings
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone, translation

from events.admin import EventAdmin
from events.forms import BulkUploadForm
from events.models import AgendaItem, DocumentType, Event
from news.feeds import NewsFeed
from news.models import NewsItem
from programs.admin import ErasureForm
from programs.models import ROLE_PLURALS, Person, Role
from spp_site.admin import PublishableAdmin
from spp_site.context_processors import MAIN_MENU
from spp_site.identifiers import validate_orcid
from tests.events.factories import EventFactory
from tests.news.factories import NewsItemFactory

CATALOGUE = Path(django_settings.BASE_DIR) / "locale" / "de" / "LC_MESSAGES" / "django.po"
# The project's own Python code (not the tests, not the virtual environment).
SOURCE_PACKAGES = ("spp_site", "programs", "events", "news")
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w*\}")


@pytest.fixture(scope="module")
def german_catalogue(tmp_path_factory):
    """The committed German catalogue, compiled into a folder of its own."""
    folder = tmp_path_factory.mktemp("locale")
    target = folder / "de" / "LC_MESSAGES"
    target.mkdir(parents=True)
    polib.pofile(str(CATALOGUE)).save_as_mofile(str(target / "django.mo"))
    return folder


@pytest.fixture
def german(german_catalogue, settings):
    """German active, from the committed catalogue (changing LOCALE_PATHS resets Django's
    translation caches, and again when the test ends)."""
    settings.LOCALE_PATHS = [german_catalogue]
    with translation.override("de"):
        yield


# --- models ------------------------------------------------------------------------------------


def test_model_names_are_german(german):
    assert Event._meta.verbose_name == "Veranstaltung"
    assert Event._meta.verbose_name_plural == "Veranstaltungen"
    assert Person._meta.verbose_name_plural == "Personen"
    assert NewsItem._meta.verbose_name == "Meldung"


def test_field_names_and_help_texts_are_german(german):
    field = Event._meta.get_field("timezone")
    assert field.verbose_name == "Zeitzone"
    assert str(field.help_text).startswith("Wo die Veranstaltung stattfindet.")
    assert Event._meta.get_field("publish_at").verbose_name == "Veröffentlichen am"


def test_choice_labels_are_german(german):
    event = Event(kind=Event.Kind.ANNUAL_MEETING, status=Event.Status.DRAFT)
    assert event.get_kind_display() == "Jahrestreffen"
    assert event.get_status_display() == "Entwurf"
    assert ROLE_PLURALS[Role.PRINCIPAL_INVESTIGATOR] == "Projektleitungen"


def test_an_ambiguous_english_word_gets_the_german_of_its_meaning(german):
    """ "Keynote" is a main talk on an agenda but Apple's presentation program as a file type."""
    assert AgendaItem.Kind.KEYNOTE.label == "Hauptvortrag"
    assert DocumentType.KEY.label == "Keynote"


def test_model_validation_errors_are_german(german):
    start = timezone.now()
    event = Event(title="T", slug="t", start=start, end=start - datetime.timedelta(hours=1))
    with pytest.raises(ValidationError) as caught:
        event.clean()
    assert caught.value.message_dict["end"] == ["Die Veranstaltung kann nicht enden, bevor sie beginnt."]


def test_a_validator_message_is_german(german):
    with pytest.raises(ValidationError) as caught:
        validate_orcid("0000")
    assert caught.value.messages[0].startswith("Geben Sie eine ORCID iD in der Form")


def test_english_stays_the_default():
    assert Event._meta.verbose_name == "event"
    assert Event.Kind.ANNUAL_MEETING.label == "Annual meeting"


# --- forms ------------------------------------------------------------------------------------


def test_form_errors_and_labels_are_german(german):
    form = ErasureForm({})
    assert not form.is_valid()
    assert form.errors["what"] == ["Wählen Sie aus, was gelöscht werden soll."]
    upload = BulkUploadForm({}, {})
    assert not upload.is_valid()
    assert upload.errors["files"] == ["Wählen Sie eine oder mehrere Dateien aus."]
    html = str(upload["files"].label_tag()) + str(upload["files"].help_text)
    # The help text's accepted types are a translated text of their own, filled in when shown.
    assert "Foliendateien" in html and "OpenDocument-Präsentation (.odp) oder Keynote (.key)" in html


# --- admin ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_admin_change_form_is_german(german, superuser):
    request = RequestFactory().get("/admin/events/event/add/")
    request.user = superuser
    model_admin = EventAdmin(Event, admin.site)
    form = model_admin.get_form(request)()
    assert form["timezone"].label == "Zeitzone"
    assert form["venue_name"].label == "Veranstaltungsort"
    titles = [str(name) for name, _ in model_admin.get_fieldsets(request) if name]
    assert titles == ["Wann", "Wo", "Beschreibung", "Anmeldung", "Veröffentlichung"]


def test_admin_columns_and_actions_are_german(german):
    assert PublishableAdmin.visibility.short_description == "Sichtbarkeit"
    assert PublishableAdmin.publish_now.short_description == "Ausgewählte Einträge jetzt veröffentlichen"
    assert EventAdmin.local_start_display.short_description == "Beginn"


@pytest.mark.django_db
def test_admin_change_list_renders_in_german(german, client, superuser):
    """Through a request: column titles, filters, states and the app's name. (Accept-Language for
    when the locale middleware chooses the admin's language from the request.)"""
    EventFactory(title="Frühjahrstreffen", kind=Event.Kind.ANNUAL_MEETING)
    client.force_login(superuser)
    html = client.get(reverse("admin:events_event_changelist"), HTTP_ACCEPT_LANGUAGE="de").content.decode()
    for text in (
        "Veranstaltungen und Folien",
        "Sichtbarkeit",
        "Programmpunkte",
        "Jahrestreffen",
        "Foliensätze",
    ):
        assert text in html, text
    assert "Veröffentlicht" in html and "Published" not in html


@pytest.mark.django_db
def test_admin_messages_are_german(german, client, superuser):
    event = EventFactory(status=Event.Status.DRAFT)
    client.force_login(superuser)
    response = client.post(
        reverse("admin:events_event_changelist"),
        {"action": "publish_now", "_selected_action": [event.pk]},
        HTTP_ACCEPT_LANGUAGE="de",
        follow=True,
    )
    assert "1 Eintrag veröffentlicht." in response.content.decode()


# --- the public site's Python-made texts ------------------------------------------------------
# Addresses by reverse() while German is active: the German address once the site has one.


def test_main_menu_is_german(german):
    assert [str(label) for _, label in MAIN_MENU] == [
        "Start", "Forschung", "Projekte", "Personen", "Veranstaltungen", "Aktuelles", "Bewerbung",
    ]  # fmt: skip


def test_feed_title_is_german(german):
    feed = NewsFeed()
    assert feed.title(None) == "Neuigkeiten aus dem SPP 2298"
    assert feed.title(NewsItem.Category.JOB) == "Neuigkeiten aus dem SPP 2298 – Stellenangebot"
    assert feed.description(None).startswith("Neuigkeiten aus dem DFG-Schwerpunktprogramm SPP 2298")


@pytest.mark.django_db
def test_feed_document_is_german(german, client):
    NewsItemFactory(category=NewsItem.Category.AWARD)
    xml = client.get(reverse("news:feed-rss"), HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "<title>Neuigkeiten aus dem SPP 2298</title>" in xml
    assert "<category>Auszeichnung</category>" in xml


@pytest.mark.django_db
def test_calendar_name_is_german(german, client):
    EventFactory(kind=Event.Kind.WORKSHOP)
    url = reverse("events:calendar-kind", kwargs={"kind": "workshop"})
    ics = client.get(url, HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "X-WR-CALNAME:Veranstaltungen des SPP 2298: Workshop" in ics


# --- the catalogue is complete ----------------------------------------------------------------


def untranslated(catalogue: polib.POFile) -> list[str]:
    """Entries of Python files without a usable German text: empty, fuzzy, or with other
    placeholders than the English."""
    problems = []
    for entry in catalogue:
        if entry.obsolete or not any(path.endswith(".py") for path, _ in entry.occurrences):
            continue
        texts = (
            [(entry.msgid, entry.msgstr)]
            if not entry.msgid_plural
            else [
                (entry.msgid, entry.msgstr_plural.get(0, "")),
                (entry.msgid_plural, entry.msgstr_plural.get(1, "")),
            ]
        )
        if "fuzzy" in entry.flags:
            problems.append(f"fuzzy: {entry.msgid}")
        for english, german in texts:
            if not german:
                problems.append(f"untranslated: {english}")
            elif sorted(PLACEHOLDER.findall(english)) != sorted(PLACEHOLDER.findall(german)):
                problems.append(f"placeholders differ: {english}")
    return problems


def marked_strings(folders) -> set[tuple[str, str]]:
    """(context, text) of every string the Python files in `folders` mark for translation, found
    as makemessages finds them (GNU xgettext with Django's keywords)."""
    files = sorted(str(path) for folder in folders for path in Path(folder).rglob("*.py"))
    output = subprocess.run(
        [
            "xgettext", "--language=Python", "--from-code=UTF-8", "--output=-",
            "--keyword=gettext_noop", "--keyword=gettext_lazy", "--keyword=ngettext_lazy:1,2",
            "--keyword=pgettext:1c,2", "--keyword=npgettext:1c,2,3", "--keyword=pgettext_lazy:1c,2",
            "--keyword=npgettext_lazy:1c,2,3", *files,
        ],
        capture_output=True, check=True, text=True,
    ).stdout  # fmt: skip
    return {(entry.msgctxt or "", entry.msgid) for entry in polib.pofile(output) if entry.msgid}


def missing_from(catalogue: polib.POFile, marked) -> set[tuple[str, str]]:
    translated = {
        (entry.msgctxt or "", entry.msgid)
        for entry in catalogue
        if not entry.obsolete and (entry.msgstr or any(entry.msgstr_plural.values()))
    }
    return set(marked) - translated


def test_every_python_string_in_the_catalogue_is_translated():
    assert untranslated(polib.pofile(str(CATALOGUE))) == []


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext (xgettext) is not installed")
def test_every_marked_python_string_is_in_the_catalogue():
    """Fails when a string was marked for translation but the catalogue was not regenerated
    (`manage.py makemessages -l de`) and translated."""
    root = Path(django_settings.BASE_DIR)
    marked = marked_strings(root / package for package in SOURCE_PACKAGES)
    assert ("", "Annual meeting") in marked and ("kind of talk", "Keynote") in marked
    assert missing_from(polib.pofile(str(CATALOGUE)), marked) == set()


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext (xgettext) is not installed")
def test_the_checks_catch_a_new_string_and_a_bad_translation(tmp_path):
    source = tmp_path / "app"
    source.mkdir()
    (source / "models.py").write_text(
        'from django.utils.translation import gettext_lazy as _\nLABEL = _("A brand-new label")\n'
    )
    assert missing_from(polib.pofile(str(CATALOGUE)), marked_strings([source])) == {("", "A brand-new label")}

    bad = polib.POFile()
    bad.append(
        polib.POEntry(msgid="Saved %(title)s", msgstr="Gespeichert", occurrences=[("app/views.py", "")])
    )
    bad.append(polib.POEntry(msgid="Draft", msgstr="", occurrences=[("app/models.py", "")]))
    bad.append(
        polib.POEntry(msgid="Home", msgstr="Start", flags=["fuzzy"], occurrences=[("app/menu.py", "")])
    )
    bad.append(polib.POEntry(msgid="Only in a template", msgstr="", occurrences=[("templates/x.html", "")]))
    assert untranslated(bad) == [
        "placeholders differ: Saved %(title)s",
        "untranslated: Draft",
        "fuzzy: Home",
    ]
