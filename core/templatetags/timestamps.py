"""`{% timestamp when %}`: a moment as a <time> element, in the visitor's locale and time zone.

The `datetime` attribute is never localised and carries no microseconds (HTML allows at most
three decimals; `|date:'c'` printed six); the text names the time zone it is shown in, which is
the coordinator's chosen one (accounts.middleware) or UTC.
"""

from datetime import date, datetime

from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()
ZONED_FORMATS = ("DATETIME_FORMAT", "SHORT_DATETIME_FORMAT", "TIME_FORMAT")


def html_datetime(when: datetime) -> str:
    """A valid HTML global date and time: 2026-06-15T14:30:00+02:00."""
    local = timezone.localtime(when) if timezone.is_aware(when) else when
    return local.replace(microsecond=0).isoformat()


@register.simple_tag
def timestamp(when: datetime | date | None, format: str = "DATETIME_FORMAT") -> SafeString | str:
    """A date and time (`format`: a Django format name), or a day (for a date: its ISO day)."""
    if when is None:
        return ""
    if not isinstance(when, datetime):
        return format_html('<time datetime="{}">{}</time>', when.isoformat(), date_format(when))
    local = timezone.localtime(when) if timezone.is_aware(when) else when
    shown = date_format(local, format)
    zone = local.tzname() if format in ZONED_FORMATS else None
    if not zone:
        return format_html('<time datetime="{}">{}</time>', html_datetime(when), shown)
    # The zone as the reader knows it: "UTC", "CEST", or an offset such as "+0545", isolated
    # left to right: in an Urdu sentence "+0545" would otherwise read "0545+".
    return format_html(
        '<time datetime="{}">{} <bdi dir="ltr">{}</bdi></time>', html_datetime(when), shown, zone
    )
