"""Sign-in throttling (django-axes): lock-outs per username and per IP address, the lock-out page,
unlocking, the lock-out list in the admin, and which client address counts."""

import datetime

import pytest
import time_machine
from axes.models import AccessAttempt
from django.core.management import call_command
from django.utils import timezone

from spp_site.models import SiteSettings
from tests.signin import LIMIT, fail, sign_in, signed_in

pytestmark = pytest.mark.django_db

LOCKOUT_LIST = "/admin/axes/accessattempt/"


# Locking


def test_wrong_passwords_are_answered_normally_until_the_limit(client, editor):
    assert fail(client, LIMIT - 1) == [200] * (LIMIT - 1)
    assert fail(client, 1) == [429]


def test_the_right_password_is_refused_while_locked(client, editor):
    fail(client, LIMIT)
    response = sign_in(client, "editor", "editor-pass-123")
    assert response.status_code == 429
    assert not signed_in(client)


def test_a_username_is_locked_whatever_the_address(client, editor):
    for i in range(LIMIT):
        fail(client, 1, ip=f"10.0.1.{i}")
    assert sign_in(client, "editor", "editor-pass-123", ip="10.0.2.1").status_code == 429


def test_an_address_is_locked_whatever_the_username(client, editor, site_admin):
    """Spraying one password across many usernames from one address."""
    for i in range(LIMIT):
        fail(client, 1, username=f"guess{i}", ip="10.0.3.1")
    assert sign_in(client, "siteadmin", "admin-pass-123", ip="10.0.3.1").status_code == 429
    assert sign_in(client, "siteadmin", "admin-pass-123", ip="10.0.3.2").status_code == 302


def test_other_people_are_not_locked_by_someone_elses_failures(client, editor, site_admin):
    fail(client, LIMIT, username="editor", ip="10.0.4.1")
    assert sign_in(client, "siteadmin", "admin-pass-123", ip="10.0.4.2").status_code == 302


def test_a_successful_sign_in_does_not_reset_the_count(client, editor, site_admin):
    """Otherwise one account would let its owner reset the count of their address between guesses."""
    fail(client, LIMIT - 1, username="guess", ip="10.0.5.1")
    assert sign_in(client, "siteadmin", "admin-pass-123", ip="10.0.5.1").status_code == 302
    client.logout()
    assert fail(client, 1, username="guess", ip="10.0.5.1") == [429]


# The lock-out page


def test_the_lockout_page_says_when_to_try_again_and_whom_to_ask(client, editor):
    SiteSettings.objects.create(contact_email="office@spp2298.example")
    with time_machine.travel(datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC), tick=False):
        fail(client, LIMIT - 1)
        response = sign_in(client, "editor", "wrong")
    assert response.status_code == 429
    assert response["Retry-After"] == "900"
    text = response.content.decode()
    assert "Sign-in locked for now" in text
    assert "paused for 15 minutes" in text
    assert 'after <strong><time datetime="2026-03-02T10:15:00+01:00">10:15</time> CET</strong>' in text
    assert 'href="mailto:office@spp2298.example"' in text
    assert 'href="/admin/login/"' in text
    assert "SPP 2298 · Site administration" in text  # the admin's look


def test_the_lockout_page_without_a_contact_address_points_to_the_office(client, editor):
    fail(client, LIMIT)
    response = sign_in(client, "editor", "wrong")
    assert "Ask the coordination office" in response.content.decode()


def test_the_cool_off_and_limit_come_from_the_settings(client, editor, settings):
    settings.AXES_FAILURE_LIMIT = 2
    settings.AXES_COOLOFF_TIME = datetime.timedelta(minutes=60)
    assert fail(client, 2) == [200, 429]
    response = sign_in(client, "editor", "wrong")
    assert response["Retry-After"] == "3600"
    assert "paused for 60 minutes" in response.content.decode()


def test_a_script_asking_for_json_gets_the_429_too(client, editor):
    fail(client, LIMIT)
    response = sign_in(client, "editor", "editor-pass-123", HTTP_X_REQUESTED_WITH="XMLHttpRequest")
    assert response.status_code == 429


# Unlocking


def test_the_lock_ends_after_the_cool_off(client, editor):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        fail(client, LIMIT)
    with time_machine.travel(start + datetime.timedelta(minutes=14), tick=False):
        assert sign_in(client, "editor", "editor-pass-123").status_code == 429
    with time_machine.travel(start + datetime.timedelta(minutes=14 + 16), tick=False):
        assert sign_in(client, "editor", "editor-pass-123").status_code == 302


def test_each_attempt_while_locked_starts_the_wait_again(client, editor):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        fail(client, LIMIT)
    with time_machine.travel(start + datetime.timedelta(minutes=10), tick=False):
        fail(client, 1)
    with time_machine.travel(start + datetime.timedelta(minutes=16), tick=False):
        assert sign_in(client, "editor", "editor-pass-123").status_code == 429


@pytest.mark.parametrize(
    ("command", "args"),
    [("axes_reset", []), ("axes_reset_username", ["editor"]), ("axes_reset_ip", ["10.0.0.1"])],
)
def test_the_reset_commands_unlock(client, editor, command, args, capsys):
    fail(client, LIMIT)
    call_command(command, *args)
    assert sign_in(client, "editor", "editor-pass-123").status_code == 302


# The lock-out list in the admin


def test_site_administrators_see_who_is_locked_out(client, site_admin):
    fail(client, LIMIT, username="editor", ip="10.0.6.1")
    fail(client, 2, username="someone", ip="10.0.6.2")
    client.force_login(site_admin)
    response = client.get(LOCKOUT_LIST)
    assert response.status_code == 200
    rows = {row.username: row for row in response.context["cl"].result_list}
    admin = response.context["cl"].model_admin
    assert admin.locked_out(rows["editor"]) == "Yes: username and IP address"
    assert admin.locked_out(rows["someone"]) == "No"
    assert "Sign-in lock-outs" in client.get("/admin/").content.decode()


def test_the_list_shows_an_address_locked_by_failures_for_many_usernames(client, site_admin):
    for i in range(LIMIT):
        fail(client, 1, username=f"guess{i}", ip="10.0.7.1")
    client.force_login(site_admin)
    response = client.get(LOCKOUT_LIST)
    admin = response.context["cl"].model_admin
    assert {admin.locked_out(row) for row in response.context["cl"].result_list} == {"Yes: IP address"}


def test_the_list_leaves_out_failures_older_than_the_cool_off(client, site_admin):
    with time_machine.travel(timezone.now() - datetime.timedelta(minutes=20), tick=False):
        fail(client, 2, username="old")
    fail(client, 1, username="recent")
    client.force_login(site_admin)
    rows = client.get(LOCKOUT_LIST).context["cl"].result_list
    assert [row.username for row in rows] == ["recent"]


def test_editors_do_not_see_the_lockout_list(client, editor):
    fail(client, LIMIT, username="someone")
    client.force_login(editor)
    assert client.get(LOCKOUT_LIST).status_code == 403
    assert "Sign-in lock-outs" not in client.get("/admin/").content.decode()


def test_site_administrators_unlock_from_the_list(client, editor, site_admin):
    fail(client, LIMIT, username="editor", ip="10.0.8.1")
    fail(client, 1, username="other", ip="10.0.8.1")
    client.force_login(site_admin)
    editor_row = AccessAttempt.objects.get(username="editor")
    response = client.post(
        LOCKOUT_LIST, {"action": "unlock", "_selected_action": [editor_row.pk]}, follow=True
    )
    assert (
        "Unlocked: 2 records of failed sign-ins deleted." in response.content.decode()
    )  # the username's row and the address's
    assert not AccessAttempt.objects.exists()
    client.logout()
    assert sign_in(client, "editor", "editor-pass-123", ip="10.0.8.1").status_code == 302


# Which address counts (spp_site.http.client_ip, tested in tests/core/test_http.py)


def test_a_client_cannot_dodge_the_address_lock_by_sending_forwarded_headers(client, editor):
    for i in range(LIMIT):
        sign_in(client, f"guess{i}", "wrong", ip="10.0.9.1", HTTP_X_FORWARDED_FOR=f"198.51.100.{i}")
    assert sign_in(client, "editor", "editor-pass-123", ip="10.0.9.1").status_code == 429


def test_behind_a_proxy_each_client_is_locked_apart(client, editor, settings):
    settings.NUM_PROXIES = 1
    for i in range(LIMIT):
        sign_in(client, f"guess{i}", "wrong", ip="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.1")
    locked = sign_in(client, "editor", "editor-pass-123", ip="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert locked.status_code == 429
    other = sign_in(client, "editor", "editor-pass-123", ip="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.2")
    assert other.status_code == 302


# Bad input


def test_a_username_with_a_nul_character_is_a_form_error(client, editor):
    response = sign_in(client, "edi\x00tor", "wrong")
    assert response.status_code == 200
    assert "Null characters are not allowed." in response.content.decode()


@pytest.mark.parametrize("query", ["10.0.0", "editor", "%", "2001:db8::", "x" * 300])
def test_searching_the_lockout_list_never_fails(client, site_admin, query):
    fail(client, 1)
    client.force_login(site_admin)
    assert client.get(LOCKOUT_LIST, {"q": query}).status_code == 200
