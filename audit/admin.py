"""The admin's "History" page of an audited record, read from the database's history."""

from django.contrib.admin.utils import unquote

from audit.history import record_history


class RecordHistoryAdmin:
    """Mix into a ModelAdmin of an audited model: its History page lists who changed what."""

    object_history_template = "admin/record_history.html"

    def history_view(self, request, object_id, extra_context=None):
        model = self.model  # type: ignore[attr-defined]
        # A callable: the template reads it only once the admin has checked permissions.
        entries = lambda: record_history(model, unquote(object_id))  # noqa: E731
        return super().history_view(  # type: ignore[misc]
            request, object_id, {"entries": entries, **(extra_context or {})}
        )
