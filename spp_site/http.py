"""What the site knows about the client of a request."""

import ipaddress

from django.conf import settings


def client_ip(request) -> str:
    """The client's address: REMOTE_ADDR, or, behind NUM_PROXIES reverse proxies that each append
    the address they saw to X-Forwarded-For, the entry the outermost trusted proxy appended.
    Entries further left were written by the client and cannot be trusted. An entry that is not an
    address (a proxy set up wrongly) is not used either: django-axes stores the address in an
    address column (PostgreSQL's inet)."""
    proxies = settings.NUM_PROXIES
    if proxies:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= proxies:
            try:
                return str(ipaddress.ip_address(forwarded[-proxies]))
            except ValueError:
                pass
    return request.META.get("REMOTE_ADDR", "")
