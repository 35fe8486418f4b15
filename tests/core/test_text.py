import pytest

from spp_site import text
from spp_site.text import strip_control_characters
from tests.core.factories import PageFactory
from tests.events.factories import EventFactory
from tests.programs.factories import ProjectFactory

pytestmark = pytest.mark.django_db


def test_tab_and_line_breaks_stay_other_control_characters_go():
    assert strip_control_characters("a\tb\nc\r\nd\x00e\x1ff\x7fg\x85h\x9fi") == "a\tb\nc\r\ndefghi"


@pytest.mark.parametrize("factory", [PageFactory, EventFactory, ProjectFactory])
def test_every_content_app_strips_them_on_save(factory):
    obj = factory(title="Bell\x07and\x1b escape")
    obj.refresh_from_db()
    assert obj.title == "Belland escape"


def test_fields_not_loaded_are_not_read_for_cleaning(django_assert_num_queries):
    event = EventFactory(title="Loaded")
    partial = type(event).objects.only("slug").get(pk=event.pk)
    partial.slug = "renamed\x07"
    with django_assert_num_queries(0):  # reading a deferred field would be a query each
        text._clean_text_fields(type(partial), partial)
    assert partial.slug == "renamed"


def test_one_line_fields_lose_line_breaks_multi_line_fields_keep_them():
    event = EventFactory(title="First\r\nsecond\tthird\u2028fourth", address="Street 1\nMunich")
    event.refresh_from_db()
    assert event.title == "First second third fourth"
    assert event.address == "Street 1\nMunich"


def test_single_line_turns_each_run_of_breaks_into_one_space():
    assert text.single_line(" a\r\n\n b\x0c\x85c\x07 ") == "a b c"
