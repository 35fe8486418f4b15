"""deploy/nginx.conf as nginx reads it: the configuration is accepted, and a speaker's upload
token (/speakers/upload/<token>/) reaches none of nginx's logs, the application being down
(502) included. Needs nginx (Debian: nginx-light; .ci/run installs it); skipped without."""

import re
import shutil
import socket
import ssl
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

NGINX = shutil.which("nginx") or (Path("/usr/sbin/nginx") if Path("/usr/sbin/nginx").exists() else None)
CONF = Path(__file__).resolve().parents[2] / "deploy" / "nginx.conf"
TOKEN = "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-abcde"

pytestmark = pytest.mark.skipif(
    NGINX is None, reason="nginx is not installed (Debian: apt-get install nginx-light)"
)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def nginx(tmp_path):
    """deploy/nginx.conf on loopback ports with a throwaway certificate, its logs in tmp_path, and
    an application address where nothing listens."""
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
         "-keyout", str(tmp_path / "key.pem"), "-out", str(tmp_path / "cert.pem")],
        check=True, capture_output=True,
    )  # fmt: skip
    http, https, app = free_port(), free_port(), free_port()
    site = CONF.read_text()
    site = site.replace("/etc/ssl/spp2298/fullchain.pem", str(tmp_path / "cert.pem"))
    site = site.replace("/etc/ssl/spp2298/privkey.pem", str(tmp_path / "key.pem"))
    site = re.sub(r"^\s*listen \[::\].*$", "", site, flags=re.M)
    site = site.replace("listen 80;", f"listen 127.0.0.1:{http};")
    site = site.replace("listen 443 ssl;", f"listen 127.0.0.1:{https} ssl;")
    site = re.sub(r"^(\s*)http2 on;", r"\1# http2 on;", site, flags=re.M)  # Debian 12's nginx is 1.22
    site = site.replace("127.0.0.1:8000", f"127.0.0.1:{app}")
    site = re.sub(r"/var/log/nginx/[\w.-]+", str(tmp_path / "site.log"), site)
    (tmp_path / "site.conf").write_text(site)
    (tmp_path / "main.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{\n  access_log {tmp_path}/access.log;\n  include {tmp_path}/site.conf;\n}}\n"
    )
    checked = subprocess.run([NGINX, "-t", "-c", str(tmp_path / "main.conf")], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    subprocess.run([NGINX, "-c", str(tmp_path / "main.conf")], check=True, capture_output=True)
    try:
        for _ in range(50):
            if (tmp_path / "nginx.pid").exists():
                break
            time.sleep(0.1)
        yield https, tmp_path
    finally:
        subprocess.run([NGINX, "-c", str(tmp_path / "main.conf"), "-s", "stop"], capture_output=True)


def get(port, path, referer=None):
    request = urllib.request.Request(
        f"https://127.0.0.1:{port}{path}", headers={"Host": "spp2298.example.org"}
    )
    if referer:
        request.add_header("Referer", referer)
    context = ssl.create_default_context()
    context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
    try:
        with urllib.request.urlopen(request, context=context, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_no_log_of_nginx_holds_an_upload_token(nginx):
    port, logs = nginx
    referer = f"https://spp2298.example.org/de/speakers/upload/{TOKEN}/"
    assert get(port, f"/speakers/upload/{TOKEN}/", referer=referer) == 502
    assert get(port, f"/de/speakers/upload/{TOKEN}/?utm=1") == 502
    assert get(port, "/speakers/upload/done/") == 502
    time.sleep(0.2)  # nginx writes its logs as each request ends
    written = {path.name: path.read_text() for path in logs.glob("*.log")}
    assert "GET /speakers/upload/[redacted]/ HTTP/1.1" in written["site.log"]
    assert "/de/speakers/upload/[redacted]/" in written["site.log"]  # the Referer too
    assert "GET /speakers/upload/done/ HTTP/1.1" in written["site.log"]
    assert "connect() failed" in written["error.log"]  # the 502s are logged: the check below can fail
    assert [name for name, text in written.items() if TOKEN in text] == []
