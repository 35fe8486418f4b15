"""The site's calendar files read the same in every calendar program.

Each file is parsed by four independent readers: `icalendar` (which the site writes with; it maps
a TZID to the time-zone database by name), `vobject` and `ics` (ics.py), which build their zones
from the file's VTIMEZONE blocks, and `dateutil.tz.tzical` reading the VTIMEZONE blocks alone,
combined here with the local time of each DTSTART/DTEND. Every event's start and end must be the
same instant in all four, and the instant the site stores. Outlook is not available to a test:
what it needs is checked on the VTIMEZONE itself (RRULE with BYDAY, no RDATE list)."""

import datetime
import io
import re
import warnings
import zoneinfo
from datetime import UTC

import icalendar
import pytest
import vobject
from dateutil.tz import tzical

from events.models import Event
from tests.events.factories import AgendaItemFactory, EventFactory
from tests.programs.factories import PersonFactory

with warnings.catch_warnings():  # ics 0.7 imports a module that warns on import (tatsu, arrow)
    warnings.simplefilter("ignore")
    import ics

pytestmark = pytest.mark.django_db
BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
HOUR = datetime.timedelta(hours=1)


# --- the four readers: each gives {UID: (start, end)}, UTC date-times or (all-day) dates ----------


def _utc(value):
    if isinstance(value, datetime.datetime):
        assert value.tzinfo is not None, f"floating time {value}"
        return value.astimezone(UTC)
    return value


def read_icalendar(raw: bytes):
    cal = icalendar.Calendar.from_ical(raw)
    return {str(e["UID"]): (_utc(e.decoded("DTSTART")), _utc(e.decoded("DTEND"))) for e in cal.walk("VEVENT")}


def parse_vobject(raw: bytes):
    """vobject keeps the first VTIMEZONE it meets for a TZID for the rest of the process: each file
    is read here as by a program that meets it for the first time."""
    registry = vars(vobject.icalendar)["__tzidMap"]
    for tzid in [tzid for tzid in registry if tzid != "UTC"]:
        del registry[tzid]
    return vobject.readOne(raw.decode())


def read_vobject(raw: bytes):
    cal = parse_vobject(raw)
    return {e.uid.value: (_utc(e.dtstart.value), _utc(e.dtend.value)) for e in cal.vevent_list}


def read_ics(raw: bytes):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cal = ics.Calendar(raw.decode())
    result = {}
    for e in cal.events:
        if e.all_day:  # ics.py gives all-day events as midnight UTC arrows
            result[e.uid] = (e.begin.date(), e.end.date())
        else:
            result[e.uid] = (_utc(e.begin.datetime), _utc(e.end.datetime))
    return result


def _content_lines(raw: bytes):
    return raw.decode().replace("\r\n ", "").replace("\r\n\t", "").split("\r\n")


_DATE_TIME = re.compile(r"^(DTSTART|DTEND)((?:;[^:]*)?):(\d{8})(?:T(\d{6})(Z?))?$")


def read_dateutil(raw: bytes):
    """dateutil's tzical builds the zones from the VTIMEZONE blocks; the local times are read from
    the content lines and put in those zones here."""
    lines = _content_lines(raw)
    blocks, inside = [], False
    for line in lines:
        inside = inside or line == "BEGIN:VTIMEZONE"
        if inside:
            blocks.append(line)
        inside = inside and line != "END:VTIMEZONE"
    zones = tzical(io.StringIO("\r\n".join(blocks))) if blocks else None
    result, uid, times, in_event = {}, None, {}, False
    for line in lines:
        if line == "BEGIN:VEVENT":
            in_event = True
        elif not in_event:
            continue  # DTSTART also starts each VTIMEZONE rule
        elif line.startswith("UID:"):
            uid = line[4:]
        elif match := _DATE_TIME.match(line):
            name, params, day, clock, utc = match.groups()
            params = dict(p.split("=", 1) for p in params.split(";") if p)
            if clock is None:
                times[name] = datetime.datetime.strptime(day, "%Y%m%d").date()
            else:
                local = datetime.datetime.strptime(day + clock, "%Y%m%d%H%M%S")
                zone = UTC if utc else zones.get(params["TZID"])
                times[name] = local.replace(tzinfo=zone).astimezone(UTC)
        elif line == "END:VEVENT":
            result[uid] = (times["DTSTART"], times["DTEND"])
            uid, times, in_event = None, {}, False
    return result


READERS = {"icalendar": read_icalendar, "vobject": read_vobject, "dateutil": read_dateutil, "ics": read_ics}


def read_everywhere(raw: bytes):
    """{UID: (start, end)}, after checking that all four readers agree on every event."""
    results = {name: reader(raw) for name, reader in READERS.items()}
    first = results["icalendar"]
    for name, result in results.items():
        assert result == first, f"{name} reads {result}, icalendar reads {first}"
    return first


def expected(event):
    if event.all_day:
        return (event.first_day, event.exclusive_end_date())
    return (event.start.astimezone(UTC), event.end.astimezone(UTC))


def uid(event):
    return f"{event.uuid}@spp2298"


# --- the cases --------------------------------------------------------------------------------


def at(zone, *args):
    return datetime.datetime(*args, tzinfo=zone)


CASES = {
    # The example: 14:00 CEST is 12:00 UTC (vobject read it as 13:00 UTC).
    "summer": (at(BERLIN, 2023, 9, 25, 14), at(BERLIN, 2023, 9, 27, 12, 30), "Europe/Berlin", False),
    "winter": (at(BERLIN, 2024, 1, 16, 9), at(BERLIN, 2024, 1, 16, 17), "Europe/Berlin", False),
    "into summer time": (at(BERLIN, 2026, 3, 28, 18), at(BERLIN, 2026, 3, 29, 12), "Europe/Berlin", False),
    "into winter time": (at(BERLIN, 2026, 10, 24, 18), at(BERLIN, 2026, 10, 25, 12), "Europe/Berlin", False),
    "new york summer": (
        at(NEW_YORK, 2026, 7, 1, 10),
        at(NEW_YORK, 2026, 7, 1, 12),
        "America/New_York",
        False,
    ),
    "new york across": (at(NEW_YORK, 2026, 3, 7, 9), at(NEW_YORK, 2026, 3, 9, 17), "America/New_York", False),
    "all day": (at(BERLIN, 2026, 3, 12), at(BERLIN, 2026, 3, 14, 23, 59, 59), "Europe/Berlin", True),
}


@pytest.fixture
def events():
    return {
        name: EventFactory(title=name, start=start, end=end, timezone=zone, all_day=all_day)
        for name, (start, end, zone, all_day) in CASES.items()
    }


@pytest.mark.parametrize("case", CASES)
def test_each_event_file_reads_the_same_instants_in_every_reader(client, events, case):
    event = events[case]
    read = read_everywhere(client.get(f"/events/{event.slug}/calendar.ics").content)
    assert read == {uid(event): expected(event)}


def test_the_all_events_file_reads_the_same_instants_in_every_reader(client, events):
    read = read_everywhere(client.get("/events/calendar.ics").content)
    assert read == {uid(event): expected(event) for event in events.values()}


def test_the_2023_annual_meeting_starts_at_noon_utc_in_vobject(client):
    event = EventFactory(start=at(BERLIN, 2023, 9, 25, 14), end=at(BERLIN, 2023, 9, 27, 12, 30))
    vevent = parse_vobject(client.get(f"/events/{event.slug}/calendar.ics").content).vevent
    assert vevent.dtstart.value.astimezone(UTC) == at(UTC, 2023, 9, 25, 12)
    assert vevent.dtstart.value.utcoffset() == 2 * HOUR


def test_a_talk_file_reads_the_talks_own_times_in_every_reader(client):
    event = EventFactory(
        start=at(BERLIN, 2026, 3, 28, 9), end=at(BERLIN, 2026, 3, 29, 17), venue_name="Harnack-Haus"
    )
    talk = AgendaItemFactory(
        event=event, start=at(BERLIN, 2026, 3, 29, 10, 15), end=at(BERLIN, 2026, 3, 29, 11), room="Room 2"
    )
    raw = client.get(talk.get_calendar_url()).content
    assert read_everywhere(raw) == {
        f"{event.uuid}-agenda-{talk.pk}@spp2298": (at(UTC, 2026, 3, 29, 8, 15), at(UTC, 2026, 3, 29, 9))
    }


# --- what Outlook needs, and what calendar programs must still see -------------------------------


def vtimezones(raw: bytes):
    return {str(zone["TZID"]): zone for zone in icalendar.Calendar.from_ical(raw).walk("VTIMEZONE")}


def test_berlin_is_defined_by_yearly_rules_on_a_weekday_not_by_a_list_of_dates(client, events):
    raw = client.get(f"/events/{events['summer'].slug}/calendar.ics").content
    berlin = vtimezones(raw)["Europe/Berlin"]
    text = berlin.to_ical().decode()
    assert "RDATE" not in text
    rules = [str(part["RRULE"].to_ical().decode()) for part in berlin.subcomponents]
    assert sorted(part.name for part in berlin.subcomponents) == ["DAYLIGHT", "STANDARD"]
    assert all("FREQ=YEARLY" in rule and "BYDAY=-1SU" in rule for rule in rules), rules
    assert {"BYMONTH=3", "BYMONTH=10"} <= {p for rule in rules for p in rule.split(";")}


def test_the_all_events_file_defines_each_zone_it_uses_once(client, events):
    raw = client.get("/events/calendar.ics").content
    assert sorted(vtimezones(raw)) == ["America/New_York", "Europe/Berlin"]
    assert raw.count(b"BEGIN:VTIMEZONE") == 2
    assert "RDATE" not in raw.decode()
    # The definitions come before the events that use them.
    assert raw.rindex(b"END:VTIMEZONE") < raw.index(b"BEGIN:VEVENT")


def test_a_cancelled_event_says_so_in_every_file(client):
    event = EventFactory(status=Event.Status.CANCELLED, start=at(BERLIN, 2026, 6, 1, 10))
    talk = AgendaItemFactory(event=event)
    for url in (f"/events/{event.slug}/calendar.ics", "/events/calendar.ics", talk.get_calendar_url()):
        raw = client.get(url).content
        assert b"STATUS:CANCELLED" in raw, url
        read_everywhere(raw)


def test_a_talk_file_has_its_room_speakers_and_link_to_the_agenda(client):
    event = EventFactory(venue_name="Harnack-Haus", address="Ihnestraße 16–20\n14195 Berlin")
    talk = AgendaItemFactory(
        event=event, title="Sharp bounds", room="Goethe-Saal", guest_speakers="Ada Guest"
    )
    talk.speakers.set([PersonFactory(first_name="Grace", last_name="Member")])
    vevent = icalendar.Calendar.from_ical(client.get(talk.get_calendar_url()).content).walk("VEVENT")[0]
    assert str(vevent["SUMMARY"]) == "Sharp bounds"
    assert str(vevent["LOCATION"]) == "Goethe-Saal, Harnack-Haus, Ihnestraße 16–20 14195 Berlin"
    assert str(vevent["URL"]) == f"http://testserver{event.get_absolute_url()}#agenda-{talk.pk}"
    description = str(vevent["DESCRIPTION"])
    assert "Speakers: Grace Member, Ada Guest" in description
    assert event.title in description and str(vevent["URL"]) in description
    assert vevent["UID"] != uid(event) and vevent["SEQUENCE"] == event.sequence


# --- zones the packaged definitions get wrong or lack --------------------------------------------


BERLIN_WITHOUT_SUMMER_TIME = b"""BEGIN:VTIMEZONE\r
TZID:Europe/Berlin\r
BEGIN:STANDARD\r
DTSTART:19700101T000000\r
TZOFFSETFROM:+0100\r
TZOFFSETTO:+0100\r
TZNAME:CET\r
END:STANDARD\r
END:VTIMEZONE\r
"""


def test_a_packaged_zone_that_disagrees_with_the_time_zone_database_is_not_used(client, monkeypatch):
    """Were the package's rules for a zone out of date, the zone is generated from the time-zone
    database instead, and the file still reads right."""
    monkeypatch.setattr(
        "events.calendar.packaged_vtimezone",
        lambda tzid: icalendar.Timezone.from_ical(BERLIN_WITHOUT_SUMMER_TIME),
    )
    summer = EventFactory(start=at(BERLIN, 2026, 7, 1, 10), end=at(BERLIN, 2026, 7, 1, 12))
    raw = client.get(f"/events/{summer.slug}/calendar.ics").content
    assert list(vtimezones(raw)) == ["Europe/Berlin"]
    assert b"BEGIN:DAYLIGHT" in raw and b"TZOFFSETTO:+0200" in raw
    assert read_everywhere(raw) == {uid(summer): expected(summer)}


def test_the_same_disagreement_in_winter_keeps_the_packaged_zone(client, monkeypatch):
    monkeypatch.setattr(
        "events.calendar.packaged_vtimezone",
        lambda tzid: icalendar.Timezone.from_ical(BERLIN_WITHOUT_SUMMER_TIME),
    )
    winter = EventFactory(start=at(BERLIN, 2026, 1, 10, 10), end=at(BERLIN, 2026, 1, 10, 12))
    raw = client.get(f"/events/{winter.slug}/calendar.ics").content
    assert b"BEGIN:DAYLIGHT" not in raw and raw.count(b"BEGIN:STANDARD") == 1


@pytest.mark.parametrize(
    ("zone", "start"),
    [
        # The package's 2020 data still has summer time in Mexico City (abolished in 2022).
        ("America/Mexico_City", datetime.datetime(2026, 7, 1, 10)),
        # Moscow was UTC+4 all year from 2011 to 2014; the package knows only today's UTC+3.
        ("Europe/Moscow", datetime.datetime(2012, 7, 1, 10)),
        # Berlin's current rules begin in 1980 (no summer time 1950–1979).
        ("Europe/Berlin", datetime.datetime(1975, 7, 1, 10)),
        # Named in 2022; the package knows only Europe/Kiev.
        ("Europe/Kyiv", datetime.datetime(2026, 7, 1, 10)),
        # No VTIMEZONE at all: UTC times end in Z.
        ("UTC", datetime.datetime(2026, 7, 1, 10)),
    ],
)
def test_zones_the_package_gets_wrong_or_lacks_are_generated_and_read_right(client, zone, start):
    start = start.replace(tzinfo=zoneinfo.ZoneInfo(zone))
    event = EventFactory(timezone=zone, start=start, end=start + 2 * HOUR)
    raw = client.get(f"/events/{event.slug}/calendar.ics").content
    assert list(vtimezones(raw)) == ([] if zone == "UTC" else [zone])
    assert read_everywhere(raw) == {uid(event): expected(event)}


def test_a_fixed_offset_zone_is_one_standard_component(client):
    start = at(zoneinfo.ZoneInfo("Asia/Tokyo"), 2026, 7, 1, 10)
    event = EventFactory(timezone="Asia/Tokyo", start=start, end=start + 2 * HOUR)
    raw = client.get(f"/events/{event.slug}/calendar.ics").content
    tokyo = vtimezones(raw)["Asia/Tokyo"]
    assert [part.name for part in tokyo.subcomponents] == ["STANDARD"]
    assert "RDATE" not in raw.decode()
    assert read_everywhere(raw) == {uid(event): expected(event)}
