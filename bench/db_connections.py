"""Database connections under load: a connection per request, persistent connections (the default
in production) with and without health checks, and psycopg's pool (Django's OPTIONS["pool"]).

    DATABASE_URL=postgres://... .venv/bin/python bench/db_connections.py [--rounds 3] [--seconds 10]

For each setup in turn (the setups interleaved, `--rounds` times, since a busy machine drifts), it
starts gunicorn as `make serve` does (deploy/gunicorn.conf.py; DEBUG off, page cache off, so every
request queries the database) on a free loopback port and runs wrk (2 threads, 16 connections)
against the home page and the news list for `--seconds` each. Then, with 8 client threads
requesting the news list, it terminates every connection to the database (`pg_terminate_backend`,
what a database restart does to kept connections) and counts the answers that were not 200 and
the slowest answer.

The database in DATABASE_URL is migrated and given the demo content (`seed_demo`, which keeps
what is there); static files are collected into var/bench/static. The two setups that settings.py
does not offer come from bench/connection_settings.py. Prints, per setup, the median
requests per second and median latency (ms) of each page, the connections held, and the failed
answers after the connections were terminated, as JSON on stdout.
"""

import argparse
import http.client
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.core.test_serving import free_port  # noqa: E402

BENCH_DIR = ROOT / "var" / "bench"
SETUPS = {
    "connection per request": {"DATABASE_CONN_MAX_AGE": "0"},
    "persistent, health checks (default)": {},
    "persistent, no health checks": {"BENCH_CONNECTIONS": "no-health-checks"},
    "psycopg pool": {"BENCH_CONNECTIONS": "pool"},
}


def database_name():
    return urlparse(os.environ["DATABASE_URL"]).path.lstrip("/")


def psql(sql):
    url = os.environ["DATABASE_URL"]
    maintenance = url[: url.rindex("/")] + "/postgres"
    return subprocess.run(
        ["psql", maintenance, "-tAc", sql], capture_output=True, text=True, check=True
    ).stdout.strip()


def prepare(env):
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    for command in (["migrate", "--noinput", "-v0"], ["seed_demo"], ["collectstatic", "--noinput", "-v0"]):
        subprocess.run(
            [sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True, capture_output=True
        )


def get(port, path):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path, headers={"Host": "127.0.0.1"})
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def start(env):
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "spp_site.wsgi"],
        cwd=ROOT,
        env={**env, "WEB_BIND": f"127.0.0.1:{port}"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while True:
        try:
            if get(port, "/robots.txt") == 200:
                break
        except OSError:
            if time.monotonic() > deadline:
                server.kill()
                raise SystemExit("gunicorn did not start") from None
            time.sleep(0.2)
    for path in ("/", "/news/"):
        get(port, path)  # each worker's first requests are slower
    return server, port


def wrk(port, path, seconds):
    out = subprocess.run(
        ["wrk", "-t2", "-c16", f"-d{seconds}s", "--latency", f"http://127.0.0.1:{port}{path}"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    value, unit = re.search(r"50%\s+([\d.]+)(us|ms|s)\b", out).groups()
    return {
        "requests_per_second": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "median_ms": float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit],
    }


def terminate_under_load(port, seconds=6, at=2):
    """8 threads request the news list; after `at` seconds every connection is terminated."""
    answers, stop = [], time.monotonic() + seconds

    def load():
        while time.monotonic() < stop:
            started = time.monotonic()
            try:
                status = get(port, "/news/")
            except OSError as exc:
                status = type(exc).__name__
            answers.append((status, time.monotonic() - started))

    threads = [threading.Thread(target=load) for _ in range(8)]
    for thread in threads:
        thread.start()
    time.sleep(at)
    terminated = psql(
        f"SELECT count(pg_terminate_backend(pid, 2000)) FROM pg_stat_activity WHERE datname = '{database_name()}'"
    )
    for thread in threads:
        thread.join()
    failed = {}
    for status, _ in answers:
        if status != 200:
            failed[str(status)] = failed.get(str(status), 0) + 1
    return {
        "terminated": int(terminated),
        "requests": len(answers),
        "failed": failed,
        "slowest_ms": round(max(seconds for _, seconds in answers) * 1000),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=10)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        raise SystemExit("Set DATABASE_URL to a PostgreSQL database (postgres://user@host:port/name).")
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed (Debian/Ubuntu: apt-get install wrk).")
    key = "bench-only-" + "x" * 40
    env = {
        **os.environ,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": key,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_PAGE_CACHE": "0",
        "DJANGO_LOG_LEVEL": "WARNING",
        "STATIC_ROOT": str(BENCH_DIR / "static"),
        "CACHE_DIR": str(BENCH_DIR / "cache"),
    }
    env.pop("DATABASE_CONN_MAX_AGE", None)  # the default, unless a setup says otherwise
    prepare(env)
    results = {name: [] for name in SETUPS}
    for round_ in range(args.rounds):
        for name, extra in SETUPS.items():
            setup_env = {**env, **extra}
            if "BENCH_CONNECTIONS" in extra:
                setup_env["DJANGO_SETTINGS_MODULE"] = "bench.connection_settings"
            server, port = start(setup_env)
            try:
                result = {
                    "home": wrk(port, "/", args.seconds),
                    "news": wrk(port, "/news/", args.seconds),
                    "connections": int(
                        psql(f"SELECT count(*) FROM pg_stat_activity WHERE datname = '{database_name()}'")
                    ),
                    "terminated under load": terminate_under_load(port),
                    "load average": os.getloadavg()[0],
                }
            finally:
                server.send_signal(signal.SIGTERM)
                server.wait(timeout=30)
            results[name].append(result)
            print(f"round {round_ + 1}, {name}: {json.dumps(result)}", file=sys.stderr)
    medians = {
        name: {
            f"{page} {figure}": statistics.median(r[page][figure] for r in runs)
            for page in ("home", "news")
            for figure in ("requests_per_second", "median_ms")
        }
        | {
            "connections": [r["connections"] for r in runs],
            "failed after terminating": [r["terminated under load"]["failed"] for r in runs],
            "slowest ms after terminating": [r["terminated under load"]["slowest_ms"] for r in runs],
        }
        for name, runs in results.items()
    }
    print(json.dumps(medians, indent=1))


if __name__ == "__main__":
    main()
