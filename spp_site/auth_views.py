"""Signing in to the admin with a second factor, and the pages where staff set it up (README
"Signing in"). The password step is Django's login view; for someone who uses two-factor it does
not sign in but remembers who passed it, and the code step signs them in. The rules and forms are
in two_factor.py; django-axes throttles the password step, django-otp the code step."""

import time

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import login as auth_login
from django.contrib.auth.views import LoginView, RedirectURLMixin
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.timesince import timeuntil
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, TemplateView
from django_otp import login as otp_login
from django_otp import user_has_device

from . import two_factor
from .two_factor import CodeForm

PENDING_SESSION_KEY = "spp_two_factor_pending"
NEW_CODES_SESSION_KEY = "spp_two_factor_new_codes"
PENDING_SECONDS = 5 * 60  # time from the password to the code

CODE_HELP = _("The six digits your authenticator app shows now, or one of your backup codes.")
WRONG_CODE = _("That code is not right. Check that you typed it as shown, and try again.")


class AdminPageMixin:
    """Admin pages outside a ModelAdmin: the admin's context (header, user links, sidebar)."""

    admin_site = None
    title = ""

    def get_context_data(self, **kwargs):
        return {
            **self.admin_site.each_context(self.request),
            "title": self.title,
            **super().get_context_data(**kwargs),
        }


def refuse(form, result, wrong=WRONG_CODE) -> int:
    """Say on `form` why no code was accepted; the status to answer with (429 while throttled)."""
    if result.retry_at:
        seconds = max(1, round((result.retry_at - timezone.now()).total_seconds()))
        wait = (
            ngettext("%(count)d second", "%(count)d seconds", seconds) % {"count": seconds}
            if seconds < 60
            else timeuntil(result.retry_at)
        )
        form.add_error(
            None, gettext("Too many wrong codes. Wait %(wait)s before trying again.") % {"wait": wait}
        )
        return 429
    form.add_error("code", wrong)
    return 200


class AdminLoginView(LoginView):
    """The password step. Who uses two-factor goes on to the code step, not signed in yet."""

    def form_valid(self, form):
        user = form.get_user()
        if not user_has_device(user):
            return super().form_valid(form)
        self.request.session.cycle_key()
        self.request.session[PENDING_SESSION_KEY] = {
            "user": user.pk,
            "backend": user.backend,
            "next": self.get_success_url(),
            "since": time.time(),
        }
        return redirect("admin:login-code")


class LoginCodeView(AdminPageMixin, RedirectURLMixin, FormView):
    """The code step: right after the password, or for a signed-in session that has not been
    confirmed with the second factor set up since (two_factor.admin_redirect sends it here)."""

    template_name = "admin/two_factor/login_code.html"
    title = _("Enter your code")
    form_class = CodeForm

    def dispatch(self, request, *args, **kwargs):
        self.pending = self.pending_sign_in()
        if self.pending:
            self.user = (
                get_user_model()._default_manager.filter(pk=self.pending["user"], is_active=True).first()
            )
            self.next_url = self.pending["next"]
        elif request.user.is_authenticated:
            if request.user.is_verified():
                return redirect(self.get_redirect_url() or reverse("admin:index"))
            self.user = request.user
            self.next_url = self.get_redirect_url() or reverse("admin:index")
        else:
            self.user = None
        if self.user is None:
            messages.info(
                request,
                gettext("Please sign in again: the code has to follow the password within five minutes."),
            )
            return redirect("admin:login")
        return super().dispatch(request, *args, **kwargs)

    def pending_sign_in(self):
        """Who passed the password step in this session, unless that is too long ago."""
        pending = self.request.session.get(PENDING_SESSION_KEY)
        if pending and time.time() - pending["since"] <= PENDING_SECONDS:
            return pending
        self.request.session.pop(PENDING_SESSION_KEY, None)
        return None

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "help_text": CODE_HELP, "autofocus": True}

    def form_valid(self, form):
        result = two_factor.check_sign_in_code(self.user, form.cleaned_data["code"])
        if result.device is None:
            return self.render_to_response(self.get_context_data(form=form), status=refuse(form, result))
        if self.pending:
            del self.request.session[PENDING_SESSION_KEY]
            self.user.otp_device = result.device  # django-otp keeps it in the session on login
            auth_login(self.request, self.user, self.pending["backend"])
        else:
            self.request.session.cycle_key()
            otp_login(self.request, result.device)
        return redirect(self.next_url)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "signed_in": not self.pending}


class TwoFactorView(AdminPageMixin, TemplateView):
    """A staff member's own two-factor page: whether it is on, new backup codes, turning it off."""

    template_name = "admin/two_factor/status.html"
    title = _("Two-factor authentication")

    def get_context_data(self, **kwargs):
        user = self.request.user
        return {
            **super().get_context_data(**kwargs),
            "enabled": user_has_device(user),
            "has_app": user.totpdevice_set.filter(confirmed=True).exists(),
            "backup_codes_left": two_factor.remaining_backup_codes(user),
            "required": two_factor.is_required(user),
            "turn_off_form": kwargs.get("turn_off_form") or CodeForm(help_text=CODE_HELP),
        }

    def post(self, request, *args, **kwargs):
        if not user_has_device(request.user):
            return redirect("admin:two-factor")
        if "new_codes" in request.POST:
            request.session[NEW_CODES_SESSION_KEY] = two_factor.new_backup_codes(request.user)
            return redirect("admin:two-factor-backup-codes")
        if two_factor.is_required(request.user):
            messages.error(request, gettext("Site administrators cannot turn two-factor authentication off."))
            return redirect("admin:two-factor")
        form = CodeForm(request.POST, help_text=CODE_HELP)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(turn_off_form=form))
        result = two_factor.check_sign_in_code(request.user, form.cleaned_data["code"])
        if result.device is None:
            return self.render_to_response(
                self.get_context_data(turn_off_form=form), status=refuse(form, result)
            )
        two_factor.turn_off(request.user)
        messages.success(request, gettext("Two-factor authentication is off."))
        return redirect("admin:two-factor")


class TwoFactorSetupView(AdminPageMixin, FormView):
    """Setting up an authenticator app: the secret as a QR code and as text, confirmed by a first
    code; then the backup codes, shown once."""

    template_name = "admin/two_factor/setup.html"
    title = _("Set up two-factor authentication")
    form_class = CodeForm

    def dispatch(self, request, *args, **kwargs):
        self.device = two_factor.pending_app_device(request.user)
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "label": gettext("Code from the app"),
            "help_text": gettext("The six digits the app shows for this site now."),
            "app_only": True,
        }

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "qr_code": two_factor.qr_code_svg(self.device),
            "secret": two_factor.secret_text(self.device),
            "required": two_factor.is_required(self.request.user),
            "replacing": user_has_device(self.request.user),
        }

    def form_valid(self, form):
        result = two_factor.confirm_app_device(self.device, form.cleaned_data["code"])
        if result.device is None:
            status = refuse(
                form, result, f"{WRONG_CODE} {gettext('The app must show the code for this site.')}"
            )
            return self.render_to_response(self.get_context_data(form=form), status=status)
        self.request.session[NEW_CODES_SESSION_KEY] = two_factor.new_backup_codes(self.request.user)
        otp_login(self.request, result.device)
        messages.success(self.request, gettext("Two-factor authentication is on."))
        return redirect("admin:two-factor-backup-codes")


class BackupCodesView(AdminPageMixin, TemplateView):
    """New backup codes, shown once: they leave the session as this page is rendered."""

    template_name = "admin/two_factor/backup_codes.html"
    title = _("Your backup codes")

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "codes": self.request.session.pop(NEW_CODES_SESSION_KEY, None),
        }
