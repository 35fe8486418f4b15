"""iCalendar (RFC 5545) output through the `icalendar` package, and "add to calendar" links.

Time zones. Every timed event is written in its own zone (`DTSTART;TZID=Europe/Berlin:…`), and the
calendar carries one VTIMEZONE per zone it uses. Those definitions come from `ics-vtimezones`:
the IANA database converted by vzic into the form Outlook and Google Calendar write themselves,
one STANDARD and one DAYLIGHT component each repeating by an RRULE with BYDAY
(`FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU`), or a single STANDARD for a zone without summer time. Every
reader understands that form. What `icalendar` generates by itself (one component per offset with
an RDATE per transition, 1970–2037) is valid too, but Outlook maps such a zone to a fixed offset
and shifts summer events by an hour, and vobject reads it wrong as well.
"""

import functools
from collections import defaultdict
from datetime import UTC, timedelta
from urllib.parse import urlencode

import icalendar
import ics_vtimezones
from django.utils import timezone
from django.utils.translation import gettext

from spp_site.markdown import markdown_to_text
from spp_site.text import single_line, strip_control_characters

PRODID = "-//SPP 2298//Events//EN"
_PACKAGED_ZONES = frozenset(ics_vtimezones.ZONEINFO_LIST)


@functools.cache
def _packaged_vtimezone(tzid: str) -> bytes | None:
    """The packaged RRULE definition of the IANA zone `tzid`, named `tzid`; None if the package has
    none. (Memoised: installed package data, the same in every process.)"""
    if tzid not in _PACKAGED_ZONES:
        return None
    path = ics_vtimezones.ZONEINFO_DIR.joinpath(f"{tzid}.ics")
    if not ics_vtimezones.is_vtimezone_ics_file(path):
        return None  # the package indexes aliases (Africa/Asmara, US/Eastern…) without their files
    zones = icalendar.Calendar.from_ical(path.read_text(encoding="utf-8")).walk("VTIMEZONE")
    if len(zones) != 1 or any("RDATE" in part for part in zones[0].subcomponents):
        return None  # not the RRULE form this module is after
    zone = zones[0]
    # The package names its zones "/ics.py/2020.1/Europe/Berlin"; clients recognise the IANA name.
    zone["TZID"] = tzid
    # X-LIC-LOCATION (a hint for libical) is valid, but dateutil's reader rejects any property it
    # does not know; Outlook and Google Calendar do not write it either.
    for part in zone.walk():
        for name in [name for name in part if name.startswith("X-")]:
            del part[name]
    return zone.to_ical()


def packaged_vtimezone(tzid: str) -> icalendar.Timezone | None:
    """A fresh copy of the RRULE-based VTIMEZONE for `tzid` from ics-vtimezones, or None."""
    ical = _packaged_vtimezone(tzid)
    return icalendar.Timezone.from_ical(ical) if ical is not None else None


def agrees_with_zoneinfo(vtimezone: icalendar.Timezone, moments) -> bool:
    """Whether a reader of `vtimezone` gives each of `moments` (aware, in their IANA zone) the
    offset the time-zone database gives it: it reads the local wall time through the VTIMEZONE's
    rules, as a calendar program does."""
    try:
        rules = vtimezone.to_tz(lookup_tzid=False)
        return all(moment.replace(tzinfo=rules).utcoffset() == moment.utcoffset() for moment in moments)
    except (ValueError, TypeError, OverflowError):
        return False


def _moments_by_zone(cal) -> dict[str, list]:
    """The local date-times the calendar writes in each zone (UTC and all-day dates need none)."""
    moments = defaultdict(list)
    for component in cal.walk("VEVENT"):
        for name in ("DTSTART", "DTEND"):
            prop = component.get(name)
            if prop is not None and prop.params.get("TZID"):
                moments[prop.params["TZID"]].append(prop.dt)
    return moments


def add_timezones(cal):
    """One VTIMEZONE per zone used, before the events: the packaged RRULE definition when it gives
    the same offsets as the time-zone database for every date-time written in that zone."""
    packaged = []
    by_zone = _moments_by_zone(cal)
    for tzid, moments in sorted(by_zone.items()):
        vtimezone = packaged_vtimezone(tzid)
        if vtimezone is not None and agrees_with_zoneinfo(vtimezone, moments):
            packaged.append(vtimezone)
    cal.subcomponents[0:0] = packaged
    # Fallback, icalendar's own definition from the time-zone database (one component per offset,
    # an RDATE per transition): for a zone the package lacks (aliases, zones named since 2020 such
    # as Europe/Kyiv), and for dates its 2020 rules get wrong (a zone whose rules changed since,
    # like Mexico City without summer time from 2022, or a date before the current rule began,
    # like Berlin before 1980). Correct in RFC 5545 readers, though Outlook may show an RDATE zone
    # at a fixed offset. It starts with the calendar's first date: a zone that has not changed
    # since then is a single STANDARD component, which Outlook reads right too.
    if cal.get_missing_tzids():
        first = min(moment.date() for moments in by_zone.values() for moment in moments)
        cal.add_missing_timezones(first_date=first)


def _uid(event):
    return f"{event.uuid}@spp2298"


def _description(event, url):
    text = event.summary or ""
    body = markdown_to_text(event.description)
    if body:
        text = f"{text}\n\n{body}" if text else body
    return strip_control_characters(f"{text}\n\n{url}".strip())


def _location(event):
    return single_line(event.location_text or event.online_url)


def _talk_uid(talk):
    """Stable per agenda item, and never an event's UID."""
    return f"{talk.event.uuid}-agenda-{talk.pk}@spp2298"


def _talk_description(talk, url):
    parts = [single_line(talk.event.title)]
    names = talk.speaker_names()
    if names:
        parts.append(gettext("Speakers: %(names)s") % {"names": single_line(", ".join(names))})
    abstract = markdown_to_text(talk.abstract)
    if abstract:
        parts.append(abstract)
    parts.append(url)
    return strip_control_characters("\n\n".join(parts))


def _talk_location(talk):
    return single_line(", ".join(part for part in [talk.room, _location(talk.event)] if part))


def _revision(item, event):
    """The event's revision properties; an agenda item changes with its event (edited together)."""
    item.add("dtstamp", event.updated_at.astimezone(UTC))
    item.add("last-modified", event.updated_at.astimezone(UTC))
    item.add("created", event.created_at.astimezone(UTC))
    item.add("sequence", event.sequence)


def vevent(event, url: str) -> icalendar.Event:
    item = icalendar.Event()
    item.add("uid", _uid(event))
    _revision(item, event)
    item.add("summary", single_line(event.title))
    if event.all_day:
        item.add("dtstart", event.first_day)
        item.add("dtend", event.exclusive_end_date())
    else:
        item.add("dtstart", event.local_start)
        item.add("dtend", event.local_end)
    item.add("status", "CANCELLED" if event.is_cancelled else "CONFIRMED")
    item.add("url", single_line(url))
    item.add("description", _description(event, url))
    if _location(event):
        item.add("location", _location(event))
    if event.online_url:
        item.add("conference", single_line(event.online_url), parameters={"value": "URI"})
    item.add("categories", [event.get_kind_display()])
    return item


def talk_vevent(talk, url: str) -> icalendar.Event:
    """One agenda item of an event, at its own times, in the event's zone and place."""
    event = talk.event
    item = icalendar.Event()
    item.add("uid", _talk_uid(talk))
    _revision(item, event)
    item.add("summary", single_line(talk.title))
    item.add("dtstart", talk.local_start)
    item.add("dtend", talk.local_end)
    item.add("status", "CANCELLED" if event.is_cancelled else "CONFIRMED")
    item.add("url", single_line(url))
    item.add("description", _talk_description(talk, url))
    if _talk_location(talk):
        item.add("location", _talk_location(talk))
    if event.online_url:
        item.add("conference", single_line(event.online_url), parameters={"value": "URI"})
    item.add("categories", [talk.get_kind_display()])
    return item


def _new_calendar(name: str) -> icalendar.Calendar:
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", single_line(name))
    cal.add("x-wr-timezone", timezone.get_default_timezone_name())
    cal.add("refresh-interval", timedelta(hours=12), parameters={"value": "DURATION"})
    return cal


def calendar(events, request, name: str) -> bytes:
    cal = _new_calendar(name)
    for event in events:
        cal.add_component(vevent(event, request.build_absolute_uri(event.get_absolute_url())))
    add_timezones(cal)
    return cal.to_ical()


def talk_calendar(talk, request) -> bytes:
    """The calendar file of one agenda item (a member adds the talks they attend)."""
    cal = _new_calendar(talk.title)
    cal.add_component(talk_vevent(talk, request.build_absolute_uri(talk.get_absolute_url())))
    add_timezones(cal)
    return cal.to_ical()


def _utc_stamp(dt):
    return dt.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def google_calendar_url(event, url: str) -> str:
    if event.all_day:
        dates = f"{event.first_day:%Y%m%d}/{event.exclusive_end_date():%Y%m%d}"
    else:
        dates = f"{_utc_stamp(event.start)}/{_utc_stamp(event.end)}"
    params = {
        "action": "TEMPLATE",
        "text": event.title,
        "dates": dates,
        "details": f"{event.summary}\n\n{url}".strip(),
        "location": _location(event),
        "ctz": event.timezone,
    }
    return "https://calendar.google.com/calendar/render?" + urlencode(params)


def outlook_calendar_url(event, url: str) -> str:
    if event.all_day:
        start, end = event.first_day.isoformat(), event.exclusive_end_date().isoformat()
    else:
        start = event.start.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
        end = event.end.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    params = {
        "path": "/calendar/action/compose",
        "rru": "addevent",
        "subject": event.title,
        "startdt": start,
        "enddt": end,
        "allday": "true" if event.all_day else "false",
        "body": f"{event.summary}\n\n{url}".strip(),
        "location": _location(event),
    }
    return "https://outlook.office.com/calendar/0/deeplink/compose?" + urlencode(params)
