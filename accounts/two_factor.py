"""The second factor at sign-in (django-otp): a code from an authenticator app (TOTP) and
one-time backup codes (django-otp's static devices).

Whoever has a confirmed device signs in in two steps: the password (accounts' sign-in or the
admin's, both through django.contrib.auth.login), then a code at /accounts/two-factor/code/.
Until the code is given, SecondFactorMiddleware sends every other page there. At sign-in the
session records whether the person has a device (SESSION_REQUIRED), so that signed-in requests
cost no query to learn it; django-otp's own session key says the code was given.
"""

import base64
import secrets
from datetime import datetime
from typing import Any

import segno
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django_otp import DEVICE_ID_SESSION_KEY, devices_for_user, user_has_device
from django_otp import login as otp_login
from django_otp.models import Device
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

# Set at sign-in: whether this person must give a code before anything else.
SESSION_REQUIRED = "two_factor_required"
# The secret being set up (before it is confirmed, it lives only in the session).
SESSION_SETUP_KEY = "two_factor_setup_key"
# Backup codes just made, shown once.
SESSION_NEW_CODES = "two_factor_new_codes"
BACKUP_CODES = 10
APP_DEVICE_NAME = "Authenticator app"
BACKUP_DEVICE_NAME = "Backup codes"


def has_device(user: Any) -> bool:
    return bool(user_has_device(user, confirmed=True))


def is_verified(request: HttpRequest) -> bool:
    """Whether this session gave a code (or set up its device) since signing in."""
    return DEVICE_ID_SESSION_KEY in request.session


def needs_code(request: HttpRequest) -> bool:
    return bool(request.session.get(SESSION_REQUIRED)) and not is_verified(request)


def needs_setup(request: HttpRequest) -> bool:
    """Staff without a device, when STAFF_REQUIRE_OTP says they must have one."""
    user = request.user
    return (
        settings.STAFF_REQUIRE_OTP
        and user.is_staff
        and not request.session.get(SESSION_REQUIRED)
        and not is_verified(request)
    )


def remember_at_sign_in(request: HttpRequest, user: Any) -> None:
    request.session[SESSION_REQUIRED] = has_device(user)


def setup_key(request: HttpRequest) -> str:
    """The secret on offer to this session (hex, as TOTPDevice keeps it), made on first ask."""
    key = request.session.get(SESSION_SETUP_KEY)
    if not key:
        key = secrets.token_hex(20)
        request.session[SESSION_SETUP_KEY] = key
    return str(key)


def secret_for_typing(key: str) -> str:
    """The secret as authenticator apps take it typed in: base-32, in groups of four."""
    text = base64.b32encode(bytes.fromhex(key)).decode()
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def qr_code_svg(user: Any, key: str) -> str:
    """The otpauth:// address of the secret as an inline SVG QR code (no style attribute: CSP)."""
    uri = TOTPDevice(user=user, key=key, name=APP_DEVICE_NAME).config_url
    qr = segno.make(uri, error="m")
    title = _("QR code of the key written below")
    svg: str = qr.svg_inline(scale=5, dark="#000", light="#fff", title=title)
    return svg


def _clean(code: str) -> str:
    return "".join(code.split()).lower()


def backup_codes_renew(*, user: Any) -> list[str]:
    """A new set of backup codes for `user`, replacing any earlier set; each works once."""
    with transaction.atomic():
        device, _ = StaticDevice.objects.get_or_create(
            user=user, name=BACKUP_DEVICE_NAME, defaults={"confirmed": True}
        )
        device.token_set.all().delete()
        codes = [StaticToken.random_token() for _ in range(BACKUP_CODES)]
        StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    return codes


def two_factor_enable(*, request: HttpRequest, code: str) -> list[str] | None:
    """Confirm the secret on offer with a code from the app: the device is saved, this session
    counts as verified, and the new backup codes are returned. None if the code is wrong."""
    user = request.user
    key = setup_key(request)
    totp = TOTP(bytes.fromhex(key))
    try:
        token = int(_clean(code))
    except ValueError:
        return None
    if not totp.verify(token, tolerance=1):
        return None
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        device = TOTPDevice.objects.create(
            user=user, name=APP_DEVICE_NAME, key=key, confirmed=True, last_t=totp.t()
        )
        codes = backup_codes_renew(user=user)
    _verified(request, device)
    request.session[SESSION_REQUIRED] = True
    request.session.pop(SESSION_SETUP_KEY, None)
    return codes


def _verified(request: HttpRequest, device: Device) -> None:
    """This session has given its second factor: a new session key, as at sign-in, so a key
    seen before the code (a shared computer, a log) opens nothing now that it grants more."""
    otp_login(request, device)
    request.session.cycle_key()


def code_check(request: HttpRequest, code: str) -> tuple[Device | None, datetime | None]:
    """Try a code on each of the signed-in person's devices (the app's, then a backup code).

    Returns the device that took it (the session then counts as verified), else None and,
    when wrong codes have locked every device for a while, when they may try again.
    """
    user = request.user
    code = _clean(code)
    with transaction.atomic():
        devices = list(devices_for_user(user, confirmed=True, for_verify=True))
        # Wrong codes lock each device for 1, 2, 4... seconds: a code sent while every device
        # is locked is not even tried.
        waits = [device.verify_is_allowed() for device in devices]
        locked = [info.get("locked_until") for allowed, info in waits if not allowed and info]
        if devices and len(locked) == len(devices) and all(locked):
            return None, max(locked)
        for device in devices:
            if code and device.verify_token(code):
                _verified(request, device)
                return device, None
    return None, None


def two_factor_remove(*, user: Any) -> int:
    """Remove every device of `user` (a lost phone): their next sign-in asks for no code (or,
    staff under STAFF_REQUIRE_OTP, sends them to set up a new one). The number removed."""
    removed = 0
    with transaction.atomic():
        for model in (TOTPDevice, StaticDevice):
            removed += model.objects.filter(user=user).delete()[1].get(model._meta.label, 0)
    return removed
