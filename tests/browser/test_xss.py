"""Cross-site scripting in Chromium, with the site's Content-Security-Policy on: every payload of
xss_payloads.txt, written by an editor into a Markdown body (news, page, event), a title, a teaser
and a slug (as far as a slug allows), runs nowhere: not on the public pages, not in the admin's
lists, not in the admin's live preview. The sanitiser alone must stop them, so the policy, the
second line of defence, never has anything to block: no violation report either."""

from pathlib import Path

import pytest
from django.utils.text import slugify

from tests.browser.conftest import login
from tests.core.factories import PageFactory
from tests.events.factories import EventFactory
from tests.news.factories import NewsItemFactory

PAYLOADS = [
    line.replace("↵", "\n").replace("⇥", "\t")
    for line in (Path(__file__).parent / "xss_payloads.txt").read_text(encoding="utf-8").splitlines()
    if line.strip() and not line.startswith("#")
]

# What any rendered Markdown may hold after sanitising; anything else found there is a finding.
INSPECT = """() => {
  const findings = [];
  if (window.__xss !== undefined) findings.push("window.__xss was set");
  // Data blocks are not run (JSON-LD for search engines); anything else inline would be.
  const inline = [...document.scripts].filter(s => !s.src && !["application/json", "application/ld+json"].includes(s.type));
  if (inline.length) findings.push(`inline <script>: ${inline[0].outerHTML.slice(0, 80)}`);
  const foreign = [...document.scripts].filter(s => s.src && new URL(s.src).origin !== location.origin);
  if (foreign.length) findings.push(`script from ${foreign[0].src}`);
  const FORBIDDEN = new Set(["script", "iframe", "frame", "object", "embed", "form", "input", "button",
    "textarea", "select", "style", "link", "meta", "base", "svg", "template", "noscript", "video", "audio"]);
  const URLS = new Set(["href", "src", "srcset", "action", "formaction", "xlink:href", "data", "poster", "background"]);
  for (const el of document.querySelectorAll(".prose *, .markdownx-preview *")) {
    if (FORBIDDEN.has(el.localName)) findings.push(`<${el.localName}> in rendered Markdown`);
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      if (name.startsWith("on") || name === "style" || name === "srcdoc") findings.push(`${el.localName} ${name}=`);
      if (URLS.has(name)) {
        const scheme = new URL(attr.value, location.href).protocol;
        if (!["http:", "https:", "mailto:"].includes(scheme)) findings.push(`${el.localName} ${name}=${attr.value}`);
      }
    }
  }
  return findings;
}"""


@pytest.fixture
def executed(context):
    """What the payloads did, if anything ran: dialogs opened, marker URLs requested."""
    ran = []

    def marker(route):
        ran.append(f"requested {route.request.url}")
        route.fulfill(status=204)

    context.route("**/*xss-marker*", marker)
    context.on(
        "page", lambda page: page.on("dialog", lambda d: (ran.append(f"{d.type}: {d.message}"), d.dismiss()))
    )
    return ran


def test_the_corpus_is_large_and_its_detectors_work(live_server, context, executed, csp_violations):
    assert len(PAYLOADS) >= 60
    page = context.new_page()
    page.goto(f"{live_server.url}/robots.txt")
    page.evaluate("""() => {
      const p = document.createElement("p");
      p.className = "prose";
      p.innerHTML = '<img src="x" onerror="alert(1)"><a href="javascript:alert(1)">x</a>';
      document.body.append(p);
    }""")
    page.wait_for_function("() => document.querySelector('.prose img').complete")
    assert page.evaluate(INSPECT) == ["img onerror=", "a href=javascript:alert(1)"]
    assert any("script-src" in report for report in csp_violations)  # the inline handler, blocked
    page.evaluate("window.__xss = 1; alert('ran'); fetch('/xss-marker')")
    page.wait_for_timeout(200)
    assert executed[0] == "alert: ran" and "xss-marker" in executed[1]
    assert page.evaluate(INSPECT) == ["window.__xss was set", "img onerror=", "a href=javascript:alert(1)"]


def test_no_payload_runs_on_the_public_pages(live_server, context, executed, csp_violations):
    """Each payload is the title, teaser or summary, slug and Markdown body of one news item, page or
    event in turn (one renderer, and the same .prose container, serves all three); the lists show
    the titles and teasers of all of them."""
    urls = []
    for n, payload in enumerate(PAYLOADS):
        # The slug as the admin prepopulates it from the title, made unique.
        fields = {"title": payload[:200], "slug": f"{slugify(payload)[:40]}-{n}".lstrip("-")}
        if n % 3 == 0:
            item = NewsItemFactory(**fields, teaser=payload, body=payload)
        elif n % 3 == 1:
            item = PageFactory(**fields, body=payload)
        else:
            item = EventFactory(**fields, summary=payload[:300], description=payload)
        urls.append(item.get_absolute_url())
    urls += ["/", "/events/", "/news/", "/news/?page=2", "/news/?page=3", "/news/?page=4"]
    findings = []
    page = context.new_page()
    for url in urls:
        response = page.goto(live_server.url + url)
        assert response.status == 200, url
        findings += [f"{url}: {finding}" for finding in page.evaluate(INSPECT)]
    assert findings == []
    assert executed == []
    assert csp_violations == []


def test_no_payload_runs_in_the_admin(live_server, superuser, context, executed, csp_violations):
    for n, payload in enumerate(PAYLOADS):
        NewsItemFactory(title=payload[:200], slug=f"xss-{n}", teaser=payload, body=payload)
    page = context.new_page()
    login(page, live_server, "root", "root-pass-123")
    findings = []
    for url in ("/admin/news/newsitem/?all=", "/admin/news/newsitem/1/change/", "/admin/news/newsitem/add/"):
        page.goto(live_server.url + url)
        findings += [f"{url}: {finding}" for finding in page.evaluate(INSPECT)]

    # The live preview, one payload after the other. markdownx waits 500 ms after typing before it
    # asks for a preview: the test's clock skips that wait.
    page.clock.install()
    page.goto(f"{live_server.url}/admin/news/newsitem/add/")
    page.clock.run_for(100)
    preview = page.locator(".markdownx-preview").first
    for n, payload in enumerate(PAYLOADS):
        page.fill("#id_body", f"Payload {n}:\n\n{payload}")
        page.clock.run_for(1000)
        preview.get_by_text(f"Payload {n}:", exact=True).wait_for()
        page.wait_for_function(
            "() => [...document.querySelectorAll('.markdownx-preview img')].every(i => i.complete)"
        )
        findings += [f"preview of payload {n}: {finding}" for finding in page.evaluate(INSPECT)]
    assert findings == []
    assert executed == []
    assert csp_violations == []
