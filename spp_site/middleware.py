"""Request checks every view relies on, and the site-wide HTTP rules that Django and the libraries
in use (django-csp, django-permissions-policy) do not cover."""

from django.conf import settings
from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import BadRequest
from django.http import HttpResponse, JsonResponse
from django.middleware.gzip import GZipMiddleware
from django.template.defaultfilters import filesizeformat
from django.urls import Resolver404, resolve, reverse
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from events.upload_links import session_may_upload

SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}
# Admin pages that take a form from someone not signed in yet: the password and the code step,
# and setting a password from an invitation's link.
SIGN_IN_URL_NAMES = ("admin:login", "admin:login-code", "admin:password-set")


def _is_sign_in_page(path) -> bool:
    try:
        match = resolve(path)
    except Resolver404:
        return False
    return match.view_name in SIGN_IN_URL_NAMES


class RejectNulMiddleware:
    """A NUL character in the path or the query string is never meaningful, and PostgreSQL refuses
    it in queries (a 500 wherever such a value reaches the database: filters, searches, lookups).
    Such requests get a 400 before any view runs. Except a query string for the site search, which
    answers whatever a visitor types with a normal page: it reads only letters and digits of it
    (spp_site.search.query_text/terms_of), so no NUL reaches the database from there."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.search_paths = None

    def __call__(self, request):
        if self.search_paths is None:
            self.search_paths = set()
            for code, _name in settings.LANGUAGES:
                with translation.override(code):
                    self.search_paths.add(reverse("site:search"))
        if "\x00" in request.path or (
            request.path_info not in self.search_paths and "\x00" in _query_text(request)
        ):
            raise BadRequest(gettext("The address contains a NUL character."))
        return self.get_response(request)


def _query_text(request) -> str:
    return "".join(key + "".join(values) for key, values in request.GET.lists())


def cross_origin_resource_policy(get_response):
    """`Cross-Origin-Resource-Policy: same-origin` on every response that does not set its own:
    no other site may embed the site's pages, scripts, styles or files in theirs."""

    def middleware(request):
        response = get_response(request)
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        return response

    return middleware


SESSION_ENDED = _(
    "Your sign-in has ended, so this was not saved. Sign in to the admin again in another tab "
    "(this page stays as it is), then try again."
)
TOO_LARGE = _("This request is too large. Only editors signed in to the admin can upload files.")
# A speaker's upload page (events/views.py) takes one slide file, from a session that holds an
# upload link that can still be used; its form fields are a few kilobytes beside it.
SPEAKER_UPLOAD_URL_NAME = "events:speaker-upload"
SPEAKER_UPLOAD_FIELDS_SIZE = 64 * 1024


class RequestBodyGuardMiddleware:
    """Answer, without reading the body, requests whose body nobody should read.

    Django reads a body only when asked, but CsrfViewMiddleware asks (request.POST) on every POST
    before a view can check who is asking, and uploaded files are spooled to disk whatever their
    size. Only admin editors have anything to upload, and whether a request comes from one is known
    from its headers (the session cookie). So for anyone else:

    - a request with a body to the admin, other than the sign-in forms, gets the admin's own
      answer (the login page), or a 403 with a JSON message for the editor's background requests
      (django-markdownx's preview and image upload, which show it);
    - a body larger than DATA_UPLOAD_MAX_MEMORY_SIZE anywhere gets 413, except a slide file
      (SLIDES_MAX_UPLOAD_SIZE) sent to a speaker's upload page by a session holding a usable
      upload link (one query, only for such requests).

    The unread body is not drained: gunicorn's sync worker closes the connection after each
    response, and its gthread worker drains at most 64 KB before it closes instead.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in SAFE_METHODS and not admin.site.has_permission(request):
            refusal = self.refusal(request)
            if refusal is not None:
                return refusal
        return self.get_response(request)

    @staticmethod
    def refusal(request):
        path = request.path_info
        if path.startswith(reverse("admin:index")) and not _is_sign_in_page(path):
            if request.headers.get("X-Requested-With") == "XMLHttpRequest":
                return JsonResponse({"error": str(SESSION_ENDED)}, status=403)
            return redirect_to_login(request.get_full_path(), reverse("admin:login"))
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # Django reads such a body as empty
        if length > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
            message = str(TOO_LARGE)
            if _is_speaker_upload(request):
                if length <= settings.SLIDES_MAX_UPLOAD_SIZE + SPEAKER_UPLOAD_FIELDS_SIZE:
                    return None
                message = gettext("This file is too large: the limit is %(limit)s.") % {
                    "limit": filesizeformat(settings.SLIDES_MAX_UPLOAD_SIZE)
                }
            return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
        return None


def _is_speaker_upload(request) -> bool:
    """A request to a speaker's upload page from a session holding a usable link."""
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return False
    if match.view_name != SPEAKER_UPLOAD_URL_NAME:
        return False
    return session_may_upload(request)


# What is worth compressing: pages, feeds, calendars, robots.txt, JSON. Not stored files (PDFs,
# slide decks and images are compressed already; and a compressed download would lose its
# Content-Length and its byte ranges), nor the ZIP of an event's slides.
COMPRESSIBLE_TYPES = (
    "text/",
    "application/xml",
    "application/rss+xml",
    "application/atom+xml",
    "application/json",
)


class TextGZipMiddleware(GZipMiddleware):
    """Django's GZipMiddleware (with its BREACH mitigation) for complete text responses only."""

    def process_response(self, request, response):
        content_type = response.get("Content-Type", "").split(";")[0].strip().lower()
        if response.streaming or not content_type.startswith(COMPRESSIBLE_TYPES):
            return response
        return super().process_response(request, response)
