"""The site's URLs plus the benchmark's baseline: a bare view that returns a fixed 20 KB page
without touching the database or a template, through the same middleware as every page."""

from django.http import HttpResponse
from django.urls import path

from spp_site.urls import handler500
from spp_site.urls import urlpatterns as site_urlpatterns

BARE_SIZE = 20 * 1024
BARE_BODY = (b"<!doctype html><title>bare</title><p>" + b"x" * BARE_SIZE)[:BARE_SIZE]


def bare(request):
    return HttpResponse(BARE_BODY, content_type="text/html; charset=utf-8")


urlpatterns = [path("bench/bare/", bare, name="bench-bare"), *site_urlpatterns]

__all__ = ["handler500", "urlpatterns"]
