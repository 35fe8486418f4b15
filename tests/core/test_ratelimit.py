"""The shared-cache rate limit: counts per window, says how long to wait, and never refuses
because the cache is down."""

import pytest
from django.core.cache import cache

from spp_site import ratelimit


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def test_the_limit_allows_so_many_per_window_then_says_how_long_to_wait(monkeypatch):
    monkeypatch.setattr(ratelimit.time, "time", lambda: 7200.0 + 600)  # ten minutes into a window
    assert [ratelimit.over_limit("test:a", 3) for _ in range(3)] == [0, 0, 0]
    assert ratelimit.over_limit("test:a", 3) == 3000  # the window ends in 50 minutes
    assert ratelimit.over_limit("test:b", 3) == 0  # another name counts on its own
    monkeypatch.setattr(ratelimit.time, "time", lambda: 3 * 3600.0 + 1)  # the next window
    assert ratelimit.over_limit("test:a", 3) == 0


def test_an_unreachable_cache_counts_nothing_and_refuses_nothing(monkeypatch, caplog):
    def down(*args, **kwargs):
        raise OSError("cache down")

    monkeypatch.setattr(ratelimit.cache, "add", down)
    assert [ratelimit.over_limit("speaker-upload:ip:192.0.2.1", 1) for _ in range(3)] == [0, 0, 0]
    assert "cache cannot be reached" in caplog.text and "192.0.2.1" not in caplog.text
