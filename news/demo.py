"""Demo news based on public facts about SPP 2298, each with a picture generated at seed time."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from spp_site.demo_media import cover_image
from spp_site.publishing import Status

from .models import NewsItem

BERLIN = ZoneInfo("Europe/Berlin")
C = NewsItem.Category


def _at(day, hh=10):
    return datetime.combine(day, time(hh), tzinfo=BERLIN)


def seed(log, events):
    today = timezone.localdate()
    posts = [
        {
            "slug": "first-annual-meeting-report",
            "title": "Report: the program's first annual meeting",
            "category": C.MEETING_REPORT,
            "publish_at": _at(date(2022, 10, 5)),
            "teaser": "For the first time, all projects of SPP 2298 met in person. A look back at talks, posters and discussions.",
            "body": """For the first time since the program started, its researchers met in person.
Every project presented its questions and first results, and the early-career researchers
showed their work in a poster session.

## Highlights

- Talks from all three research perspectives
- A keynote on generalisation
- A discussion of open problems, from expressivity to inverse problems

The slides of several talks are available on the [event page](/events/first-annual-meeting/).

*This report is demo content.*""",
            "events": [events["meetings"][0]],
            "label": "First annual meeting",
        },
        {
            "slug": "phase-2-call-published",
            "title": "Call for the second funding period published",
            "category": C.CALL,
            "publish_at": _at(date(2023, 6, 23)),
            "teaser": "The DFG has published the call for the second and last funding period of SPP 2298 (Information for Researchers No. 53).",
            "body": """The DFG has announced the call for proposals for the **second and last funding
period** of the program in its *Information for Researchers* No. 53 of 23 June 2023.

An online information session on **18 October 2023** explains the call and the submission;
see the [Apply](/apply/) page for details and the slides.""",
            "events": [events["info_2023"]],
            "label": "Call: second funding period",
        },
        {
            "slug": "information-session-phase-2",
            "title": "Information session on the second funding phase: slides online",
            "category": C.ANNOUNCEMENT,
            "publish_at": _at(date(2023, 10, 19)),
            "teaser": "The slides of the information session of 18 October 2023 are now available for download.",
            "body": """Thank you to everyone who joined the information session on 18 October 2023.
The slides are available on the [event page](/events/information-session-phase-2/).""",
            "events": [events["info_2023"]],
            "label": "Information session",
        },
        {
            "slug": "annual-meeting-2023-report",
            "title": "Report: annual meeting 2023 at Lake Starnberg",
            "category": C.MEETING_REPORT,
            "publish_at": _at(date(2023, 10, 4)),
            "teaser": "Three days at Lake Starnberg: talks from all perspectives, posters, and plans for the second funding period.",
            "body": """The annual meeting 2023 brought the program together at **Lake Starnberg** in
Bavaria. Besides talks from all three research perspectives, the meeting discussed the plans for
the second funding period.

| Day | Focus |
|---|---|
| 1 | Keynote and talks |
| 2 | Posters and planning |
| 3 | Wrap-up |

*This report is demo content.*""",
            "events": [events["meetings"][1]],
            "label": "Annual meeting 2023",
            "featured": False,
        },
        {
            "slug": "best-thesis-award-2024",
            "title": "Best Thesis Award 2024: applications open",
            "category": C.AWARD,
            "publish_at": _at(date(2024, 6, 7)),
            "teaser": "The program awards outstanding doctoral and master's theses on the theory of deep learning. Applications open on 7 June 2024.",
            "body": """Applications for the **Best Thesis Award 2024** of SPP 2298 opened on 7 June 2024.
The award recognises outstanding theses on the theoretical foundations of deep learning.

*Details of the award in this post are demo content.*""",
            "expires_on": date(2024, 9, 30),
            "label": "Best Thesis Award 2024",
        },
        {
            "slug": "doctoral-position-demo",
            "title": "Open position: doctoral researcher in the mathematics of deep learning (demo)",
            "category": C.JOB,
            "publish_at": _at(today - timedelta(days=12)),
            "teaser": "A demo job opening: a doctoral position in one of the program's projects.",
            "body": """A **doctoral position** (demo) is open in a project of the program.

We look for candidates with a master's degree in mathematics or a related field. Familiarity
with $L^p$ spaces and probability theory is expected; programming experience is a plus.""",
            "expires_on": today + timedelta(days=45),
            "label": "Open position",
            "featured": True,
        },
        {
            "slug": "postdoc-position-closed-demo",
            "title": "Open position: postdoctoral researcher (demo, closed)",
            "category": C.JOB,
            "publish_at": _at(date(2024, 1, 15)),
            "teaser": "A demo job opening whose application period has ended.",
            "body": "This demo position is closed. It shows how closed openings are listed.",
            "expires_on": date(2024, 2, 29),
            "label": "",
        },
    ]
    for index, post in enumerate(posts):
        if NewsItem.objects.filter(slug=post["slug"]).exists():
            continue
        related = post.pop("events", [])
        label = post.pop("label")
        item = NewsItem(status=Status.PUBLISHED, **post)
        if label:
            item.cover_image = SimpleUploadedFile(
                f"{item.slug}.jpg", cover_image(item.slug, label, palette_index=index)
            )
            item.cover_alt = f"Abstract drawing of a neural network with the caption “{label}”"
        item.save()
        item.related_events.set(related)
    if not NewsItem.objects.filter(slug="scheduled-announcement-demo").exists():
        NewsItem.objects.create(
            slug="scheduled-announcement-demo",
            title="Programme of the winter school announced (scheduled demo)",
            category=C.ANNOUNCEMENT,
            status=Status.PUBLISHED,
            publish_at=_at(today + timedelta(days=7)),
            teaser="A scheduled post: it becomes public by itself when its time comes.",
            body="This post was scheduled in advance and published automatically.",
        )
    log(f"news: {NewsItem.objects.count()} items")
