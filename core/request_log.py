"""One log line per request on the `homenet.requests` logger, and an X-Request-ID header.

The line carries request_id, user_id (the primary key or None: never a name, address, password
or token), method, path (without the query string, which may hold an email address), status
and duration_ms. The id is the client's (or proxy's) X-Request-ID when it looks like one
(8 to 64 letters, digits and hyphens), otherwise a new uuid4; it is sent back in the response's
X-Request-ID and kept on request.request_id.

The line is written when the view returns its response: for a streamed response (a CSV export)
duration_ms is the time to the first byte, not to the last. An exception that escapes the view
is logged here with its traceback and the request id (status 500), then left to Django's own
handling, which turns it into the error page.

Sits right after SecurityMiddleware, so the time includes every other middleware.
"""

import logging
import re
import time
import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

logger = logging.getLogger("homenet.requests")

REQUEST_ID = re.compile(r"[A-Za-z0-9-]{8,64}")
HEADER = "X-Request-ID"


def request_id_for(request: HttpRequest) -> str:
    offered = request.headers.get(HEADER, "")
    return offered if REQUEST_ID.fullmatch(offered) else str(uuid.uuid4())


def user_id_of(request: HttpRequest) -> int | None:
    user = getattr(request, "user", None)
    return user.pk if user is not None and user.is_authenticated else None


class RequestLogMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = request_id_for(request)
        request.request_id = request_id  # type: ignore[attr-defined]
        started = time.perf_counter()
        response = self.get_response(request)
        response[HEADER] = request_id
        level = logging.ERROR if response.status_code >= 500 else logging.INFO
        logger.log(level, "request", extra=self.fields(request, response.status_code, started))
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        # Only called for exceptions raised by the view: those of other middleware are
        # Django's to log (django.request), with the id we set on the request.
        logger.error(
            "unhandled exception",
            exc_info=exception,
            extra=self.fields(request, 500, None),
        )

    @staticmethod
    def fields(request: HttpRequest, status: int, started: float | None) -> dict[str, object]:
        fields: dict[str, object] = {
            "request_id": getattr(request, "request_id", None),
            "user_id": user_id_of(request),
            "method": request.method,
            "path": request.path,
            "status": status,
        }
        if started is not None:
            fields["duration_ms"] = round((time.perf_counter() - started) * 1000, 1)
        return fields
