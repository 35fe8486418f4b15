"""The one Markdown renderer of the site.

Every long text an editor writes (public pages, feeds, and the admin's live preview through
django-markdownx's MARKDOWNX_MARKDOWNIFY_FUNCTION) goes through `render_markdown`:
Python-Markdown, LaTeX to MathML for `$...$` and `$$...$$`, then nh3 sanitising with an
allow-list. Templates use the `|markdown` filter, never `|safe` on editor input.
"""

import hashlib
import html
import importlib.metadata
import re
import xml.etree.ElementTree as etree
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import latex2mathml.converter
import markdown
import markdown.util
import nh3
from django.conf import settings
from django.core.cache import cache
from django.db.models.signals import post_save
from django.utils.safestring import SafeString, mark_safe
from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor
from markdown.treeprocessors import Treeprocessor
from markdownx.models import MarkdownxField

from .images import image_size

# --- allow-list -------------------------------------------------------------------------------

HTML_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "dd", "del", "details", "div", "dl", "dt",
    "em", "figcaption", "figure", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li",
    "mark", "ol", "p", "pre", "q", "s", "samp", "small", "span", "strong", "sub", "summary", "sup",
    "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
}  # fmt: skip

MATHML_TAGS = {
    "math", "annotation", "menclose", "merror", "mfrac", "mi", "mmultiscripts", "mn", "mo", "mover",
    "mpadded", "mphantom", "mprescripts", "mroot", "mrow", "ms", "mspace", "msqrt", "mstyle", "msub",
    "msubsup", "msup", "mtable", "mtd", "mtext", "mtr", "munder", "munderover", "none", "semantics",
}  # fmt: skip

MATHML_ATTRIBUTES = {
    "accent", "accentunder", "columnalign", "columnlines", "columnspacing", "depth", "display",
    "displaystyle", "encoding", "fence", "form", "frame", "height", "largeop", "linethickness",
    "lspace", "mathvariant", "maxsize", "minsize", "movablelimits", "notation", "rowalign",
    "rowlines", "rowspacing", "rspace", "scriptlevel", "separator", "stretchy", "symmetric", "width",
    "xmlns",
}  # fmt: skip

ATTRIBUTES = {
    "*": {"title", "lang"},  # no "id": editors' ids could clash with the page's own
    "a": {"href"},
    "abbr": {"title"},
    "img": {"src", "alt", "width", "height", "loading", "decoding"},
    "ol": {"start"},
    "td": {"colspan", "rowspan", "align"},
    "th": {"colspan", "rowspan", "align", "scope"},
    "code": {"class"},
    "span": {"class"},
    "div": {"class"},
    **{tag: set(MATHML_ATTRIBUTES) for tag in MATHML_TAGS},
}

URL_SCHEMES = {"http", "https", "mailto"}

# How long a rendered text is kept unused (seconds); its key changes with the text and renderer.
RENDERED_TIMEOUT = 30 * 24 * 60 * 60


# --- mathematics ------------------------------------------------------------------------------


def latex_to_mathml(source: str, display: bool) -> str | None:
    """MathML for a LaTeX formula, or None if latex2mathml cannot read it."""
    try:
        return latex2mathml.converter.convert(source, display="block" if display else "inline")
    except Exception:  # latex2mathml raises many different exception types for bad input
        return None


class _MathProcessor(InlineProcessor):
    def __init__(self, pattern, md, display):
        super().__init__(pattern, md)
        self.display = display

    def handleMatch(self, m, data):
        source = m.group(1)
        mathml = latex_to_mathml(source.strip(), self.display)
        if mathml is None:
            # Unreadable LaTeX: show the source as code instead of breaking the page.
            el = etree.Element("code")
            el.set("class", "math-error")
            el.set("title", "This formula could not be rendered")
            delimiter = "$$" if self.display else "$"
            el.text = markdown.util.AtomicString(f"{delimiter}{source}{delimiter}")
            return el, m.start(0), m.end(0)
        if self.display:
            mathml = f'<div class="math-display">{mathml}</div>'
        return self.md.htmlStash.store(mathml), m.start(0), m.end(0)


# $$...$$ may span lines. Inline $...$ follows pandoc's rule so prices such as "$5 and $10" stay text:
# no space after the opening or before the closing dollar, and no digit right after the closing one.
DISPLAY_MATH = r"(?<![\\$])\$\$(.+?)\$\$"
INLINE_MATH = r"(?<![\\$])\$(?![\s$])((?:\\.|[^$\\\n])+?)(?<!\s)\$(?!\d)"


class MathExtension(Extension):
    def extendMarkdown(self, md):
        md.ESCAPED_CHARS.append("$")
        # Priorities: after code spans (190) so `$x$` inside backticks stays literal, before escapes (180).
        md.inlinePatterns.register(_MathProcessor(DISPLAY_MATH, md, display=True), "math_display", 186)
        md.inlinePatterns.register(_MathProcessor(INLINE_MATH, md, display=False), "math_inline", 185)


# --- images -----------------------------------------------------------------------------------


class _ImageTreeprocessor(Treeprocessor):
    """Lazy-load images, size uploaded ones, and never embed third-party images (GDPR: no request
    to another host); those become a plain link to the image instead."""

    def run(self, root):
        for parent in root.iter():
            for index, el in enumerate(list(parent)):
                if el.tag != "img":
                    continue
                src = el.get("src", "")
                if _is_external(src):
                    link = etree.Element("a", {"href": src})
                    link.text = el.get("alt") or src
                    link.tail = el.tail
                    parent.remove(el)
                    parent.insert(index, link)
                    continue
                el.set("loading", "lazy")
                el.set("decoding", "async")
                el.set("alt", el.get("alt", ""))
                # Uploaded images carry their pixel size in the file name (see spp_site.images),
                # so every <img> gets explicit width and height without touching the storage.
                size = image_size(urlsplit(src).path)
                if size:
                    el.set("width", str(size[0]))
                    el.set("height", str(size[1]))


def _is_external(url: str) -> bool:
    """True unless `url` points at this site (browsers read "\\host" as "//host")."""
    if url.startswith(settings.MEDIA_URL):
        return False
    parts = urlsplit(url)
    return "\\" in url or bool(parts.scheme or parts.netloc)


class ImageExtension(Extension):
    def extendMarkdown(self, md):
        # After Python-Markdown's "unescape" (priority 0), so that a source written with escaped
        # backslashes (browsers read a leading backslash as a slash) is seen as the browser will
        # see it and becomes a link like any other image from elsewhere, instead of vanishing.
        md.treeprocessors.register(_ImageTreeprocessor(md), "spp_images", -1)


# --- headings ---------------------------------------------------------------------------------

_HEADINGS = {f"h{n}": n for n in range(1, 7)}


class _HeadingTreeprocessor(Treeprocessor):
    """The page title is the only <h1>: editors' headings start at <h2> and never skip a level
    (“#” and “##” both become <h2>, a “####” right after it becomes <h3>), so the outline stays valid."""

    def run(self, root):
        previous = 1
        for el in root.iter():
            level = _HEADINGS.get(el.tag)
            if level is None:
                continue
            level = max(2, min(level, previous + 1))
            el.tag = f"h{level}"
            previous = level


class HeadingExtension(Extension):
    def extendMarkdown(self, md):
        md.treeprocessors.register(_HeadingTreeprocessor(md), "spp_headings", 6)


# --- public API -------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _extensions():
    return [
        "markdown.extensions.tables",
        "markdown.extensions.fenced_code",
        "markdown.extensions.sane_lists",
        "markdown.extensions.smarty",
        HeadingExtension(),
        MathExtension(),
        ImageExtension(),
    ]


def _filter_attribute(tag, attribute, value):
    # Raw HTML <img> never reaches the Markdown tree processor: images from other hosts are
    # refused here too (the site makes no request to third parties).
    if tag == "img" and attribute == "src" and _is_external(value):
        return None
    return value


_IMG_WITHOUT_SRC = re.compile(r"<img(?![^>]*\ssrc=)[^>]*>")


def sanitize_html(markup: str) -> str:
    cleaned = nh3.clean(
        markup,
        tags=HTML_TAGS | MATHML_TAGS,
        attributes=ATTRIBUTES,
        attribute_filter=_filter_attribute,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
    return _IMG_WITHOUT_SRC.sub("", cleaned)


def render_markdown(text: str | None) -> SafeString:
    """Editor Markdown (with LaTeX) to sanitised HTML, safe to insert into a page.

    Rendered once per text and renderer: kept in the shared cache under the text's hash and the
    renderer's fingerprint (any change to this module or to the libraries it uses renders anew),
    and in a small memo of this process. Saving an item renders its Markdown (`connect`), so page
    views do not parse it."""
    if not text:
        return mark_safe("")
    return mark_safe(_rendered(text))


def render_preview(text: str | None) -> SafeString:
    """The admin's live preview (django-markdownx): the same renderer, nothing kept, since every
    keystroke makes a new text."""
    return mark_safe(_render(text)) if text else mark_safe("")


def _render(text: str) -> str:
    md = markdown.Markdown(extensions=_extensions(), output_format="html")
    return sanitize_html(md.convert(text))


@lru_cache(maxsize=1024)  # a pure function of its argument: the same in every process
def _rendered(text: str) -> str:
    from .pagecache import CACHE_ERRORS

    key = f"markdown:{renderer_fingerprint()}:{hashlib.sha256(text.encode('utf-8', 'surrogatepass')).hexdigest()}"
    try:
        html_text = cache.get(key)
        if html_text is None:
            html_text = _render(text)
            cache.set(key, html_text, timeout=RENDERED_TIMEOUT)
    except CACHE_ERRORS:  # rendered without the cache meanwhile (spp_site.pagecache logs it)
        html_text = _render(text)
    return html_text


@lru_cache(maxsize=1)
def renderer_fingerprint() -> str:
    """This module's source and the versions of the libraries it renders with."""
    digest = hashlib.sha256(Path(__file__).read_bytes())
    for library in ("Markdown", "nh3", "latex2mathml"):
        digest.update(f"{library}={importlib.metadata.version(library)}".encode())
    return digest.hexdigest()[:12]


def markdown_fields(model) -> list[str]:
    return [field.attname for field in model._meta.concrete_fields if isinstance(field, MarkdownxField)]


def render_fields(instance) -> None:
    """Render the Markdown of `instance` into the cache (after a save, and `manage.py prerender_markdown`)."""
    for name in markdown_fields(type(instance)):
        render_markdown(getattr(instance, name, None))


def _render_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        render_fields(instance)


def connect():
    from django.apps import apps
    from simple_history.models import HistoricalChanges

    for model in apps.get_models():
        if markdown_fields(model) and not issubclass(model, HistoricalChanges):  # not earlier versions
            post_save.connect(
                _render_saved, sender=model, dispatch_uid=f"markdown-render-{model._meta.label_lower}"
            )


def markdown_to_text(text: str | None) -> str:
    """Plain text of a Markdown field (for meta descriptions and search), tags removed."""
    rendered = render_markdown(text)
    return " ".join(html.unescape(nh3.clean(rendered, tags=set())).split())


class _ImageCollector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.images = []

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            values = dict(attrs)
            self.images.append((values.get("src") or "", values.get("alt") or ""))


def rendered_images(text: str | None) -> list[tuple[str, str]]:
    """(address, alt text) of every image that `text` shows once rendered, as the renderer sees
    them: Markdown images and raw <img> alike; images from other hosts, which the page shows as
    links, are not among them."""
    collector = _ImageCollector()
    collector.feed(str(render_markdown(text)))
    collector.close()
    return collector.images


_RELATIVE_URL = re.compile(r'(\s(?:src|href)=")(/[^/"][^"]*|/)"')


def absolutize_urls(markup: str, base: str) -> str:
    """Make root-relative links and image sources absolute (for feeds read outside the site)."""
    base = base.rstrip("/")
    return _RELATIVE_URL.sub(lambda m: f'{m.group(1)}{base}{m.group(2)}"', markup)
