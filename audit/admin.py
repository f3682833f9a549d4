"""The admin's "History" page of an audited record, read from the database's history."""

from typing import TYPE_CHECKING, Any

from django.contrib.admin.utils import unquote
from django.http import HttpRequest, HttpResponse

from audit.history import record_history

if TYPE_CHECKING:
    from django.contrib import admin

    # What the mixin is mixed into, for the checker only: at run time it stays a plain mixin.
    _ModelAdmin = admin.ModelAdmin[Any]
else:
    _ModelAdmin = object


class RecordHistoryAdmin(_ModelAdmin):
    """Mix into a ModelAdmin of an audited model: its History page lists who changed what."""

    object_history_template = "admin/record_history.html"

    def history_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        model = self.model
        # A callable: the template reads it only once the admin has checked permissions.
        entries = lambda: record_history(model, unquote(object_id))  # noqa: E731
        return super().history_view(
            request, object_id, {"entries": entries, **(extra_context or {})}
        )
