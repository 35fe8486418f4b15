"""Demo content of the site itself: the editors' pages (About, Imprint, Privacy, …) and the site
settings. Idempotent like the apps' demo modules: what exists is left as it is."""

from datetime import datetime
from zoneinfo import ZoneInfo

from .models import Page, SiteSettings
from .publishing import Status

PAGES_PUBLISHED = datetime(2021, 1, 1, tzinfo=ZoneInfo("Europe/Berlin"))

# title, slug, in the main menu, in the footer, order, summary, body
PAGES = [
    (
        "About the program",
        "about",
        True,
        False,
        1,
        "What SPP 2298 is, who funds it, and how it is organised.",
        """The DFG Priority Program SPP 2298 **Theoretical Foundations of Deep Learning** was established
by the Senate of the Deutsche Forschungsgemeinschaft (DFG) in May 2020 for six years, funded in two
periods of three years. It has been funded since 2021 and is coordinated at LMU Munich.

## Goal

Deep learning works remarkably well, yet a mathematical explanation of why it works is largely
missing. The program aims at a comprehensive theoretical foundation of deep learning, approached
from three complementary [research perspectives](/research/).

## Mathematics involved

Algebraic geometry, analysis, stochastics, approximation theory, differential geometry, discrete
mathematics, functional analysis, optimal control, optimisation and topology, together with
statistics and theoretical computer science.

## Funding

| Period | DFG project number |
|---|---|
| First funding period | 441826958 |
| Second funding period (SPP 2298-2) | 543917411 |
""",
    ),
    (
        "Equal opportunities",
        "equal-opportunities",
        True,
        True,
        2,
        "How the program supports equal opportunities and families.",
        """The program supports researchers with family responsibilities and promotes equal
opportunities at every career stage.

- Childcare during program meetings can be arranged on request.
- Travel funds can cover the additional costs of travelling with children.
- Early-career researchers can apply for funds for short research visits.

*This page is demo content; the coordination office will publish the actual measures.*""",
    ),
    (
        "Contact",
        "contact",
        False,
        True,
        10,
        "How to reach the coordination office.",
        """**Coordination office SPP 2298**
Department of Mathematics, LMU Munich

Please write to the coordination office's address shown in the footer.

*Demo content: the real contact details will be entered by the coordination office.*""",
    ),
    (
        "Imprint",
        "imprint",
        False,
        True,
        11,
        "Legal notice (Impressum).",
        """*Demo content.* The legal notice (Impressum) of the site operator goes here: the responsible
institution, its address, its legal representative and the person responsible for content
(§ 5 DDG, § 18 MStV).""",
    ),
    (
        "Privacy",
        "privacy",
        False,
        True,
        12,
        "How this site handles personal data.",
        """This site loads nothing from third parties: no web fonts, no analytics, no maps or
videos from other hosts. It sets no cookies for visitors; only editors who sign in to the
administration get a session cookie.

Slide downloads are counted per file, without cookies and without storing IP addresses or
any other personal data.

*Demo content: the full privacy statement of the operating institution goes here.*""",
    ),
]


def seed(log, coordinating_institution=None):
    for title, slug, menu, footer, order, summary, body in PAGES:
        Page.objects.get_or_create(
            slug=slug,
            defaults={
                "title": title,
                "summary": summary,
                "body": body,
                "show_in_menu": menu,
                "show_in_footer": footer,
                "order": order,
                "status": Status.PUBLISHED,
                "publish_at": PAGES_PUBLISHED,
            },
        )

    if not SiteSettings.objects.exists():
        SiteSettings.objects.create(
            program_name="Theoretical Foundations of Deep Learning",
            short_name="SPP 2298",
            tagline="A DFG Priority Program building a mathematical theory of deep learning from three perspectives.",
            dfg_number="441826958",
            contact_email="coordination@spp2298.example.org",
            coordinating_institution=coordinating_institution,
        )
    log(f"site: {Page.objects.count()} pages, site settings in place")
