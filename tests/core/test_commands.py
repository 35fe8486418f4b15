import io
import json

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command

from events.models import Event, SlideDeck
from news.models import NewsItem
from programs.models import Institution, Person, Project, headline_numbers

pytestmark = pytest.mark.django_db


def snapshot():
    """Row counts of every model and the newest change of the content that has one."""
    counts = {m._meta.label: m._base_manager.count() for m in apps.get_models()}
    stamps = [
        list(NewsItem.objects.values_list("updated_at", flat=True)),
        list(Event.objects.values_list("updated_at", "sequence")),
        list(SlideDeck.objects.values_list("sha256", "uploaded_at")),
    ]
    return counts, stamps


def test_seed_demo_fills_every_content_type_and_is_idempotent(demo_site, capsys):
    first = snapshot()  # the session's demo content: seed_demo run once on the test database
    call_command("seed_demo")
    assert snapshot() == first
    counts = first[0]
    for label in [
        "programs.ResearchPerspective", "programs.FundingPhase", "programs.Institution", "programs.Person",
        "programs.Project", "programs.Call", "programs.FAQItem", "spp_site.Page", "spp_site.SiteSettings",
        "events.Event", "events.AgendaItem", "events.SlideDeck", "news.NewsItem",
    ]:  # fmt: skip
        assert counts[label] > 0, label
    # The facts file's headline figures.
    assert headline_numbers() == {
        "projects": 23,
        "principal_investigators": 34,
        "institutions": 26,
        "universities": 24,
    }
    # Every demo person not named in the facts file is obviously a demo.
    real = {
        "Kutyniok",
        "Burger",
        "Hein",
        "Montúfar",
        "Pfetsch",
        "Pokutta",
        "Fornasier",
        "Rauhut",
        "Ghoshdastidar",
    }
    for person in Person.objects.exclude(last_name__in=real):
        assert person.first_name == "Demo", person
    assert Project.objects.filter(gepris_id="463910157").exists()
    assert Institution.objects.get(short_name="LMU Munich").latitude is not None
    # Demo decks are real PDFs: page count, thumbnail and text were read on upload.
    deck = SlideDeck.objects.get(slug="information-session-phase-2-spp-2298-the-second-funding-period")
    assert deck.page_count == 4 and deck.thumbnail and "second funding period" in deck.text.lower()


def test_ensure_admin_prints_the_password_until_it_is_changed(capsys, tmp_path):
    kept = tmp_path / "var" / "local-admin-password.txt"
    call_command("ensure_admin", password_file=kept)
    out = capsys.readouterr().out
    assert "Username: admin" in out and "Password: " in out
    password = out.split("Password: ")[1].split()[0]
    admin = get_user_model().objects.get(username="admin")
    assert admin.check_password(password) and admin.is_superuser
    assert kept.stat().st_mode & 0o077 == 0  # readable by its owner only
    call_command("ensure_admin", password_file=kept)  # every `make run` shows it again
    assert f"Password: {password}" in capsys.readouterr().out
    admin.set_password("changed-by-me-123")
    admin.save()
    call_command("ensure_admin", password_file=kept)
    out = capsys.readouterr().out
    assert password not in out and "manage.py changepassword admin" in out
    assert get_user_model().objects.filter(username="admin").count() == 1


def test_dumpdata_of_the_demo_content_is_complete(demo_site):
    out = io.StringIO()
    call_command("dumpdata", "spp_site", "programs", "events", "news", stdout=out)
    dumped = {}
    for row in json.loads(out.getvalue()):
        dumped[row["model"]] = dumped.get(row["model"], 0) + 1
    assert dumped["events.event"] == Event.objects.count() > 0
    assert dumped["events.slidedeck"] == SlideDeck.objects.count() > 0
    assert dumped["spp_site.page"] == 5 and dumped["spp_site.sitesettings"] == 1
    assert dumped["programs.person"] == Person.objects.count()
