import pytest

from spp_site.text import strip_control_characters
from tests.core.factories import PageFactory
from tests.events.factories import EventFactory
from tests.programs.factories import ProjectFactory

pytestmark = pytest.mark.django_db


def test_tab_and_line_breaks_stay_other_control_characters_go():
    assert strip_control_characters("a\tb\nc\r\nd\x00e\x1ff\x7fg\x85h\x9fi") == "a\tb\nc\r\ndefghi"


@pytest.mark.parametrize("factory", [PageFactory, EventFactory, ProjectFactory])
def test_every_content_app_strips_them_on_save(factory):
    obj = factory(title="Form\x0cfeed\x1b")
    obj.refresh_from_db()
    assert obj.title == "Formfeed"
