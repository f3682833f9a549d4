"""Every error of the API as problem details (RFC 9457), in the request's language.

{"type", "title", "status", "detail", "instance"} and, for refused input, "errors": each field
(a dotted path inside lists: rows.2.women) with its messages. DRF's own handler runs first
(it turns Http404 and PermissionDenied into API errors and adds WWW-Authenticate and
Retry-After); Django's ValidationError from a service becomes a 400 with its fields.
"""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

PROBLEM_TYPE = "application/problem+json"


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


class TooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "too_large"


def _titles() -> dict[int, str]:
    return {
        400: _("The request was refused"),
        401: _("A valid token is needed"),
        403: _("Not allowed"),
        404: _("Not found"),
        405: _("Method not allowed"),
        406: _("Not acceptable"),
        409: _("Conflict"),
        413: _("The request is too large"),
        415: _("Unsupported media type"),
        429: _("Too many requests"),
    }


def _flatten(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error detail as {dotted.path: [messages]}."""
    if isinstance(detail, dict):
        flat: dict[str, list[str]] = {}
        for key, value in detail.items():
            flat.update(_flatten(value, f"{prefix}.{key}" if prefix else str(key)))
        return flat
    if isinstance(detail, list) and any(isinstance(item, dict | list) for item in detail):
        flat = {}
        for index, item in enumerate(detail):
            if item:
                flat.update(_flatten(item, f"{prefix}.{index}" if prefix else str(index)))
        return flat
    messages = detail if isinstance(detail, list) else [detail]
    return {prefix or "non_field_errors": [str(message) for message in messages]}


def problem(
    status_code: int,
    detail: str,
    *,
    instance: str,
    errors: dict[str, list[str]] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": _titles().get(status_code, _("Error")),
        "status": status_code,
        "detail": detail,
        "instance": instance,
    }
    if errors:
        body["errors"] = errors
    return Response(body, status=status_code, headers=headers, content_type=PROBLEM_TYPE)


def problem_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, Http404):
        # get_object_or_404's message is English and names the model: DRF's own, translated.
        exc = exceptions.NotFound()
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
    response = exception_handler(exc, context)
    if response is None:
        return None  # a server error: Django's 500 (logged), as for pages
    request = context["request"]
    errors: dict[str, list[str]] = {}
    if isinstance(exc, exceptions.ValidationError):
        errors = _flatten(exc.detail)
        general = errors.pop("non_field_errors", [])
        detail = " ".join(general) or _("Some fields are not right: see errors.")
    elif isinstance(exc, exceptions.APIException):
        detail = " ".join(_flatten(exc.detail).get("non_field_errors", [])) or str(exc.detail)
    else:
        detail = str(response.data.get("detail", "")) if isinstance(response.data, dict) else ""
    headers = {key: value for key, value in response.items() if key != "Content-Type"}
    return problem(
        response.status_code, detail, instance=request.path, errors=errors, headers=headers
    )
