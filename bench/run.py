"""`make bench`: seed a larger data set into the benchmark's own database, serve it with `make serve`
(scripts/serve.sh: DEBUG off, gunicorn with deploy/gunicorn.conf.py) on a free loopback port, and
measure the site's pages against a bare 20 KB view served by the same gunicorn, once with the page
cache on (DJANGO_PAGE_CACHE=1) and once with it off (0). Prints a Markdown table and writes it to
bench/results/latest.md.

Each page is measured for BENCH_DURATION seconds (default 4) with `wrk -t2 -c16 --latency`, the
bare view for half as long right before it, in BENCH_ROUNDS rounds (default 3); the table shows
medians, and a page's ratio is the median of its requests/s divided by the bare view's of the
same round. Every page and the bare view first get one warm-up second per server.

Environment: BENCH_DATABASE_URL (default SQLite var/bench/db.sqlite3; e.g.
postgres://postgres@127.0.0.1:5432/spp_bench, created if missing), BENCH_DURATION, BENCH_ROUNDS,
BENCH_LOADGEN (wrk or python; default wrk if installed — installed from Debian when running as
root — else python), and make serve's own (WEB_WORKERS, WEB_THREADS, DATABASE_CONN_MAX_AGE, …).
The database and var/bench/media are emptied and seeded again on every run; the developer's
var/db.sqlite3 and var/media are never touched.
"""

import http.client
import json
import os
import platform
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from bench import loadgen, transfer
from bench.report import BARE, COLUMNS, Page, Series, render

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python")
VAR = ROOT / "var" / "bench"
RESULTS = ROOT / "bench" / "results" / "latest.md"
UPLOAD_SCRIPT = ROOT / "bench" / "upload_pdf.py"
PAGE_CACHE = {"cached": "1", "uncached": "0"}  # DJANGO_PAGE_CACHE of each column


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --- environment and database ------------------------------------------------------------------


def database_url() -> str:
    return os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{VAR / 'db.sqlite3'}"


def shown_url(url: str) -> str:
    """The database URL without a password."""
    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return urlunsplit(parts._replace(netloc=netloc))
    return url


def base_env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        DATABASE_URL=database_url(),
        MEDIA_ROOT=str(VAR / "media"),
        STATIC_ROOT=str(VAR / "static"),
    )
    return env


def manage(*args: str, env: dict[str, str], capture: bool = False) -> str:
    # Setup commands run with DEBUG on (no secret key needed); the servers run with it off.
    result = subprocess.run(
        [PY, "manage.py", *args],
        cwd=ROOT,
        env={**env, "DJANGO_DEBUG": "1"},
        check=True,
        text=True,
        stdout=subprocess.PIPE if capture else sys.stderr,  # stdout is for the results
    )
    return result.stdout or ""


def create_postgres_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')


def reset_and_seed(env: dict[str, str]) -> None:
    """An empty database and media folder, migrated and seeded."""
    VAR.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(VAR / "media", ignore_errors=True)
    url = env["DATABASE_URL"]
    if url.startswith("sqlite:"):
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(urlsplit(url).path + suffix).unlink(missing_ok=True)
    elif url.startswith(("postgres:", "postgresql:")):
        create_postgres_database(url)
    manage("migrate", "--noinput", "-v0", env=env)
    if not url.startswith("sqlite:"):
        manage("flush", "--noinput", "-v0", env=env)
    began = time.monotonic()
    manage("shell", "-v0", "-c", "from bench.seed import seed; seed()", env=env)
    log(f"seeded in {time.monotonic() - began:.0f} s")


def site_facts(env: dict[str, str]) -> dict:
    code = "import json; from bench.seed import bench_facts; print(json.dumps(bench_facts()))"
    return json.loads(manage("shell", "-v0", "-c", code, env=env, capture=True).strip().splitlines()[-1])


# --- servers ----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(port: int, path: str) -> tuple[int, int]:
    """(status, body length) of one GET, redirects not followed."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, len(response.read())
    finally:
        connection.close()


class Server:
    """scripts/serve.sh (`make serve`) in its own process group, on a free loopback port."""

    def __init__(self, env: dict[str, str], name: str, setup: bool):
        self.port = free_port()
        self.log_path = VAR / f"server-{name}.log"
        server_env = {
            **env,
            "HOST": "127.0.0.1",
            "PORT": str(self.port),
            "SERVE_SETUP": "1" if setup else "0",
        }
        server_env.pop("WEB_BIND", None)
        with open(self.log_path, "w") as output:
            self.process = subprocess.Popen(
                ["scripts/serve.sh"],
                cwd=ROOT,
                env=server_env,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + 120
        while True:
            try:
                if get(self.port, "/robots.txt")[0] == 200:
                    break
            except OSError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"make serve did not start; see {self.log_path}")
            time.sleep(0.3)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def cpu_seconds(self) -> float:
        """CPU time used so far by the server's processes (gunicorn's master and workers)."""
        ticks = 0
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rpartition(")")[2].split()
            except OSError:
                continue  # a process that ended meanwhile
            if int(fields[2]) == self.process.pid:  # its process group
                ticks += int(fields[11]) + int(fields[12])
        return ticks / os.sysconf("SC_CLK_TCK")

    def wait_idle(self, timeout: float = 60) -> None:
        """Wait until the server has finished what a load generator left behind (requests still
        being answered when it stopped), so that the next run starts on an idle server."""
        deadline = time.monotonic() + timeout
        before = self.cpu_seconds()
        while time.monotonic() < deadline:
            time.sleep(0.25)
            now = self.cpu_seconds()
            if now - before < 0.02:  # under 8 % of one core
                return
            before = now

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


# --- measuring --------------------------------------------------------------------------------


def choose_loadgen() -> str:
    wanted = os.environ.get("BENCH_LOADGEN", "")
    if wanted == "python":
        return "python"
    if loadgen.wrk_path() is None and os.geteuid() == 0 and shutil.which("apt-get"):
        log("wrk is not installed: installing it from Debian (apt-get install wrk)")
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        install = ["apt-get", "install", "-y", "-qq", "wrk"]
        if subprocess.run(install, env=env, capture_output=True).returncode != 0:
            subprocess.run(["apt-get", "update", "-qq"], env=env, capture_output=True)
            subprocess.run(install, env=env, capture_output=True)
    if loadgen.wrk_path():
        return "wrk"
    if wanted == "wrk":
        raise SystemExit("BENCH_LOADGEN=wrk, but wrk is not installed (Debian: apt-get install wrk)")
    log("wrk is not installed (Debian: apt-get install wrk): using the Python load generator")
    return "python"


def measure(server: Server, pages: list[Page], run, seconds: int, rounds: int) -> dict:
    for page in pages:
        status, _ = get(server.port, page.path)
        if status != 200:
            raise RuntimeError(f"{page.name} ({page.path}) answers {status}, not 200")

    def measured(path, duration):
        server.wait_idle()
        return run(server.url(path), duration)

    for path in [BARE, *(page.path for page in pages)]:
        measured(path, 1)  # warm-up: connections, imports, templates, caches
    bare, series = Series(), {page.path: Series() for page in pages}
    for number in range(1, rounds + 1):
        for page in pages:
            # The bare view gets thousands of answers in half the time: enough for its figures.
            baseline = measured(BARE, max(1, seconds // 2))
            result = measured(page.path, seconds)
            bare.add(baseline)
            series[page.path].add(result, baseline)
            log(
                f"round {number}: {page.name}: {result.requests_per_second:.0f} req/s "
                f"(bare {baseline.requests_per_second:.0f}), p99 {result.p99_ms:.1f} ms"
            )
    return {"bare": bare, "pages": series}


class CpuAccount:
    """CPU time that other processes took while measuring: the machine's busy time (/proc/stat)
    less what the servers, the load generator (children of this process) and this process used."""

    def __init__(self):
        self.busy = self.elapsed = self.ours = 0.0

    @staticmethod
    def _machine() -> float:
        fields = [int(n) for n in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
        return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")

    @staticmethod
    def _own() -> float:
        own = resource.getrusage(resource.RUSAGE_SELF)
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime

    def start(self, server: Server) -> None:
        self._began = (time.monotonic(), self._machine(), self._own(), server.cpu_seconds())

    def stop(self, server: Server) -> None:
        began, machine, own, served = self._began
        self.elapsed += time.monotonic() - began
        self.busy += self._machine() - machine
        self.ours += self._own() - own + server.cpu_seconds() - served

    @property
    def others(self) -> float:
        """As a fraction of all the machine's CPU time while measuring."""
        capacity = self.elapsed * (os.cpu_count() or 1)
        return max(0.0, self.busy - self.ours) / capacity if capacity else 0.0


def upload_timing(env: dict[str, str]) -> str:
    if not UPLOAD_SCRIPT.exists():
        return "not measured (bench/upload_pdf.py is absent)"
    log("uploads at scale: bench/upload_pdf.py")
    result = subprocess.run(
        [PY, str(UPLOAD_SCRIPT)],
        cwd=ROOT,
        env={**env, "DJANGO_DEBUG": "1"},
        capture_output=True,
        text=True,
        timeout=600,
    )
    lines = [line for line in result.stdout.splitlines() if line.strip().startswith("{")]
    if result.returncode != 0 or not lines:
        return f"bench/upload_pdf.py failed (exit {result.returncode}): {result.stderr.strip()[-300:]}"
    return f"`{json.dumps(json.loads(lines[-1]))}`"


# --- the report -------------------------------------------------------------------------------


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def nproc() -> str:
    try:
        return subprocess.run(["nproc"], capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return str(len(os.sched_getaffinity(0)))


def git_revision() -> str:
    def git(*args):
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True).stdout.strip()

    revision = git("rev-parse", "--short", "HEAD") or "unknown"
    return revision + (
        " (with uncommitted changes)" if git("status", "--porcelain", "--untracked-files=no") else ""
    )


def memory() -> str:
    try:
        kib = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
    except (OSError, AttributeError):
        return "RAM unknown"
    return f"{kib / 1024 / 1024:.1f} GiB RAM"


def main() -> int:
    seconds = int(os.environ.get("BENCH_DURATION") or 4)
    rounds = int(os.environ.get("BENCH_ROUNDS") or 3)
    load_start = " ".join(f"{value:.2f}" for value in os.getloadavg())
    which = choose_loadgen()
    run = loadgen.run_wrk if which == "wrk" else loadgen.run_python
    env = base_env()

    log(f"database {shown_url(env['DATABASE_URL'])}, media {VAR / 'media'}: emptying and seeding")
    reset_and_seed(env)
    facts = site_facts(env)
    pages = [Page(*page) for page in facts["pages"]]

    modes, first_visit, cpu, servers = {}, None, CpuAccount(), []
    previous_handler = signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # `kill` stops the servers too
    try:
        for index, column in enumerate(COLUMNS):
            log(f"starting make serve with DJANGO_PAGE_CACHE={PAGE_CACHE[column]}")
            server_env = {
                **env,
                "DJANGO_PAGE_CACHE": PAGE_CACHE[column],
                "BENCH_CACHE_PREFIX": f"bench-{os.getpid()}-{column}",
            }
            server = Server(server_env, column, setup=index == 0)
            servers.append(server)
            if first_visit is None:
                first_visit = transfer.first_visit(server.url("/"))
            cpu.start(server)
            modes[column] = measure(server, pages, run, seconds, rounds)
            cpu.stop(server)
            server.stop()
        uploads = upload_timing(env)
    finally:
        for server in servers:
            server.stop()
        signal.signal(signal.SIGTERM, previous_handler)

    vendor = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}.get(facts["vendor"], facts["vendor"])
    counts = ", ".join(f"{count} {name}" for name, count in facts["counts"].items())
    text = render(
        {
            "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "revision": git_revision(),
            "cores": os.cpu_count(),
            "nproc": nproc(),
            "cpu": cpu_model(),
            "memory": memory(),
            "load_start": load_start,
            "other_cpu": cpu.others,
            "loadgen": (
                f"{loadgen.wrk_version()}, `wrk -t{loadgen.THREADS} -c{loadgen.CONNECTIONS} "
                f"-d{seconds}s --timeout={loadgen.TIMEOUT}s --latency`"
                if which == "wrk"
                else f"the Python load generator of bench/loadgen.py (wrk is not installed), "
                f"{loadgen.THREADS} processes, {loadgen.CONNECTIONS} connections"
            ),
            "seconds": seconds,
            "rounds": rounds,
            "workers": os.environ.get("WEB_WORKERS") or os.cpu_count(),
            "threads": os.environ.get("WEB_THREADS") or 8,
            # make serve runs with DEBUG off, where spp_site/settings.py keeps connections 600 s.
            "conn_max_age": os.environ.get("DATABASE_CONN_MAX_AGE") or "600 (the production default)",
            "database": f"{vendor} {facts['version']} (`{shown_url(env['DATABASE_URL'])}`)",
            "data": f"{counts}; the event page has {facts['talks']} talks and {facts['talk_decks']} "
            f"decks; the downloaded deck is {facts['big_deck_bytes']:,} bytes",
            "pages": pages,
            "modes": modes,
            "first_visit": first_visit,
            "uploads": uploads,
        }
    )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(text)
    print(text)
    log(f"written to {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
