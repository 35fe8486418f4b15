"""Demo events from public facts about SPP 2298 (with plausible dates where none are public),
their agendas, and multi-page PDF slide decks generated at seed time. Idempotent."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django.utils.text import slugify

from spp_site.demo_media import cover_image, slides_pdf

from .models import AgendaItem, Event, Licence, SlideDeck
from .services import attach_file

BERLIN = ZoneInfo("Europe/Berlin")


def _at(day: date, hh: int, mm: int = 0, tz=BERLIN):
    return datetime.combine(day, time(hh, mm), tzinfo=tz)


def _event(slug, **fields):
    cover = fields.pop("cover", None)
    event, created = Event.objects.get_or_create(slug=slug, defaults=fields)
    if created and cover:
        event.cover_image = SimpleUploadedFile(
            f"{slug}.jpg", cover_image(slug, cover, palette_index=len(slug))
        )
        event.cover_alt = f"Abstract drawing of a neural network with the caption “{cover}”"
        event.save()
    return event, created


def _agenda(event, day, rows, people):
    """rows: (hh:mm, minutes, title, kind, [speaker keys], guest names)."""
    items = []
    for start, minutes, title, kind, speakers, guests in rows:
        hh, mm = map(int, start.split(":"))
        begin = _at(day, hh, mm, event.tzinfo)
        item = AgendaItem.objects.create(
            event=event,
            start=begin,
            end=begin + timedelta(minutes=minutes),
            title=title,
            kind=kind,
            guest_speakers=guests,
        )
        item.speakers.set([people[k] for k in speakers])
        items.append(item)
    return items


def _deck(event, item, title, speakers, slides, palette, licence=Licence.CC_BY, guests=""):
    slug = slugify(f"{event.slug}-{title}")[:120]
    if SlideDeck.objects.filter(slug=slug).exists():
        return
    footer = f"{event.title} · {event.local_start:%d %B %Y}"
    pdf = slides_pdf(title, slides, footer, palette_index=palette)
    deck = SlideDeck(
        event=event, agenda_item=item, title=title, slug=slug, licence=licence, guest_speakers=guests
    )
    attach_file(deck, SimpleUploadedFile(f"{slugify(title)}.pdf", pdf, content_type="application/pdf"))
    deck.speakers.set(speakers)


def seed(log, people):
    P = {key: people[key] for key in people}
    K = Event.Kind
    A = AgendaItem.Kind
    published = {"status": Event.Status.PUBLISHED}
    sessions = {"first": [], "second": []}

    # --- the virtual information session on the first call (2020) ------------------------------
    first_info, created = _event(
        "information-session-first-call",
        title="Virtual information session on the first call",
        kind=K.INFORMATION_SESSION,
        start=_at(date(2020, 9, 15), 14),
        end=_at(date(2020, 9, 15), 16),
        online_url="https://meeting.example.org/spp2298-info-2020",
        summary="The DFG's mathematics team explains priority programs and how proposals are reviewed.",
        description="""A virtual information session for researchers considering a proposal in the first
call, held by the **DFG's mathematics team**:

- what priority programs are,
- how this program was selected,
- how proposals are reviewed,
- tips for writing a proposal.""",
        publish_at=_at(date(2020, 8, 1), 9),
        **published,
    )
    sessions["first"].append(first_info)
    if created:
        _agenda(
            first_info,
            date(2020, 9, 15),
            [
                ("14:00", 20, "What is a DFG priority program?", A.TALK, [], "DFG mathematics team"),
                ("14:20", 20, "How SPP 2298 was selected", A.TALK, [], "DFG mathematics team"),
                ("14:40", 25, "How proposals are reviewed", A.TALK, [], "DFG mathematics team"),
                ("15:05", 25, "Tips for your proposal", A.TALK, [], "DFG mathematics team"),
                ("15:30", 30, "Questions and answers", A.DISCUSSION, [], ""),
            ],
            people,
        )

    # --- the first annual meeting (2022; the date is a plausible placeholder) -----------------
    first_meeting, created = _event(
        "first-annual-meeting",
        title="First annual meeting",
        kind=K.ANNUAL_MEETING,
        start=_at(date(2022, 9, 26), 13),
        end=_at(date(2022, 9, 28), 13),
        venue_name="LMU Munich, Main Building",
        address="Geschwister-Scholl-Platz 1\n80539 München",
        summary="The program's first in-person meeting: all projects present their first results.",
        description="""The first time the whole program met in person. Every project presented its
questions and first results; early-career researchers showed posters.

*The date of this meeting is a demo placeholder.*""",
        cover="First annual meeting",
        publish_at=_at(date(2022, 6, 1), 9),
        **published,
    )
    if created:
        day1 = _agenda(
            first_meeting,
            date(2022, 9, 26),
            [
                ("13:00", 30, "Welcome and overview of the program", A.TALK, [("Gitta", "Kutyniok")], ""),
                (
                    "13:30",
                    45,
                    "Keynote: Why does deep learning generalise? (demo)",
                    A.KEYNOTE,
                    [("Demo", "Fellow-Morgan")],
                    "",
                ),
                ("14:15", 30, "Coffee break", A.BREAK, [], ""),
                (
                    "14:45",
                    30,
                    "Approximation rates for operator learning (demo)",
                    A.TALK,
                    [("Demo", "Bauer")],
                    "",
                ),
                ("15:15", 30, "Generalisation via stability (demo)", A.TALK, [("Demo", "Engel")], ""),
                ("16:00", 90, "Poster session", A.POSTER_SESSION, [], ""),
            ],
            people,
        )
        _agenda(
            first_meeting,
            date(2022, 9, 27),
            [
                ("09:00", 30, "Certified robustness: an overview (demo)", A.TALK, [("Demo", "Albrecht")], ""),
                ("09:30", 30, "Learned regularisers (demo)", A.TALK, [("Demo", "Keller")], ""),
                ("10:00", 30, "Coffee break", A.BREAK, [], ""),
                ("10:30", 60, "Discussion: open problems", A.DISCUSSION, [], ""),
            ],
            people,
        )
        _deck(first_meeting, day1[0], "Welcome to SPP 2298", [P[("Gitta", "Kutyniok")]],
              [("The program", ["Three research perspectives", "23 projects, 34 principal investigators", "Two funding periods"]),
               ("This meeting", ["Project talks and posters", "Discussion of open problems"])], 0)  # fmt: skip
        _deck(first_meeting, day1[3], "Approximation rates for operator learning (demo)", [P[("Demo", "Bauer")]],
              [("Setting", ["Operators between function spaces", "Networks as surrogates"]),
               ("Result", ["Rates depend on smoothness", "Curse of dimensionality avoided for some classes"]),
               ("Outlook", ["Training guarantees", "Numerical experiments"])], 1)  # fmt: skip

    # --- annual meeting 2023 at Lake Starnberg --------------------------------------------------
    meeting_2023, created = _event(
        "annual-meeting-2023",
        title="Annual meeting 2023 at Lake Starnberg",
        kind=K.ANNUAL_MEETING,
        start=_at(date(2023, 9, 25), 14),
        end=_at(date(2023, 9, 27), 12, 30),
        venue_name="Lake Starnberg (Starnberger See)",
        address="Bavaria",
        summary="Three days of talks, posters and discussions at Lake Starnberg.",
        description="""The annual meeting 2023 took place at **Lake Starnberg** in Bavaria, with talks from
all three research perspectives, a poster session of the early-career researchers, and time to
discuss the plans for the second funding period.

*Dates and programme of this meeting are demo content.*""",
        cover="Annual meeting 2023",
        publish_at=_at(date(2023, 5, 1), 9),
        **published,
    )
    if created:
        items = _agenda(
            meeting_2023,
            date(2023, 9, 25),
            [
                ("14:00", 15, "Opening", A.TALK, [("Gitta", "Kutyniok")], ""),
                (
                    "14:15",
                    45,
                    "Keynote: Inverse problems meet deep learning (demo)",
                    A.KEYNOTE,
                    [("Demo", "Fellow-Sato")],
                    "",
                ),
                ("15:00", 30, "Coffee break", A.BREAK, [], ""),
                ("15:30", 30, "Loss landscapes and their topology (demo)", A.TALK, [("Demo", "Otto")], ""),
                (
                    "16:00",
                    30,
                    "Fairness constraints with guarantees (demo)",
                    A.TALK,
                    [("Demo", "Dietrich"), ("Demo", "Conrad")],
                    "",
                ),
            ],
            people,
        )
        _agenda(
            meeting_2023,
            date(2023, 9, 26),
            [
                (
                    "09:00",
                    30,
                    "Physics-informed networks for parabolic problems (demo)",
                    A.TALK,
                    [("Demo", "Lorenz")],
                    "",
                ),
                ("09:30", 30, "Benign overfitting (demo)", A.TALK, [("Demo", "Richter")], ""),
                ("10:00", 30, "Coffee break", A.BREAK, [], ""),
                ("10:30", 90, "Poster session of early-career researchers", A.POSTER_SESSION, [], ""),
                (
                    "14:00",
                    60,
                    "Planning the second funding period",
                    A.DISCUSSION,
                    [("Martin", "Burger"), ("Matthias", "Hein")],
                    "",
                ),
            ],
            people,
        )
        _deck(meeting_2023, items[1], "Inverse problems meet deep learning (demo)", [P[("Demo", "Fellow-Sato")]],
              [("Inverse problems", ["Recover x from y = A(x) + noise", "Ill-posedness needs regularisation"]),
               ("Learned methods", ["Unrolled iterations", "Learned regularisers", "Stability questions"]),
               ("Open questions", ["Guarantees for learned reconstructions", "Robustness to distribution shift"])], 2)  # fmt: skip
        _deck(meeting_2023, items[3], "Loss landscapes and their topology (demo)", [P[("Demo", "Otto")]],
              [("Question", ["Why are local minima often good?"]), ("Tools", ["Morse theory", "Persistent homology"])], 3)  # fmt: skip
        _deck(meeting_2023, items[4], "Fairness constraints with guarantees (demo)", [P[("Demo", "Dietrich")], P[("Demo", "Conrad")]],
              [("Fairness", ["Group fairness notions", "Trade-offs with accuracy"]),
               ("Guarantees", ["Generalisation of fairness constraints", "Sample complexity"])], 0, Licence.CC_BY_SA)  # fmt: skip

    # --- information session on phase 2 (18 October 2023), with slides ------------------------
    info_2023, created = _event(
        "information-session-phase-2",
        title="Information session on the second funding phase",
        kind=K.INFORMATION_SESSION,
        start=_at(date(2023, 10, 18), 14),
        end=_at(date(2023, 10, 18), 15, 30),
        online_url="https://meeting.example.org/spp2298-info-2023",
        summary="How to apply for the second funding period of SPP 2298; slides available.",
        description="""An online information session for everyone considering a proposal for the
second (and last) funding period of the program. The slides are available below.""",
        publish_at=_at(date(2023, 9, 1), 9),
        **published,
    )
    sessions["second"].append(info_2023)
    if created:
        items = _agenda(
            info_2023,
            date(2023, 10, 18),
            [
                (
                    "14:00",
                    30,
                    "The program and its second funding period",
                    A.TALK,
                    [("Gitta", "Kutyniok")],
                    "",
                ),
                ("14:30", 30, "How to submit a proposal", A.TALK, [("Demo", "Office-Schmidt")], ""),
                ("15:00", 30, "Questions and answers", A.DISCUSSION, [], ""),
            ],
            people,
        )
        _deck(info_2023, items[0], "SPP 2298: the second funding period", [P[("Gitta", "Kutyniok")]],
              [("The program", ["Theoretical Foundations of Deep Learning", "Three research perspectives"]),
               ("Second period", ["The last three-year period", "Continuation and new projects welcome"]),
               ("Timeline", ["Call: DFG Information for Researchers No. 53, 23 June 2023", "Review after the deadline"])], 0)  # fmt: skip
        _deck(info_2023, items[1], "How to submit a proposal", [P[("Demo", "Office-Schmidt")]],
              [("Submission", ["Through the DFG's elan system", "Select the priority program"]),
               ("Contents", ["Project description", "Relation to the program's perspectives"]),
               ("Tips", ["Make the mathematics explicit", "Show links to other projects"])], 1)  # fmt: skip

    # --- upcoming and special events, dated relative to the first seeding ---------------------
    today = timezone.localdate()
    upcoming_day = today + timedelta(days=40)
    workshop, created = _event(
        "workshop-approximation-theory",
        title="Workshop on approximation theory for neural networks (demo)",
        kind=K.WORKSHOP,
        start=_at(upcoming_day, 9),
        end=_at(upcoming_day + timedelta(days=1), 17),
        venue_name="University of Bonn (demo venue)",
        address="Bonn",
        registration_url="https://registration.example.org/spp2298-workshop",
        registration_deadline=_at(upcoming_day - timedelta(days=14), 23, 59),
        summary="Two days on expressivity and approximation rates.",
        description="A demo workshop. The programme will follow.",
        publish_at=_at(today - timedelta(days=10), 9),
        **published,
    )
    school_day = today + timedelta(days=100)
    _event(
        "winter-school-2027",
        title="Winter school on the mathematics of deep learning (demo)",
        kind=K.SCHOOL,
        start=_at(school_day, 0),
        end=_at(school_day + timedelta(days=4), 23, 59),
        all_day=True,
        venue_name="TU Dresden (demo venue)",
        address="Dresden",
        summary="A week of lectures for doctoral students (demo).",
        description="Lecture courses on approximation, optimisation and generalisation, with exercise sessions.",
        cover="Winter school",
        publish_at=_at(today - timedelta(days=5), 9),
        **published,
    )
    ny_day = today + timedelta(days=60)
    ny = ZoneInfo("America/New_York")
    _event(
        "session-at-us-conference",
        title="SPP 2298 session at a conference in New York (demo)",
        kind=K.OTHER,
        start=_at(ny_day, 10, 0, ny),
        end=_at(ny_day, 12, 0, ny),
        timezone="America/New_York",
        venue_name="Conference centre (demo)",
        address="New York, NY, USA",
        summary="Members of the program present at a US conference (demo; times are New York time).",
        description="A demo event abroad: its times are shown in the event's own time zone.",
        publish_at=_at(today - timedelta(days=5), 9),
        **published,
    )
    _event(
        "colloquium-cancelled",
        title="Colloquium on robustness (demo, cancelled)",
        kind=K.COLLOQUIUM,
        start=_at(today + timedelta(days=20), 16),
        end=_at(today + timedelta(days=20), 18),
        venue_name="TU Berlin (demo venue)",
        summary="This demo colloquium was cancelled.",
        status=Event.Status.CANCELLED,
        publish_at=_at(today - timedelta(days=30), 9),
    )
    _event(
        "annual-meeting-2027",
        title="Annual meeting 2027 (draft)",
        kind=K.ANNUAL_MEETING,
        start=_at(today + timedelta(days=200), 13),
        end=_at(today + timedelta(days=202), 13),
        summary="Draft: not public yet.",
        status=Event.Status.DRAFT,
        publish_at=_at(today, 9),
    )
    log(f"events: {Event.objects.count()} events, {SlideDeck.objects.count()} slide decks")
    return {
        "sessions": sessions,
        "meetings": [first_meeting, meeting_2023],
        "info_2023": info_2023,
        "workshop": workshop,
    }
