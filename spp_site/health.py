"""/healthz: whether this app server can serve pages, for load balancers and monitoring.

GET or HEAD /healthz checks, at the same time, the database (a trivial query), the cache (a
short-lived key written and read back) and the file storage (a look-up through the storage API,
on whichever backend is configured), and answers

    200 {"status": "ok", "checks": {"database": "ok", "cache": "ok", "storage": "ok"}}

or 503 with "unavailable" for the whole and, per check, "unavailable" (it raised an error) or
"timeout" (no answer within DEADLINE seconds). No error text: the reason goes to the log, as a
warning, never to the probe. `Cache-Control: no-store`.

A middleware, not a view, so that the probe depends on nothing but the three services: it is
answered below the security headers but above the host check (a load balancer probes an app
server by its address, which is not in ALLOWED_HOSTS), the page cache (never served from it nor
stored in it), sessions and the request log. The HTTPS redirect spares it (SECURE_REDIRECT_EXEMPT
in settings), since load balancers probe over plain HTTP.

The checks run in threads of their own, so the answer comes within DEADLINE whatever hangs: a
database that accepts connections but never answers (libpq waits at least 2 s), an object store
behind a dead route (boto3 waits a minute). A check still running then finishes by itself.
"""

import logging
import threading
import time
import uuid

from django.core.cache import cache
from django.core.files.storage import default_storage
from django.db import connection
from django.http import HttpResponseNotAllowed, JsonResponse

HEALTH_PATH = "/healthz"
DEADLINE = 1.5  # seconds: under the 2 s that load balancers commonly allow a probe
# Looked up, never written: any answer, "there" or "not there", means the storage answers.
STORAGE_PROBE_NAME = "healthz-probe"
CACHE_PROBE_TIMEOUT = 10  # seconds; the key is deleted right away anyway

logger = logging.getLogger(__name__)


def check_database():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            if cursor.fetchone() != (1,):
                raise RuntimeError("SELECT 1 did not return 1")
    finally:
        connection.close()  # this thread's own connection (or back to the pool)


def check_cache():
    key, value = f"healthz:{uuid.uuid4().hex}", uuid.uuid4().hex
    cache.set(key, value, timeout=CACHE_PROBE_TIMEOUT)
    try:
        if cache.get(key) != value:
            raise RuntimeError("the cache did not return the value just written")
    finally:
        cache.delete(key)


def check_storage():
    default_storage.exists(STORAGE_PROBE_NAME)


CHECKS = {"database": check_database, "cache": check_cache, "storage": check_storage}


def run_checks() -> dict[str, str]:
    """Every check's result, "ok", "unavailable" or "timeout", within DEADLINE seconds."""
    results = {}

    def run(name, check):
        try:
            check()
        except Exception:
            logger.warning("Health check %s failed.", name, exc_info=True)
            results[name] = "unavailable"
        else:
            results[name] = "ok"

    threads = [
        threading.Thread(target=run, args=(name, check), name=f"healthz-{name}", daemon=True)
        for name, check in CHECKS.items()
    ]
    deadline = time.monotonic() + DEADLINE
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    found = {name: results.get(name, "timeout") for name in CHECKS}
    for name, result in found.items():
        if result == "timeout":
            logger.warning("Health check %s did not answer within %s s.", name, DEADLINE)
    return found


class HealthCheckMiddleware:
    """Answers /healthz (see the module's docstring); every other request passes on."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info != HEALTH_PATH:
            return self.get_response(request)
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"])
        checks = run_checks()
        healthy = all(result == "ok" for result in checks.values())
        response = JsonResponse(
            {"status": "ok" if healthy else "unavailable", "checks": checks}, status=200 if healthy else 503
        )
        response["Cache-Control"] = "no-store"
        return response
