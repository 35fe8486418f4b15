from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from . import site_urls

urlpatterns = [
    path("admin/", admin.site.urls),
    # The same in every language: robots.txt, uploaded files, the language switch.
    path("", include(site_urls.language_neutral)),
    # The public site: English at / (every address ever shared keeps working), German at /de/…
    # (spp_site/i18n.py).
    *i18n_patterns(
        path("news/", include("news.urls")),
        path("", include("events.urls")),
        path("", include("programs.urls")),
        # Last: the site's own URLs end with the editors' pages at /<slug>/.
        path("", include("spp_site.site_urls")),
        prefix_default_language=False,
    ),
]

# A database outage gets a 503 page with Retry-After instead of the 500 page.
handler500 = "spp_site.views.server_error"
