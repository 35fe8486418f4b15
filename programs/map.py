"""The home page's map: Germany's outline (Natural Earth, shipped in programs/data/germany.json)
and a marker per institution, drawn as inline SVG on the server. No tiles, no map scripts, no
request to any other host."""

import json
import math
from functools import lru_cache
from pathlib import Path

from django.db.models import Count
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


def build(institutions):
    """Everything the map template needs, from a queryset of institutions with projects."""
    outline = _outline()
    min_lon, min_lat, max_lon, max_lat = outline["bbox"]
    markers, abroad = [], []
    for inst in institutions.annotate(project_count=Count("projects", distinct=True)).order_by("name"):
        count = inst.project_count
        entry = {
            "name": inst.name,
            "city": inst.city,
            "country": inst.country,
            "url": inst.get_absolute_url(),
            "label": ngettext("%(place)s: %(count)d project", "%(place)s: %(count)d projects", count)
            % {"place": f"{inst.name}, {inst.city}" if inst.city else inst.name, "count": count},
        }
        lat, lon = float(inst.latitude), float(inst.longitude)
        inside = min_lat <= lat <= max_lat and min_lon <= lon <= max_lon
        if inst.country.strip().lower() in GERMANY and inside:
            x, y = project(lat, lon)
            markers.append({**entry, "x": f"{x:.1f}", "y": f"{y:.1f}", "r": MARKER_RADIUS})
        else:
            abroad.append(entry)
    return {
        "viewbox": f"0 0 {WIDTH} {outline['height']}",
        "width": WIDTH,
        "height": outline["height"],
        "outline": outline["path"],
        "markers": markers,
        "abroad": abroad,
    }
