"""What the site logs, and how: one line per request with a request id, and the filters and the
JSON format that settings.LOGGING uses.

In production (DEBUG off) every log record is one line of JSON on stdout, for the journal or any
log collector; a traceback stays inside its line. A request gives one line,

    {"time": "...", "level": "INFO", "logger": "spp_site.requests", "message": "GET /news/ 200",
     "request_id": "3f2a...", "method": "GET", "path": "/news/", "status": 200, "duration_ms": 12.5}

and anything logged while it is handled (an error with its traceback) carries the same
request_id. The id is the proxy's `X-Request-ID` (nginx: `$request_id`) when it is well formed,
otherwise a new one; either way it is sent back in the response's `X-Request-ID`, so a visitor's
report, nginx's log and the site's log can be matched. Query strings and client addresses are
not logged (search terms and addresses are personal data; nginx has them if needed). The
duration runs until the response is ready; a streamed body (a download, an event's ZIP) is sent
after it. Health probes (/healthz) are not logged.

Addresses that hold a secret, a speaker's upload link (/speakers/upload/<token>/, events/urls.py),
are logged without it ("/speakers/upload/[redacted]/"): in the request line, in what Django logs
about a request (django.request, django.security.csrf, the development server's django.server)
and, through the handlers' filter, in any other record that names one.
"""

import contextvars
import json
import logging
import re
import time
import uuid
from datetime import UTC, datetime

from .health import HEALTH_PATH

REQUEST_ID_HEADER = "X-Request-ID"
# What a proxy's id may look like (nginx's $request_id: 32 hex digits; a UUID; a load balancer's
# "Root=1-67891233-abcdef012345678912345678"): short and printable, so it cannot forge log lines.
WELL_FORMED_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:=+/-]{0,127}")

request_logger = logging.getLogger("spp_site.requests")
# The request being handled by this thread, for every record logged meanwhile.
current_request_id = contextvars.ContextVar("current_request_id", default=None)


# A speaker's upload token: any last segment of /speakers/upload/…/ but the page's own ("done").
SECRET_IN_PATH = re.compile(r"(/speakers/upload/)(?!done/)[^/\s?#\"']+")
REDACTED = r"\1[redacted]"
# Django's loggers whose records name a request's path.
PATH_LOGGERS = ("django.request", "django.security.csrf", "django.server")


def redact(text: str) -> str:
    """`text` without upload tokens."""
    return SECRET_IN_PATH.sub(REDACTED, text)


def request_id_of(request) -> str:
    given = request.headers.get(REQUEST_ID_HEADER, "")
    return given if WELL_FORMED_ID.fullmatch(given) else uuid.uuid4().hex


class RequestLogMiddleware:
    """First in MIDDLEWARE: gives each request its id, and logs it with its answer and duration."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = request_id_of(request)
        token = current_request_id.set(request.request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response[REQUEST_ID_HEADER] = request.request_id
            if request.path_info != HEALTH_PATH:
                duration_ms = round((time.perf_counter() - started) * 1000, 1)
                path = redact(request.path)
                request_logger.info(
                    "%s %s %s",
                    request.method,
                    path,
                    response.status_code,
                    extra={
                        "request_id": request.request_id,
                        "method": request.method,
                        "path": path,
                        "status": response.status_code,
                        "duration_ms": duration_ms,
                    },
                )
            return response
        finally:
            current_request_id.reset(token)


# --- for settings.LOGGING -------------------------------------------------------------------------


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every record: the request being handled, or the one the record names
    (Django logs some answers after the middleware has returned); "-" outside requests."""

    def filter(self, record):
        request = getattr(record, "request", None)
        record.request_id = getattr(request, "request_id", None) or current_request_id.get() or "-"
        return True


class RedactSecretsFilter(logging.Filter):
    """Takes upload tokens out of a record's message and path. A record about a request whose
    address holds one loses the request itself (an error mail would print its address and
    headers); its request id is kept."""

    def filter(self, record):
        message = record.getMessage()
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        if isinstance(getattr(record, "path", None), str):
            record.path = redact(record.path)
        request = getattr(record, "request", None)
        path = getattr(request, "path", None)
        if isinstance(path, str) and redact(path) != path:
            record.request_id = getattr(request, "request_id", None) or current_request_id.get() or "-"
            record.request = None
        return True


def connect():
    """Redact the records of Django's request loggers at their source, whatever handlers the
    LOGGING setting gives them (a logger's filter sees the records logged on it)."""
    for name in PATH_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactSecretsFilter) for f in logger.filters):
            logger.addFilter(RedactSecretsFilter())


class NotHealthProbeFilter(logging.Filter):
    """Drops what Django logs about /healthz answers (a 503 while a service is down, for every
    probe); the health checks log their own failures, once per probe, as warnings."""

    def filter(self, record):
        return getattr(getattr(record, "request", None), "path_info", None) != HEALTH_PATH


class MailWorthyFilter(logging.Filter):
    """What is mailed to ADMINS: errors in the site's code (500) and errors logged outside
    requests. Not the 503s of a database outage (one mail per request; /healthz tells the
    monitoring instead), nor the 400s of bad requests (Django logs a disallowed host as an error)."""

    def filter(self, record):
        return getattr(record, "status_code", 500) == 500


# Attributes that the request line and Django's request log records carry, as JSON fields.
JSON_FIELDS = {
    "method": "method",
    "path": "path",
    "status": "status",
    "status_code": "status",
    "duration_ms": "duration_ms",
}


class JsonFormatter(logging.Formatter):
    """One line of JSON per record (non-ASCII escaped, so no line breaks or control characters)."""

    def format(self, record):
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
        }
        for attribute, field in JSON_FIELDS.items():
            if hasattr(record, attribute):
                entry[field] = getattr(record, attribute)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, default=str)
