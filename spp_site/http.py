"""What the site knows about the client of a request."""

from django.conf import settings


def client_ip(request) -> str:
    """The client's address: REMOTE_ADDR, or, behind NUM_PROXIES reverse proxies that each append
    the address they saw to X-Forwarded-For, the entry the outermost trusted proxy appended.
    Entries further left were written by the client and cannot be trusted."""
    proxies = settings.NUM_PROXIES
    if proxies:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")
