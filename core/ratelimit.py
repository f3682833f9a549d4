"""Per-IP limits kept in Django's cache, so several app servers share them through Redis."""

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

WINDOW_SECONDS = 3600


def client_ip(request: HttpRequest) -> str:
    """REMOTE_ADDR, unless TRUSTED_PROXY_COUNT says how many of our proxies add to X-Forwarded-For.

    Only the entries our own proxies appended can be believed: a client can send any
    X-Forwarded-For it likes, so the address is taken counting from the right.
    """
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def _key(scope: str, request: HttpRequest) -> str:
    # A fixed one-hour window: cheap, and exact enough for "a few per hour".
    return f"ratelimit:{scope}:{client_ip(request)}:{int(time.time() // WINDOW_SECONDS)}"


def is_limited(scope: str, request: HttpRequest, limit: int) -> bool:
    count: int = cache.get(_key(scope, request), 0)
    return count >= limit


def record(scope: str, request: HttpRequest) -> int:
    """Count one more attempt from this address in this hour; returns the count."""
    return _incr(_key(scope, request))


def _incr(key: str) -> int:
    cache.add(key, 0, WINDOW_SECONDS)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, WINDOW_SECONDS)
        return 1


def record_distinct(scope: str, request: HttpRequest, item: str, limit: int) -> bool:
    """Count `item` once per address and hour, up to `limit` different items.

    True when the item may be answered: seen already this hour (it costs nothing more), or a
    new one within the limit (now counted). False when it is a new one beyond the limit; it
    is then not remembered, so it stays refused until the hour ends.
    """
    key = _key(scope, request)
    digest = hashlib.sha256(item.encode()).hexdigest()[:32]  # the cache never holds the item
    seen_key = f"{key}:{digest}"
    if not cache.add(seen_key, 1, WINDOW_SECONDS):
        return True
    if _incr(key) > limit:
        cache.delete(seen_key)
        return False
    return True


def record_for(scope: str, identity: str) -> int:
    """Count one more attempt by `identity` (e.g. a hash of an email address) in this hour.

    For limits on something other than the client's address; returns the count, this one
    included. Counting before checking keeps simultaneous requests from slipping past.
    """
    return _incr(f"ratelimit:{scope}:{identity}:{int(time.time() // WINDOW_SECONDS)}")
