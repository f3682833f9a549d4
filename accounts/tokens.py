"""API tokens: made, checked and revoked here only (the token page, the admin and the API).

A token reads `hn_<prefix>_<secret>`: the prefix finds the row, the SHA-256 of the whole token
is compared in constant time. A random 32-byte secret needs no slow hash (nobody can guess
it; a slow hash protects guessable passwords), and a fast one keeps every API request cheap.
"""

import datetime as dt
import hashlib
import hmac
import secrets

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import ApiToken, User
from accounts.two_factor import has_device

TOKEN_PREFIX = "hn_"
# The lifetimes a person may choose, in days: a token that never expires is never cleaned up.
TOKEN_LIFETIMES = (30, 90, 365)
# last_used_at is written at most this often per token: not one UPDATE per API request.
LAST_USED_PRECISION = dt.timedelta(minutes=1)
MAX_TOKENS_PER_USER = 20


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def tokens_of(user: AbstractBaseUser | AnonymousUser) -> QuerySet[ApiToken]:
    """A person's own tokens, newest first (nobody else's)."""
    if not user.is_authenticated:
        return ApiToken.objects.none()
    return ApiToken.objects.filter(user_id=user.pk)


@transaction.atomic
def token_create(
    *, user: User, name: str, days: int, second_factor: bool = False
) -> tuple[ApiToken, str]:
    """Make a token for `user`: (the row, the token itself, to be shown once and never again).

    `second_factor`: the session asking for it has given its second factor (see token_user)."""
    name = " ".join(name.split())
    errors = {}
    if not name:
        errors["name"] = _("Give the token a name, to know later what uses it.")
    if days not in TOKEN_LIFETIMES:
        errors["days"] = _("Choose one of the lifetimes offered.")
    if tokens_of(user).count() >= MAX_TOKENS_PER_USER:
        errors["name"] = _("You have %(count)s tokens: revoke one you no longer use first.") % {
            "count": MAX_TOKENS_PER_USER
        }
    if errors:
        raise ValidationError(errors)
    expires_at = timezone.now() + dt.timedelta(days=days)
    for _attempt in range(3):  # a prefix already taken (one chance in 2**48): draw again
        prefix = secrets.token_hex(6)
        token = f"{TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
        try:
            with transaction.atomic():
                row = ApiToken.objects.create(
                    user=user,
                    name=name,
                    prefix=prefix,
                    digest=_digest(token),
                    expires_at=expires_at,
                    second_factor=second_factor,
                )
        except IntegrityError:
            continue
        return row, token
    raise IntegrityError("no free token prefix")


def token_revoke(*, token: ApiToken) -> None:
    """Revoke a token at once: the next request that sends it is refused."""
    token.delete()


def _second_factor_required(user: User) -> bool:
    """Whether `user` signs in with a second factor (staff under STAFF_REQUIRE_OTP, or anyone
    who set one up). A token made without it, before the device was set up or before the
    person became staff, would otherwise open the API (every region's private contacts, for
    staff) with the password alone."""
    return bool(settings.STAFF_REQUIRE_OTP) or has_device(user)


def token_user(token: str) -> tuple[User, ApiToken] | None:
    """The active person a token belongs to, with the token's row; None if it opens nothing.

    An unknown, revoked or expired token, or one of a deactivated account, gives None.
    """
    parts = token.removeprefix(TOKEN_PREFIX).split("_", 1) if token.startswith(TOKEN_PREFIX) else []
    if len(parts) != 2:
        return None
    row = ApiToken.objects.select_related("user").filter(prefix=parts[0]).first()
    if row is None or not hmac.compare_digest(row.digest, _digest(token)):
        return None
    now = timezone.now()
    if row.expires_at <= now or not row.user.is_active:
        return None
    if not row.second_factor and row.user.is_staff and _second_factor_required(row.user):
        return None
    if row.last_used_at is None or now - row.last_used_at >= LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
        row.last_used_at = now
    return row.user, row
