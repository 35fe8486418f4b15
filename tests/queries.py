"""Query counts: a page costs the same number of queries whatever the number of rows it shows."""

from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings


def get_counting_queries(client, url):
    """The response to GET `url` rendered afresh (the page cache off) and the number of database
    queries it took. What is read once per content change for every page (site settings and menus,
    the moments of scheduled changes: spp_site.pagecache) is read by a first request, uncounted;
    tests/core/test_pagecache.py counts those."""
    with override_settings(PAGE_CACHE=False):
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
    return response, len(captured)


def queries_at_1_and_50(client, url, add_row):
    """Queries of GET `url` once `add_row(0)` made one row, and again after `add_row(1…49)`;
    returns (last response, queries with 1 row, queries with 50 rows)."""
    add_row(0)
    _, one = get_counting_queries(client, url)
    for i in range(1, 50):
        add_row(i)
    response, fifty = get_counting_queries(client, url)
    return response, one, fifty
