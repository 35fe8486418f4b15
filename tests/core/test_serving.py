"""`make serve` (scripts/serve.sh, deploy/gunicorn.conf.py) is not stalled by slow clients, and
answers an anonymous upload before its body arrives. A real gunicorn on a loopback port."""

import json
import signal
import socket
import subprocess
import time
import urllib.request

import pytest

from tests.core.test_settings import ROOT, clean_env

ANSWER_WITHIN = 5  # seconds; a stalled server answers after its 60 s timeout, or never


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def serve(tmp_path_factory):
    """scripts/serve.sh as `make serve` runs it (without migrate/collectstatic: nothing here needs the
    database or static files), on a free port."""
    port = free_port()
    database = tmp_path_factory.mktemp("serve") / "db.sqlite3"
    env = clean_env(PORT=str(port), SERVE_SETUP="0", DATABASE_URL=f"sqlite:///{database}")
    env.pop("DJANGO_SETTINGS_MODULE")
    server = subprocess.Popen(
        ["scripts/serve.sh"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(f"{url}/robots.txt", timeout=1)
            break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                pytest.fail(f"make serve did not start: {server.stderr.read()}")
            time.sleep(0.2)
    yield port
    server.send_signal(signal.SIGTERM)
    server.wait(timeout=30)


def connect(port, data: bytes):
    client = socket.create_connection(("127.0.0.1", port))
    client.sendall(data)
    return client


def test_slow_and_idle_clients_do_not_stall_the_server(serve):
    port = serve
    slow = [
        # Headers never finished (the case that stalled both sync workers):
        *(connect(port, b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ") for _ in range(2)),
        # A body that never arrives:
        *(
            connect(
                port, b"POST /admin/login/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000\r\n\r\nuser"
            )
            for _ in range(2)
        ),
        # Nothing at all:
        *(connect(port, b"") for _ in range(2)),
    ]
    try:
        for _ in range(3):
            response = urllib.request.urlopen(f"http://127.0.0.1:{port}/robots.txt", timeout=ANSWER_WITHIN)
            assert response.status == 200
    finally:
        for client in slow:
            client.close()


def test_an_anonymous_upload_is_answered_before_its_body_arrives(serve):
    headers = (
        "POST /admin/markdown/upload/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        "Content-Type: multipart/form-data; boundary=x\r\nContent-Length: 314572800\r\n"
        "X-Requested-With: XMLHttpRequest\r\nCookie: csrftoken=" + "a" * 32 + "\r\n\r\n"
    )
    with connect(serve, headers.encode() + b"--x\r\n" + b"\0" * 65536) as client:
        client.settimeout(ANSWER_WITHIN)
        answer = b""
        while b"\r\n\r\n" not in answer or not answer.rstrip().endswith(b"}"):
            chunk = client.recv(65536)
            if not chunk:
                break
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 403")
    assert "sign-in has ended" in json.loads(body)["error"]


def test_the_secret_key_of_make_serve_stays_out_of_git(serve):
    key = ROOT / "var" / "serve-secret-key"
    assert key.stat().st_mode & 0o077 == 0  # readable by its owner only
    ignored = subprocess.run(["git", "check-ignore", "-q", str(key)], cwd=ROOT)
    assert ignored.returncode == 0
