"""The page cache across processes: two gunicorn servers on two loopback ports share one database
and one cache (the default cache folder, or Redis). An editor's save through one is what visitors
of the other get on their very next request: no process keeps serving the old page."""

import contextlib
import http.client
import re
import signal
import subprocess
import sys
import time
import uuid
from http.cookies import SimpleCookie

import pytest

from tests.core.test_serving import free_port
from tests.core.test_settings import ROOT, TEST_KEY, clean_env
from tests.forms import form_fields

SETUP = """
from django.contrib.auth import get_user_model
from django.utils import timezone
from news.models import NewsItem

get_user_model().objects.create_superuser("editor", "editor@example.org", "editor-pass-123")
NewsItem.objects.create(
    title="Shared news", slug="shared", teaser="Teaser.", body="Body.", status="published",
    publish_at=timezone.now() - timezone.timedelta(days=1),
)
"""


@pytest.fixture(scope="module")
def database(tmp_path_factory):
    """A migrated SQLite database with an editor and a news item (the servers' own, not the
    test database: they are other processes)."""
    folder = tmp_path_factory.mktemp("shared-site")
    env = clean_env(DATABASE_URL=f"sqlite:///{folder / 'db.sqlite3'}", MEDIA_ROOT=str(folder / "media"))
    for command in (["migrate", "--noinput", "-v0"], ["shell", "-c", SETUP]):
        result = subprocess.run(
            [sys.executable, "manage.py", *command], cwd=ROOT, env=env, capture_output=True, text=True
        )
        assert result.returncode == 0, result.stderr
    return env


def redis_available() -> bool:
    try:
        import redis

        return bool(redis.Redis(host="127.0.0.1", port=6379, socket_connect_timeout=1).ping())
    except Exception:
        return False


@pytest.fixture(params=["cache folder", "redis"])
def servers(request, database, tmp_path):
    """Two gunicorn servers (one worker each) on free loopback ports, sharing `database` and a cache."""
    env = {
        **database,
        "DJANGO_PAGE_CACHE": "1",
        "DJANGO_SECRET_KEY": TEST_KEY,
        "WEB_WORKERS": "1",
        "WEB_THREADS": "2",
    }
    prefix = f"test-{uuid.uuid4().hex}"
    if request.param == "redis":
        if not redis_available():
            pytest.skip("Redis is not running on 127.0.0.1:6379")
        env.update(REDIS_URL="redis://127.0.0.1:6379/0", CACHE_KEY_PREFIX=prefix)
    else:
        env["CACHE_DIR"] = str(tmp_path / "cache")
    try:
        with gunicorn_servers([env, env], tmp_path) as ports:
            yield [Browser(port) for port in ports]
    finally:
        if request.param == "redis":
            import redis

            client = redis.Redis(host="127.0.0.1", port=6379)
            for key in client.scan_iter(f"{prefix}:*"):
                client.delete(key)


@contextlib.contextmanager
def gunicorn_servers(envs, log_folder):
    """One gunicorn server (deploy/gunicorn.conf.py) per environment in `envs`, each on a free
    loopback port, its stderr in `log_folder`. Yields the ports once every server answers; stops
    them afterwards."""
    ports = [free_port() for _ in envs]
    logs = [log_folder / f"gunicorn-{port}.log" for port in ports]
    processes = []
    try:
        for env, port, log in zip(envs, ports, logs, strict=True):
            with log.open("w") as stderr:
                processes.append(
                    subprocess.Popen(
                        [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "spp_site.wsgi"],
                        cwd=ROOT,
                        env={**env, "WEB_BIND": f"127.0.0.1:{port}"},
                        stdout=subprocess.DEVNULL,
                        stderr=stderr,
                    )
                )
        for port, process, log in zip(ports, processes, logs, strict=True):
            wait_until_serving(port, process, log)
        yield ports
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


def wait_until_serving(port, process, log=None):
    """Until the server on `port` answers; `log` is the file its stderr goes to (else a pipe)."""
    deadline = time.monotonic() + 60
    while True:
        try:
            Browser(port).get("/robots.txt")
            return
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                output = log.read_text() if log else process.stderr.read()
                pytest.fail(f"gunicorn did not start: {output}")
            time.sleep(0.2)


class Browser:
    """Requests to one server with a cookie jar of its own (no redirects followed)."""

    def __init__(self, port):
        self.port = port
        self.cookies = {}

    def request(self, method, path, body=None, headers=None):
        response, content = self.request_bytes(method, path, body, headers)
        return response, content.decode()

    def request_bytes(self, method, path, body=None, headers=None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"Host": "127.0.0.1", **(headers or {})}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        content = response.read()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        connection.close()
        return response, content

    def get(self, path):
        return self.request("GET", path)

    def post(self, path, data):
        from urllib.parse import urlencode

        body = urlencode([(k, v) for k, values in data.items() for v in values])
        return self.request("POST", path, body, {"Content-Type": "application/x-www-form-urlencoded"})

    def sign_in(self, username, password):
        _, html = self.get("/admin/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
        response, _ = self.post(
            "/admin/login/?next=/admin/",
            {
                "csrfmiddlewaretoken": [token],
                "username": [username],
                "password": [password],
                "next": ["/admin/"],
            },
        )
        assert response.status == 302 and response.headers["Location"] == "/admin/"


def rename_news_item(editor, title):
    """Save the news item with a new title through the admin, as an editor's browser does."""
    _, change_list = editor.get("/admin/news/newsitem/")
    change_url = re.search(r'href="(/admin/news/newsitem/\d+/change/)', change_list).group(1)
    _, form = editor.get(change_url)
    response, _ = editor.post(change_url, {**form_fields(form, "newsitem_form"), "title": [title]})
    assert response.status == 302, "the admin did not save"


def test_an_edit_through_one_server_is_served_by_the_other_at_once(servers):
    first, second = servers
    edit_through_one_read_through_the_other(first.port, second.port)


def edit_through_one_read_through_the_other(first_port, second_port):
    """An editor renames the news item through the first server; a visitor of the second, whose
    page cache holds the news page, gets the new title on the very next request."""
    editor = Browser(first_port)
    editor.sign_in("editor", "editor-pass-123")
    before, after = f"Before {uuid.uuid4().hex[:8]}", f"After {uuid.uuid4().hex[:8]}"
    rename_news_item(editor, before)
    visitor, url = Browser(second_port), "/news/"
    response, html = visitor.get(url)
    assert response.status == 200 and before in html
    response, html = visitor.get(url)
    assert response.headers["X-Page-Cache"] == "hit" and before in html
    assert Browser(first_port).get(url)[0].headers["X-Page-Cache"] == "hit"  # stored for both

    rename_news_item(editor, after)

    response, html = visitor.get(url)  # the other server, right away
    assert response.status == 200 and after in html and before not in html
    assert response.headers["X-Page-Cache"] == "miss"
    assert after in Browser(first_port).get(url)[1]
    assert visitor.get(url)[0].headers["X-Page-Cache"] == "hit"


def test_staff_signed_in_on_one_server_are_never_served_the_cached_page_by_the_other(servers):
    first, second = servers
    Browser(second.port).get("/news/")
    staff = Browser(first.port)
    staff.sign_in("editor", "editor-pass-123")
    staff.port = second.port  # the same browser, now reaching the other server
    response, html = staff.get("/news/")
    assert response.status == 200 and "X-Page-Cache" not in response.headers
    response, _ = staff.get("/admin/")
    assert response.status == 200  # the session made on one server is valid on the other
