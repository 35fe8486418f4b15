import pytest
from django.core.exceptions import ValidationError

from spp_site.models import RESERVED_PAGE_SLUGS, Page, SiteSettings
from tests.core.factories import PageFactory
from tests.programs.factories import InstitutionFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("slug", sorted(RESERVED_PAGE_SLUGS))
def test_reserved_slugs_are_refused(slug):
    with pytest.raises(ValidationError) as exc:
        PageFactory.build(slug=slug).clean()
    assert list(exc.value.message_dict) == ["slug"]


@pytest.mark.parametrize("slug", ["imprint", "news-archive", "admins"])
def test_other_slugs_are_accepted(slug):
    PageFactory.build(slug=slug).clean()


def test_a_page_lives_at_its_slug():
    assert PageFactory(slug="imprint").get_absolute_url() == "/imprint/"


def test_pages_are_ordered_by_position_then_title():
    PageFactory(title="B", order=1)
    PageFactory(title="A", order=1)
    PageFactory(title="Z", order=0)
    assert [p.title for p in Page.objects.all()] == ["Z", "A", "B"]


def test_without_a_row_load_returns_unsaved_defaults():
    settings = SiteSettings.load()
    assert settings.pk == 1 and settings._state.adding
    assert settings.short_name == "SPP 2298"
    assert not SiteSettings.objects.exists()


def test_load_returns_the_stored_row():
    SiteSettings(short_name="SPP 9999", coordinating_institution=InstitutionFactory(name="LMU")).save()
    settings = SiteSettings.load()
    assert not settings._state.adding
    assert (settings.short_name, settings.coordinating_institution.name) == ("SPP 9999", "LMU")


def test_there_is_only_ever_the_row_with_pk_1():
    SiteSettings(pk=7, short_name="First").save()
    SiteSettings(short_name="Second").save()
    assert list(SiteSettings.objects.values_list("pk", "short_name")) == [(1, "Second")]


def test_settings_link_to_gepris():
    assert SiteSettings(dfg_number="441826958").gepris_url == "https://gepris.dfg.de/gepris/projekt/441826958"
    assert SiteSettings(dfg_number="").gepris_url == ""
