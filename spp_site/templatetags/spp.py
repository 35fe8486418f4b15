"""Template helpers every app uses: Markdown, responsive images, machine-readable dates,
navigation state, absolute (and webcal) URLs, structured data, protected e-mail addresses and
the page in other languages."""

import codecs
from datetime import date, datetime

from django import template
from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from spp_site import i18n
from spp_site import structured_data as schema
from spp_site.images import (
    SHARED_LOGO_WIDTH,
    image_size,
    rendition_at_least,
    rendition_name,
    rendition_widths,
)
from spp_site.markdown import markdown_to_text, render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text):
    """Render editor Markdown through the one sanitising renderer."""
    return render_markdown(text)


@register.filter
def plaintext(text):
    """Editor Markdown as plain text (a str, so autoescaping applies), for attributes like meta tags."""
    return markdown_to_text(text)


@register.filter
def iso(value, timespec="minutes"):
    """A valid HTML `datetime` value: no microseconds (Django's `date:"c"` writes them)."""
    if isinstance(value, datetime):
        return value.isoformat(timespec=timespec)
    if isinstance(value, date):
        return value.isoformat()
    return ""


@register.filter
def local_iso(value, tz):
    """ISO datetime in the zone `tz` (a tzinfo) — the offset names the wall time shown beside it."""
    if isinstance(value, datetime):
        return timezone.localtime(value, tz).isoformat(timespec="minutes")
    return iso(value)


@register.simple_tag
def zoned_datetime(value):
    """A moment in the site's time zone, naming the zone: "30 November 2023, 23:59 CET (Europe/Berlin)",
    "30. November 2023, 23:59 CET (Europe/Berlin)"."""
    if not isinstance(value, datetime):
        return ""
    local = timezone.localtime(value)
    return format_html(
        '<time datetime="{}">{} {} ({})</time>',
        local.isoformat(timespec="minutes"),
        formats.date_format(local, "DATETIME_FORMAT"),
        local.tzname(),
        timezone.get_current_timezone_name(),
    )


@register.simple_tag(takes_context=True)
def nav_state(context, url_name):
    """'page' when the current page is this menu entry, 'true' below it, '' elsewhere."""
    request = context.get("request")
    if request is None:
        return ""
    url = reverse(url_name)
    if request.path == url:
        return "page"
    if url != reverse("site:home") and request.path.startswith(url):  # the home page is above none
        return "true"
    return ""


@register.simple_tag(takes_context=True)
def language_versions(context):
    """This page in every language (spp_site.i18n.alternates), for the language switch and the
    hreflang links; empty where there is none (error pages)."""
    request = context.get("request")
    return i18n.alternates(request) if request is not None else []


@register.filter
def in_current_language(path):
    """A public page's address in the active language (/de/… on the German site), for addresses
    stored once in English (search results)."""
    return i18n.page_in(path, translation.get_language())


@register.simple_tag
def english_content():
    """` lang="en"` on an element holding content written in English only (news, events, pages
    without a German version), when the interface around it is in another language (WCAG 3.1.2)."""
    if translation.get_language() != settings.LANGUAGE_CODE:
        return mark_safe(f' lang="{settings.LANGUAGE_CODE}"')
    return ""


@register.simple_tag
def content_language(obj):
    """` lang="…"` for an item with an optional German version (spp_site.models.GermanVersion) when
    what it shows is not in the interface's language."""
    shown = obj.shown_language
    if shown != translation.get_language():
        return format_html(' lang="{}"', shown)
    return ""


@register.simple_tag(takes_context=True)
def canonical_url(context):
    """The page's address for search engines: without the query string (a filtered list shows
    items of the whole list), except for a list's further pages, each of which is a page of its own."""
    request = context["request"]
    path = request.path
    page = context.get("page_obj")
    if page is not None and page.number > 1 and set(request.GET) == {"page"}:
        path = f"{path}?page={page.number}"
    return request.build_absolute_uri(path)


@register.simple_tag(takes_context=True)
def absolute_url(context, path):
    request = context.get("request")
    return request.build_absolute_uri(path) if request else path


@register.simple_tag(takes_context=True)
def webcal_url(context, path):
    """The absolute URL of a calendar feed with the `webcal` scheme: calendar programs subscribe to
    it (and refresh it) instead of importing a copy once. Without a request, or on the error page
    for a request whose Host header is not allowed (the footer shows this link), the path as it is."""
    try:
        url = absolute_url(context, path)
    except DisallowedHost:
        return path
    scheme, sep, rest = url.partition("://")
    return f"webcal://{rest}" if sep and scheme in ("http", "https") else url


@register.simple_tag(takes_context=True)
def structured_data(context, obj):
    """The page's one <script type="application/ld+json"> describing `obj` (an event, a news item,
    a person; the site settings on the home page): see spp_site.structured_data."""
    return schema.script(schema.describe(obj, context["request"], context["site_settings"]))


@register.filter
def dimensions(field_file):
    """(width, height) of a processed image, from its stored name (see spp_site.images)."""
    return image_size(field_file.name) if field_file else None


@register.simple_tag(takes_context=True)
def logo_for_sharing(context):
    """The site logo as link previews show it when a page has no picture of its own: a rendition
    about 640 pixels wide (never the full upload), with an absolute address; None without a logo."""
    logo = context["site_settings"].logo
    if not logo:
        return None
    copy = rendition_at_least(logo.name, SHARED_LOGO_WIDTH)
    return {
        "url": absolute_url(context, logo.storage.url(copy.name)),
        "width": copy.width,
        "height": copy.height,
    }


@register.simple_tag
def picture(
    field_file, alt, sizes="100vw", css_class="", loading="lazy", default_width=960, fetchpriority=""
):
    """<img> for a processed image with width/height, a srcset of its renditions, and lazy loading.

    `alt` may be "" for a decorative image (then it is hidden from assistive technology). The
    page's main picture passes `loading="eager" fetchpriority="high"` (largest contentful paint)."""
    if not field_file:
        return ""
    name = field_file.name
    size = image_size(name)
    url = field_file.url
    if size is None:  # not produced by the pipeline (should not happen): plain image
        return format_html(
            '<img src="{}" alt="{}" class="{}" loading="{}" decoding="async">', url, alt, css_class, loading
        )
    width, height = size
    storage = field_file.storage
    widths = rendition_widths(width)
    candidates = [(storage.url(rendition_name(name, w)), w) for w in widths] + [(url, width)]
    srcset = format_html_join(", ", "{} {}w", candidates)
    src = next((u for u, w in candidates if w >= default_width), url)
    return format_html(
        '<img src="{}" srcset="{}" sizes="{}" width="{}" height="{}" alt="{}"{} loading="{}"{} decoding="async">',
        src,
        srcset,
        sizes,
        width,
        height,
        alt,
        format_html(' class="{}"', css_class) if css_class else "",
        loading,
        format_html(' fetchpriority="{}"', fetchpriority) if fetchpriority else "",
    )


@register.simple_tag
def protected_email(address, css_class="protected-email"):
    """An address harvesters cannot read from the HTML: shown as “name (at) example (dot) org”
    without JavaScript; `static/js/site.js` turns it into a mailto link from the ROT13 data."""
    if not address:
        return ""
    local, _, domain = address.partition("@")
    readable = f"{local} (at) {domain.replace('.', ' (dot) ')}"
    return format_html(
        '<span class="{}" data-rot13="{}">{}</span>', css_class, codecs.encode(address, "rot13"), readable
    )
