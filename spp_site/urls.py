from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("news/", include("news.urls")),
    path("", include("events.urls")),
    path("", include("programs.urls")),
    # Last: the site's own URLs end with the editors' pages at /<slug>/.
    path("", include("spp_site.site_urls")),
]

# A database outage gets a 503 page with Retry-After instead of the 500 page.
handler500 = "spp_site.views.server_error"
