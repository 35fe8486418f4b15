"""Issue 16, item 1 (identity) in Chromium, on the demo site: the self-hosted typeface is the one
the text is set in, the home page picture takes its room before it arrives (no layout shift), the
partners' row is readable in light and dark, and a phone needs no horizontal scrolling."""

from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import LOAD_EVERY_IMAGE

PHONE = {"width": 320, "height": 720}
WIDE = {"width": 1280, "height": 900}


def test_the_text_is_set_in_the_self_hosted_typeface(demo_site, page):
    fonts = []
    page.on("request", lambda request: fonts.append(request.url) if request.resource_type == "font" else None)
    page.goto(demo_site.url + "/")
    page.evaluate("document.fonts.ready")
    assert page.evaluate("document.fonts.check('1rem \"Source Sans 3\"')")
    loaded = page.evaluate(
        "[...document.fonts].filter(f => f.family.replaceAll('\"', '') === 'Source Sans 3'"
        " && f.status === 'loaded').length"
    )
    assert loaded >= 1
    assert page.evaluate("getComputedStyle(document.body).fontFamily").startswith('"Source Sans 3"')
    own = urlsplit(demo_site.url).netloc
    assert fonts and all(urlsplit(url).netloc == own and "/static/fonts/" in url for url in fonts), fonts


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("viewport", [PHONE, WIDE], ids=["320px", "1280px"])
def test_home_page_with_picture_and_partners_fits_the_screen(demo_site, browser, artifacts, scheme, viewport):
    context = browser.new_context(viewport=viewport, color_scheme=scheme)
    page = context.new_page()
    page.goto(demo_site.url + "/")
    figure = page.locator(".hero-figure img")
    # The picture's box is reserved from its width and height attributes, before any pixel arrives.
    box = figure.bounding_box()
    assert box["height"] == pytest.approx(box["width"] * 560 / 1600, abs=2)
    assert page.locator(".hero-figure figcaption").inner_text() == "Illustration: SPP 2298"
    marks = page.locator(".partners li")
    assert marks.count() == 2
    for i in range(2):
        assert marks.nth(i).bounding_box()["height"] > 0
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    # The footer's logos (lazy: loaded here at once, and waited for, every one).
    page.evaluate(LOAD_EVERY_IMAGE)
    assert page.evaluate(
        "[...document.querySelectorAll('.partner-logo')].every(img => img.complete && img.naturalWidth > 0)"
    )
    name = f"identity-{scheme}-{viewport['width']}"
    page.screenshot(path=str(artifacts / f"{name}-home.png"), full_page=True)
    page.locator(".site-footer").screenshot(path=str(artifacts / f"{name}-footer.png"))
    context.close()


def test_site_administrator_adds_a_partner_row_in_the_admin(live_server, site_admin, page, artifacts):
    from spp_site.models import Partner, SiteSettings
    from tests.browser.conftest import login
    from tests.browser.test_admin_accessibility import serious
    from tests.browser.test_quality import axe_violations

    SiteSettings.load().save()
    Partner.objects.create(order=1, name="Deutsche Forschungsgemeinschaft (DFG)", url="https://www.dfg.de/")
    login(page, live_server, "siteadmin", "admin-pass-123")
    page.goto(f"{live_server.url}/admin/spp_site/sitesettings/1/change/")
    page.click("#partners-group .add-row a")  # "Add another funder or partner" (the admin's JavaScript)
    row = page.locator("#partners-group .inline-related.dynamic-partners").last
    row.locator("input[name$='-order']").fill("2")
    row.locator("select[name$='-role']").select_option("coordinated_at")
    row.locator("input[name$='-name']").fill("LMU Munich")
    row.locator("input[name$='-url']").fill("https://www.lmu.de/")
    assert serious(axe_violations(page)) == []
    page.screenshot(path=str(artifacts / "identity-admin-site-settings.png"), full_page=True)
    page.click("input[name=_save]")
    # Saved: back on the one form (the list page of the site settings leads to it), with no error.
    page.wait_for_selector(".messagelist .success")
    assert page.locator(".errornote").count() == 0
    assert list(Partner.objects.values_list("name", "role")) == [
        ("Deutsche Forschungsgemeinschaft (DFG)", "funded_by"),
        ("LMU Munich", "coordinated_at"),
    ]
