import io

import pytest
from django.core.cache import cache
from django.test.utils import override_settings

from spp_site import markdown
from spp_site.markdown import absolutize_urls, markdown_to_text, render_markdown


@pytest.mark.parametrize(
    "payload",
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "[x](javascript:alert(1))",
        "[x](JaVaScRiPt:alert(1))",
        '<a href="javascript&colon;alert(1)">x</a>',
        "<iframe src=//evil.example></iframe>",
        "<style>body{display:none}</style>",
        "<svg><script>alert(1)</script></svg>",
        '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
        '<p onclick="alert(1)" style="color:red">x</p>',
        "<form action=//evil.example><input></form>",
    ],
)
def test_xss_payloads_are_neutralised(payload):
    html = render_markdown(payload).lower()
    assert "<script" not in html
    assert "onerror" not in html and "onclick" not in html
    assert "javascript:" not in html
    assert "<iframe" not in html and "<style" not in html and "<form" not in html
    assert "style=" not in html


def test_the_three_payloads_of_the_acceptance_check_together():
    html = render_markdown(
        "<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n[x](javascript:alert(1))"
    )
    assert "<script" not in html
    assert "onerror" not in html
    assert "javascript:" not in html


def test_links_get_rel_noopener():
    assert 'rel="noopener noreferrer"' in render_markdown("[DFG](https://www.dfg.de)")


def test_tables_and_headings_one_level_below_the_page_title():
    html = render_markdown("# Title\n\n| a | b |\n|---|---|\n| 1 | 2 |")
    assert "<h2" in html and "<h1" not in html
    assert "<table>" in html and "<td>1</td>" in html


def test_inline_and_display_math_become_mathml():
    html = render_markdown("Euler: $e^{i\\pi}+1=0$.\n\n$$\\sum_{i=1}^n x_i$$")
    assert '<math xmlns="http://www.w3.org/1998/Math/MathML" display="inline">' in html
    assert '<math xmlns="http://www.w3.org/1998/Math/MathML" display="block">' in html
    assert "<msup>" in html and "<munderover>" in html


def test_invalid_latex_shows_its_source():
    html = render_markdown("Broken: $\\frac{1}{$ and fine text after.")
    assert "math-error" in html
    assert "\\frac{1}{" in html
    assert "fine text after" in html


def test_prices_and_escaped_dollars_are_not_math():
    html = render_markdown("It costs $5 and $10, or \\$x\\$.")
    assert "<math" not in html
    assert "$5 and $10" in html
    assert "$x$" in html


def test_code_spans_keep_dollars():
    assert "<math" not in render_markdown("`$x$`")


def test_third_party_images_become_links(settings):
    html = render_markdown("![A chart](https://tracker.example.com/pixel.png)")
    assert "<img" not in html
    assert '<a href="https://tracker.example.com/pixel.png"' in html


@pytest.mark.parametrize(
    "image",
    [
        '<img src="https://evil.example/t.png" alt="t">',  # raw HTML, another host
        '<img src="//x.example/c.png">',  # raw HTML, protocol-relative
    ],
)
def test_raw_html_images_from_other_hosts_are_dropped(image):
    # Neither an image, nor a link, nor the alt text remains; the text around it stays.
    assert render_markdown(f"Before {image} after") == "<p>Before  after</p>"


def test_backslash_image_sources_become_links_not_images():
    # Browsers read a leading backslash as a slash ("\\host" as "//host"): such a source is treated
    # like any other image from elsewhere and becomes a link with its alt text.
    html = render_markdown("Before ![b](\\\\evil.example/b.png) after")
    assert "<img" not in html
    assert '<a href="\\evil.example/b.png" rel="noopener noreferrer">b</a>' in html


def test_editor_ids_are_dropped():
    assert 'id="main"' not in render_markdown('<div id="main">x</div>')


def test_uploaded_images_get_size_and_lazy_loading(settings):
    html = render_markdown(f"![Plot]({settings.MEDIA_URL}markdown/abc-640x480.webp)")
    assert 'width="640"' in html and 'height="480"' in html
    assert 'loading="lazy"' in html and 'alt="Plot"' in html


def test_empty_input():
    assert render_markdown("") == ""
    assert render_markdown(None) == ""


def test_plain_text_for_descriptions():
    assert markdown_to_text("**Bold** & <b>tags</b>") == "Bold & tags"


def test_absolutize_urls_for_feeds():
    html = absolutize_urls(
        '<a href="/news/">x</a><img src="/media/a.webp"><a href="//cdn">y</a>', "https://s.org/"
    )
    assert 'href="https://s.org/news/"' in html
    assert 'src="https://s.org/media/a.webp"' in html
    assert 'href="//cdn"' in html


# --- rendered once --------------------------------------------------------------------------------


def test_a_saved_text_is_rendered_on_save_and_never_by_a_page_view(client, db, monkeypatch):
    from tests.news.factories import NewsItemFactory

    item = NewsItemFactory(body="Saved **once** with $x^2$.")
    markdown._rendered.cache_clear()  # as in another worker process: only the shared cache has it

    def parse(text):
        raise AssertionError(f"a page view parsed Markdown: {text!r}")

    monkeypatch.setattr(markdown, "_render", parse)
    with override_settings(PAGE_CACHE=False):
        html = client.get(item.get_absolute_url()).content.decode()
    assert "<strong>once</strong>" in html and "<math" in html


def test_a_new_renderer_renders_again(monkeypatch):
    text = "Some *text*."
    first = markdown.render_markdown(text)
    markdown._rendered.cache_clear()
    calls = []
    real = markdown._render
    monkeypatch.setattr(markdown, "_render", lambda t: calls.append(t) or real(t))
    assert markdown.render_markdown(text) == first and calls == []  # from the shared cache
    markdown._rendered.cache_clear()
    monkeypatch.setattr(markdown, "renderer_fingerprint", lambda: "a-new-renderer")
    assert markdown.render_markdown(text) == first and calls == [text]


def test_the_admin_preview_keeps_nothing(monkeypatch):
    stored = []
    monkeypatch.setattr(markdown.cache, "set", lambda *args, **kwargs: stored.append(args))
    assert "<em>draft</em>" in markdown.render_preview("A *draft*")
    assert stored == []


def test_prerender_markdown_fills_the_cache_for_every_current_text(db, monkeypatch):
    from django.core.management import call_command

    from tests.news.factories import NewsItemFactory
    from tests.programs.factories import ProjectFactory

    NewsItemFactory(body="News *body*")
    ProjectFactory(abstract="Project *abstract*")
    cache.clear()
    markdown._rendered.cache_clear()
    out = io.StringIO()
    call_command("prerender_markdown", stdout=out)
    assert "rendered or found" in out.getvalue()
    markdown._rendered.cache_clear()
    monkeypatch.setattr(markdown, "_render", lambda text: pytest.fail(f"not prerendered: {text!r}"))
    markdown.render_markdown("News *body*")
    markdown.render_markdown("Project *abstract*")
