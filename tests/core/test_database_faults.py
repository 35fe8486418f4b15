"""Database faults under load. gunicorn as in production (DEBUG off, the real settings and logs)
on a PostgreSQL database of its own, under load from a few client threads, while the test breaks
the site's database connections:

1. every connection is terminated (`pg_terminate_backend`) while requests are using them;
2. every connection is terminated between requests: what a database restart does to the
   connections that app servers keep (the load pauses for it, so no request is using one);
3. the database refuses connections for 2 s (`ALLOW_CONNECTIONS false`, its connections
   terminated): the database is down, then back.

Two servers share the database: one with the page cache off, whose every request needs the
database, and one with it on, whose pages were stored before the faults. PostgreSQL only (the
faults are made with PostgreSQL's own commands); skipped on SQLite.
"""

import http.client
import json
import signal
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field

import psycopg
import pytest
from django.conf import settings

from tests.core.test_pagecache_servers import wait_until_serving
from tests.core.test_serving import free_port
from tests.core.test_settings import ROOT, TEST_KEY, clean_env

pytestmark = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="database faults are made with PostgreSQL's own commands (set DATABASE_URL=postgres://...)",
)

TITLE = "Saved before the faults"
SETUP = f"""
import django
django.setup()
from django.core.management import call_command
from django.utils import timezone
from news.models import NewsItem
call_command("migrate", interactive=False, verbosity=0)
NewsItem.objects.create(
    title={TITLE!r}, slug="saved", teaser="Teaser.", body="Body.", status="published",
    publish_at=timezone.now() - timezone.timedelta(days=1),
)
"""
# Static files with hashed names, as collectstatic makes them in production, without the gzip and
# brotli copies (seconds of compressing, for nothing here).
COLLECT_STATIC = """
import django
django.setup()
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
manifest = {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"}
with override_settings(STORAGES={**settings.STORAGES, "staticfiles": manifest}):
    call_command("collectstatic", interactive=False, verbosity=0)
"""
SERVERS = {  # the page cache off (every request needs the database), and on
    "database": {"DJANGO_PAGE_CACHE": "0", "WEB_WORKERS": "2", "WEB_THREADS": "4"},
    "page cache": {"DJANGO_PAGE_CACHE": "1", "WEB_WORKERS": "1", "WEB_THREADS": "4"},
}
PAGES = ["/news/", "/", "/events/"]
ANSWER_WITHIN = 2  # seconds, for a request during a fault
RECOVERED_WITHIN = 5  # seconds after the database is back


# --- the database ---------------------------------------------------------------------------------


def connect(dbname="postgres"):
    db = settings.DATABASES["default"]
    return psycopg.connect(
        host=db["HOST"] or None,
        port=db["PORT"] or None,
        user=db["USER"] or None,
        password=db["PASSWORD"] or None,
        dbname=dbname,
        autocommit=True,
    )


def database_url(name):
    db = settings.DATABASES["default"]
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{name}"


def terminate_connections(admin, name) -> int:
    """Every connection to database `name`, terminated; returns their number once they are gone."""
    return admin.execute(
        "SELECT count(pg_terminate_backend(pid, 2000)) FROM pg_stat_activity WHERE datname = %s", [name]
    ).fetchone()[0]


def refuse_connections(admin, name):
    """Database `name` refuses new connections, and has none left. (Terminated again while any is
    left: one that was being opened at that moment is listed only once it is open.)"""
    admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
    for _ in range(50):
        if not terminate_connections(admin, name):
            return
        time.sleep(0.05)
    raise AssertionError(f"connections to {name} are still open")


# --- the load -------------------------------------------------------------------------------------


@dataclass
class Answer:
    server: str
    path: str
    sent: float
    done: float = 0.0
    status: int | None = None
    error: str | None = None
    headers: dict = field(default_factory=dict)
    body: str = ""

    @property
    def seconds(self):
        return self.done - self.sent


def fetch(server, port, path) -> Answer:
    answer = Answer(server, path, time.monotonic())
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path, headers={"Host": "127.0.0.1"})
        response = connection.getresponse()
        answer.body = response.read().decode()
        answer.status, answer.headers = response.status, dict(response.headers)
    except OSError as exc:
        answer.error = type(exc).__name__
    finally:
        connection.close()
        answer.done = time.monotonic()
    return answer


class Load:
    """Client threads sending requests one after another, until stopped. `pause()` returns once no
    request is under way, and none starts until `resume()`."""

    def __init__(self, ports):
        self.ports, self.answers = ports, []
        self.gate = threading.Condition()
        self.open, self.under_way, self.stopped = True, 0, False
        jobs = [
            *(("database", PAGES[i:] + PAGES[:i], 0) for i in range(3)),
            *(("page cache", PAGES, 0) for _ in range(2)),
            ("database", ["/healthz"], 0.2),  # a load balancer's probe
        ]
        self.threads = [threading.Thread(target=self.send, args=job) for job in jobs]

    def send(self, server, paths, interval):
        while True:
            for path in paths:
                with self.gate:
                    self.gate.wait_for(lambda: self.open or self.stopped)
                    if self.stopped:
                        return
                    self.under_way += 1
                try:
                    self.answers.append(fetch(server, self.ports[server], path))
                finally:
                    with self.gate:
                        self.under_way -= 1
                        self.gate.notify_all()
                time.sleep(interval)

    def pause(self):
        with self.gate:
            self.open = False
            self.gate.wait_for(lambda: self.under_way == 0)

    def resume(self):
        with self.gate:
            self.open = True
            self.gate.notify_all()

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        with self.gate:
            self.stopped = True
            self.gate.notify_all()
        for thread in self.threads:
            thread.join()


# --- the run --------------------------------------------------------------------------------------


@dataclass
class Run:
    answers: list
    moments: dict  # what happened when (time.monotonic())
    terminated: dict  # connections terminated by each fault
    log_lines: dict  # per server, its stdout: JSON log records
    workers_started: dict  # per server, how many worker processes gunicorn started


def start_servers(env, folder):
    servers = {}
    for server, extra in SERVERS.items():
        port = free_port()
        log = open(folder / f"{server}.log", "ab")  # noqa: SIM115 (closed by stop_servers)
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "spp_site.wsgi"],
            cwd=ROOT,
            env={**env, **extra, "WEB_BIND": f"127.0.0.1:{port}", "CACHE_DIR": str(folder / server)},
            stdout=log,  # the site's log lines
            stderr=subprocess.PIPE,  # gunicorn's own
            text=True,
        )
        servers[server] = (port, process, log)
    return servers


def stop_servers(servers) -> dict:
    """Stops them; returns how many worker processes each started."""
    for _, process, _log in servers.values():
        process.send_signal(signal.SIGTERM)
    started = {}
    for server, (_, process, log) in servers.items():
        try:
            started[server] = process.communicate(timeout=30)[1].count("Booting worker")
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
    return started


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("faults")
    name = f"spp_faults_{uuid.uuid4().hex[:8]}"
    env = clean_env(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=TEST_KEY,
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DATABASE_URL=database_url(name),
        STATIC_ROOT=str(folder / "static"),
        MEDIA_ROOT=str(folder / "media"),
    )
    admin = connect()
    admin.execute(f'CREATE DATABASE "{name}"')
    servers, moments, terminated = {}, {}, {}
    try:
        static = subprocess.Popen(
            [sys.executable, "-c", COLLECT_STATIC], cwd=ROOT, env=env, stderr=subprocess.PIPE
        )
        setup = subprocess.run(
            [sys.executable, "-c", SETUP], cwd=ROOT, env=env, capture_output=True, text=True
        )
        assert setup.returncode == 0, setup.stderr
        assert static.wait(timeout=120) == 0, static.stderr.read()
        servers = start_servers(env, folder)
        for port, process, _ in servers.values():
            wait_until_serving(port, process)
            for path in PAGES:  # stored by the page cache server
                assert fetch("warm-up", port, path).status == 200

        def now(moment):
            moments[moment] = time.monotonic()

        with Load({server: port for server, (port, _, _) in servers.items()}) as load:
            time.sleep(1)
            now("terminating under load")
            terminated["under load"] = terminate_connections(admin, name)
            now("terminated under load")
            time.sleep(1)
            load.pause()
            terminated["between requests"] = terminate_connections(admin, name)
            now("terminated between requests")
            load.resume()
            time.sleep(1)
            now("going down")
            refuse_connections(admin, name)
            now("down")
            time.sleep(2)
            now("coming up")
            admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
            now("up")
            time.sleep(1.5)
        with connect(name) as site:
            assert site.execute(
                "SELECT count(*) FROM news_newsitem WHERE title = %s", [TITLE]
            ).fetchone() == (1,)
    finally:
        workers_started = stop_servers(servers)
        admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
        admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        admin.close()
    log_lines = {
        server: [json.loads(line) for line in (folder / f"{server}.log").read_text().splitlines()]
        for server in servers
    }
    result = Run(load.answers, moments, terminated, log_lines, workers_started)
    print(json.dumps(summary(result), indent=1))  # the figures in docs/deploy.md (pytest -s)
    return result


def answers(run, server, path=None, sent_after=None, done_before=None):
    """`server`'s answers to requests for `path` (None: every page, no health probe) sent after the
    moment `sent_after` and answered before the moment `done_before`."""
    after = run.moments[sent_after] if sent_after else float("-inf")
    before = run.moments[done_before] if done_before else float("inf")
    return [
        a
        for a in run.answers
        if a.server == server
        and (a.path == path if path else a.path != "/healthz")
        and after < a.sent
        and a.done < before
    ]


def summary(run):
    """How many answers of each status, per server and per phase (by the moment each was sent)."""
    counts = {}
    for answer in run.answers:
        phase = "before the faults"
        for moment, at in run.moments.items():
            if answer.sent > at:
                phase = f"sent after {moment}"
        kind = "/healthz" if answer.path == "/healthz" else "pages"
        tally = counts.setdefault(phase, {}).setdefault(f"{answer.server} {kind}", {})
        status = str(answer.status or answer.error)
        tally[status] = tally.get(status, 0) + 1
    failed = [a.seconds for a in run.answers if a.status != 200]
    back = [a.done for a in answers(run, "database", sent_after="up")]
    return {
        "connections terminated": run.terminated,
        "answers": counts,
        "slowest failed answer, s": round(max(failed, default=0), 3),
        "first page after the database was back, s": round(min(back) - run.moments["up"], 3)
        if back
        else None,
    }


# --- the tests ------------------------------------------------------------------------------------


def test_no_request_fails_with_an_error_500_or_goes_unanswered(run):
    assert len(run.answers) > 100
    assert [(a.path, a.status, a.error) for a in run.answers if a.error or a.status == 500] == []


def test_during_a_fault_requests_get_the_503_page_within_two_seconds(run):
    failed = [a for a in run.answers if a.status != 200]
    assert failed, "no request failed: the faults were no faults"
    for answer in failed:
        assert answer.status == 503
        assert answer.seconds < ANSWER_WITHIN
        if answer.path == "/healthz":
            assert json.loads(answer.body)["checks"]["database"] == "unavailable"
        else:
            assert "The site is briefly unavailable" in answer.body
            assert "Traceback" not in answer.body
            assert answer.headers["Retry-After"] == "60"


def test_connections_terminated_under_load_fail_only_the_requests_using_them(run):
    """A request whose query was under way fails (503); every request after it gets a new one."""
    after = answers(run, "database", sent_after="terminated under load", done_before="going down")
    assert {a.status for a in after} == {200}


def test_connections_terminated_between_requests_fail_no_request(run):
    """A database restart: each thread's kept connection is tested before a request uses it
    (CONN_HEALTH_CHECKS), and replaced. Without that test, each kept connection would fail one
    request."""
    assert run.terminated["between requests"] >= 2  # one per worker process at least
    after = answers(run, "database", sent_after="terminated between requests", done_before="going down")
    assert {a.status for a in after} == {200}


def test_while_the_database_is_down_pages_answer_503_and_stored_pages_are_still_served(run):
    down = {"sent_after": "down", "done_before": "coming up"}
    assert {a.status for a in answers(run, "database", **down)} == {503}
    assert {(a.status, a.headers["X-Page-Cache"]) for a in answers(run, "page cache", **down)} == {
        (200, "hit")
    }
    assert {a.status for a in answers(run, "database", "/healthz", **down)} == {503}


def test_the_site_recovers_by_itself_as_soon_as_the_database_is_back(run):
    back = answers(run, "database", sent_after="up")
    assert {a.status for a in back} == {200}
    assert min(a.done for a in back) - run.moments["up"] < RECOVERED_WITHIN
    assert {a.status for a in answers(run, "database", "/healthz", sent_after="up")} == {200}


def test_no_worker_was_restarted(run):
    assert run.workers_started == {server: int(extra["WEB_WORKERS"]) for server, extra in SERVERS.items()}


def test_content_saved_before_the_faults_is_still_there(run):
    back = answers(run, "database", "/news/", sent_after="up")
    assert back
    assert all(TITLE in a.body for a in back)


def test_each_request_is_one_log_line_and_each_503_is_logged_with_its_request_id(run):
    for server, lines in run.log_lines.items():
        logged = [line["request_id"] for line in lines if line["logger"] == "spp_site.requests"]
        assert len(logged) == len(set(logged))
        assert set(logged) >= {a.headers["X-Request-ID"] for a in answers(run, server)}
        assert not [line for line in lines if line.get("path") == "/healthz"]
        errors = {line["request_id"] for line in lines if line["logger"] == "django.request"}
        assert errors == {a.headers["X-Request-ID"] for a in answers(run, server) if a.status == 503}
