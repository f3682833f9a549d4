"""Shared pieces of the OpenAPI description: the error answers and their examples."""

from typing import Any

from drf_spectacular.utils import OpenApiExample, OpenApiResponse

from api.problems import PROBLEM_TYPE
from api.serializers import ProblemSerializer


def _example(status: int, title: str, detail: str, errors: dict[str, list[str]] | None = None):
    value: dict[str, Any] = {
        "type": "about:blank",
        "title": title,
        "status": status,
        "detail": detail,
        "instance": "/api/v1/...",
    }
    if errors:
        value["errors"] = errors
    return OpenApiExample(title, value=value, status_codes=[str(status)], response_only=True)


EXAMPLES = {
    400: _example(
        400,
        "The request was refused",
        "Some fields are not right: see errors.",
        {"women": ["A valid integer is required."]},
    ),
    401: _example(401, "A valid token is needed", "This token is not valid."),
    403: _example(403, "Not allowed", "You do not have permission to perform this action."),
    404: _example(404, "Not found", "Not found."),
    409: _example(409, "Conflict", "Someone else saved this record after you read it."),
    413: _example(413, "The request is too large", "The request body is larger than 1024 kB."),
    429: _example(429, "Too many requests", "Request was throttled. Expected in 12 seconds."),
}
DESCRIPTIONS = {
    400: "Refused input: `errors` names each field with its messages.",
    401: "No valid token where one is needed, or a token sent that is unknown, revoked or "
    "expired (a public read refuses it rather than ignore it).",
    403: "The token's owner may not do this.",
    404: "Nothing here, or outside the token owner's regions (never a hint that it exists).",
    409: "The record changed since it was read: nothing was written.",
    413: "The request body is too large.",
    429: "Too many requests: wait the seconds of Retry-After.",
}


def problems(*statuses: int) -> dict[Any, Any]:
    """The problem-details answers of these statuses, for extend_schema(responses=...)."""
    return {
        (status, PROBLEM_TYPE): OpenApiResponse(
            ProblemSerializer, description=DESCRIPTIONS[status], examples=[EXAMPLES[status]]
        )
        for status in statuses
    }
