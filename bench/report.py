"""The results of `make bench` as Markdown: the table, the targets of issue 12 (met or not), the
first-visit transfer size and the conditions of the run."""

import math
import statistics
from dataclasses import dataclass, field
from typing import NamedTuple
from urllib.parse import urlsplit

from bench.loadgen import Result

BARE = "/bench/bare/"
COLUMNS = ["cached", "uncached"]  # DJANGO_PAGE_CACHE=1, then 0

# Targets (issue 12), for 2 cores and `wrk -t2 -c16`; ratios to the bare view of the same round.
CACHED_RATIO, CACHED_P99_MS = 0.75, 50.0
UNCACHED_LIST_RATIO, UNCACHED_EVENT_RATIO, DOWNLOAD_RATIO = 0.2, 0.1, 0.5
FIRST_VISIT_LIMIT = 150_000  # bytes (150 kB)
# Fewer answers than this in a run make rough figures (a page slower than the run is long).
FEW_ANSWERS = 50


@dataclass
class Series:
    """One page (or the bare view) on one server: a result per round, and the ratios to the bare
    view of the same rounds."""

    results: list[Result] = field(default_factory=list)
    ratios: list[float] = field(default_factory=list)

    def add(self, result: Result, bare: Result | None = None) -> None:
        self.results.append(result)
        if bare is not None:
            rate = bare.requests_per_second
            self.ratios.append(result.requests_per_second / rate if rate else math.nan)

    def median(self, attribute: str) -> float:
        return statistics.median(getattr(result, attribute) for result in self.results)

    @property
    def ratio(self) -> float:
        return statistics.median(self.ratios) if self.ratios else math.nan

    @property
    def errors(self) -> int:
        return sum(result.errors_status + result.errors_socket for result in self.results)


class Page(NamedTuple):
    name: str
    path: str
    kind: str  # list, detail, event, download (bench.seed.bench_pages)


class Target(NamedTuple):
    text: str
    met: bool


def _worst_ratio(series: dict[str, Series], pages: list[Page]) -> tuple[float, str]:
    # A missing ratio (nan) counts as 0: the page was not measured as fast enough.
    return min((0.0 if math.isnan(series[p.path].ratio) else series[p.path].ratio, p.name) for p in pages)


def _worst_p99(series: dict[str, Series], pages: list[Page]) -> tuple[float, str]:
    # A run without answers has no latency: it counts as infinitely slow.
    return max(
        (math.inf if math.isnan(series[p.path].median("p99_ms")) else series[p.path].median("p99_ms"), p.name)
        for p in pages
    )


def targets(pages: list[Page], modes: dict[str, dict], first_visit_bytes: int) -> list[Target]:
    cached, uncached = modes["cached"]["pages"], modes["uncached"]["pages"]
    anonymous = [p for p in pages if p.kind != "download"]
    lists = [p for p in pages if p.kind == "list"]
    event = next(p for p in pages if p.kind == "event")
    download = next(p for p in pages if p.kind == "download")
    ratio, ratio_page = _worst_ratio(cached, anonymous)
    p99, p99_page = _worst_p99(cached, anonymous)
    list_ratio, list_page = _worst_ratio(uncached, lists)
    event_ratio, _ = _worst_ratio(uncached, [event])
    download_ratio = min(_worst_ratio(cached, [download])[0], _worst_ratio(uncached, [download])[0])
    errors = sum(
        series.errors
        for column in COLUMNS
        for series in [modes[column]["bare"], *modes[column]["pages"].values()]
    )
    return [
        Target(
            f"Cached anonymous pages ≥ {CACHED_RATIO}× the bare view: lowest {ratio:.2f}× ({ratio_page})",
            ratio >= CACHED_RATIO,
        ),
        Target(
            f"Cached anonymous pages p99 ≤ {CACHED_P99_MS:.0f} ms: highest {p99:.0f} ms ({p99_page})",
            p99 <= CACHED_P99_MS,
        ),
        Target(
            f"Uncached list pages ({', '.join(p.name for p in lists)}) ≥ {UNCACHED_LIST_RATIO}×: "
            f"lowest {list_ratio:.2f}× ({list_page})",
            list_ratio >= UNCACHED_LIST_RATIO,
        ),
        Target(
            f"{event.name}, uncached, ≥ {UNCACHED_EVENT_RATIO}×: {event_ratio:.2f}×",
            event_ratio >= UNCACHED_EVENT_RATIO,
        ),
        Target(
            f"{download.name} ≥ {DOWNLOAD_RATIO}× in requests/s: {download_ratio:.2f}× (the lower column)",
            download_ratio >= DOWNLOAD_RATIO,
        ),
        Target(f"0 non-2xx responses and socket errors in every run: {errors} in all", errors == 0),
        Target(
            f"Home page first visit ≤ {FIRST_VISIT_LIMIT // 1000} kB: {first_visit_bytes:,} bytes",
            first_visit_bytes <= FIRST_VISIT_LIMIT,
        ),
    ]


def _number(value: float, digits: int = 1) -> str:
    return "–" if math.isnan(value) else f"{value:,.{digits}f}"


def render(context: dict) -> str:
    pages, modes, visit = context["pages"], context["modes"], context["first_visit"]
    bare = "; ".join(
        f"{column}: {_number(modes[column]['bare'].median('requests_per_second'), 0)} req/s, "
        f"p50 {_number(modes[column]['bare'].median('p50_ms'))} ms, "
        f"p99 {_number(modes[column]['bare'].median('p99_ms'))} ms"
        for column in COLUMNS
    )
    lines = [
        "# `make bench` results",
        "",
        f"- Date: {context['date']}; revision {context['revision']}",
        f"- Machine: {context['cores']} cores (`nproc`: {context['nproc']}), {context['cpu']}, "
        f"{context['memory']}; load average before the run: {context['load_start']}",
        f"- Other processes used {context['other_cpu']:.0%} of the machine's CPU time while measuring "
        "(what neither the servers, nor the load generator, nor this script used)",
        f"- Load generator: {context['loadgen']}; {context['seconds']} s per page run, the bare view "
        f"for {max(1, context['seconds'] // 2)} s right before each, median of {context['rounds']} "
        "rounds, after a 1 s warm-up of each per server",
        f"- Server: `make serve` (scripts/serve.sh: DEBUG off, gunicorn gthread, {context['workers']} "
        f"workers × {context['threads']} threads, the site's request log, DATABASE_CONN_MAX_AGE="
        f"{context['conn_max_age']}) on 127.0.0.1; pages compressed only for clients that ask (wrk does not)",
        f"- Database: {context['database']}",
        f"- Data: {context['data']}",
        "",
        f"Bare view (`{BARE}`, a 20 KB `HttpResponse` through the same middleware and gunicorn): {bare}.",
        "",
        "Latencies in ms. × bare: the page's requests/s divided by the bare view's in the same round "
        "(median over the rounds). Cached: `DJANGO_PAGE_CACHE=1`; uncached: `DJANGO_PAGE_CACHE=0`.",
        "",
        "| Page | URL | cached req/s | p50 | p99 | × bare | uncached req/s | p50 | p99 | × bare | non-2xx |",
        "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    rough = []
    for page in pages:
        cells = [page.name, f"`{page.path}`"]
        for column in COLUMNS:
            series = modes[column]["pages"][page.path]
            cells += [
                _number(series.median("requests_per_second"), 0),
                _number(series.median("p50_ms")),
                _number(series.median("p99_ms")),
                _number(series.ratio, 2),
            ]
            if series.median("requests") < FEW_ANSWERS:
                rough.append(f"{page.name} ({column})")
        cells.append(str(sum(modes[column]["pages"][page.path].errors for column in COLUMNS)))
        lines.append("| " + " | ".join(cells) + " |")
    if rough:
        lines += [
            "",
            f"Fewer than {FEW_ANSWERS} answers per run, so rough figures (requests/s is counted low "
            f"when answers take as long as a run): {', '.join(rough)}.",
        ]
    lines += ["", "## Targets (2 cores, `wrk -t2 -c16`)", ""]
    lines += [f"- {t.text}: {'met' if t.met else '**not met**'}" for t in targets(pages, modes, visit.total)]
    lines += [
        "",
        "The news detail page has no target of its own when uncached; its figures are in the table.",
        "",
        "## Home page, first visit",
        "",
        "Fetched with `Accept-Encoding: gzip, br`; bytes are response bodies as sent (headers excluded). "
        "Images: the `srcset` candidate that a window 1280 px wide at 1 device pixel per CSS pixel "
        "picks by `sizes`, lazy-loaded ones included; the favicon counts.",
        "",
        "| What | URL | encoding | bytes sent | uncompressed |",
        "|---|---|---|--:|--:|",
    ]
    for asset in visit.assets:
        lines.append(
            f"| {asset.kind} | `{urlsplit(asset.url).path}` | {asset.encoding or 'none'} | "
            f"{asset.wire_bytes:,} | {asset.identity_bytes:,} |"
        )
    html = visit.html
    lines += [
        f"| **total** | | | **{visit.total:,}** | |",
        "",
        f"The HTML is sent {'as ' + html.encoding if html.encoding else 'uncompressed'} "
        f"({html.wire_bytes:,} bytes); gzipped (level 6) it would be {visit.html_gzip_bytes:,} bytes, "
        f"and the first visit {visit.total - html.wire_bytes + visit.html_gzip_bytes:,} bytes.",
        "",
        "## Uploads at scale",
        "",
        context["uploads"],
        "",
    ]
    return "\n".join(lines)
