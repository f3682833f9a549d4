"""The sign-in log: every sign-in, failed sign-in and lockout, one line each.

Connected in AccountsConfig.ready(). A line names the account by its id when the sign-in
succeeded, and the name typed when it failed (there may be no such account); never a password.
django-axes keeps the same events in the database (AccessLog, AccessAttempt) for the admin.
"""

import logging
from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.http import HttpRequest

from accounts import two_factor
from core.ratelimit import client_ip

logger = logging.getLogger("accounts.signin")


def _address(request: HttpRequest | None) -> str:
    return client_ip(request) if request is not None else "-"


def log_signed_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    logger.info(
        "Sign-in: user %s from %s at %s",
        user.pk,
        _address(request),
        request.path if request is not None else "-",
    )


def two_factor_remember(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    # Whether this session must give a code before anything else (accounts.two_factor).
    if request is not None and hasattr(request, "session"):
        two_factor.remember_at_sign_in(request, user)


def log_signed_out(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if user is not None:
        logger.info("Sign-out: user %s from %s", user.pk, _address(request))


def log_sign_in_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    # Django has already masked the password in `credentials`; only the name typed is kept.
    username = str(credentials.get("username", ""))[:150]
    logger.warning(
        "Failed sign-in: username %r from %s at %s",
        username,
        _address(request),
        request.path if request is not None else "-",
    )


def log_locked_out(
    sender: Any, request: HttpRequest | None, username: str | None, ip_address: str, **kwargs: Any
) -> None:
    logger.warning(
        "Sign-in locked out: username %r from %s after repeated failures",
        (username or "")[:150],
        ip_address,
    )


def connect() -> None:
    from axes.signals import user_locked_out

    user_logged_in.connect(log_signed_in, dispatch_uid="accounts.signin.logged_in")
    user_logged_in.connect(two_factor_remember, dispatch_uid="accounts.two_factor.remember")
    user_logged_out.connect(log_signed_out, dispatch_uid="accounts.signin.logged_out")
    user_login_failed.connect(log_sign_in_failed, dispatch_uid="accounts.signin.failed")
    user_locked_out.connect(log_locked_out, dispatch_uid="accounts.signin.locked_out")
