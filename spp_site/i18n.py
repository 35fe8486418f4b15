"""The site in English and German: which language a request gets, the language switch, and the
links between a page's two versions.

- The public site is English at its old addresses (`/events/`) and German below `/de/`
  (`i18n_patterns(prefix_default_language=False)` in urls.py): every address already shared keeps
  working, and a page's language is in its address, so the page cache, search engines and shared
  links never mix the two. Django's LocaleMiddleware activates the address's language.
- A first visit to the bare root `/` from a browser that prefers German goes to `/de/` (302); any
  other address is answered in its own language. A visitor who chose a language with the switch
  (the language cookie) is sent where they chose.
- The admin is not below `/de/`: it is shown in the editor's saved preference, else the language
  cookie, else the browser's (Accept-Language).
- The switch in the header is a plain link per language (no form: a CSRF token on every page would
  keep pages out of the cache) to `switch_language`, which sets the cookie and goes to the same page
  in that language.
"""

from django.conf import settings
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse, translate_url
from django.utils import translation
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_safe

LANGUAGE_NAMES = dict(settings.LANGUAGES)


def language_of_path(path: str) -> str:
    """The language a public address is in: its prefix (/de/…), else the default (English)."""
    return translation.get_language_from_path(path) or settings.LANGUAGE_CODE


def page_in(path: str, language: str) -> str:
    """The same page in `language` (query string kept); `path` itself when it is no page of the
    public site (the admin, a file)."""
    with translation.override(language_of_path(path.split("?", 1)[0])):
        return translate_url(path, language)


def chosen_language(request) -> str:
    """The visitor's language when the address does not say: the language cookie (set by the
    switch), else the browser's preference (Accept-Language), else English."""
    return translation.get_language_from_request(request, check_path=False)


class RootLanguageRedirectMiddleware:
    """A GET of the bare root `/` by a visitor whose cookie or browser asks for another language
    than English: 302 to that language's home page (`/de/`). Above the page cache, which then
    stores and serves `/` for English readers only. Only the root: any other address already says
    its language, and redirecting it would break links and caches. The answer at `/`, either way,
    depends on those two headers: `Vary: Accept-Language, Cookie`."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info != "/":
            return self.get_response(request)
        language = chosen_language(request) if request.method in ("GET", "HEAD") else settings.LANGUAGE_CODE
        if language != settings.LANGUAGE_CODE:
            with translation.override(language):
                target = reverse("site:home")
            query = request.META.get("QUERY_STRING")
            response = HttpResponseRedirect(target + (f"?{query}" if query else ""))
        else:
            response = self.get_response(request)
        patch_vary_headers(response, ("Accept-Language", "Cookie"))
        return response


def editor_language(request) -> str:
    """The admin's language for this request: the signed-in editor's saved preference (their
    EditorProfile), else the language cookie, else the browser's."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        from .models import EditorProfile

        saved = EditorProfile.language_of(user)
        if saved:
            return saved
    return chosen_language(request)


class AdminLanguageMiddleware:
    """The admin (outside the language prefix, where LocaleMiddleware always picks English) in the
    editor's language (`editor_language`)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.admin_prefix = None

    def __call__(self, request):
        if self.admin_prefix is None:
            self.admin_prefix = reverse("admin:index")
        if not request.path_info.startswith(self.admin_prefix):
            return self.get_response(request)
        language = editor_language(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ("Accept-Language", "Cookie"))
        response.headers["Content-Language"] = language
        return response


@require_safe
def switch_language(request, code):
    """/i18n/<code>/?next=<address>: remember `code` in the language cookie and go to `next` in that
    language (the home page if `next` is missing or points elsewhere). A GET, so that the switch is
    a link that works without JavaScript and leaves every page cacheable."""
    if code not in LANGUAGE_NAMES:
        raise Http404("No such language.")
    next_url = request.GET.get("next", "")
    if (
        not next_url.startswith("/")
        or not next_url.isprintable()  # no line breaks in the Location header
        or not url_has_allowed_host_and_scheme(
            next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        next_url = "/"
    response = HttpResponseRedirect(page_in(next_url, code))
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    add_never_cache_headers(response)
    return response


def alternates(request) -> list[dict]:
    """The current page in every language, for the switch and `<link rel="alternate" hreflang>`:
    code, name, absolute URL of that version, the switch's address, and whether it is this one.
    Empty for a page outside the language prefix or that no address resolves to (a 404)."""
    match = getattr(request, "resolver_match", None)
    if match is None or getattr(request, "hide_language_versions", False):
        return []  # hidden: an address that holds a secret (a speaker's upload link)
    current = translation.get_language()
    path = request.get_full_path()
    found = []
    for code, name in settings.LANGUAGES:
        version = page_in(path, code)
        if code != current and version == path:
            return []  # not a page of the public site in several languages
        found.append(
            {
                "code": code,
                "name": name,
                "url": request.build_absolute_uri(version),
                "switch": f"{reverse('set-language', args=[code])}?{urlencode({'next': version})}",
                "current": code == current,
            }
        )
    return found
