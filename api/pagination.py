"""Cursor pagination: a page is "after this row", so deep pages cost no OFFSET scan and a
list being written to does not repeat or skip rows between pages."""

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request
from rest_framework.response import Response


class Cursor(CursorPagination):
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = settings.API_MAX_PAGE_SIZE
    ordering = ("name", "pk")
    cursor_query_description = "The page to read: the `next` or `previous` link's cursor."
    page_size_query_description = f"Results per page (25 unless given; at most {max_page_size})."

    def paginate_queryset(
        self, queryset: QuerySet[Any], request: Request, view: Any = None
    ) -> list[Any] | None:
        # A cursor is only base64: one made by hand may hold a position that is no value of
        # the ordering's first column ("abc" for a number, a NUL in a name), which the
        # database would refuse with a 500. DRF's answer to a cursor it cannot read instead.
        cursor = self.decode_cursor(request)
        if cursor is not None and cursor.position is not None:
            column = self.get_ordering(request, queryset, view)[0].lstrip("-")
            try:
                if "\x00" in cursor.position:
                    raise ValueError("NUL")
                queryset.filter(**{f"{column}__gt": cursor.position})
            except (ValueError, TypeError, DjangoValidationError):
                raise NotFound(self.invalid_cursor_message) from None
        return super().paginate_queryset(queryset, request, view)

    def get_page_size(self, request: Request) -> int:
        """The page size asked for, at most max_page_size; a value that is no number is a 400."""
        asked = request.query_params.get(self.page_size_query_param)
        if asked is None:
            return self.page_size
        try:
            size = int(asked)
        except ValueError:
            size = 0
        if size < 1:
            raise ValidationError(
                {
                    self.page_size_query_param: [
                        _("Give a whole number from 1 to %(max)s.") % {"max": self.max_page_size}
                    ]
                }
            )
        return min(size, self.max_page_size)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"]["minimum"] = 1
        return parameters

    def get_ordering(self, request: Request, queryset: QuerySet[Any], view: Any) -> tuple[str, ...]:
        # The directory's list orders by the chosen sort (api.views.public).
        return tuple(getattr(view, "cursor_ordering", None) or self.ordering)

    def get_paginated_response(self, data: Any) -> Response:
        response = super().get_paginated_response(data)
        notes = getattr(self, "notes", ())
        response.data["notes"] = list(notes)
        return response

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        described = super().get_paginated_response_schema(schema)
        described["required"] = ["next", "previous", "results", "notes"]
        described["properties"]["notes"] = {
            "type": "array",
            "items": {"type": "string"},
            "description": "What was left out of the query (an unknown filter value...).",
            "example": [],
        }
        return described
