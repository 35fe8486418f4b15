"""Adding an editor: a site administrator gives a name and an e-mail address, the site creates an
active staff account in the Editor group with no usable password and e-mails a link to set one
(Django's password-reset tokens and views, under /admin/ with the admin's templates). The user
form's role field (one choice instead of the groups and the raw permissions) is here too."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import transaction
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView

from .auth_views import AdminPageMixin
from .models import EditorProfile
from .roles import EDITOR, SITE_ADMINISTRATOR

ROLE_GROUPS = {"editor": EDITOR, "site_administrator": SITE_ADMINISTRATOR}


class RoleField(forms.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(
            label=_("Role"),
            choices=[
                (
                    "editor",
                    _("Editor: all content (pages, events, news, programme), not users or site settings"),
                ),
                ("site_administrator", _("Site administrator: everything, users and site settings included")),
                ("", _("No role: can sign in but change nothing")),
            ],
            required=False,
            widget=forms.RadioSelect,
            **kwargs,
        )


def role_of(user) -> str:
    names = set(user.groups.values_list("name", flat=True)) if user.pk else set()
    if SITE_ADMINISTRATOR in names:
        return "site_administrator"
    return "editor" if EDITOR in names else ""


def set_role(user, role: str):
    """Put `user` in the group of `role` and out of the other role's; other groups stay."""
    groups = {g.name: g for g in Group.objects.filter(name__in=ROLE_GROUPS.values())}
    user.groups.remove(*groups.values())
    if role:
        user.groups.add(groups[ROLE_GROUPS[role]])


class RoleFormMixin(forms.ModelForm):
    """The user change form with a role instead of the groups and 150 raw permissions."""

    role = RoleField(
        help_text=_("What this person may change in the admin. They also need “Staff status” to sign in.")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].initial = role_of(self.instance)

    def _save_m2m(self):
        super()._save_m2m()
        set_role(self.instance, self.cleaned_data["role"])


class InviteForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=150, help_text=_("First and last name, e.g. Anna Schmidt.")
    )
    email = forms.EmailField(label=_("E-mail address"), help_text=_("The invitation goes to this address."))
    language = forms.ChoiceField(
        label=_("Language of the invitation and of the admin"),
        choices=settings.LANGUAGES,
        initial=settings.LANGUAGE_CODE,
    )

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        User = get_user_model()
        if (
            User._default_manager.filter(email__iexact=email).exists()
            or User._default_manager.filter(username__iexact=email).exists()
        ):
            raise forms.ValidationError(
                _("There is already an account with this e-mail address. Find it in the list of users.")
            )
        return email


def set_password_url(request, user) -> str:
    path = reverse(
        "admin:password-set",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return request.build_absolute_uri(path)


def send_invitation(request, user, language):
    """The invitation e-mail, in the invitee's language."""
    days = max(1, settings.PASSWORD_RESET_TIMEOUT // 86400)
    context = {
        "user": user,
        "inviter": request.user.get_full_name() or request.user.get_username(),
        "url": set_password_url(request, user),
        "login_url": request.build_absolute_uri(reverse("admin:login")),
        "days": days,
    }
    with translation.override(language):
        subject = gettext("Your editor account for the SPP 2298 website")
        body = render_to_string("admin/invite/email.txt", context)
    send_mail(subject, body, None, [user.email])


class InviteEditorView(AdminPageMixin, FormView):
    """/admin/auth/user/invite/: for whoever may add users (site administrators)."""

    template_name = "admin/invite/form.html"
    form_class = InviteForm
    title = _("Invite an editor")

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm("auth.add_user"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        first, _space, last = data["name"].strip().rpartition(" ")
        if not first:
            first, last = last, ""
        with transaction.atomic():
            user = get_user_model()._default_manager.create_user(
                username=data["email"],
                email=data["email"],
                password=None,  # unusable until the invitee sets one
                first_name=first,
                last_name=last,
                is_staff=True,
            )
            set_role(user, "editor")
            EditorProfile.objects.create(user=user, language=data["language"])
        send_invitation(self.request, user, data["language"])
        messages.success(
            self.request,
            gettext("%(name)s is invited: an e-mail with a link to set a password went to %(email)s.")
            % {"name": data["name"], "email": data["email"]},
        )
        return redirect("admin:auth_user_change", user.pk)


class SetPasswordView(auth_views.PasswordResetConfirmView):
    """The link in the invitation: Django's password-reset confirmation, in the admin's look."""

    template_name = "registration/password_reset_confirm.html"
    admin_site = None

    def get_success_url(self):
        return reverse("admin:password-set-done")

    def get_context_data(self, **kwargs):
        return {**self.admin_site.each_context(self.request), **super().get_context_data(**kwargs)}


class SetPasswordDoneView(auth_views.PasswordResetCompleteView):
    template_name = "registration/password_reset_complete.html"
    admin_site = None

    def get_context_data(self, **kwargs):
        return {
            **self.admin_site.each_context(self.request),
            **super().get_context_data(**kwargs),
            "login_url": reverse("admin:login"),
        }
