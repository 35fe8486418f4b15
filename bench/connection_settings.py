"""The site's settings with the two database setups that settings.py does not offer, for
bench/db_connections.py to compare (BENCH_CONNECTIONS=no-health-checks or pool)."""

import os

from spp_site.settings import *  # noqa: F403

variant = os.environ.get("BENCH_CONNECTIONS")
if variant == "no-health-checks":
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = False  # noqa: F405
elif variant == "pool":  # Django's psycopg pool: one per worker process, as large as its threads
    DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
    threads = int(os.environ.get("WEB_THREADS") or 8)
    DATABASES["default"]["OPTIONS"]["pool"] = {"min_size": 2, "max_size": threads}  # noqa: F405
