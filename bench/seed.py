"""The benchmark's data set: the demo content (`manage.py seed_demo`), then generated rows up to
COUNTS, all published, with Markdown bodies of a few paragraphs, mathematics and lists (rendering
them is part of what a page costs). One event has TALKS agenda talks with a slide deck each, and
another event has a photo-heavy deck of about BIG_DECK_BYTES for the download measurement.

Decks go through the admin's bulk-upload path (`events.services.create_decks`): checked in a child
process, disarmed, stored under their hash, with a first-page picture and a page count.

Idempotent: generated rows have fixed slugs and are only added up to the counts, so a second run
on the same database adds nothing. `bench/run.py` starts every run from an empty database anyway.

    DATABASE_URL=... MEDIA_ROOT=... python manage.py shell -c "from bench.seed import seed; seed()"
"""

import io
import random
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from events.models import AgendaItem, Event, SlideDeck
from events.services import create_decks
from news.models import NewsItem
from programs.models import (
    FundingPhase,
    Institution,
    Person,
    PersonRole,
    Project,
    ProjectMembership,
    ResearchPerspective,
    Role,
)
from spp_site.demo_media import cover_image, portrait, slides_pdf
from spp_site.publishing import Status

# Rows in the database after seeding (the demo content counts towards them).
COUNTS = {"news": 200, "events": 60, "projects": 60, "people": 150}
TALKS = 20  # agenda talks of TALK_EVENT, each with its slide deck
TALK_EVENT = "annual-meeting-2024"
BIG_DECK_EVENT = "summer-school-2025"
BIG_DECK_BYTES = 1_000_000
BIG_DECK_SLUG = "summer-school-2025-lecture-notes-with-figures"

BERLIN = ZoneInfo("Europe/Berlin")

# --- generated text -----------------------------------------------------------------------------

TOPICS = [
    "approximation rates", "implicit regularisation", "benign overfitting", "neural tangent kernels",
    "mean-field limits", "loss landscapes", "adversarial robustness", "certified defences",
    "learned regularisers", "operator learning", "physics-informed networks", "graph neural networks",
    "sparse networks", "quantised networks", "algorithmic stability", "PAC-Bayes bounds",
    "interpretability", "fairness constraints", "differential privacy", "optimal transport",
    "score-based generative models", "transformers", "equivariant networks", "inverse scattering",
    "uncertainty quantification", "deep equilibrium models", "tropical geometry of ReLU networks",
    "training dynamics", "scaling laws", "low-rank adaptation",
]  # fmt: skip
SETTINGS = [
    "for parabolic equations", "in tomography", "on manifolds", "for time series", "in high dimensions",
    "under distribution shift", "with few labels", "for kernel methods", "for residual networks",
    "in the overparameterised regime", "for recurrent networks", "with noisy labels",
]  # fmt: skip
SENTENCES = [
    "We study how the depth of a network affects the rate at which it approximates smooth functions.",
    "Our analysis combines tools from approximation theory with estimates from empirical process theory.",
    "Gradient descent started from a small initialisation finds solutions of low complexity.",
    "The bounds hold uniformly over the class and do not depend on the number of parameters.",
    "Numerical experiments on benchmark problems confirm the predicted rates.",
    "The construction is explicit, so the constants can be computed for concrete architectures.",
    "We show that the same mechanism explains the behaviour of wide and of deep networks.",
    "Stability under perturbations of the data is the key property behind generalisation here.",
    "The results extend to convolutional architectures with weight sharing.",
    "A lower bound shows that the rate cannot be improved in general.",
    "Our method certifies robustness for every input in a ball around the training data.",
    "The reconstruction is stable with respect to noise in the measurements.",
    "We compare the learned method with classical variational regularisation.",
    "The talk presents joint work of two projects of the program.",
    "Open questions concern the role of the optimiser and of the data distribution.",
]  # fmt: skip
FORMULAS = [
    r"\|f - f_\theta\|_{L^2(\mu)} \le C\, n^{-\alpha/d}",
    r"\mathcal{L}(\theta) = \frac{1}{n}\sum_{i=1}^n \ell(f_\theta(x_i), y_i)",
    r"\theta_{k+1} = \theta_k - \eta \nabla \mathcal{L}(\theta_k)",
    r"-\Delta u = f \text{ in } \Omega",
    r"\mathbb{E}[\mathcal{R}(\hat f)] - \mathcal{R}^* \le \sqrt{\frac{\log(1/\delta)}{n}}",
    r"y = A x + \varepsilon",
    r"\sigma(x) = \max(0, x)",
    r"K(x, x') = \langle \nabla_\theta f(x), \nabla_\theta f(x') \rangle",
]
SURNAMES = [
    "Adler", "Baumann", "Becker", "Berger", "Böhm", "Brenner", "Busch", "Dorn", "Eckert", "Ernst",
    "Falk", "Frank", "Fuchs", "Gerlach", "Götz", "Haas", "Hahn", "Heinrich", "Herrmann", "Hoffmann",
    "Huber", "Jäger", "Kaiser", "Klein", "Koch", "Krause", "Krüger", "Kuhn", "Lang", "Lehmann",
    "Ludwig", "Mayer", "Möller", "Nowak", "Pohl", "Rau", "Reuter", "Roth", "Sauer", "Schmid",
    "Schreiber", "Schwarz", "Seidel", "Sommer", "Stein", "Strauß", "Voigt", "Wagner", "Walter", "Winkler",
    "Wolf", "Wolff", "Ziegler", "Zimmermann",
]  # fmt: skip


def _sentences(rng, count):
    return " ".join(rng.choice(SENTENCES) for _ in range(count))


def markdown_body(rng, paragraphs=4):
    """A few paragraphs with inline and display mathematics, a list and sometimes a table."""
    parts = []
    for index in range(paragraphs):
        text = _sentences(rng, rng.randint(2, 4))
        if index % 2 == 0:
            text += f" In short, ${rng.choice(FORMULAS)}$ for the networks considered."
        parts.append(text)
        if index == 1:
            parts.append(f"## {rng.choice(TOPICS).capitalize()}")
            parts.append("\n".join(f"- **{rng.choice(TOPICS)}** {rng.choice(SETTINGS)}" for _ in range(3)))
        if index == 2:
            parts.append(f"$$\n{rng.choice(FORMULAS)}\n$$")
    if rng.random() < 0.3:
        rows = "\n".join(f"| {year} | {rng.randint(2, 9)} |" for year in range(2021, 2025))
        parts.append(f"| Year | Talks |\n|---|---|\n{rows}")
    parts.append("*Generated content for the benchmark.*")
    return "\n\n".join(parts)


def _at(day: date, hh: int, mm: int = 0):
    return datetime.combine(day, time(hh, mm), tzinfo=BERLIN)


def _jpeg_upload(name, data):
    return SimpleUploadedFile(name, data, content_type="image/jpeg")


# --- rows -----------------------------------------------------------------------------------------


def seed_people(rng, log):
    institutions = list(Institution.objects.order_by("pk"))
    index = 0
    while Person.objects.count() < COUNTS["people"]:
        index += 1
        last = f"{SURNAMES[index % len(SURNAMES)]}-{SURNAMES[(index * 7 + 3) % len(SURNAMES)]}"
        slug = f"demo-{slugify(last)}-{index}"
        if Person.objects.filter(slug=slug).exists():
            continue
        person = Person(
            title=rng.choice(["Dr.", "Prof. Dr.", "", ""]),
            first_name="Demo",
            last_name=last,
            slug=slug,
            affiliation=institutions[index % len(institutions)],
            bio=markdown_body(rng, paragraphs=2),
        )
        if index % 3:  # two in three have a portrait
            person.photo = _jpeg_upload(f"{slug}.jpg", portrait(f"D{last[0]}", slug))
        person.save()
        role = Role.PRINCIPAL_INVESTIGATOR if index % 4 == 0 else Role.RESEARCHER
        PersonRole.objects.get_or_create(person=person, role=role)
    log(f"bench: {Person.objects.count()} people")


def seed_projects(rng, log):
    perspectives = list(ResearchPerspective.objects.order_by("number"))
    phases = list(FundingPhase.objects.order_by("number"))
    people = list(Person.objects.filter(slug__startswith="demo-").order_by("pk"))
    index = 0
    while Project.objects.count() < COUNTS["projects"]:
        index += 1
        title = f"{TOPICS[index % len(TOPICS)].capitalize()} {SETTINGS[index % len(SETTINGS)]} (demo {index})"
        slug = slugify(title)[:120]
        if Project.objects.filter(slug=slug).exists():
            continue
        project = Project.objects.create(title=title, slug=slug, abstract=markdown_body(rng))
        project.perspectives.set(rng.sample(perspectives, rng.randint(1, 2)))
        project.phases.set(phases if index % 3 else phases[1:])
        members = rng.sample(people, 4)
        for order, person in enumerate(members):
            role = (
                ProjectMembership.Role.PRINCIPAL_INVESTIGATOR
                if order < 2
                else ProjectMembership.Role.RESEARCHER
            )
            ProjectMembership.objects.create(project=project, person=person, role=role, order=order)
        project.institutions.set({p.affiliation for p in members[:2] if p.affiliation})
    log(f"bench: {Project.objects.count()} projects")


def seed_events(rng, log):
    kinds = [k for k in Event.Kind.values if k != Event.Kind.ANNUAL_MEETING]
    projects = list(Project.objects.order_by("pk"))
    today = timezone.localdate()
    index = 0
    while Event.objects.count() < COUNTS["events"] - 2:  # two more below: the talk and the deck events
        index += 1
        topic = TOPICS[index % len(TOPICS)]
        kind = kinds[index % len(kinds)]
        slug = f"{slugify(topic)}-{kind.replace('_', '-')}-{index}"
        if Event.objects.filter(slug=slug).exists():
            continue
        # Mostly past events spread over the program's years, a few upcoming.
        day = today + timedelta(days=20 * (index % 6) + 10) if index % 10 == 0 else date(2021, 3, 1)
        if index % 10:
            day += timedelta(days=(index * 37) % 1500)
            day = min(day, today - timedelta(days=3))
        event = Event.objects.create(
            title=f"{Event.Kind(kind).label}: {topic} (demo)",
            slug=slug,
            kind=kind,
            status=Event.Status.PUBLISHED,
            start=_at(day, 10),
            end=_at(day, 17) + timedelta(days=index % 2),
            venue_name=f"{Institution.objects.order_by('pk')[index % 20].label} (demo venue)",
            summary=f"A demo {Event.Kind(kind).label.lower()} on {topic}.",
            description=markdown_body(rng, paragraphs=3),
            publish_at=_at(day - timedelta(days=60), 9),
        )
        event.projects.set(rng.sample(projects, 2))
        for slot in range(2):
            AgendaItem.objects.create(
                event=event,
                start=_at(day, 10 + 2 * slot),
                end=_at(day, 11 + 2 * slot),
                title=f"{TOPICS[(index + slot) % len(TOPICS)].capitalize()} {rng.choice(SETTINGS)}",
                abstract=_sentences(rng, 3),
            )
    seed_talk_event(rng, log)
    seed_big_deck(log)
    log(f"bench: {Event.objects.count()} events, {SlideDeck.objects.count()} slide decks")


def _upload_decks(event, files):
    """The admin's bulk upload (a few files per call: the checks of one call share a time limit)."""
    decks = []
    for start in range(0, len(files), 5):
        result = create_decks(event, files[start : start + 5])
        if result.refused:
            raise RuntimeError(f"bench decks refused: {result.refused}")
        decks += result.created
    return decks


def seed_talk_event(rng, log):
    """TALK_EVENT: three days, TALKS talks with speakers and abstracts, one slide deck per talk."""
    if Event.objects.filter(slug=TALK_EVENT).exists():
        return
    first_day = date(2024, 9, 23)
    event = Event.objects.create(
        title="Annual meeting 2024 (demo)",
        slug=TALK_EVENT,
        kind=Event.Kind.ANNUAL_MEETING,
        status=Event.Status.PUBLISHED,
        start=_at(first_day, 9),
        end=_at(first_day + timedelta(days=2), 17),
        venue_name="Harnack House, Berlin (demo venue)",
        address="Ihnestraße 16–20\n14195 Berlin",
        summary=f"Three days, {TALKS} talks with slides, posters and discussions (demo).",
        description=markdown_body(rng, paragraphs=4),
        publish_at=_at(first_day - timedelta(days=120), 9),
    )
    people = list(Person.objects.filter(slug__startswith="demo-").order_by("pk"))
    talks, files = [], []
    for number in range(TALKS):
        day = first_day + timedelta(days=number // 7)
        begin = _at(day, 9) + timedelta(minutes=40 * (number % 7))
        topic = f"{TOPICS[number % len(TOPICS)].capitalize()} {SETTINGS[number % len(SETTINGS)]}"
        talk = AgendaItem.objects.create(
            event=event,
            start=begin,
            end=begin + timedelta(minutes=30),
            title=topic,
            kind=AgendaItem.Kind.KEYNOTE if number % 7 == 0 else AgendaItem.Kind.TALK,
            abstract=markdown_body(rng, paragraphs=1),
        )
        talk.speakers.set(rng.sample(people, 1 + number % 2))
        talks.append(talk)
        slides = [
            (heading, [_sentences(rng, 1), f"{rng.choice(TOPICS).capitalize()} {rng.choice(SETTINGS)}"])
            for heading in ("Question", "Setting", "Main result", "Proof idea", "Experiments", "Outlook")
        ]
        pdf = slides_pdf(topic, slides, f"{event.title} · {day:%d %B %Y}", palette_index=number)
        files.append(SimpleUploadedFile(f"{number + 1:02d}_{slugify(topic)}.pdf", pdf, "application/pdf"))
    decks = _upload_decks(event, files)
    for talk, deck in zip(talks, decks, strict=True):
        deck.agenda_item = talk
        deck.title = talk.title
        deck.save()
        deck.speakers.set(talk.speakers.all())
    log(f"bench: {event.title}: {len(talks)} talks, {len(decks)} decks")


def photo_pdf(target_bytes=BIG_DECK_BYTES, seed=2298):
    """A real PDF of about `target_bytes`: pages of lecture-note figures (JPEG pictures that do not
    compress much further), the size of a deck with photographs."""
    import pikepdf
    from PIL import Image

    rng = random.Random(seed)
    pdf = pikepdf.new()
    page = 0
    while True:
        page += 1
        picture = Image.open(io.BytesIO(cover_image(f"figure-{page}", f"Figure {page}", size=(1100, 825))))
        noise = Image.frombytes("RGB", picture.size, rng.randbytes(picture.size[0] * picture.size[1] * 3))
        picture = Image.blend(picture, noise, 0.18)
        jpeg = io.BytesIO()
        picture.save(jpeg, format="JPEG", quality=80)
        image = pikepdf.Stream(pdf, jpeg.getvalue())
        image.Type, image.Subtype = pikepdf.Name.XObject, pikepdf.Name.Image
        image.Width, image.Height = picture.size
        image.ColorSpace, image.BitsPerComponent = pikepdf.Name.DeviceRGB, 8
        image.Filter = pikepdf.Name.DCTDecode
        content = pikepdf.Stream(pdf, b"q 720 0 0 540 0 0 cm /Im0 Do Q")
        pdf.pages.append(
            pikepdf.Page(
                pikepdf.Dictionary(
                    Type=pikepdf.Name.Page,
                    MediaBox=[0, 0, 720, 540],
                    Contents=content,
                    Resources=pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=image)),
                )
            )
        )
        out = io.BytesIO()
        pdf.save(out)
        if out.tell() >= target_bytes:
            return out.getvalue()


def seed_big_deck(log):
    if Event.objects.filter(slug=BIG_DECK_EVENT).exists():
        return
    day = date(2025, 7, 14)
    event = Event.objects.create(
        title="Summer school 2025 (demo)",
        slug=BIG_DECK_EVENT,
        kind=Event.Kind.SCHOOL,
        status=Event.Status.PUBLISHED,
        start=_at(day, 9),
        end=_at(day + timedelta(days=4), 16),
        venue_name="University of Bonn (demo venue)",
        summary="A week of lecture courses; the lecture notes with all figures are below (demo).",
        description="Lecture courses on approximation, optimisation and generalisation (demo).",
        publish_at=_at(day - timedelta(days=90), 9),
    )
    upload = SimpleUploadedFile("Lecture notes with figures.pdf", photo_pdf(), "application/pdf")
    (deck,) = _upload_decks(event, [upload])
    if deck.slug != BIG_DECK_SLUG:
        deck.slug = BIG_DECK_SLUG
        deck.save()
    log(f"bench: {deck.title}: {deck.size} bytes, {deck.page_count} pages")


def seed_news(rng, log):
    categories = NewsItem.Category.values
    events = list(Event.objects.published().order_by("pk"))
    index = 0
    while NewsItem.objects.count() < COUNTS["news"]:
        index += 1
        topic = TOPICS[index % len(TOPICS)]
        slug = f"news-{slugify(topic)}-{index}"
        if NewsItem.objects.filter(slug=slug).exists():
            continue
        category = categories[index % len(categories)]
        published = _at(date(2021, 1, 10) + timedelta(days=(index * 11) % 1700), 10)
        item = NewsItem(
            title=f"{NewsItem.Category(category).label}: {topic} {SETTINGS[index % len(SETTINGS)]} (demo)",
            slug=slug,
            category=category,
            status=Status.PUBLISHED,
            publish_at=min(published, timezone.now() - timedelta(hours=1)),
            teaser=_sentences(rng, 2),
            body=markdown_body(rng, paragraphs=5),
            featured=index % 50 == 0,
        )
        if index % 4 == 0:  # one in four has a cover picture
            label = f"{topic.capitalize()} (demo)"
            item.cover_image = _jpeg_upload(
                f"{slug}.jpg", cover_image(slug, label, size=(1280, 720), palette_index=index)
            )
            item.cover_alt = f"Abstract drawing of a neural network with the caption “{label}”"
        item.save()
        if index % 3 == 0:
            item.related_events.set([events[index % len(events)]])
    log(f"bench: {NewsItem.objects.count()} news items")


def seed(log=print):
    call_command("seed_demo", stdout=io.StringIO())
    rng = random.Random(2298)
    with transaction.atomic():
        seed_people(rng, log)
        seed_projects(rng, log)
        seed_events(rng, log)
        seed_news(rng, log)


def bench_pages():
    """The pages `make bench` measures, in order: (name, path, kind), where kind says which target
    applies (bench/run.py): "list" pages, the "detail" of a news item, the TALK_EVENT "event"
    page, and the "download" of the big deck."""
    news = NewsItem.objects.published().filter(slug__startswith="news-").order_by("-publish_at").first()
    return [
        ("Home", "/", "list"),
        ("News list", reverse("news:list"), "list"),
        ("News detail", news.get_absolute_url(), "detail"),
        ("Events list", reverse("events:list"), "list"),
        (f"Event with {TALKS} talks", reverse("events:detail", args=[TALK_EVENT]), "event"),
        ("Projects", reverse("programs:project-list"), "list"),
        ("People", reverse("programs:person-list"), "list"),
        ("News RSS", reverse("news:feed-rss"), "list"),
        ("Events calendar", reverse("events:calendar"), "list"),
        ("Deck download (1 MB)", reverse("events:deck-download", args=[BIG_DECK_SLUG]), "download"),
    ]


def bench_facts():
    """What bench/run.py reports about the data set and the database, and the pages it measures."""
    from django.db import connection

    talk_event = Event.objects.get(slug=TALK_EVENT)
    return {
        "pages": bench_pages(),
        "counts": {
            "news items": NewsItem.objects.count(),
            "events": Event.objects.count(),
            "projects": Project.objects.count(),
            "people": Person.objects.count(),
            "slide decks": SlideDeck.objects.count(),
        },
        "talks": talk_event.agenda_items.count(),
        "talk_decks": talk_event.slide_decks.count(),
        "big_deck_bytes": SlideDeck.objects.get(slug=BIG_DECK_SLUG).size,
        "vendor": connection.vendor,
        "version": ".".join(map(str, connection.get_database_version())),
    }
