"""iCalendar (RFC 5545) output through the `icalendar` package, and "add to calendar" links."""

from datetime import UTC, timedelta
from urllib.parse import urlencode

import icalendar
from django.utils import timezone

from spp_site.markdown import markdown_to_text
from spp_site.text import single_line, strip_control_characters

PRODID = "-//SPP 2298//Events//EN"


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


def vevent(event, url: str) -> icalendar.Event:
    item = icalendar.Event()
    item.add("uid", _uid(event))
    item.add("dtstamp", event.updated_at.astimezone(UTC))
    item.add("last-modified", event.updated_at.astimezone(UTC))
    item.add("created", event.created_at.astimezone(UTC))
    item.add("sequence", event.sequence)
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


def calendar(events, request, name: str) -> bytes:
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", single_line(name))
    cal.add("x-wr-timezone", timezone.get_default_timezone_name())
    cal.add("refresh-interval", timedelta(hours=12), parameters={"value": "DURATION"})
    for event in events:
        cal.add_component(vevent(event, request.build_absolute_uri(event.get_absolute_url())))
    cal.add_missing_timezones()
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
