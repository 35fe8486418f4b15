"""What `make bench` measures with, checked without measuring anything: the bare view, wrk's report
as bench/loadgen.py reads it (recorded samples), the Python load generator, and the first-visit
transfer size (bench/transfer.py) against the demo site."""

import math

import pytest

from bench import loadgen, transfer
from bench.urls import BARE_SIZE

# Recorded with wrk 4.1.0 (Debian) against `make serve` on 2 cores.
WRK_BARE = """\
Running 2s test @ http://127.0.0.1:18765/bench/bare/
  2 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   152.49ms  264.88ms   1.00s    82.97%
    Req/Sec     0.88k   531.07     2.34k    70.83%
  Latency Distribution
     50%    6.97ms
     75%  162.42ms
     90%  637.99ms
     99%  941.77ms
  2156 requests in 2.07s, 43.94MB read
Requests/sec:   1040.92
Transfer/sec:     21.21MB
"""
WRK_NOT_FOUND = """\
Running 2s test @ http://127.0.0.1:18765/no-such-page/
  2 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   291.07ms  159.67ms 866.32ms   74.29%
    Req/Sec    29.79     18.02    70.00     62.07%
  Latency Distribution
     50%  225.48ms
     75%  372.89ms
     90%  539.89ms
     99%  817.71ms
  103 requests in 2.07s, 477.06KB read
  Non-2xx or 3xx responses: 103
Requests/sec:     49.73
Transfer/sec:    230.32KB
"""
# No answer within the run (a page slower than the run is long).
WRK_NOTHING = """\
Running 2s test @ http://127.0.0.1:18765/events/calendar.ics
  2 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     0.00us    0.00us   0.00us    -nan%
    Req/Sec     0.00      0.00     0.00      -nan%
  Latency Distribution
     50%    0.00us
     75%    0.00us
     90%    0.00us
     99%    0.00us
  0 requests in 2.04s, 0.00B read
Requests/sec:      0.00
Transfer/sec:       0.00B
"""


def test_wrk_report_is_read():
    result = loadgen.parse_wrk(WRK_BARE)
    assert result == loadgen.Result(
        requests_per_second=1040.92,
        p50_ms=6.97,
        p99_ms=941.77,
        requests=2156,
        errors_status=0,
        errors_socket=0,
    )


def test_wrk_error_lines_and_units_are_read():
    assert loadgen.parse_wrk(WRK_NOT_FOUND).errors_status == 103
    # wrk prints this line only when there are socket errors; latencies in seconds and microseconds.
    edited = (
        WRK_BARE.replace("50%    6.97ms", "50%  812.00us")
        .replace("99%  941.77ms", "99%    1.20s")
        .replace("Requests/sec:", "  Socket errors: connect 0, read 2, write 0, timeout 5\nRequests/sec:")
    )
    result = loadgen.parse_wrk(edited)
    assert (result.p50_ms, result.p99_ms, result.errors_socket) == (pytest.approx(0.812), 1200.0, 7)


def test_a_run_without_answers_has_no_latencies():
    result = loadgen.parse_wrk(WRK_NOTHING)
    assert result.requests == 0
    assert result.requests_per_second == 0
    assert math.isnan(result.p50_ms) and math.isnan(result.p99_ms)


def test_wrk_report_without_figures_is_an_error():
    with pytest.raises(ValueError, match="wrk output has no"):
        loadgen.parse_wrk("unable to connect to 127.0.0.1:1 Connection refused\n")


def test_load_is_only_sent_to_the_loopback_address():
    for run in (loadgen.run_wrk, loadgen.run_python):
        with pytest.raises(ValueError, match="127.0.0.1"):
            run("http://example.org/", 1)
    with pytest.raises(ValueError, match="127.0.0.1"):
        transfer.fetch("http://localhost:8000/")


def test_bare_view_sends_20_kb_through_the_site_middleware(client, settings):
    settings.ROOT_URLCONF = "bench.urls"
    settings.PAGE_CACHE_SKIP_PATHS = ["/bench/"]  # as bench/settings.py says
    response = client.get("/bench/bare/")
    assert "X-Page-Cache" not in response  # the ceiling: a view the page cache does not look up
    assert response.status_code == 200
    assert len(response.content) == BARE_SIZE == 20 * 1024
    assert response["Content-Security-Policy"]  # the site's middleware ran
    assert response["Content-Type"] == "text/html; charset=utf-8"


@pytest.mark.parametrize(
    ("sizes", "expected"),
    [
        ("(min-width: 56rem) 46rem, 100vw", "/b-960.webp"),  # 736 px wide at 1280 px
        ("(min-width: 72rem) 70rem, 100vw", "/b-1280.webp"),  # 1120 px
        ("(min-width: 90rem) 12rem, 100vw", "/b-1280.webp"),  # condition false: 100vw
        ("64px", "/b-320.webp"),
        ("", "/b-1280.webp"),  # no sizes: 100vw
    ],
)
def test_first_visit_counts_the_image_a_1280_px_window_picks(sizes, expected):
    srcset = "/b-320.webp 320w, /b-640.webp 640w, /b-960.webp 960w, /b-1280.webp 1280w"
    assert transfer.pick_source("/b-640.webp", srcset, sizes) == expected


def test_first_visit_counts_src_without_width_descriptors():
    assert transfer.pick_source("/a.png", "", "100vw") == "/a.png"
    assert transfer.pick_source("/a.png", "/a.png 1x, /a-2x.png 2x", "") == "/a.png"
    assert transfer.pick_source("/s.webp", "/s.webp 320w", "(min-width: 40rem) 12rem, 100vw") == "/s.webp"


def test_first_visit_fetches_what_the_home_page_references(demo_site):
    visit = transfer.first_visit(f"{demo_site.url}/")
    kinds = [asset.kind for asset in visit.assets]
    assert kinds[0] == "html" and "css" in kinds and "js" in kinds
    assert all(asset.status == 200 for asset in visit.assets), visit.assets
    assert visit.total == sum(asset.wire_bytes for asset in visit.assets) > visit.html.wire_bytes
    assert 0 < visit.html_gzip_bytes < visit.html.identity_bytes


def test_python_load_generator_counts_answers_and_errors(demo_site):
    """Figures are not checked, only that requests are made, answered and classified."""
    ok = loadgen.run_python(f"{demo_site.url}/robots.txt", 1)
    assert ok.requests > 0 and ok.requests_per_second > 0
    assert (ok.errors_status, ok.errors_socket) == (0, 0)
    assert ok.p50_ms <= ok.p99_ms
    missing = loadgen.run_python(f"{demo_site.url}/no-such-page/", 1)
    assert missing.errors_status == missing.requests > 0
