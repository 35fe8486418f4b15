"""What a first visit to a page transfers: the HTML, then every stylesheet, script, icon and image
it references (and what the stylesheets reference with url()), each fetched with
`Accept-Encoding: gzip, br` and counted as the server sends it (body bytes on the wire, headers
excluded). For `<img srcset>` the candidate a browser 1280 px wide at 1 device pixel per CSS pixel
picks from `sizes` is counted; images marked loading="lazy" are counted too (an upper bound)."""

import gzip
import html.parser
import http.client
import re
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import brotli

ACCEPT_ENCODING = "gzip, br"
VIEWPORT = 1280  # CSS pixels
REM = 16  # px


@dataclass
class Asset:
    url: str
    kind: str  # html, css, js, image, css url()
    status: int
    encoding: str  # the Content-Encoding the server chose ("" for none)
    wire_bytes: int
    identity_bytes: int


@dataclass
class FirstVisit:
    assets: list[Asset] = field(default_factory=list)
    html_gzip_bytes: int = 0  # the HTML gzipped (level 6), for reference when it is sent uncompressed

    @property
    def total(self) -> int:
        return sum(asset.wire_bytes for asset in self.assets)

    def by_kind(self, kind: str) -> int:
        return sum(asset.wire_bytes for asset in self.assets if asset.kind == kind)

    @property
    def html(self) -> Asset:
        return self.assets[0]


def fetch(url: str) -> tuple[int, str, bytes, bytes]:
    """(status, content encoding, body as sent, body decoded)."""
    parts = urlsplit(url)
    if parts.hostname != "127.0.0.1":
        raise ValueError(f"the benchmark only fetches from 127.0.0.1, not {url}")
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        connection.request("GET", path, headers={"Accept-Encoding": ACCEPT_ENCODING})
        response = connection.getresponse()
        raw = response.read()
        encoding = (response.getheader("Content-Encoding") or "").strip().lower()
    finally:
        connection.close()
    body = gzip.decompress(raw) if encoding == "gzip" else brotli.decompress(raw) if encoding == "br" else raw
    return response.status, encoding, raw, body


def _length(text: str) -> float | None:
    match = re.fullmatch(r"\s*([\d.]+)(px|rem|em|vw)\s*", text)
    if not match:
        return None
    value, unit = float(match.group(1)), match.group(2)
    return value * {"px": 1, "rem": REM, "em": REM, "vw": VIEWPORT / 100}[unit]


def _condition_holds(condition: str) -> bool:
    for feature, value in re.findall(r"\(\s*(min-width|max-width)\s*:\s*([^)]+)\)", condition):
        width = _length(value)
        if width is None or (feature == "min-width" and width > VIEWPORT):
            return False
        if feature == "max-width" and width < VIEWPORT:
            return False
    return True


def slot_width(sizes: str) -> float:
    """The width `sizes` gives an image in a VIEWPORT-wide window (100vw if nothing matches)."""
    for entry in (part.strip() for part in sizes.split(",") if part.strip()):
        condition, _, length = entry.rpartition(")")
        if condition and not _condition_holds(condition + ")"):
            continue
        width = _length(length if condition else entry)
        if width is not None:
            return width
    return VIEWPORT


def pick_source(src: str, srcset: str, sizes: str) -> str:
    """The srcset candidate a browser picks at 1 device pixel per CSS pixel: the narrowest at least
    as wide as the slot, else the widest; `src` without a srcset of width descriptors."""
    candidates = []
    for item in srcset.split(","):
        url, _, descriptor = item.strip().partition(" ")
        if url and descriptor.strip().endswith("w"):
            candidates.append((int(descriptor.strip()[:-1]), url))
    if not candidates:
        return src
    slot = slot_width(sizes or "100vw")
    wide_enough = sorted(c for c in candidates if c[0] >= slot)
    return (wide_enough[0] if wide_enough else max(candidates))[1]


class _References(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.found: list[tuple[str, str]] = []  # (kind, url)

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        rel = attributes.get("rel", "").lower().split()
        if tag == "link" and "stylesheet" in rel and attributes.get("href"):
            self.found.append(("css", attributes["href"]))
        elif tag == "link" and "icon" in rel and attributes.get("href"):
            self.found.append(("image", attributes["href"]))
        elif tag == "script" and attributes.get("src"):
            self.found.append(("js", attributes["src"]))
        elif tag == "img":
            chosen = pick_source(
                attributes.get("src", ""), attributes.get("srcset", ""), attributes.get("sizes", "")
            )
            if chosen and not chosen.startswith("data:"):
                self.found.append(("image", chosen))


def _css_references(css: str) -> list[str]:
    urls = re.findall(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)", css)
    return [url for url in urls if not url.startswith(("data:", "#"))]


def first_visit(url: str) -> FirstVisit:
    visit = FirstVisit()
    seen = set()

    def get(address, kind):
        if address in seen:
            return None
        seen.add(address)
        status, encoding, raw, body = fetch(address)
        visit.assets.append(Asset(address, kind, status, encoding, len(raw), len(body)))
        return body

    page = get(url, "html")
    visit.html_gzip_bytes = gzip_size(page)
    parser = _References()
    parser.feed(page.decode("utf-8", errors="replace"))
    for kind, reference in parser.found:
        address = urljoin(url, reference)
        body = get(address, kind)
        if kind == "css" and body is not None:
            for nested in _css_references(body.decode("utf-8", errors="replace")):
                get(urljoin(address, nested), "css url()")
    return visit


def gzip_size(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=6))
