"""Two-factor authentication for staff, on django-otp: a code from an authenticator app (TOTP) or
one of ten one-time backup codes. Who must use it, enrolling, checking a code and the forms; the
pages are in auth_views.py. A confirmed device of any kind means "this person uses two-factor"."""

import datetime
from base64 import b32encode
from dataclasses import dataclass

import segno
from django import forms
from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_otp import user_has_device
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .roles import is_site_administrator

BACKUP_CODE_COUNT = 10
APP_DEVICE_NAME = "Authenticator app"
BACKUP_DEVICE_NAME = "Backup codes"


def is_required(user) -> bool:
    """With DJANGO_REQUIRE_2FA on, site administrators may use the admin only with two-factor."""
    return settings.REQUIRE_2FA and is_site_administrator(user)


def admin_redirect(request, *, enrolling=False):
    """Where a signed-in staff member has to go before any other admin page, or None: to the code
    step while this session has not been confirmed with their second factor (they set one up in
    another browser since), to setting it up when it is required of them and they have none yet.
    The set-up pages themselves pass `enrolling`."""
    user = request.user
    if user.is_verified():
        return None
    if user_has_device(user):
        return redirect_to_login(request.get_full_path(), reverse("admin:login-code"))
    if is_required(user) and not enrolling:
        return redirect("admin:two-factor-setup")
    return None


@dataclass(frozen=True)
class Check:
    """The outcome of checking a code: the device that accepted it, or when to try again."""

    device: Device | None = None
    retry_at: datetime.datetime | None = None


def normalise(code: str) -> str:
    """Codes as people type them: spaces and hyphens dropped, backup codes in any case."""
    return "".join(code.split()).replace("-", "").lower()


def check_code(devices, code: str) -> Check:
    """Try `code` on each of `devices` (a queryset), inside a transaction and with the rows locked so
    two requests cannot both use one code. A device that had wrong codes just before refuses for a
    while (django-otp's throttling: 1, 2, 4, 8… seconds after each wrong code in a row)."""
    with transaction.atomic():
        for device in devices.select_for_update():
            allowed, details = device.verify_is_allowed()
            if not allowed:
                return Check(retry_at=details["locked_until"])
            if device.verify_token(code):
                return Check(device=device)
    return Check()


def check_sign_in_code(user, code: str) -> Check:
    """A code at sign-in: digits are an app code, anything else a backup code (which never is all
    digits, see new_backup_codes)."""
    code = normalise(code)
    model = TOTPDevice if code.isdigit() else StaticDevice
    return check_code(model.objects.devices_for_user(user, confirmed=True), code)


def pending_app_device(user) -> TOTPDevice:
    """The authenticator app being set up: a new secret, kept (unconfirmed) until the first code
    from the app confirms it, so that reloading the page does not change the QR code."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)


def confirm_app_device(device: TOTPDevice, code: str) -> Check:
    """Confirm the app being set up with its first code; it replaces any app set up before."""
    with transaction.atomic():
        result = check_code(TOTPDevice.objects.filter(pk=device.pk, confirmed=False), normalise(code))
        if result.device:
            TOTPDevice.objects.filter(user=device.user_id).exclude(pk=device.pk).delete()
            result.device.confirmed = True
            result.device.save(update_fields=["confirmed"])
    return result


def new_backup_codes(user) -> list[str]:
    """Ten new one-time backup codes; the ones before stop working."""
    codes = []
    while len(codes) < BACKUP_CODE_COUNT:
        code = StaticToken.random_token()  # eight letters and digits 2–7
        if not code.isdigit() and code not in codes:  # all-digit codes would read as app codes
            codes.append(code)
    with transaction.atomic():
        StaticDevice.objects.filter(user=user).delete()
        device = StaticDevice.objects.create(user=user, name=BACKUP_DEVICE_NAME)
        StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def remaining_backup_codes(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def turn_off(user):
    """Remove every device of `user`: the app and the backup codes."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()


def secret_text(device: TOTPDevice) -> str:
    """The secret in the form authenticator apps take when typed in: base32, in groups of four."""
    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_code_svg(device: TOTPDevice) -> str:
    """The app's set-up link as a QR code, drawn here as inline SVG (no image service, no script):
    black on white whatever the colour scheme, so that phone cameras read it; sized by CSS."""
    svg = segno.make(device.config_url, error="m").svg_inline(
        scale=1,
        border=4,
        dark="#000",
        light="#fff",
        omitsize=True,
        svgclass="spp-qr",
        title=gettext("QR code for your authenticator app (the same secret is written out below)"),
    )
    # segno's own markup of a URL we built (nothing from a request); an image, named by its title
    return mark_safe(svg.replace("<svg ", '<svg role="img" ', 1))


class CodeForm(forms.Form):
    """One code: an app code or a backup code (`app_only`: app codes, with a digit keyboard on
    phones). `autofocus` where the code is all the page asks for."""

    code = forms.CharField(
        label=_("Code"),
        max_length=64,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )

    def __init__(self, *args, label=None, help_text=None, autofocus=False, app_only=False, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["code"]
        field.label = label or field.label
        field.help_text = help_text or field.help_text
        if autofocus:
            field.widget.attrs["autofocus"] = True
        if app_only:
            field.widget.attrs["inputmode"] = "numeric"
