"""`Authorization: Token hn_...`: the API's only way to sign in (accounts.tokens checks it)."""

from typing import Any

from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.request import Request

from accounts.tokens import token_user

KEYWORD = "Token"


class TokenAuthentication(BaseAuthentication):
    """A request with a token acts as its owner; one without stays anonymous (public reads)."""

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        header = get_authorization_header(request).split()
        if not header or header[0].lower() not in (b"token", b"bearer"):
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Send the header as “Token <your token>”."))
        try:
            token = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("This token is not valid.")) from None
        found = token_user(token)
        if found is None:
            raise exceptions.AuthenticationFailed(
                _("This token is not valid: unknown, revoked or expired.")
            )
        return found

    def authenticate_header(self, request: Request) -> str:
        # Makes a refused request a 401 (with WWW-Authenticate), not a 403.
        return KEYWORD
