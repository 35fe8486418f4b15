"""Counting requests against a limit in the shared cache (every worker process and app server sees
the same counts; nothing is kept per process)."""

import math
import time

from django.core.cache import cache


def over_limit(name: str, limit: int, window: int = 3600) -> int:
    """Count one request for `name` in the current window of `window` seconds. Returns 0 while
    the count is within `limit`, otherwise the seconds until the window ends (for Retry-After).
    Fixed windows: at most `limit` requests per window, 2 × `limit` across a window's edge."""
    now = time.time()
    number = int(now // window)
    key = f"ratelimit:{name}:{number}"
    cache.add(key, 0, timeout=window + 60)  # atomic: only the first request of a window sets it
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.add(key, 1, timeout=window + 60)
        count = 1
    if count <= limit:
        return 0
    return max(math.ceil((number + 1) * window - now), 1)
