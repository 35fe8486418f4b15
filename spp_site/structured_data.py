"""Structured data (schema.org as JSON-LD) for search engines and link previews.

One builder per type: `organization` (the program, on the home page), `event`, `news_article` and
`person`; `describe` picks the builder for an object, and `script` serialises the result as the
one `<script type="application/ld+json">` of a page (the `structured_data` template tag in
spp_site/templatetags/spp.py). The script is data, never executed, so the strict CSP does not
apply to it.

Everything is built from rows the page has loaded anyway (its view selects and prefetches them):
no query of its own. Addresses are absolute, from the request as everywhere on the site. Text is
plain: Markdown is turned into text, and `script` passes every string through `single_line` (no
line breaks or control characters) and escapes `<`, `>` and `&`, so no value can end the script
element or open a comment in it.
"""

import json
import re

from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

from events.models import AgendaItem, Event
from news.models import NewsItem
from programs.models import Person

from .images import SHARED_LOGO_WIDTH, rendition_at_least
from .markdown import markdown_to_text
from .models import SiteSettings
from .text import single_line

SCHEMA = "https://schema.org"

# The program is a DFG Priority Program: its funder is the DFG by definition, not a setting.
DFG = {
    "@type": "Organization",
    "name": "Deutsche Forschungsgemeinschaft",
    "alternateName": "DFG",
    "url": "https://www.dfg.de/",
}

# Descriptions are plain text of this many words at most (search engines show about two lines).
DESCRIPTION_WORDS = 60

# Agenda items that are not a contribution of their own (no sub-event for them).
NOT_SUB_EVENTS = {AgendaItem.Kind.BREAK}


# --- serialising -----------------------------------------------------------------------------------

# As django.utils.html.json_script: these three never appear literally, so a value cannot close
# the element (`</script>`), open a comment (`<!--`) or be read as markup.
_ESCAPES = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}


def _clean(value):
    """Strings on one line, without control characters; empty values left out."""
    if isinstance(value, str):
        return single_line(value)
    if isinstance(value, dict):
        cleaned = {key: _clean(item) for key, item in value.items()}
        return {key: item for key, item in cleaned.items() if item not in (None, "", [], {})}
    if isinstance(value, list | tuple):
        cleaned = [_clean(item) for item in value]
        return [item for item in cleaned if item not in (None, "", [], {})]
    return value


def dumps(data) -> str:
    """`data` as JSON text that is safe inside a <script> element."""
    return json.dumps(_clean(data), ensure_ascii=False).translate(_ESCAPES)


def script(data):
    """The <script type="application/ld+json"> element for `data` (safe HTML)."""
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(dumps(data)))


# --- shared pieces -------------------------------------------------------------------------------


def _moment(value, tz=None) -> str:
    """A moment in ISO 8601 with its UTC offset, in `tz` (the site's zone by default)."""
    return timezone.localtime(value, tz).isoformat(timespec="seconds")


def _image(request, field_file):
    return request.build_absolute_uri(field_file.url) if field_file else None


def _logo(request, field_file):
    """The logo's rendition for sharing (about 640 pixels wide), not the upload itself."""
    if not field_file:
        return None
    copy = rendition_at_least(field_file.name, SHARED_LOGO_WIDTH)
    return request.build_absolute_uri(field_file.storage.url(copy.name))


def _description(summary, markdown=""):
    text = summary or markdown_to_text(markdown)
    return Truncator(text).words(DESCRIPTION_WORDS)


def program(request, site: SiteSettings) -> dict:
    """The program as an Organization, as other types name it (organizer, publisher, memberOf)."""
    home = request.build_absolute_uri(site.get_absolute_url())
    return {
        "@type": "Organization",
        "@id": f"{home}#organization",
        "name": site.program_name,
        "alternateName": site.short_name,
        "url": home,
        "logo": _logo(request, site.logo),
    }


def institution(inst) -> dict | None:
    if inst is None:
        return None
    return {
        "@type": "CollegeOrUniversity" if inst.kind == inst.Kind.UNIVERSITY else "Organization",
        "name": inst.name,
        "alternateName": inst.short_name if inst.short_name != inst.name else "",
        "url": inst.website,
    }


def _person_reference(request, person: Person) -> dict:
    return {
        "@type": "Person",
        "name": person.full_name,
        "url": request.build_absolute_uri(person.get_absolute_url()),
    }


# --- the types -----------------------------------------------------------------------------------


def organization(site: SiteSettings, request) -> dict:
    """The program (home page): funded by the DFG, coordinated at its coordinating institution."""
    return {
        "@context": SCHEMA,
        **program(request, site),
        "description": site.tagline,
        "funder": DFG,
        "parentOrganization": institution(site.coordinating_institution),
        "sameAs": [site.gepris_url],
    }


def event(event: Event, request, site: SiteSettings) -> dict:
    url = request.build_absolute_uri(event.get_absolute_url())
    if event.all_day:
        start, end = event.first_day.isoformat(), event.last_day.isoformat()
    else:
        start, end = _moment(event.start, event.tzinfo), _moment(event.end, event.tzinfo)
    mode, location = _attendance(event)
    return {
        "@context": SCHEMA,
        "@type": "Event",
        "name": event.title,
        "url": url,
        "description": _description(event.summary, event.description),
        "startDate": start,
        "endDate": end,
        "eventStatus": f"{SCHEMA}/{'EventCancelled' if event.is_cancelled else 'EventScheduled'}",
        "eventAttendanceMode": mode and f"{SCHEMA}/{mode}",
        "location": location,
        "image": [_image(request, event.cover_image)],
        "organizer": program(request, site),
        "subEvent": [
            _talk(request, item, event)
            for item in event.agenda_items.all()
            if item.kind not in NOT_SUB_EVENTS
        ],
    }


def _attendance(event: Event):
    """schema.org's attendance mode and the location(s): a Place, a VirtualLocation, or both."""
    place = None
    if event.venue_name or event.address:
        place = {
            "@type": "Place",
            "name": event.venue_name or event.location_text,
            "address": postal_address(event.address),
        }
    online = {"@type": "VirtualLocation", "url": event.online_url} if event.online_url else None
    if place and online:
        return "MixedEventAttendanceMode", [place, online]
    if online:
        return "OnlineEventAttendanceMode", online
    if place:
        return "OfflineEventAttendanceMode", place
    return None, None


_POSTCODE_AND_PLACE = re.compile(r"^(?P<code>[A-Z]{0,2}-?\d{4,5})\s+(?P<place>.+)$")


def postal_address(address: str) -> dict | None:
    """A PostalAddress from the event's free-text address: the last line is the place (with its
    postcode, as in "80539 München"), the lines before it the street."""
    lines = [line.strip() for line in address.splitlines() if line.strip()]
    if not lines:
        return None
    *street, last = lines
    found = _POSTCODE_AND_PLACE.match(last)
    return {
        "@type": "PostalAddress",
        "streetAddress": ", ".join(street),
        "postalCode": found["code"] if found else "",
        "addressLocality": found["place"] if found else last,
    }


def _talk(request, item: AgendaItem, event: Event) -> dict:
    tz = event.tzinfo
    return {
        "@type": "Event",
        "name": item.title,
        "url": request.build_absolute_uri(f"{event.get_absolute_url()}#agenda-{item.pk}"),
        "startDate": _moment(item.start, tz),
        "endDate": item.end and _moment(item.end, tz),
        "performer": [_person_reference(request, person) for person in item.speakers.all()]
        + [{"@type": "Person", "name": name} for name in item.guest_speaker_list],
    }


def news_article(item: NewsItem, request, site: SiteSettings) -> dict:
    url = request.build_absolute_uri(item.get_absolute_url())
    author = _person_reference(request, item.author_person) if item.author_person else program(request, site)
    return {
        "@context": SCHEMA,
        "@type": "NewsArticle",
        "headline": item.title,
        "description": _description(item.teaser),
        "url": url,
        "mainEntityOfPage": url,
        "datePublished": _moment(item.publish_at),
        "dateModified": _moment(max(item.publish_at, item.updated_at)),
        "author": [author],
        "publisher": program(request, site),
        "image": [_image(request, item.cover_image)],
    }


def person(person: Person, request, site: SiteSettings) -> dict:
    return {
        "@context": SCHEMA,
        **_person_reference(request, person),
        "honorificPrefix": person.title,
        "givenName": person.first_name,
        "familyName": person.last_name,
        "jobTitle": ", ".join(role.get_role_display() for role in person.roles.all()),
        "affiliation": institution(person.affiliation),
        "memberOf": program(request, site),
        "image": _image(request, person.photo),
        "sameAs": [person.orcid_url, person.website],
    }


def describe(obj, request, site: SiteSettings) -> dict:
    """The structured data of the page about `obj` (the site settings: the home page)."""
    if isinstance(obj, SiteSettings):
        return organization(obj, request)
    if isinstance(obj, Event):
        return event(obj, request, site)
    if isinstance(obj, NewsItem):
        return news_article(obj, request, site)
    if isinstance(obj, Person):
        return person(obj, request, site)
    raise TypeError(f"No structured data for {type(obj).__name__}.")
