"""Signing in as staff do it, in Chromium: setting up two-factor authentication, signing in with a
code, and the lock-out page; each page checked with axe."""

from base64 import b32decode

from playwright.sync_api import expect

from tests.browser.conftest import login
from tests.browser.test_quality import AXE, axe_violations
from tests.core.test_two_factor import code_for
from tests.signin import LIMIT


def test_staff_member_sets_up_two_factor_and_signs_in_with_a_code(live_server, editor, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(path=str(AXE))
    page = context.new_page()
    problems = []
    login(page, live_server, "editor", "editor-pass-123")
    page.get_by_role("link", name="Two-factor authentication").click()
    page.get_by_role("link", name="Set up two-factor authentication").click()
    # The click starts the navigation; expect() waits for the new page (is_visible() would not).
    expect(page.get_by_role("img", name="QR code for your authenticator app")).to_be_visible()
    problems += [f"setup: {v}" for v in axe_violations(page)]
    key = b32decode(page.inner_text(".spp-secret").replace(" ", ""))
    page.get_by_label("Code from the app").fill(code_for(key))
    page.get_by_role("button", name="Confirm and turn on").click()
    page.wait_for_url(f"{live_server.url}/admin/two-factor/backup-codes/")
    assert page.locator(".spp-backup-codes code").count() == 10
    problems += [f"backup codes: {v}" for v in axe_violations(page)]

    page.get_by_role("button", name="Log out").click()
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", "editor-pass-123")
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/login/code/")
    problems += [f"code step: {v}" for v in axe_violations(page)]
    page.get_by_label("Code").fill(code_for(key, steps_ahead=1))  # the first code was used up
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(f"{live_server.url}/admin/")
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    context.close()
    assert problems == []


def test_the_lockout_page_works_without_javascript(live_server, editor, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    for _ in range(LIMIT):
        page.goto(f"{live_server.url}/admin/login/")
        page.fill("#id_username", "editor")
        page.fill("#id_password", "wrong")
        with page.expect_navigation() as navigation:
            page.click("input[type=submit]")
    assert navigation.value.status == 429
    assert page.get_by_role("heading", name="Sign-in locked for now").is_visible()
    page.get_by_role("link", name="Back to the sign-in page").click()
    expect(page.locator("#id_username")).to_be_visible()
    context.close()
