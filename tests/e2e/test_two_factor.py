"""Two-step sign-in in Chromium, without JavaScript of ours: a staff member required to have
it sets up an authenticator app from the page (the key as an app reads it from the QR code or
as typed), keeps the backup codes, and the next sign-in asks for a code."""

import base64

import pytest
from django.test import override_settings
from django_otp.oath import totp

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def code_for(secret: str) -> str:
    return f"{totp(base64.b32decode(secret.replace(' ', ''))):06d}"


@override_settings(STAFF_REQUIRE_OTP=True)
def test_staff_set_up_two_step_sign_in_and_then_need_a_code(live_server, page, staff_user):
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Username").fill("sam")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    # Sent to set it up before anything else.
    assert "/accounts/two-factor/" in page.url
    assert page.locator("figure.qr-code svg").is_visible()
    secret = page.locator("code.otp-secret").inner_text()
    page.screenshot(path="test-results/two-factor-setup.png", full_page=True)
    page.get_by_label("Code").fill(code_for(secret))
    page.get_by_role("button", name="Turn on two-step sign-in").click()

    assert page.get_by_role("heading", name="Your backup codes").is_visible()
    assert page.locator("ul.backup-codes li").count() == 10
    page.get_by_role("link", name="Continue").click()
    assert page.url.endswith("/workspace/")

    page.get_by_role("button", name="Sign out").click()
    page.goto(live_server.url + "/accounts/login/?next=/staff/changes/")
    page.get_by_label("Username").fill("sam")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    assert "/accounts/two-factor/code/" in page.url
    page.screenshot(path="test-results/two-factor-code.png", full_page=True)
    # The code of the next 30-second step: the one just used at set-up is not taken twice.
    page.get_by_label("Code").fill(
        f"{totp(base64.b32decode(secret.replace(' ', '')), drift=1):06d}"
    )
    page.get_by_role("button", name="Continue").click()
    assert page.url.endswith("/staff/changes/")
