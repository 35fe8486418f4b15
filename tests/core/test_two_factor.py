"""Two-factor authentication for staff (django-otp): setting up an authenticator app, signing in
with a code or a backup code, throttling of wrong codes, and DJANGO_REQUIRE_2FA."""

import datetime
import re
import time
from base64 import b32decode

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from spp_site import two_factor
from tests.quality import nu_errors
from tests.signin import LIMIT, fail, sign_in, signed_in

pytestmark = pytest.mark.django_db

SETUP = "/admin/two-factor/setup/"
STATUS = "/admin/two-factor/"
CODES = "/admin/two-factor/backup-codes/"
CODE_STEP = "/admin/login/code/"


def code_for(key: bytes, steps_ahead=0) -> str:
    """The code an authenticator app shows for `key`, `steps_ahead` 30-second steps from now (a
    code is accepted once: the next sign-in after setting up uses the next step's code)."""
    totp = TOTP(key)
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


def app_code(user, steps_ahead=0) -> str:
    return code_for(TOTPDevice.objects.get(user=user).bin_key, steps_ahead)


def wrong_code(user) -> str:
    """Six digits the app does not show now, nor one step before or after (those count too)."""
    accepted = {app_code(user, steps) for steps in (-1, 0, 1)}
    return next(code for code in ("000000", "111111", "222222", "333333") if code not in accepted)


def enrolled(user):
    """`user` with a confirmed authenticator app and backup codes; returns the backup codes."""
    TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    return two_factor.new_backup_codes(user)


# Setting up


def test_staff_set_up_an_app_from_the_qr_code_or_the_key_and_see_backup_codes_once(client, editor):
    client.force_login(editor)
    page = client.get(SETUP)
    assert page.status_code == 200
    text = page.content.decode()
    assert re.search(r'<svg role="img" viewBox="0 0 \d+ \d+" class="spp-qr"><title>QR code', text)
    secret = re.search(r'<code class="spp-secret">([A-Z2-7 ]+)</code>', text).group(1)
    key = b32decode(secret.replace(" ", ""))

    response = client.post(SETUP, {"code": code_for(key)})
    assert response.status_code == 302 and response["Location"] == CODES
    device = TOTPDevice.objects.get(user=editor)
    assert device.confirmed and device.bin_key == key

    codes_page = client.get(CODES).content.decode()
    shown = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", codes_page)
    assert len(shown) == 10
    assert set(shown) == set(StaticToken.objects.filter(device__user=editor).values_list("token", flat=True))
    assert "<code>" not in client.get(CODES).content.decode()  # once only


def test_the_qr_code_holds_the_secret_and_the_site_name(client, editor):
    client.force_login(editor)
    client.get(SETUP)
    url = TOTPDevice.objects.get(user=editor).config_url
    assert url.startswith("otpauth://totp/SPP%202298%3Aeditor?secret=")
    assert url.endswith("&issuer=SPP%202298")


def test_reloading_the_setup_page_keeps_the_secret(client, editor):
    client.force_login(editor)
    first = client.get(SETUP).context["secret"]
    assert client.get(SETUP).context["secret"] == first
    assert TOTPDevice.objects.filter(user=editor).count() == 1


def test_a_wrong_first_code_leaves_two_factor_off(client, editor):
    client.force_login(editor)
    client.get(SETUP)
    response = client.post(SETUP, {"code": wrong_code(editor)})
    assert response.status_code == 200
    assert "That code is not right" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=editor, confirmed=True).exists()
    client.logout()
    assert sign_in(client, "editor", "editor-pass-123")["Location"] == "/admin/"  # no code asked


def test_setting_up_a_new_app_replaces_the_old_one_once_confirmed(client, editor):
    enrolled(editor)
    old = TOTPDevice.objects.get(user=editor)
    client.force_login(editor)
    client.post(CODE_STEP, {"code": app_code(editor)})
    client.get(SETUP)
    new = TOTPDevice.objects.get(user=editor, confirmed=False)
    assert TOTPDevice.objects.filter(pk=old.pk).exists()  # still works until the new one is confirmed
    client.post(SETUP, {"code": code_for(new.bin_key)})
    assert list(TOTPDevice.objects.filter(user=editor)) == [new]


def test_new_backup_codes_replace_the_old_ones(client, editor):
    old_codes = enrolled(editor)
    client.force_login(editor)
    client.post(CODE_STEP, {"code": app_code(editor)})
    response = client.post(STATUS, {"new_codes": "1"})
    assert response["Location"] == CODES
    new_codes = client.get(CODES).context["codes"]
    assert len(new_codes) == 10 and not set(new_codes) & set(old_codes)
    assert two_factor.remaining_backup_codes(editor) == 10


def test_backup_codes_are_never_all_digits(editor, monkeypatch):
    """Digits are taken for an app code at sign-in."""
    tokens = iter(["23456723", *(f"backup{c}{c}" for c in "abcdefghij")])
    monkeypatch.setattr(StaticToken, "random_token", staticmethod(lambda: next(tokens)))
    codes = two_factor.new_backup_codes(editor)
    assert len(codes) == 10 and "23456723" not in codes


def test_turning_off_needs_a_current_code(client, editor):
    enrolled(editor)
    client.force_login(editor)
    client.post(CODE_STEP, {"code": app_code(editor)})
    wrong = client.post(STATUS, {"turn_off": "1", "code": "zzzzzzzz"})
    assert wrong.status_code == 200 and "That code is not right" in wrong.content.decode()
    assert TOTPDevice.objects.filter(user=editor).exists()
    client.post(STATUS, {"turn_off": "1", "code": app_code(editor, 1)})
    assert not TOTPDevice.objects.filter(user=editor).exists()
    assert not StaticDevice.objects.filter(user=editor).exists()


def test_the_status_page_says_whether_two_factor_is_on(client, editor):
    client.force_login(editor)
    assert client.get(STATUS).context["enabled"] is False
    enrolled(editor)
    client.post(CODE_STEP, {"code": app_code(editor)})
    page = client.get(STATUS)
    assert page.context["enabled"] is True
    assert "You have 10 unused backup codes." in page.content.decode()


def test_every_admin_page_links_to_the_two_factor_page(client, editor):
    client.force_login(editor)
    assert f'<a href="{STATUS}">Two-factor authentication</a>' in client.get("/admin/").content.decode()


# Signing in


def test_the_password_alone_does_not_sign_in_someone_who_uses_two_factor(client, editor):
    enrolled(editor)
    response = sign_in(client, "editor", "editor-pass-123")
    assert response["Location"] == CODE_STEP
    assert not signed_in(client)
    assert client.get("/admin/")["Location"].startswith("/admin/login/")


def test_the_code_signs_in_and_goes_on_to_the_page_asked_for(client, editor):
    enrolled(editor)
    sign_in(client, "editor", "editor-pass-123", next_url="/admin/spp_site/page/")
    page = client.get(CODE_STEP)
    assert page.status_code == 200 and "Enter your code" in page.content.decode()
    response = client.post(CODE_STEP, {"code": app_code(editor)})
    assert response["Location"] == "/admin/spp_site/page/"
    assert signed_in(client)
    assert client.get("/admin/spp_site/page/").status_code == 200


def test_a_wrong_code_is_refused(client, editor):
    enrolled(editor)
    sign_in(client, "editor", "editor-pass-123")
    response = client.post(CODE_STEP, {"code": wrong_code(editor)})
    assert response.status_code == 200
    assert "That code is not right" in response.content.decode()
    assert not signed_in(client)


def test_wrong_codes_are_throttled(client, editor):
    """After each wrong code in a row the next one is looked at only 1, 2, 4… seconds later."""
    enrolled(editor)
    start = datetime.datetime.now(tz=datetime.UTC)

    def at(seconds, code):
        with time_machine.travel(start + datetime.timedelta(seconds=seconds), tick=False):
            return client.post(CODE_STEP, {"code": code(editor)})

    with time_machine.travel(start, tick=False):
        sign_in(client, "editor", "editor-pass-123")
    assert at(0, wrong_code).status_code == 200
    throttled = at(0, app_code)
    assert throttled.status_code == 429
    assert "Too many wrong codes. Wait 1 second before trying again." in throttled.content.decode()
    assert at(1, wrong_code).status_code == 200
    assert at(3, wrong_code).status_code == 200
    assert "Wait 4 seconds" in at(3, app_code).content.decode()
    assert not signed_in(client)
    assert at(7, app_code).status_code == 302
    assert signed_in(client)


def test_a_long_wait_is_said_in_minutes(client, editor):
    enrolled(editor)
    TOTPDevice.objects.filter(user=editor).update(
        throttling_failure_count=12, throttling_failure_timestamp=datetime.datetime.now(tz=datetime.UTC)
    )
    sign_in(client, "editor", "editor-pass-123")
    response = client.post(CODE_STEP, {"code": app_code(editor)})
    assert response.status_code == 429
    assert "Wait 34\xa0minutes before trying again." in response.content.decode()


def test_a_backup_code_signs_in_once(client, editor):
    codes = enrolled(editor)
    sign_in(client, "editor", "editor-pass-123")
    assert (
        client.post(CODE_STEP, {"code": codes[0].upper()[:4] + " " + codes[0][4:]})["Location"] == "/admin/"
    )
    client.logout()
    sign_in(client, "editor", "editor-pass-123")
    again = client.post(CODE_STEP, {"code": codes[0]})
    assert again.status_code == 200 and not signed_in(client)
    assert two_factor.remaining_backup_codes(editor) == 9


def test_the_code_has_to_follow_the_password_within_five_minutes(client, editor):
    enrolled(editor)
    start = datetime.datetime.now(tz=datetime.UTC)
    with time_machine.travel(start, tick=False):
        sign_in(client, "editor", "editor-pass-123")
    with time_machine.travel(start + datetime.timedelta(minutes=6), tick=False):
        response = client.post(CODE_STEP, {"code": app_code(editor)}, follow=True)
    assert response.redirect_chain[0][0] == "/admin/login/"
    assert "within five minutes" in response.content.decode()
    assert not signed_in(client)


def test_the_code_step_without_a_password_first_goes_back_to_the_password(client, editor):
    enrolled(editor)
    assert client.post(CODE_STEP, {"code": app_code(editor)})["Location"] == "/admin/login/"


def test_a_session_from_before_setting_up_asks_for_the_code(client, editor):
    """Signed in in a browser before two-factor was set up in another."""
    client.force_login(editor)
    enrolled(editor)
    response = client.get("/admin/news/newsitem/")
    assert response["Location"] == f"{CODE_STEP}?next=/admin/news/newsitem/"
    assert (
        client.post(response["Location"], {"code": app_code(editor)})["Location"] == "/admin/news/newsitem/"
    )
    assert client.get("/admin/news/newsitem/").status_code == 200


def test_the_code_step_of_another_account_wins_over_an_open_session(client, editor, site_admin):
    enrolled(site_admin)
    client.force_login(editor)
    sign_in(client, "siteadmin", "admin-pass-123")
    client.post(CODE_STEP, {"code": app_code(site_admin)})
    assert client.session["_auth_user_id"] == str(site_admin.pk)


# DJANGO_REQUIRE_2FA


@pytest.fixture
def required(settings):
    settings.REQUIRE_2FA = True


@pytest.mark.parametrize("who", ["superuser", "site_admin"])
def test_site_administrators_without_two_factor_are_sent_to_set_it_up(client, required, request, who):
    user = request.getfixturevalue(who)
    password = {"superuser": "root-pass-123", "site_admin": "admin-pass-123"}[who]
    assert sign_in(client, user.username, password)["Location"] == "/admin/"
    assert client.get("/admin/")["Location"] == SETUP
    page = client.get(SETUP).content.decode()
    assert "Site administrators must use two-factor authentication" in page


def test_until_then_they_reach_nothing_else_in_the_admin(client, required, site_admin):
    client.force_login(site_admin)
    for url in ["/admin/", "/admin/spp_site/page/", "/admin/auth/user/", "/admin/password_change/"]:
        assert client.get(url)["Location"] == SETUP, url
    assert client.post("/admin/markdown/preview/", {"content": "x"})["Location"] == SETUP
    assert client.get(STATUS).status_code == 200
    assert client.post("/admin/logout/").status_code == 200


def test_once_set_up_they_use_the_admin(client, required, site_admin):
    client.force_login(site_admin)
    client.get(SETUP)
    client.post(SETUP, {"code": app_code(site_admin)})
    assert client.get("/admin/").status_code == 200


def test_editors_are_not_required_to_set_it_up(client, required, editor):
    client.force_login(editor)
    assert client.get("/admin/").status_code == 200


def test_without_the_setting_site_administrators_are_not_required_either(client, superuser):
    sign_in(client, "root", "root-pass-123")
    assert client.get("/admin/").status_code == 200


def test_site_administrators_cannot_turn_it_off_when_required(client, required, site_admin):
    enrolled(site_admin)
    client.force_login(site_admin)
    client.post(CODE_STEP, {"code": app_code(site_admin)})
    response = client.post(STATUS, {"turn_off": "1", "code": app_code(site_admin, 1)}, follow=True)
    assert "cannot turn two-factor authentication off" in response.content.decode()
    assert TOTPDevice.objects.filter(user=site_admin).exists()


def test_an_unverified_session_cannot_replace_the_app(client, editor):
    enrolled(editor)
    client.force_login(editor)
    assert client.get(SETUP)["Location"].startswith(CODE_STEP)
    assert client.post(STATUS, {"new_codes": "1"})["Location"].startswith(CODE_STEP)


# Administration


def test_site_administrators_see_devices_but_not_their_secrets(client, editor, site_admin):
    enrolled(editor)
    device = TOTPDevice.objects.get(user=editor)
    client.force_login(site_admin)
    change = client.get(f"/admin/otp_totp/totpdevice/{device.pk}/change/")
    assert change.status_code == 200
    assert device.key not in change.content.decode()
    assert client.get(f"/admin/otp_totp/totpdevice/{device.pk}/config/").status_code == 403


def test_editors_do_not_see_anyones_devices(client, editor):
    client.force_login(editor)
    assert client.get("/admin/otp_totp/totpdevice/").status_code == 403
    assert client.get("/admin/otp_static/staticdevice/").status_code == 403


def test_the_reset_command_turns_two_factor_off_for_someone(editor, capsys):
    enrolled(editor)
    call_command("reset_two_factor", "editor")
    assert not TOTPDevice.objects.filter(user=editor).exists()
    assert not StaticDevice.objects.filter(user=editor).exists()
    assert "Two-factor authentication is off for editor" in capsys.readouterr().out


def test_the_reset_command_names_an_unknown_user(db):
    with pytest.raises(CommandError, match="There is no user 'nobody'"):
        call_command("reset_two_factor", "nobody")


# Markup


def test_the_sign_in_pages_are_valid_html(client, editor, tmp_path):
    documents = {}
    client.force_login(editor)
    documents["status, off"] = client.get(STATUS).content.decode()
    documents["setup"] = client.get(SETUP).content.decode()
    client.post(SETUP, {"code": app_code(editor)})
    documents["backup codes"] = client.get(CODES).content.decode()
    documents["status, on"] = client.get(STATUS).content.decode()
    client.logout()
    sign_in(client, "editor", "editor-pass-123")
    documents["code step"] = client.get(CODE_STEP).content.decode()
    documents["code step, wrong code"] = client.post(CODE_STEP, {"code": wrong_code(editor)}).content.decode()
    fail(client, LIMIT - 1)
    documents["lock-out"] = sign_in(client, "editor", "wrong").content.decode()
    assert nu_errors(documents, tmp_path) == []


def test_only_the_code_step_puts_the_cursor_in_the_code_field(client, editor):
    enrolled(editor)
    sign_in(client, "editor", "editor-pass-123")
    assert "autofocus" in str(client.get(CODE_STEP).context["form"]["code"])
    client.post(CODE_STEP, {"code": app_code(editor)})
    assert "autofocus" not in client.get(STATUS).content.decode()  # the turn-off form is further down
    client.get(SETUP)
    field = str(client.get(SETUP).context["form"]["code"])
    assert "autofocus" not in field and 'inputmode="numeric"' in field  # the QR code comes first
