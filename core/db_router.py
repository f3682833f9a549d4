"""Read replicas (DATABASE_REPLICA_URLS): public reads go to a replica, everything else to the
primary.

The rule is "primary unless proven harmless". A request may read from a replica only when
ReplicaMiddleware says so: a GET or HEAD by a visitor who is not signed in, sends no API token
and has not written in the last few seconds. Everything else (POST, signed-in pages, the API
with a token, the admin, management commands, the mail worker, the tests) reads and writes on
the primary, since the router's default is the primary. A replica lags the primary by a
moment, so:

- a request that writes (any db_for_write) reads on the primary from then on, within the request;
- the answer to a request that wrote sets a short cookie (REPLICA_STICKY_SECONDS) that keeps that
  visitor's next requests on the primary: an applicant who has just sent the form sees their
  application on the page they are redirected to;
- migrations run on the primary only (a replica is a copy of it, read-only).

With no replica configured the router answers "default" everywhere: nothing changes.
"""

import contextvars
import random
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS
from django.http import HttpRequest, HttpResponse

REPLICA_PREFIX = "replica_"
# The cookie that keeps a visitor who has just written on the primary (its value is unused).
STICKY_COOKIE = "hn_primary"

# The replica the current request reads from, if it may: one per request, so that a page
# never mixes two replicas' states. None outside requests (commands, workers, tests), so those
# always use the primary.
_replica: contextvars.ContextVar[str | None] = contextvars.ContextVar("replica", default=None)
# Whether the current request has written (set by db_for_write, read by the middleware).
_wrote: contextvars.ContextVar[bool] = contextvars.ContextVar("wrote", default=False)


def replica_aliases() -> list[str]:
    return [alias for alias in settings.DATABASES if alias.startswith(REPLICA_PREFIX)]


class ReplicaRouter:
    """Reads to the request's replica when it has one; writes and migrations: the primary."""

    def db_for_read(self, model: type, **hints: Any) -> str:
        return _replica.get() or DEFAULT_DB_ALIAS

    def db_for_write(self, model: type, **hints: Any) -> str:
        # Read your own writes: whatever this request reads next comes from the primary.
        _replica.set(None)
        _wrote.set(True)
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        # Every alias holds the same data: objects read from a replica may be related to others.
        return True

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == DEFAULT_DB_ALIAS


class ReplicaMiddleware:
    """Lets anonymous GET and HEAD requests read from a replica (after AuthenticationMiddleware:
    whether the visitor is signed in is read from the session, on the primary)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.sticky_seconds: int = settings.REPLICA_STICKY_SECONDS

    def __call__(self, request: HttpRequest) -> HttpResponse:
        replicas = replica_aliases()
        if not replicas:
            return self.get_response(request)
        allowed = (
            request.method in ("GET", "HEAD")
            and not request.user.is_authenticated
            # The API's token holders (no session): a revoked token must fail at once and a
            # PATCH be followed by what it wrote (its updated_at), never by a lagging copy.
            and "HTTP_AUTHORIZATION" not in request.META
            and STICKY_COOKIE not in request.COOKIES
        )
        replica_token = _replica.set(random.choice(replicas) if allowed else None)
        wrote_token = _wrote.set(False)
        try:
            response = self.get_response(request)
            if _wrote.get() and self.sticky_seconds > 0:
                response.set_cookie(
                    STICKY_COOKIE,
                    "1",
                    max_age=self.sticky_seconds,
                    secure=settings.SESSION_COOKIE_SECURE,
                    httponly=True,
                    samesite="Lax",
                )
            return response
        finally:
            _replica.reset(replica_token)
            _wrote.reset(wrote_token)
