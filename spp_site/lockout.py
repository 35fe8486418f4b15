"""The page django-axes shows while signing in is locked (AXES_LOCKOUT_CALLABLE; README
"Signing in")."""

import datetime
import math

from django.conf import settings
from django.contrib import admin
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _


def next_full_minute(moment):
    """The full minute after `moment`: "try again after 10:15" holds for a lock ending at 10:14:30."""
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
        "title": _("Sign-in locked for now"),
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "cool_off_minutes": minutes,
        "retry_at": next_full_minute(timezone.localtime() + cool_off),
    }
    # Rendered here: a response from a middleware is not rendered later, as a view's TemplateResponse is.
    response = render(request, "admin/lockout.html", context, status=429)
    response["Retry-After"] = str(int(cool_off.total_seconds()))
    return response
