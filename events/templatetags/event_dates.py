"""Date ranges of events in the event's own time zone, as <time datetime> elements, written as the
active language writes them ("3–5 March 2026", "3.–5. März 2026"; spp_site/formats/)."""

from django import template
from django.utils import dateformat, formats
from django.utils.html import format_html
from django.utils.translation import gettext

from spp_site.formats import range_format

register = template.Library()


def _day(d, with_month=True, with_year=True):
    """The day alone, with its month, or the whole date, in the active language's formats (so month
    names and the day's full stop in German follow it too)."""
    if with_year:
        return formats.date_format(d, "DATE_FORMAT")
    if with_month:
        return formats.date_format(d, "MONTH_DAY_FORMAT")
    return dateformat.format(d, range_format("DAY_FORMAT"))


def _time(dt):
    return formats.time_format(dt, "TIME_FORMAT")


def _zone_note(event):
    if not event.shows_zone:
        return ""
    return format_html(
        ' <span class="tz">({})</span>',
        # Translators: an event's time zone, e.g. "New York time, EDT".
        gettext("%(city)s time, %(abbreviation)s")
        % {
            "city": event.timezone.split("/")[-1].replace("_", " "),
            "abbreviation": event.local_start.tzname(),
        },
    )


@register.simple_tag
def event_when(event):
    """e.g. "12–14 March 2024", or "18 October 2023, 14:00–16:00 (New York time, EDT)"; in German
    "12.–14. März 2024", "18. Oktober 2023, 14:00–16:00 (New York time, EDT)"."""
    start, end = event.local_start, event.local_end
    first, last = start.date(), end.date()
    if event.all_day:
        if first == last:
            return format_html('<time datetime="{}">{}</time>', first.isoformat(), _day(first))
        same_year = first.year == last.year
        same_month = same_year and first.month == last.month
        return format_html(
            '<time datetime="{}">{}</time>{}<time datetime="{}">{}</time>',
            first.isoformat(),
            _day(first, with_month=not same_month, with_year=not same_year),
            "–" if same_month else " – ",
            last.isoformat(),
            _day(last),
        )
    if first == last:
        return format_html(
            '<time datetime="{}">{}, {}</time>–<time datetime="{}">{}</time>{}',
            start.isoformat(timespec="minutes"),
            _day(first),
            _time(start),
            end.isoformat(timespec="minutes"),
            _time(end),
            _zone_note(event),
        )
    return format_html(
        '<time datetime="{}">{}, {}</time> – <time datetime="{}">{}, {}</time>{}',
        start.isoformat(timespec="minutes"),
        _day(first),
        _time(start),
        end.isoformat(timespec="minutes"),
        _day(last),
        _time(end),
        _zone_note(event),
    )


@register.simple_tag
def event_date_short(event):
    """The first day only, for compact lists: "18 Oct 2023", "18. Okt 2023"."""
    d = event.local_start.date()
    return format_html(
        '<time datetime="{}">{}</time>', d.isoformat(), dateformat.format(d, range_format("ABBR_DATE_FORMAT"))
    )
