"""Counting requests against a limit in the shared cache (every worker process and app server sees
the same counts; nothing is kept per process)."""

import logging
import math
import time

from django.core.cache import cache

from .pagecache import CACHE_ERRORS

logger = logging.getLogger(__name__)


def over_limit(name: str, limit: int, window: int = 3600) -> int:
    """Count one request for `name` in the current window of `window` seconds. Returns 0 while
    the count is within `limit`, otherwise the seconds until the window ends (for Retry-After).
    Fixed windows: at most `limit` requests per window, 2 × `limit` across a window's edge.

    Atomic with Redis (several app servers); the folder cache of a single machine counts with a
    read and a write, so two requests at the same instant may be counted once. With the cache
    unreachable nothing is counted (logged): the limit is a brake, not a reason to refuse uploads."""
    now = time.time()
    number = int(now // window)
    key = f"ratelimit:{name}:{number}"
    try:
        cache.add(key, 0, timeout=window + 60)  # atomic: only the first request of a window sets it
        try:
            count = cache.incr(key)
        except ValueError:  # evicted between add and incr
            cache.add(key, 1, timeout=window + 60)
            count = 1
    except CACHE_ERRORS:
        logger.warning("Rate limit %s not counted: the cache cannot be reached", name.split(":")[0])
        return 0
    if count <= limit:
        return 0
    return max(math.ceil((number + 1) * window - now), 1)
