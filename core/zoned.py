"""A moment as text for a sentence (a message, an error): in the reader's locale and time zone,
naming the zone, as `{% timestamp %}` (core/templatetags/timestamps.py) shows it on pages."""

from datetime import datetime

from django.utils import formats, timezone


def zoned(when: datetime, format: str = "SHORT_DATETIME_FORMAT") -> str:
    local = timezone.localtime(when)
    return f"{formats.date_format(local, format)} {local.tzname()}"
