"""Load generation for `make bench`: wrk when it is installed (`wrk -t2 -c16 -d<N>s --latency`), else
a small Python load generator of the same shape (2 processes of 8 keep-alive connections each).
Loopback only: every URL must point at 127.0.0.1."""

import http.client
import multiprocessing
import re
import shutil
import subprocess
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

THREADS = 2
CONNECTIONS = 16
# A response slower than this counts as a socket error (timeout). wrk's default is 2 s; the site's
# slowest pages take longer under load, and their latency is better measured than discarded.
TIMEOUT = 30

_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


@dataclass(frozen=True)
class Result:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors_status: int  # responses with a status of 400 or more (wrk's "Non-2xx or 3xx responses")
    errors_socket: int  # connect, read, write errors and timeouts


def _ms(value: str, unit: str) -> float:
    return float(value) * _UNITS_MS[unit]


def parse_wrk(output: str) -> Result:
    """Read wrk's report (run with --latency)."""

    def find(pattern):
        match = re.search(pattern, output, re.MULTILINE)
        if not match:
            raise ValueError(f"wrk output has no {pattern!r}:\n{output}")
        return match

    latency = r"^\s+{}%\s+([\d.]+)(us|ms|s|m)\s*$"
    p50 = find(latency.format(50))
    p99 = find(latency.format(99))
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    status = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    requests = int(find(r"^\s*(\d+) requests in ").group(1))
    return Result(
        requests_per_second=float(find(r"^Requests/sec:\s+([\d.]+)").group(1)),
        # Without a single answer, wrk prints 0 latencies: there are none.
        p50_ms=_ms(*p50.groups()) if requests else float("nan"),
        p99_ms=_ms(*p99.groups()) if requests else float("nan"),
        requests=requests,
        errors_status=int(status.group(1)) if status else 0,
        errors_socket=sum(int(n) for n in socket.groups()) if socket else 0,
    )


def _check_loopback(url: str) -> None:
    if urlsplit(url).hostname != "127.0.0.1":
        raise ValueError(f"the benchmark only loads 127.0.0.1, not {url}")


def wrk_path() -> str | None:
    return shutil.which("wrk")


def wrk_version() -> str:
    # `wrk -v` prints its version and usage, and exits with 1.
    result = subprocess.run(["wrk", "-v"], capture_output=True, text=True)
    return (result.stdout or result.stderr).splitlines()[0].split(" Copyright")[0].strip()


def run_wrk(url: str, seconds: float) -> Result:
    _check_loopback(url)
    command = [
        "wrk", f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{seconds}s", f"--timeout={TIMEOUT}s", "--latency", url
    ]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True, check=True)
    return parse_wrk(result.stdout)


# --- the Python load generator (when wrk is missing) -------------------------------------------


def _connection_loop(url, deadline, latencies, counts, lock):
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    connection = None
    mine, bad, failed = [], 0, 0
    while time.monotonic() < deadline:
        if connection is None:
            connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=TIMEOUT)
        began = time.perf_counter()
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            response.read()
        except (OSError, http.client.HTTPException):
            failed += 1
            connection.close()
            connection = None
            continue
        mine.append((time.perf_counter() - began) * 1000)
        bad += response.status >= 400
        if response.will_close:
            connection.close()
            connection = None
    if connection is not None:
        connection.close()
    with lock:
        latencies.extend(mine)
        counts[0] += bad
        counts[1] += failed


def _process(args):
    url, connections, seconds = args
    began = time.monotonic()
    deadline = began + seconds
    latencies, counts, lock = [], [0, 0], threading.Lock()
    threads = [
        threading.Thread(target=_connection_loop, args=(url, deadline, latencies, counts, lock))
        for _ in range(connections)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, counts, time.monotonic() - began


def percentile(values: list[float], fraction: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def run_python(url: str, seconds: float) -> Result:
    _check_loopback(url)
    with multiprocessing.get_context("spawn").Pool(THREADS) as pool:
        parts = pool.map(_process, [(url, CONNECTIONS // THREADS, seconds)] * THREADS)
    latencies = [value for part, _, _ in parts for value in part]
    return Result(
        requests_per_second=sum(len(part) / elapsed for part, _, elapsed in parts),
        p50_ms=percentile(latencies, 0.50),
        p99_ms=percentile(latencies, 0.99),
        requests=len(latencies),
        errors_status=sum(counts[0] for _, counts, _ in parts),
        errors_socket=sum(counts[1] for _, counts, _ in parts),
    )
