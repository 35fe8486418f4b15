"""Date ranges of events in the event's own time zone, as <time datetime> elements."""

from django import template
from django.utils import dateformat
from django.utils.html import format_html

register = template.Library()


def _day(d, with_month=True, with_year=True):
    # Django's formats (not strftime) so month names follow the active language.
    return dateformat.format(d, "j" + (" F" if with_month else "") + (" Y" if with_year else ""))


def _time(dt):
    return dateformat.time_format(dt, "H:i")


def _zone_note(event):
    if not event.shows_zone:
        return ""
    return format_html(
        ' <span class="tz">({} time, {})</span>',
        event.timezone.split("/")[-1].replace("_", " "),
        event.local_start.tzname(),
    )


@register.simple_tag
def event_when(event):
    """e.g. "12–14 March 2024", or "18 October 2023, 14:00–16:00 (New York time, EDT)"."""
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
    """The first day only, for compact lists: "18 Oct 2023"."""
    d = event.local_start.date()
    return format_html('<time datetime="{}">{}</time>', d.isoformat(), dateformat.format(d, "j M Y"))
