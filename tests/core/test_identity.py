"""The site's identity, as editors set it in the site settings: the logo (header, link previews,
structured data), the funders and partners in the footer, the home page picture, and the
self-hosted typeface."""

import json
import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.core.files.uploadedfile import SimpleUploadedFile
from lxml import html

from spp_site.demo_media import hero_picture, logo_mark, partner_mark
from spp_site.models import Partner, SiteSettings
from tests.conftest import picture
from tests.forms import form_fields

pytestmark = pytest.mark.django_db

BASE = "http://testserver"
FONT = "fonts/source-sans-3-latin-wght-normal.woff2"


def page(client, url="/"):
    response = client.get(url)
    assert response.status_code == 200, url
    return html.fromstring(response.content)


def meta(document, key):
    found = document.xpath(f'//meta[@property="{key}" or @name="{key}"]/@content')
    return found[0] if found else None


def square_logo():
    return SimpleUploadedFile("logo.png", logo_mark(800), content_type="image/png")


@pytest.fixture
def site():
    site = SiteSettings.load()
    site.short_name = "SPP 2298"
    site.save()
    return site


# --- logo -------------------------------------------------------------------------------------------


def test_without_a_logo_the_header_shows_the_text_mark_and_no_preview_image(client, site):
    document = page(client)
    assert document.xpath('//a[@class="brand"]//span[@class="brand-mark"]/text()') == ["SPP"]
    assert not document.xpath('//a[@class="brand"]//img')
    assert meta(document, "og:image") is None
    assert meta(document, "twitter:card") == "summary"


def test_the_logo_replaces_the_text_mark_in_the_header(client, site):
    site.logo = square_logo()
    site.save()
    document = page(client)
    (img,) = document.xpath('//a[@class="brand"]//img')
    assert img.get("src").startswith("/media/site/") and img.get("alt") == ""  # the link's text names it
    assert not document.xpath('//span[@class="brand-mark"]')


def test_a_page_without_a_picture_of_its_own_shares_a_rendition_of_the_logo(client, site):
    site.logo = square_logo()
    site.logo_alt = "SPP 2298 logo"
    site.save()
    document = page(client)
    stem = site.logo.name.removesuffix(".webp")
    assert meta(document, "og:image") == f"{BASE}/media/{stem}.w640.webp"
    assert (meta(document, "og:image:width"), meta(document, "og:image:height")) == ("640", "640")
    assert meta(document, "og:image:alt") == "SPP 2298 logo"
    assert meta(document, "twitter:image") == f"{BASE}/media/{stem}.w640.webp"
    assert meta(document, "twitter:card") == "summary"


def test_a_page_with_its_own_picture_shares_that_one(client, site):
    from tests.news.factories import NewsItemFactory

    site.logo = square_logo()
    site.save()
    item = NewsItemFactory(cover_image=picture("red", "cover.png"), cover_alt="Red")
    document = page(client, item.get_absolute_url())
    assert meta(document, "og:image") == f"{BASE}/media/{item.cover_image.name}"
    assert meta(document, "twitter:card") == "summary_large_image"


def test_the_structured_data_names_the_logos_rendition(client, site):
    site.logo = square_logo()
    site.save()
    (script,) = page(client).xpath('//script[@type="application/ld+json"]/text()')
    stem = site.logo.name.removesuffix(".webp")
    assert json.loads(script)["logo"] == f"{BASE}/media/{stem}.w640.webp"


# --- funders and partners ---------------------------------------------------------------------------


def test_the_footer_shows_the_partners_in_their_order_with_links_named_by_their_logos(client, site):
    Partner.objects.create(
        order=2, role=Partner.Role.COORDINATED_AT, name="LMU Munich", url="https://www.lmu.de/"
    )
    Partner.objects.create(
        order=1,
        role=Partner.Role.FUNDED_BY,
        name="Deutsche Forschungsgemeinschaft (DFG)",
        url="https://www.dfg.de/",
        logo=SimpleUploadedFile("dfg.png", partner_mark("DFG", "Demo mark")),
    )
    document = page(client)
    items = document.xpath('//footer//section[@aria-labelledby="footer-partners"]//li')
    assert [item.xpath('string(.//span[@class="partner-role"])') for item in items] == [
        "Funded by",
        "Coordinated at",
    ]
    funder, university = (item.xpath(".//a")[0] for item in items)
    assert funder.get("href") == "https://www.dfg.de/"
    (logo,) = funder.xpath(".//img")
    assert logo.get("alt") == "Deutsche Forschungsgemeinschaft (DFG)" and logo.get("src").startswith(
        "/media/partners/"
    )
    assert funder.text_content().strip() == ""  # the image's alt text is the link's name
    # A partner without a logo: its name, as the link's text.
    assert university.get("href") == "https://www.lmu.de/" and not university.xpath(".//img")
    assert university.text_content().strip() == "LMU Munich"


def test_a_partner_without_a_web_address_is_shown_without_a_link(client, site):
    Partner.objects.create(name="Demo Foundation", role=Partner.Role.SUPPORTED_BY)
    (item,) = page(client).xpath('//section[@aria-labelledby="footer-partners"]//li')
    assert not item.xpath(".//a") and "Demo Foundation" in item.text_content()


def test_without_partners_the_footer_has_no_partner_row(client, site):
    assert not page(client).xpath('//*[@aria-labelledby="footer-partners"]')


def test_the_role_line_is_in_the_visitors_language(client, site):
    Partner.objects.create(name="Deutsche Forschungsgemeinschaft (DFG)", role=Partner.Role.FUNDED_BY)
    document = page(client, "/de/")
    assert document.xpath('string(//span[@class="partner-role"])') == "Gefördert von"


def test_a_change_of_the_partners_shows_at_once_on_cached_pages(client, site):
    client.get("/")  # the page and the site's chrome are cached now
    Partner.objects.create(name="Demo Foundation", role=Partner.Role.SUPPORTED_BY)
    assert "Demo Foundation" in client.get("/").content.decode()


# --- home page picture ------------------------------------------------------------------------------


def test_without_a_picture_the_home_page_has_no_figure(client, site):
    assert not page(client).xpath('//figure[@class="hero-figure"]')


def test_the_home_page_picture_is_responsive_eager_and_credited(client, site):
    site.hero_image = SimpleUploadedFile("home.jpg", hero_picture())
    site.hero_alt = "An abstract network drawing"
    site.hero_credit = "Illustration: SPP 2298"
    site.save()
    (figure,) = page(client).xpath('//figure[@class="hero-figure"]')
    (img,) = figure.xpath(".//img")
    assert (img.get("width"), img.get("height")) == ("1600", "560")  # stored at most 1600 wide
    assert img.get("alt") == "An abstract network drawing"
    assert img.get("loading") == "eager" and img.get("fetchpriority") == "high"
    widths = [int(candidate.split()[1].rstrip("w")) for candidate in img.get("srcset").split(", ")]
    assert widths == [320, 640, 960, 1280, 1600]
    assert img.get("src").endswith(".w1280.webp")  # a rendition, not the original, without srcset
    assert figure.xpath("string(.//figcaption)") == "Illustration: SPP 2298"


def test_the_home_page_picture_needs_a_description(site_admin, client, site):
    client.force_login(site_admin)
    url = "/admin/spp_site/sitesettings/1/change/"
    data = form_fields(client.get(url).content.decode(), "sitesettings_form")
    data["hero_image"] = SimpleUploadedFile("home.jpg", hero_picture())
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Describe the home page picture" in response.content.decode()
    assert not SiteSettings.load().hero_image


# --- the admin --------------------------------------------------------------------------------------


def test_a_site_administrator_adds_and_reorders_partners_on_the_site_settings_page(site_admin, client, site):
    client.force_login(site_admin)
    url = "/admin/spp_site/sitesettings/1/change/"
    data = form_fields(client.get(url).content.decode(), "sitesettings_form")
    prefix = "partners"
    data.update(
        {
            f"{prefix}-TOTAL_FORMS": ["2"],
            f"{prefix}-0-order": ["2"],
            f"{prefix}-0-role": ["coordinated_at"],
            f"{prefix}-0-name": ["LMU Munich"],
            f"{prefix}-0-url": ["https://www.lmu.de/"],
            f"{prefix}-1-order": ["1"],
            f"{prefix}-1-role": ["funded_by"],
            f"{prefix}-1-name": ["Deutsche Forschungsgemeinschaft (DFG)"],
            f"{prefix}-1-url": ["https://www.dfg.de/"],
            f"{prefix}-1-logo": SimpleUploadedFile("dfg.png", partner_mark("DFG", "Demo mark")),
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert [(p.name, p.role, bool(p.logo)) for p in Partner.objects.all()] == [
        ("Deutsche Forschungsgemeinschaft (DFG)", "funded_by", True),
        ("LMU Munich", "coordinated_at", False),
    ]
    # Renumbered: the order follows.
    data = form_fields(client.get(url).content.decode(), "sitesettings_form")
    first, second = data[f"{prefix}-0-id"][0], data[f"{prefix}-1-id"][0]
    data.update({f"{prefix}-0-order": ["5"], f"{prefix}-1-order": ["1"]})
    assert client.post(url, data).status_code == 302
    assert [str(p.pk) for p in Partner.objects.all()] == [second, first]


def test_editors_cannot_change_the_partners(editor, client):
    client.force_login(editor)
    assert not editor.has_perm("spp_site.change_partner")
    assert client.get("/admin/spp_site/sitesettings/1/change/").status_code == 403


# --- typeface ---------------------------------------------------------------------------------------


def test_the_typeface_is_served_from_the_sites_own_static_files_with_its_licence(client, site):
    assert finders.find(FONT) and finders.find("fonts/source-sans-3-OFL.txt")
    document = page(client)
    (preload,) = document.xpath('//link[@rel="preload"][@as="font"]')
    assert preload.get("href") == f"/static/{FONT}"
    assert preload.get("type") == "font/woff2" and preload.get("crossorigin") is not None
    fetched = document.xpath(
        '//link[@rel="stylesheet" or @rel="preload" or @rel="icon"]/@href | //script/@src'
    )
    assert fetched and all(url.startswith("/static/") for url in fetched), fetched


def test_every_font_face_swaps_and_points_at_a_static_file():
    css = Path(finders.find("css/site.css")).read_text(encoding="utf-8")
    faces = re.findall(r"@font-face\s*{([^}]*)}", css)
    web_fonts = [face for face in faces if "url(" in face]
    assert len(web_fonts) == 2
    for face in web_fonts:
        assert "font-display: swap" in face and "unicode-range" in face
        (url,) = re.findall(r'url\("\.\./(fonts/[^"]+\.woff2)"\)', face)
        assert finders.find(url), url
    assert "//" not in "".join(re.findall(r"url\(([^)]*)\)", css))  # nothing from another host
