"""Template filters of the admin's own templates."""

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from spp_site.admin import admin_moment as _admin_moment

register = template.Library()


@register.filter
def admin_moment(value):
    """A moment in the active time zone as the admin writes it: "27 Nov 2026, 17:52"."""
    if not value:
        return ""
    return _admin_moment(timezone.localtime(value) if timezone.is_aware(value) else value)


@register.filter
def any_change_reason(records):
    """Whether one of these history records has a reason given (else the column stays away)."""
    return any(record.history_change_reason for record in records)


@register.filter
def admin_change_url(obj):
    """The admin page that edits `obj` (the preview banner's "Back to editing")."""
    opts = obj._meta
    try:
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
    except NoReverseMatch:
        return reverse("admin:index")
