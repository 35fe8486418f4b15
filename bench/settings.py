"""Settings for `make bench` (bench/run.py): the site's own settings, with bench/urls.py as the URL
configuration, so the bare view runs through the same middleware on the same gunicorn."""

import os

from spp_site.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
# The bare view is the ceiling of a Django view on this stack: the page cache does not look it up.
PAGE_CACHE_SKIP_PATHS = ["/bench/"]

# Each server of a run gets its own key prefix (BENCH_CACHE_PREFIX), so whatever cache the site is
# configured with, a server never answers from entries of another run or of the developer's server.
if os.environ.get("BENCH_CACHE_PREFIX"):
    from django.conf import global_settings

    CACHES = {
        alias: dict(options) for alias, options in globals().get("CACHES", global_settings.CACHES).items()
    }
    for _cache in CACHES.values():
        _cache["KEY_PREFIX"] = ":".join(
            filter(None, [_cache.get("KEY_PREFIX"), os.environ["BENCH_CACHE_PREFIX"]])
        )
