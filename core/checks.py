"""System checks of the registry's own settings, run by `manage.py check --deploy`."""

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import CheckMessage, Tags, Warning, register
from django.http.request import validate_host


@register(Tags.security, deploy=True)
def check_site_url(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """SITE_URL starts the links in emails: a production site's own https:// address."""
    site_url = settings.SITE_URL
    if not site_url:
        return [
            Warning(
                "SITE_URL is not set: links in emails would lead nowhere.",
                hint="Set SITE_URL to the site's address, e.g. https://registry.example.org.",
                id="homenet.W001",
            )
        ]
    parts = urlsplit(site_url)
    if parts.scheme != "https" or not parts.hostname:
        return [
            Warning(
                f"SITE_URL {site_url!r} is not an https:// address: links in emails would "
                "send people to a page served without TLS.",
                hint="Set SITE_URL to https://<the site's host name>.",
                id="homenet.W002",
            )
        ]
    if not validate_host(parts.hostname, settings.ALLOWED_HOSTS):
        return [
            Warning(
                f"SITE_URL's host {parts.hostname!r} is not in ALLOWED_HOSTS: links in emails "
                "would lead to a site that refuses them (400).",
                id="homenet.W003",
            )
        ]
    return []
