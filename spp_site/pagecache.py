"""The page cache for anonymous visitors, with exact invalidation.

Every public page, feed and calendar that a visitor who is not signed in receives is stored in
Django's default cache (a folder shared by all worker processes on one machine; Redis, shared by
several app servers, when REDIS_URL is set) and served from there until the content changes.
"Changes" is exact, never a timeout:

- **Edits.** Every save or delete of the site's content (any model of the site's apps, and the
  admin's log) replaces the *content token*, a random value kept in the same cache, once right
  away and once more when the transaction commits. Every stored page's key includes the token,
  so the next request after a change finds nothing stored and renders afresh, in every process
  and on every app server. (The first replacement makes the editor's own next request fresh even
  before the commit; the second drops anything another request stored from the old rows
  meanwhile.)
- **Time.** Some content changes at a moment nobody saves anything: a scheduled item's publish
  time, an event starting or ending, a call opening or closing, a news item expiring. Each model
  names those moments through its QuerySet's `changes_after(now)`; a stored page is valid only
  until the first such moment after it was rendered, and is rendered afresh from then on.

Only anonymous GET/HEAD requests are served from the cache: a request with a session cookie
(staff signed in, or a visitor with a pending message) is always rendered, and never stored.
A response is stored only when it is a complete 200 that sets no cookie, carries no CSRF token
and does not ask to stay private (`Cache-Control: private/no-store/no-cache`, as staff previews
and drafts' files do). Stored pages carry an ETag and Last-Modified, so a returning browser's
conditional request is answered 304; they tell browsers to ask again every time (`no-cache`),
so nobody keeps a stale copy either.

The same token and moments key `cached_until_change()`, which keeps the site settings and
menus (read on every page) out of the database.
"""

import bisect
import functools
import hashlib
import logging
import re
import secrets
import time
from datetime import UTC, datetime

from django.apps import apps
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.core.cache import cache
from django.db import DatabaseError, connections, router, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.urls import reverse
from django.utils import translation
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date, parse_http_date_safe, quote_etag


def _redis_errors() -> tuple[type[Exception], ...]:
    try:
        from redis.exceptions import RedisError
    except ImportError:  # pragma: no cover - redis is a dependency; only REDIS_URL needs it
        return ()
    return (RedisError,)


logger = logging.getLogger(__name__)
# What a cache backend raises when its server cannot be reached (redis-py's errors are subclasses
# of neither, so they are named; OSError covers the folder's). The site then works without it.
CACHE_ERRORS = (OSError, *_redis_errors())
TOKEN_KEY = "pagecache:token"
# Says whether a page came from the cache ("hit") or was rendered ("miss"; stored if it may be).
# Requests the cache does not serve (staff, the admin, POST) do not get it.
STATUS_HEADER = "X-Page-Cache"
# The site's apps: a save or delete of any of their models may change what visitors see.
CONTENT_APPS = {"spp_site", "programs", "events", "news"}
# Models of those apps that no public page shows: writing them must not empty the cache (a slide
# download writes a fingerprint; a page view must not make the next one miss). The search index
# follows the content's own saves (which mark the change) and scheduled moments (which pages
# already expire at); the search view writing it must not empty the cache.
NOT_CONTENT = {
    "events.downloadfingerprint",
    "events.uploadlink",  # speakers' upload links and uploads: never public by themselves
    "events.speakerupload",
    "spp_site.searchentry",
    "spp_site.searchstate",
}
# The moments are read from this many seconds before the request that reads them, so that they
# also hold for requests running at the same time that began earlier.
MOMENTS_MARGIN = 60
STORED_STATUS = 200
_GZIP = re.compile(r"\bgzip\b")
_PRIVATE = re.compile(r"\b(private|no-store|no-cache)\b", re.IGNORECASE)
_VARY_KNOWN = {"cookie", "accept-encoding", "accept-language"}


# --- the content token and the moments ------------------------------------------------------------


def new_token() -> str:
    return secrets.token_hex(8)


def current_token() -> str:
    """The content token (made on first use, or if the cache lost it: a new one only means misses)."""
    token = cache.get(TOKEN_KEY)
    if token is None:
        cache.add(TOKEN_KEY, new_token(), timeout=None)
        token = cache.get(TOKEN_KEY) or new_token()
    return token


def content_changed(**kwargs):
    """Mark the content as changed: now, and again when the current transaction commits."""
    if kwargs.get("action", "post_").startswith("pre_"):
        return  # m2m_changed: only after the change
    _replace_token()
    using = kwargs.get("using") or router.db_for_write(LogEntry)
    connection = connections[using]
    if connection.in_atomic_block and not any(
        func is _changed_on_commit for _, func, _ in connection.run_on_commit
    ):
        transaction.on_commit(_changed_on_commit, using=using)


def _changed_on_commit():
    _replace_token()


def _replace_token():
    try:
        cache.set(TOKEN_KEY, new_token(), timeout=None)
    except CACHE_ERRORS:
        # The save itself goes through. A cache that cannot be reached serves nothing meanwhile; if
        # it kept its entries through the outage (Redis still running, unreachable from here),
        # pages stored before the change may be served until the next change: empty it then.
        logger.error("The cache cannot be reached: a change could not be marked.", exc_info=True)


def moments(token: str, since: float) -> list[float]:
    """The moments after `since` at which content changes by itself, as sorted timestamps. Read
    from the database once per content token (again only for a request that began before that
    reading): any reading made under a token holds for it, since the token was set after the
    changes it covers were committed."""
    key = f"pagecache:moments:{token}"
    found = cache.get(key)
    if found is None or since < found[0]:
        base = since - MOMENTS_MARGIN  # also right for requests that began a little earlier
        found = (base, _read_moments(datetime.fromtimestamp(base, tz=UTC)))
        cache.set(key, found, timeout=settings.PAGE_CACHE_TIMEOUT)
    return found[1]


def _read_moments(now: datetime) -> list[float]:
    """Every model's `changes_after(now)` (see spp_site.publishing), as one sorted list: one query
    per model that has the method."""
    found = set()
    for model in apps.get_models():
        manager = model._default_manager
        if model._meta.app_label in CONTENT_APPS and hasattr(manager, "changes_after"):
            found.update(moment.timestamp() for moment in manager.changes_after(now))
    return sorted(found)


def valid_until(token: str, since: float) -> float | None:
    """Until when what was read from the database after `since` stays true: the first moment after
    it at which content changes by itself (None: no such moment)."""
    ordered = moments(token, since)
    index = bisect.bisect_right(ordered, since)
    return ordered[index] if index < len(ordered) else None


def keep(until: float | None) -> bool:
    return until is None or until > time.time()


def cached_until_change(name: str, compute):
    """`compute()`, kept in the cache until the content changes (an edit or a moment passing);
    computed every time while the cache cannot be reached."""
    since = time.time()
    try:
        token = current_token()
        key = f"pagecache:value:{code_version()}:{token}:{name}"
        found = cache.get(key)
    except CACHE_ERRORS:
        logger.warning("The cache cannot be reached: %s computed without it.", name, exc_info=True)
        return compute()
    if found is not None and (found[0] is None or since < found[0]):
        return found[1]
    value = compute()
    try:
        until = valid_until(token, since)
        if keep(until):
            cache.set(key, (until, value), timeout=settings.PAGE_CACHE_TIMEOUT)
    except CACHE_ERRORS:
        logger.warning("The cache cannot be reached: %s not kept.", name, exc_info=True)
    return value


def connect():
    """Watch every model of the site's apps, and the admin's log (bulk actions log each change)."""
    for model in [*apps.get_models(), LogEntry]:
        label = model._meta.label_lower
        if model is not LogEntry and (model._meta.app_label not in CONTENT_APPS or label in NOT_CONTENT):
            continue
        post_save.connect(content_changed, sender=model, dispatch_uid=f"pagecache-save-{label}")
        post_delete.connect(content_changed, sender=model, dispatch_uid=f"pagecache-delete-{label}")
    for model in apps.get_models():
        if model._meta.app_label in CONTENT_APPS:
            for field in model._meta.local_many_to_many:
                through = field.remote_field.through
                m2m_changed.connect(content_changed, sender=through, dispatch_uid=f"pagecache-m2m-{through}")


# --- the middleware -------------------------------------------------------------------------------


class PageCacheMiddleware:
    """Serves and stores anonymous visitors' pages (see the module's docstring). It sits above the
    session and authentication middleware, so a page served from the cache costs no query."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.admin_prefix = None

    def __call__(self, request):
        if not self.may_serve(request):
            return self.get_response(request)
        since = time.time()
        try:
            token = current_token()
            key = self.key(request, token)
            stored = cache.get(key)
        except CACHE_ERRORS:
            logger.warning(
                "The cache cannot be reached: %s rendered without it.", request.path, exc_info=True
            )
            return self.get_response(request)
        if stored is not None and (stored["until"] is None or since < stored["until"]):
            return self.replay(request, stored)
        response = self.get_response(request)
        response[STATUS_HEADER] = "miss"
        if request.method == "GET" and self.may_store(request, response):
            self.prepare(response)
            try:
                until = valid_until(token, since)
                if keep(until):
                    stored = {
                        "until": until,
                        "status": response.status_code,
                        "headers": list(response.items()),
                        "content": response.content,
                    }
                    cache.set(key, stored, timeout=settings.PAGE_CACHE_TIMEOUT)
            except DatabaseError:  # the page did not need the database, which is not there
                pass
            except CACHE_ERRORS:
                logger.warning("The cache cannot be reached: %s not stored.", request.path, exc_info=True)
        return response

    def may_serve(self, request) -> bool:
        if not settings.PAGE_CACHE or request.method not in ("GET", "HEAD"):
            return False
        if self.admin_prefix is None:
            self.admin_prefix = reverse("admin:index")
        path = request.path_info
        if path.startswith(self.admin_prefix) or path.startswith(tuple(settings.PAGE_CACHE_SKIP_PATHS)):
            return False
        cookies = request.COOKIES
        return not (
            settings.SESSION_COOKIE_NAME in cookies
            or "messages" in cookies
            or "HTTP_AUTHORIZATION" in request.META
        )

    @staticmethod
    def may_store(request, response) -> bool:
        if response.status_code != STORED_STATUS or response.streaming or response.cookies:
            return False
        if request.META.get("CSRF_COOKIE_NEEDS_UPDATE") or request.META.get("CSRF_COOKIE_USED"):
            return False  # a form with this visitor's CSRF token
        if _PRIVATE.search(response.get("Cache-Control", "")):
            return False
        vary = {v.strip().lower() for v in response.get("Vary", "").split(",") if v.strip()}
        return vary <= _VARY_KNOWN  # the key covers these; anything else could differ per request

    @staticmethod
    def key(request, token: str) -> str:
        accepts_gzip = bool(_GZIP.search(request.headers.get("Accept-Encoding", "")))
        identity = "\n".join(
            [
                request.scheme,
                request.get_host(),
                request.get_full_path(),
                _language(request),
                "gzip" if accepts_gzip else "",
            ]
        )
        digest = hashlib.sha256(identity.encode("utf-8", "surrogateescape")).hexdigest()
        return f"pagecache:page:{code_version()}:{token}:{digest}"

    @staticmethod
    def prepare(response):
        """Validators and caching rules for a page that goes into the cache."""
        if not response.has_header("ETag"):
            response["ETag"] = quote_etag(hashlib.sha256(response.content).hexdigest()[:32])
        if not response.has_header("Last-Modified"):
            response["Last-Modified"] = http_date()
        response["Cache-Control"] = "no-cache"  # browsers and proxies ask again, with the ETag
        patch_vary_headers(response, ["Cookie"])

    @staticmethod
    def replay(request, stored):
        response = HttpResponse(stored["content"], status=stored["status"])
        for header, value in stored["headers"]:
            response[header] = value
        response[STATUS_HEADER] = "hit"
        conditional = get_conditional_response(
            request,
            etag=response.get("ETag"),
            last_modified=_parse_http_date(response.get("Last-Modified")),
            response=response,
        )
        return conditional


def _parse_http_date(value):
    return parse_http_date_safe(value) if value else None


@functools.cache
def code_version() -> str:
    """A fingerprint of the code and templates that render pages: after a deployment, pages that
    the previous release rendered (maybe still running on another app server) are never served."""
    digest = hashlib.sha256()
    base = settings.BASE_DIR
    folders = [base / "templates", *(base / app for app in sorted(CONTENT_APPS)), base / "locale"]
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            # .po: a changed translation is a changed page (the .mo files are compiled from them).
            if path.suffix in {".py", ".html", ".txt", ".json", ".po"} and "migrations" not in path.parts:
                digest.update(str(path.relative_to(base)).encode())
                digest.update(path.read_bytes())
    manifest = settings.STATIC_ROOT / "staticfiles.json"
    if manifest.exists():  # hashed static file names (`collectstatic`): new CSS means new pages
        digest.update(manifest.read_bytes())
    return digest.hexdigest()[:12]


def _language(request) -> str:
    """The language a page is rendered in: its address's (/de/…), else English, as LocaleMiddleware
    decides with `prefix_default_language=False`. The one address whose answer depends on the
    visitor's language preference, the bare root, is redirected above the cache for anyone who
    does not get English there (spp_site.i18n.RootLanguageRedirectMiddleware)."""
    return translation.get_language_from_path(request.path_info) or settings.LANGUAGE_CODE
