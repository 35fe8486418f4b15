"""django-axes' two hooks into the site (see AXES_* in settings and README "Signing in"): which
address a sign-in comes from, and the page shown while sign-in is locked."""

import datetime
import ipaddress
import logging
import math

from django.conf import settings
from django.contrib import admin
from django.shortcuts import render
from django.utils import timezone

logger = logging.getLogger(__name__)


def client_ip(request):
    """The address a request comes from: REMOTE_ADDR, or, behind TRUSTED_PROXY_COUNT reverse proxies
    that each append the address they saw to CLIENT_IP_HEADER, the address the outermost of them saw.

    Entries to the left of that one were written by the client and are never trusted; a header
    with fewer entries than proxies did not come through them, and REMOTE_ADDR is used."""
    remote_addr = request.META.get("REMOTE_ADDR")
    count = settings.TRUSTED_PROXY_COUNT
    if count == 0:
        return remote_addr
    header = "HTTP_" + settings.CLIENT_IP_HEADER.upper().replace("-", "_")
    hops = [hop.strip() for hop in request.META.get(header, "").split(",") if hop.strip()]
    if len(hops) < count:
        return remote_addr
    candidate = hops[-count]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        logger.warning("%s holds %r where a trusted proxy's address was expected", header, candidate)
        return remote_addr


def next_full_minute(moment):
    """ "After 10:15" is said of 10:14:30 too: the lock has ended by the full minute after it."""
    if moment.second or moment.microsecond:
        return moment.replace(second=0, microsecond=0) + datetime.timedelta(minutes=1)
    return moment


def lockout_response(request, original_response=None, credentials=None):
    """The page shown instead of the sign-in form while a username or an address is locked: 429,
    when to try again, and whom to ask (the contact address from the site settings)."""
    cool_off = settings.AXES_COOLOFF_TIME
    minutes = math.ceil(cool_off.total_seconds() / 60)
    context = {
        **admin.site.each_context(request),
        "title": "Sign-in locked for now",
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "cool_off_minutes": minutes,
        "retry_at": next_full_minute(timezone.localtime() + cool_off),
    }
    # Rendered here: a response from a middleware is not rendered later, as a view's TemplateResponse is.
    response = render(request, "admin/lockout.html", context, status=429)
    response["Retry-After"] = str(int(cool_off.total_seconds()))
    return response
