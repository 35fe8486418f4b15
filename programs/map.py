"""The home page's map: Germany's outline (Natural Earth, shipped in programs/data/germany.json)
and a marker per institution, drawn as inline SVG on the server. No tiles, no map scripts, no
request to any other host."""

import json
import math
from functools import lru_cache
from pathlib import Path

from django.db.models import Count
from django.utils.text import slugify
from django.utils.translation import ngettext

DATA_FILE = Path(__file__).resolve().parent / "data" / "germany.json"
WIDTH = 400  # SVG user units; the height follows from the projection
PADDING = 8
MARKER_RADIUS = 6
GERMANY = {"germany", "deutschland", "de"}


@lru_cache(maxsize=1)
def _outline():
    data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    min_lon, min_lat, max_lon, max_lat = data["bbox"]
    # Equirectangular projection, longitudes shrunk by cos(mid-latitude) so shapes look right.
    kx = math.cos(math.radians((min_lat + max_lat) / 2))
    scale = (WIDTH - 2 * PADDING) / ((max_lon - min_lon) * kx)
    height = round((max_lat - min_lat) * scale + 2 * PADDING)

    def project(lon, lat):
        return (PADDING + (lon - min_lon) * kx * scale, PADDING + (max_lat - lat) * scale)

    parts = []
    for ring in data["rings"]:
        points = [project(lon, lat) for lon, lat in ring]
        parts.append("M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in points) + "Z")
    return {"path": "".join(parts), "height": height, "project": project, "bbox": data["bbox"]}


def project(lat: float, lon: float) -> tuple[float, float]:
    """SVG coordinates of a point (latitude, longitude) on the map."""
    return _outline()["project"](lon, lat)


def _place_key(entry):
    """Institutions in the same city share one marker (four in Berlin would hide one another);
    those without a city are kept apart by their position."""
    city = " ".join(entry["city"].split()).casefold()
    return ("city", city) if city else ("at", entry["x"], entry["y"])


def build(institutions):
    """Everything the map template needs, from a queryset of institutions with projects: one
    marker per place (a city), labelled with its institution when it has one, with the number of
    institutions when it has several."""
    outline = _outline()
    min_lon, min_lat, max_lon, max_lat = outline["bbox"]
    places, abroad = {}, []
    for inst in institutions.annotate(project_count=Count("projects", distinct=True)).order_by("name"):
        count = inst.project_count
        entry = {
            "name": inst.name,
            "city": inst.city,
            "country": inst.country,
            "url": inst.get_absolute_url(),
            "project_count": count,
            "label": ngettext("%(place)s: %(count)d project", "%(place)s: %(count)d projects", count)
            % {"place": f"{inst.name}, {inst.city}" if inst.city else inst.name, "count": count},
        }
        lat, lon = float(inst.latitude), float(inst.longitude)
        inside = min_lat <= lat <= max_lat and min_lon <= lon <= max_lon
        if inst.country.strip().lower() in GERMANY and inside:
            entry["x"], entry["y"] = project(lat, lon)
            places.setdefault(_place_key(entry), []).append(entry)
        else:
            abroad.append(entry)
    markers = [_marker(members) for members in places.values()]
    markers.sort(key=lambda m: (m["city"].casefold(), m["name"].casefold()))
    return {
        "viewbox": f"0 0 {WIDTH} {outline['height']}",
        "width": WIDTH,
        "height": outline["height"],
        "outline": outline["path"],
        "markers": markers,
        "institution_count": sum(len(m["members"]) for m in markers),
        "abroad": abroad,
    }


def _marker(members):
    x = sum(m["x"] for m in members) / len(members)
    y = sum(m["y"] for m in members) / len(members)
    first = members[0]
    marker = {**first, "x": f"{x:.1f}", "y": f"{y:.1f}", "r": MARKER_RADIUS, "members": members}
    if len(members) > 1:
        count = len(members)
        marker.update(
            count=count,
            r=MARKER_RADIUS + 3,
            # The place's entry in the list under the map, which names each institution.
            url="#" + place_anchor(first["city"]),
            label=ngettext("%(place)s: %(count)d institution", "%(place)s: %(count)d institutions", count)
            % {"place": first["city"], "count": count},
        )
    return marker


def place_anchor(city: str) -> str:
    return "map-place-" + slugify(city)
