"""JsonFormatter: one JSON object per line, for log collectors (LOG_FORMAT=json).

Each line has the time (UTC, ISO 8601), level, logger and message, the fields a caller passed
in `extra=` (as the request log does: request_id, user_id, method, path, status, duration_ms),
and the traceback as one string under "exc_info" when there is one. Django's own records
(django.request) carry the request object: only its request_id is written, never the request
itself, whose text would show the query string.
"""

import json
import logging
from datetime import UTC, datetime

# Attributes every LogRecord has: anything else on a record came from `extra=`.
STANDARD_ATTRIBUTES = frozenset(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in STANDARD_ATTRIBUTES and key != "request" and not key.startswith("_"):
                entry[key] = value
        request_id = getattr(getattr(record, "request", None), "request_id", None)
        if request_id and "request_id" not in entry:
            entry["request_id"] = request_id
        if record.exc_info:
            entry["exc_info"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exc_info"] = record.exc_text
        if record.stack_info:
            entry["stack_info"] = self.formatStack(record.stack_info)
        return json.dumps(entry, default=str, ensure_ascii=False)
