"""Which talk a slide file belongs to, from its name (events.services.match_talk), and the title
a file name gives when no talk fits."""

from types import SimpleNamespace

import pytest

from events.services import match_talk, title_from_filename


class People(list):
    def all(self):
        return self


def talk(title, *surnames, guests=""):
    speakers = People(SimpleNamespace(last_name=name) for name in surnames)
    guest_list = [g.strip() for g in guests.split(",") if g.strip()]
    return SimpleNamespace(
        title=title, speakers=speakers, guest_speakers=guests, guest_speaker_list=guest_list
    )


TRANSPORT = talk("Optimal transport for imaging", "Burger")
NETWORKS = talk("Neural networks and PDEs", "Müller")
INVERSE = talk("Inverse problems in tomography", "Kutyniok", "Schönlieb")
GUEST = talk("Learning to regularise", guests="Jane O'Neil, Tom Weiß")
TALKS = [TRANSPORT, NETWORKS, INVERSE, GUEST]


@pytest.mark.parametrize(
    ("filename", "expected"),
    [
        ("Burger optimal transport v3 FINAL.pdf", TRANSPORT),
        ("burger.pdf", TRANSPORT),  # the surname alone is enough
        ("optimal_transport.pptx", TRANSPORT),  # two title words are enough
        ("Müller-networks.pdf", NETWORKS),
        ("Mueller_networks.pdf", NETWORKS),  # umlaut written out
        ("MULLER slides.pdf", NETWORKS),  # umlaut dropped
        ("schoenlieb_tomography.pdf", INVERSE),  # the second speaker
        ("Kutyniok Schönlieb inverse.pdf", INVERSE),
        ("weiss-regularise.key", GUEST),  # a guest speaker, ß written out
        ("agenda.pdf", None),
        ("transport.pdf", None),  # one title word is not enough
    ],
)
def test_a_file_is_matched_to_its_talk(filename, expected):
    assert match_talk(filename, TALKS).talk is expected


def test_a_tie_chooses_no_talk_and_lists_the_candidates():
    first = talk("Sparse regularisation", "Schmidt")
    second = talk("Deep regularisation", "Schmidt")
    match = match_talk("Schmidt_slides.pdf", [first, second])
    assert match.talk is None and match.ambiguous
    assert match.candidates == [first, second]
    # A title word breaks the tie.
    assert match_talk("Schmidt sparse.pdf", [first, second]).talk is first


def test_several_speakers_in_the_file_name_count_for_their_talk():
    joint = talk("Joint work", "Burger", "Müller")
    match = match_talk("burger_mueller.pdf", [TRANSPORT, NETWORKS, joint])
    assert match.talk is joint  # both surnames beat one


def test_no_talks_no_match():
    assert match_talk("Burger.pdf", []).talk is None


@pytest.mark.parametrize(
    ("filename", "title"),
    [
        ("Burger optimal transport v3 FINAL.pdf", "Burger optimal transport"),
        ("a_first-talk_v2.pdf", "A first talk"),
        ("talk (1).pdf", "Talk"),
        ("report_draft_v1.2.pptx", "Report"),
        ("Müller_Übersicht_final.pdf", "Müller Übersicht"),
        ("v2.pdf", "Slides"),
    ],
)
def test_titles_from_file_names_lose_version_words_and_underscores(filename, title):
    assert title_from_filename(filename) == title
