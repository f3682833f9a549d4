"""Request rates: anonymous clients per address, token holders per token.

The rates are settings.API_THROTTLE_RATES.

Read from the settings on every request (DRF's own classes read them once, at import), and
counted in the cache, which several app servers share (CACHE_URL). Beyond a rate the answer is
429 with Retry-After.
"""

from typing import Any

from django.conf import settings
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle

from core.ratelimit import client_ip


class _SettingsRate(SimpleRateThrottle):
    def get_rate(self) -> str:
        return str(settings.API_THROTTLE_RATES[self.scope])


class AnonThrottle(_SettingsRate):
    scope = "anon"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        if request.user and request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": client_ip(request._request)}


class TokenThrottle(_SettingsRate):
    scope = "token"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        if request.auth is None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}
