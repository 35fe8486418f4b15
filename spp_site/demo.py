"""Demo content of the site itself: the editors' pages (About, Imprint, Privacy, …) and the site
settings with a logo, a home page picture and the funder and coordinating university in the footer
(neutral marks drawn by spp_site.demo_media, never the organisations' real logos). Idempotent like
the apps' demo modules: what exists is left as it is."""

from datetime import datetime
from zoneinfo import ZoneInfo

from django.core.files.uploadedfile import SimpleUploadedFile

from .demo_media import hero_picture, logo_mark, partner_mark
from .models import Page, Partner, SiteSettings
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
videos from other hosts. It sets no cookies for visitors, except one that remembers the language
chosen with the language switch (English or German); only editors who sign in to the
administration get a session cookie.

Slide downloads are counted per file, without cookies and without storing IP addresses or
any other personal data.

*Demo content: the full privacy statement of the operating institution goes here.*""",
    ),
]


# The German versions (title, summary, body) of the pages that must exist in both languages.
GERMAN = {
    "about": (
        "Über das Programm",
        "Was das SPP 2298 ist, wer es fördert und wie es organisiert ist.",
        """Das DFG-Schwerpunktprogramm SPP 2298 **Theoretische Grundlagen von Deep Learning** wurde im
Mai 2020 vom Senat der Deutschen Forschungsgemeinschaft (DFG) für sechs Jahre eingerichtet,
gefördert in zwei Förderphasen von je drei Jahren. Es wird seit 2021 gefördert und an der LMU München
koordiniert.

## Ziel

Deep Learning funktioniert bemerkenswert gut, doch eine mathematische Erklärung dafür fehlt
weitgehend. Das Programm arbeitet an einer umfassenden theoretischen Grundlage des Deep Learning,
aus drei einander ergänzenden [Forschungsperspektiven](/de/research/).

## Beteiligte Mathematik

Algebraische Geometrie, Analysis, Stochastik, Approximationstheorie, Differentialgeometrie, diskrete
Mathematik, Funktionalanalysis, optimale Steuerung, Optimierung und Topologie, zusammen mit
Statistik und theoretischer Informatik.

## Förderung

| Förderphase | DFG-Projektnummer |
|---|---|
| Erste Förderphase | 441826958 |
| Zweite Förderphase (SPP 2298-2) | 543917411 |
""",
    ),
    "imprint": (
        "Impressum",
        "Angaben zum Anbieter dieser Website.",
        """*Demo-Inhalt.* Hier steht das Impressum des Betreibers der Website: die verantwortliche
Einrichtung, ihre Anschrift, ihre gesetzliche Vertretung und die inhaltlich verantwortliche Person
(§ 5 DDG, § 18 MStV).""",
    ),
    "privacy": (
        "Datenschutzerklärung",
        "Wie diese Website mit personenbezogenen Daten umgeht.",
        """Diese Website lädt nichts von Dritten: keine Webfonts, keine Statistikdienste, keine Karten
oder Videos anderer Anbieter. Sie setzt für Besucherinnen und Besucher keine Cookies, außer einem,
das die mit dem Sprachumschalter gewählte Sprache (Englisch oder Deutsch) speichert; nur wer sich in
der Verwaltung anmeldet, erhält ein Sitzungs-Cookie.

Downloads von Folien werden je Datei gezählt, ohne Cookies und ohne IP-Adressen oder andere
personenbezogene Daten zu speichern.

*Demo-Inhalt: Hier steht die vollständige Datenschutzerklärung der betreibenden Einrichtung.*""",
    ),
}


def seed(log, coordinating_institution=None):
    for title, slug, menu, footer, order, summary, body in PAGES:
        title_de, summary_de, body_de = GERMAN.get(slug, ("", "", ""))
        Page.objects.get_or_create(
            slug=slug,
            defaults={
                "title": title,
                "summary": summary,
                "body": body,
                "title_de": title_de,
                "summary_de": summary_de,
                "body_de": body_de,
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
    site = SiteSettings.load()
    missing = not site.logo or not site.hero_image
    if not site.logo:
        site.logo = SimpleUploadedFile("logo.png", logo_mark())
        site.logo_alt = "SPP 2298 logo: a small neural network"
    if not site.hero_image:
        site.hero_image = SimpleUploadedFile("home.jpg", hero_picture())
        site.hero_alt = (
            "An abstract drawing: points joined in layers like a neural network, crossed by a wave."
        )
        site.hero_credit = "Illustration: SPP 2298"
    if missing:  # a second run changes nothing (and writes no history)
        site.save()
    if not Partner.objects.exists():
        for order, (role, name, url, initials, palette) in enumerate(PARTNERS, start=1):
            Partner.objects.create(
                site=site,
                order=order,
                role=role,
                name=name,
                url=url,
                logo=SimpleUploadedFile(
                    f"{initials.lower()}.png", partner_mark(initials, "Demo mark", palette)
                ),
            )
    log(f"site: {Page.objects.count()} pages, site settings with logo, home page picture and partners")


# role, name, web address, initials on the neutral demo mark, its palette (spp_site.demo_media)
PARTNERS = [
    (Partner.Role.FUNDED_BY, "Deutsche Forschungsgemeinschaft (DFG)", "https://www.dfg.de/", "DFG", 0),
    (Partner.Role.COORDINATED_AT, "LMU Munich", "https://www.lmu.de/", "LMU", 1),
]
