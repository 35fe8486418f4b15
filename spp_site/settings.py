"""Django settings for the SPP 2298 site.

Everything that differs between a laptop and production comes from environment variables
(documented in `.env.example`). Without any variable set the site runs locally: SQLite under
`var/`, DEBUG on, a development-only secret key. With `DJANGO_DEBUG` off it refuses to start
unless `DJANGO_SECRET_KEY` and `DJANGO_ALLOWED_HOSTS` are set.
"""

import os
import re
from datetime import timedelta
from email.utils import getaddresses
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be one of 1/0, true/false, yes/no, on/off (got {raw!r}).")


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name: str, default: int, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number (got {raw!r}).") from exc
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum} (got {raw!r}).")
    return value


def env_addresses(name: str) -> list[tuple[str, str]]:
    """`Name <address>, other@example.org, ...` as Django's [(name, address), ...]."""
    raw = os.environ.get(name, "")
    found = [(n, address) for n, address in getaddresses([raw]) if n or address]
    if not all(re.fullmatch(r"[^@\s]+@[^@\s]+", address) for _, address in found):
        raise ImproperlyConfigured(
            f"{name} must be comma-separated e-mail addresses, each optionally with a name: "
            f'"Jane Doe <jane@example.org>, ops@example.org" (got {raw!r}).'
        )
    return found


DEBUG = env_bool("DJANGO_DEBUG", True)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. It is required when DJANGO_DEBUG is off "
            "(generate one with: python -c 'import secrets; print(secrets.token_urlsafe(50))')."
        )
    SECRET_KEY = "django-insecure-local-development-only-do-not-use-in-production"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "DJANGO_ALLOWED_HOSTS is not set. It is required when DJANGO_DEBUG is off "
        "(a comma-separated list of host names, e.g. spp2298.de,www.spp2298.de)."
    )
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
# Reverse proxies in front of the app (nginx, a load balancer) that append the client's address to
# X-Forwarded-For; 0 (direct) means REMOTE_ADDR is the client. See spp_site.http.client_ip.
NUM_PROXIES = env_int("DJANGO_NUM_PROXIES", 0, minimum=0)

INSTALLED_APPS = [
    "spp_site.admin_site.SppAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.syndication",
    "django.contrib.sitemaps",
    "django.forms",
    "markdownx",
    "csp",
    "simple_history",
    "spp_site.apps.SignInLockoutsConfig",
    "spp_site.apps.AuthenticatorAppsConfig",
    "spp_site.apps.BackupCodesConfig",
    "django_otp",
    "spp_site",
    "programs",
    "events",
    "news",
]

MIDDLEWARE = [
    # First: a request id for every request, and one log line with the answer and its duration.
    "spp_site.logs.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Before WhiteNoise, so static files get the security headers too.
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "spp_site.middleware.cross_origin_resource_policy",
    # /healthz, answered before the host check, the page cache and sessions (spp_site/health.py).
    "spp_site.health.HealthCheckMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "spp_site.middleware.RejectNulMiddleware",
    # A first visit to / from a browser that prefers German goes to /de/: decided before the page
    # cache, so a stored English home page never answers it (spp_site/i18n.py).
    "spp_site.i18n.RootLanguageRedirectMiddleware",
    # Anonymous visitors' pages from the cache: above sessions and authentication, so a page
    # served from it costs no query; below the header middleware, so it still gets every header.
    "spp_site.pagecache.PageCacheMiddleware",
    # Compressed pages are what the cache stores (Django's GZipMiddleware, for text responses).
    "spp_site.middleware.TextGZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language from the URL: /de/… German, everything else English (spp_site/i18n.py).
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # The admin in the editor's language (profile, cookie or browser): needs request.user.
    "spp_site.i18n.AdminLanguageMiddleware",
    # Needs request.user; answers before CsrfViewMiddleware.process_view reads a request body.
    "spp_site.middleware.RequestBodyGuardMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "spp_site.redirects.OldUrlRedirectMiddleware",
    # Last, as django-axes asks: turns a locked-out sign-in into the lock-out page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "spp_site.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "spp_site.context_processors.site",
            ],
        },
    },
]

# Widgets render through TEMPLATES, so templates/ can hold widget templates (zone-labelled datetimes).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

WSGI_APPLICATION = "spp_site.wsgi.application"

# SQLite file under var/ unless DATABASE_URL names another database (postgres://user@host:port/name).
if not os.environ.get("DATABASE_URL"):
    (BASE_DIR / "var").mkdir(exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}",
        # Persistent connections in production: each gunicorn thread keeps its connection for
        # 10 minutes instead of opening one per request (measured, docs/deploy.md: half again as
        # many pages per second; psycopg's pool did no better). The development server starts a
        # thread per request, where they would only pile up.
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0 if DEBUG else 600, minimum=0),
        # A kept connection is tested (SELECT 1) before its first use in each request, so one
        # that the database dropped (a restart, a terminated backend) is replaced, not an error.
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    options = DATABASES["default"].setdefault("OPTIONS", {})  # parameters in DATABASE_URL win
    # An unreachable database fails a request in 2 s (libpq's shortest) with the 503 page, rather
    # than after psycopg's default of 130 s.
    options.setdefault("connect_timeout", env_int("DATABASE_CONNECT_TIMEOUT", 2, minimum=2))
    # A connection whose server vanished without closing it (a crashed or failed-over host) fails
    # once what was sent to it goes unacknowledged for 5 s, instead of after the kernel's ~15 minutes.
    options.setdefault("tcp_user_timeout", 5000)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A transaction takes SQLite's write lock when it begins: two concurrent saves then run one
    # after the other, and the second sees the first (the edit-conflict check). SQLite's default
    # takes it at the first write, where two saves that have both read fail with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {})["transaction_mode"] = "IMMEDIATE"

# The cache: a folder under var/ that every worker process on this machine shares, or Redis, shared
# by several app servers, when REDIS_URL is set (redis://host:6379/0).
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "spp"),
            # A Redis that is down or hangs costs a request at most this long: the site then works
            # without the cache (spp_site/pagecache.py).
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": os.environ.get("CACHE_DIR", str(BASE_DIR / "var" / "cache")),
            # Entries beyond this are culled (a third at a time); culling costs a folder listing.
            "OPTIONS": {"MAX_ENTRIES": env_int("CACHE_MAX_ENTRIES", 20_000, minimum=100)},
        }
    }
# The page cache for anonymous visitors (spp_site/pagecache.py): exact, so on in production; off by
# default while developing (DEBUG), where templates change without a restart.
PAGE_CACHE = env_bool("DJANGO_PAGE_CACHE", not DEBUG)
# Paths (prefixes) the page cache never looks up, besides the admin's.
PAGE_CACHE_SKIP_PATHS: list[str] = []
# How long an unused page is kept (seconds). Not a staleness bound: changes show at once anyway.
PAGE_CACHE_TIMEOUT = env_int("DJANGO_PAGE_CACHE_TIMEOUT", 24 * 60 * 60, minimum=1)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
FORMS_URLFIELD_ASSUME_HTTPS = True  # editors typing "dfg.de" get https://dfg.de (Django 6 default)

# Sign-in throttling (django-axes) and two-factor authentication (django-otp); README "Signing in".
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses locked-out sign-ins before any password check
    "django.contrib.auth.backends.ModelBackend",
]
# Locked after this many failed sign-ins in a row for one username, and as many from one IP address
# (either suffices), until the cool-off has passed since the last failure.
AXES_FAILURE_LIMIT = env_int("DJANGO_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("DJANGO_LOGIN_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
# A success does not wipe the failures: an attacker with one account could otherwise reset the
# count for their IP address between guesses at other accounts.
AXES_RESET_ON_SUCCESS = False
# Each failed attempt during a lock starts the cool-off again (the lock-out page says so).
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = True
AXES_LOCKOUT_CALLABLE = "spp_site.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "spp_site.http.client_ip"  # REMOTE_ADDR, or as DJANGO_NUM_PROXIES says
# Failed attempts live in the database (shared by every app server; the cache handler,
# axes.handlers.cache.AxesCacheHandler, would do once a shared cache such as Redis is configured).
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
# No log of every successful sign-in (personal data kept for ever); the lock-out list is
# registered in spp_site/admin.py.
AXES_DISABLE_ACCESS_LOG = True
AXES_ENABLE_ADMIN = False

# Staff may turn on two-factor authentication; with DJANGO_REQUIRE_2FA=1 site administrators must.
REQUIRE_2FA = env_bool("DJANGO_REQUIRE_2FA", False)


def OTP_TOTP_ISSUER(device):  # django-otp calls this for the name the authenticator app shows
    from spp_site.models import SiteSettings

    return SiteSettings.load().short_name


OTP_ADMIN_HIDE_SENSITIVE_DATA = True  # site administrators never see another person's secret or codes
# A wrong code blocks the next try for 1, 2, 4, 8… seconds (django-otp's defaults, stated here).
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# English at /, German at /de/ (spp_site/urls.py, README "Languages"). The names are shown in the
# language switch, each in its own language.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("de", "Deutsch")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates and numbers as each language writes them ("27 November 2026", "27. November 2026").
FORMAT_MODULE_PATH = ["spp_site.formats"]
# Set by the language switch (spp_site.i18n.switch_language) for a year; read by JavaScript never.
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/Berlin")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "var" / "static"))
STATICFILES_DIRS = [BASE_DIR / "static"]

MEDIA_URL = os.environ.get("MEDIA_URL", "/media/")
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "media"))
# Uploaded media are served by Django itself (spp_site/site_urls.py), from the local folder or the
# object store alike (see s3_storage_from_env below); DJANGO_SERVE_MEDIA=0 only where something else
# answers MEDIA_URL.
SERVE_MEDIA = env_bool("DJANGO_SERVE_MEDIA", True)

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}


def s3_storage_from_env() -> dict | None:
    """Uploads in an S3-compatible object store (spp_site/storage.py) when STORAGE_S3_BUCKET is set;
    None (the local folder) when no STORAGE_S3_* variable is. Anything half-configured is an error."""
    given = sorted(name for name, value in os.environ.items() if name.startswith("STORAGE_S3_") and value)
    bucket = os.environ.get("STORAGE_S3_BUCKET", "").strip()
    if not bucket:
        if given:
            one = len(given) == 1
            raise ImproperlyConfigured(
                f"{', '.join(given)} {'is' if one else 'are'} set but STORAGE_S3_BUCKET is not: name the "
                f"bucket to store uploads in an object store, or unset {'it' if one else 'them'} to keep "
                "uploads in MEDIA_ROOT."
            )
        return None
    access_key = os.environ.get("STORAGE_S3_ACCESS_KEY", "")
    secret_key = os.environ.get("STORAGE_S3_SECRET_KEY", "")
    if bool(access_key) != bool(secret_key):
        raise ImproperlyConfigured(
            "STORAGE_S3_ACCESS_KEY and STORAGE_S3_SECRET_KEY go together: set both, or neither to let "
            "boto3 find credentials itself (AWS_* variables, an instance role)."
        )
    endpoint_url = os.environ.get("STORAGE_S3_ENDPOINT_URL", "").strip()
    if endpoint_url and not endpoint_url.startswith(("https://", "http://")):
        raise ImproperlyConfigured(
            f"STORAGE_S3_ENDPOINT_URL must be an http(s):// address, e.g. https://s3.example.org (got {endpoint_url!r})."
        )
    addressing_style = os.environ.get("STORAGE_S3_ADDRESSING_STYLE", "").strip() or None
    if addressing_style not in (None, "auto", "path", "virtual"):
        raise ImproperlyConfigured(
            f"STORAGE_S3_ADDRESSING_STYLE must be auto, path or virtual (got {addressing_style!r})."
        )
    return {
        "BACKEND": "spp_site.storage.MediaS3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": endpoint_url or None,
            "region_name": os.environ.get("STORAGE_S3_REGION", "").strip() or None,
            "access_key": access_key or None,
            "secret_key": secret_key or None,
            "addressing_style": addressing_style,
            # Several sites can share one bucket, each below its own prefix.
            "location": os.environ.get("STORAGE_S3_PREFIX", "").strip("/ "),
            # As in the local folder: a name in use is never overwritten (stored names are content
            # hashes, so this only matters if that ever changes).
            "file_overwrite": False,
        },
    }


STORAGES["default"] = s3_storage_from_env() or STORAGES["default"]

# Uploads: slide decks may be large; images are capped separately (see spp_site/images.py).
SLIDES_MAX_UPLOAD_SIZE = env_int("SLIDES_MAX_UPLOAD_SIZE", 100 * 1024 * 1024)
# Every slide file is opened in a child process (events/uploads.py) with these limits; a file that
# needs more is refused. One upload request spends at most SLIDES_INSPECT_TIMEOUT seconds in them
# (a bulk upload shares it), well under gunicorn's 30 s, leaving time to receive and store the file.
SLIDES_INSPECT_TIMEOUT = env_int("SLIDES_INSPECT_TIMEOUT", 15)
SLIDES_INSPECT_MEMORY = env_int("SLIDES_INSPECT_MEMORY", 1024 * 1024 * 1024)
# The most a presentation file (PPTX, ODP, Keynote) may unpack to (archive bombs).
SLIDES_MAX_UNPACKED_SIZE = env_int("SLIDES_MAX_UNPACKED_SIZE", 512 * 1024 * 1024)
# Speakers' own uploads (events/views.py, issue 17): through one link at most this much in all
# (replaced files included), and at most SPEAKER_UPLOADS_PER_HOUR uploads an hour per link and per
# client address (counted in the shared cache).
SPEAKER_UPLOAD_MAX_TOTAL = env_int("SPEAKER_UPLOAD_MAX_TOTAL", 3 * SLIDES_MAX_UPLOAD_SIZE, minimum=1)
SPEAKER_UPLOADS_PER_HOUR = env_int("SPEAKER_UPLOADS_PER_HOUR", 5, minimum=1)
IMAGE_MAX_UPLOAD_SIZE = env_int("IMAGE_MAX_UPLOAD_SIZE", 20 * 1024 * 1024)
IMAGE_MAX_PIXELS = env_int("IMAGE_MAX_PIXELS", 40_000_000)
DATA_UPLOAD_MAX_NUMBER_FILES = 200
# Django's defaults, set here on purpose. Form fields without files may total 2.5 MB (the longest
# Markdown page is far below; more is refused with 400 before parsing); an uploaded file is kept in
# memory up to 2.5 MB and spooled to a temporary file beyond, so a worker's memory stays bounded.
# Visitors who are not signed in to the admin may not send more than DATA_UPLOAD_MAX_MEMORY_SIZE at
# all, nor any body to the admin but its login form: spp_site.middleware.RequestBodyGuardMiddleware.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# Markdown editing: the admin preview and the public pages share one renderer.
MARKDOWNX_MARKDOWNIFY_FUNCTION = "spp_site.markdown.render_preview"
MARKDOWNX_URLS_PATH = "/admin/markdown/preview/"
MARKDOWNX_UPLOAD_URLS_PATH = "/admin/markdown/upload/"
MARKDOWNX_SERVER_CALL_LATENCY = 400

# Security headers (HSTS and secure cookies only make sense behind HTTPS in production).
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# No script reads the CSRF cookie: the admin and django-markdownx take the token from the form.
CSRF_COOKIE_HTTPONLY = True
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # Off only where nothing speaks HTTPS (`make serve`); `check --deploy` then reports W008.
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    # Load balancers probe /healthz over plain HTTP (spp_site/health.py).
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    # Host (and port) that redirect goes to, if not the requested one.
    SECURE_SSL_HOST = os.environ.get("DJANGO_SECURE_SSL_HOST") or None
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", False)
    if not SECURE_HSTS_PRELOAD:
        # Preloading commits the whole registrable domain (a university's, for a subdomain) for
        # months and is the domain owner's decision, so it is opt-in; W021 only asks for it.
        SILENCED_SYSTEM_CHECKS = ["security.W021"]

# Content-Security-Policy (django-csp). No template has inline script or style, so every page gets
# the strict policy: nothing by default, then only what the site uses, from its own origin. The
# admin (Django's own widgets, select2, django-markdownx's preview and paste upload) works under
# the same policy; tests/browser/test_security.py checks it in Chromium. Uploaded files get a
# stricter one of their own (spp_site/files.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "font-src": [SELF],  # the self-hosted typeface (static/fonts)
        "connect-src": [SELF],  # the admin's preview, image upload and autocomplete
        "form-action": [SELF],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "object-src": [NONE],
    }
}

# Permissions-Policy (django-permissions-policy): the site uses no powerful browser feature, so
# none may be used by it or by anything it might embed.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer", "autoplay", "browsing-topics", "camera", "display-capture",
        "encrypted-media", "geolocation", "gyroscope", "hid", "idle-detection", "magnetometer",
        "microphone", "midi", "payment", "publickey-credentials-create", "publickey-credentials-get",
        "screen-wake-lock", "serial", "usb", "xr-spatial-tracking",
    )
}  # fmt: skip

EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
# The SMTP server (production; in development e-mails are printed to the console, e.g. an editor's
# invitation in `make run`'s output).
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("DJANGO_EMAIL_PORT", 587, minimum=1)
EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", True)
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "webmaster@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL  # the sender of error mails to ADMINS
# Errors in production (DEBUG off) are mailed to these, each with its request id.
ADMINS = env_addresses("DJANGO_ADMINS")

# Logs go to stdout, one line per record: JSON in production (spp_site/logs.py), plain text while
# developing. One line per request (spp_site.requests; gunicorn's access log is off), errors with
# the request's id, and errors mailed to ADMINS. DJANGO_LOG_LEVEL=WARNING leaves out the request lines.
LOG_LEVEL = os.environ.get("DJANGO_LOG_LEVEL", "INFO").upper()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "spp_site.logs.RequestIdFilter"},
        "redact_secrets": {"()": "spp_site.logs.RedactSecretsFilter"},
        "not_health_probe": {"()": "spp_site.logs.NotHealthProbeFilter"},
        "mail_worthy": {"()": "spp_site.logs.MailWorthyFilter"},
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
    },
    "formatters": {
        "json": {"()": "spp_site.logs.JsonFormatter"},
        "text": {"format": "%(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "mail": {"format": "%(message)s\n\nRequest ID: %(request_id)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "filters": ["request_id", "not_health_probe", "redact_secrets"],
            "formatter": "text" if DEBUG else "json",
        },
        "mail_admins": {
            "class": "django.utils.log.AdminEmailHandler",
            "level": "ERROR",
            "filters": [
                "require_debug_false",
                "request_id",
                "not_health_probe",
                "mail_worthy",
                "redact_secrets",
            ],
            "formatter": "mail",
        },
    },
    "root": {"handlers": ["console", "mail_admins"], "level": LOG_LEVEL},
    "loggers": {
        # Django's own handlers replaced by the two above, so each record is written once.
        "django": {"handlers": [], "level": "NOTSET", "propagate": True},
        # A 4xx answer is in its request line already.
        "django.request": {"level": "ERROR"},
        # The development server writes a line per request of its own.
        "spp_site.requests": {"level": "WARNING" if DEBUG else "NOTSET"},
    },
}
