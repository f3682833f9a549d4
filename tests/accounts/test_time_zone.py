"""A coordinator chooses the time zone the registry's pages show times in; others read UTC."""

import re
from datetime import UTC, datetime

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

pytestmark = pytest.mark.django_db
URL = "/accounts/language/"


def render_timestamp(when, format=""):
    tag = "{% load timestamps %}{% timestamp when " + (f'"{format}"' if format else "") + " %}"
    return Template(tag).render(Context({"when": when}))


def test_a_coordinator_chooses_kathmandu_and_times_follow(csrf_client, coordinator_south_asia):
    csrf_client.force_login(coordinator_south_asia)

    response = csrf_client.submit(URL, {"time_zone": "Asia/Kathmandu"})

    assert response.status_code == 302
    coordinator_south_asia.refresh_from_db()
    assert coordinator_south_asia.time_zone == "Asia/Kathmandu"
    page = csrf_client.get(response.url).content.decode()
    assert re.search(r'<option value="Asia/Kathmandu" selected', page)


def test_a_zone_that_does_not_exist_is_refused(client, coordinator_south_asia):
    client.force_login(coordinator_south_asia)

    response = client.post(URL, {"language": "", "time_zone": "Mars/Olympus_Mons"})

    assert "Select a valid choice" in response.content.decode()
    coordinator_south_asia.refresh_from_db()
    assert coordinator_south_asia.time_zone == ""


def test_a_timestamp_is_a_valid_html_datetime_naming_its_zone():
    when = datetime(2026, 6, 15, 12, 0, 5, 123456, tzinfo=UTC)
    with translation.override("en"):
        assert render_timestamp(when) == (
            '<time datetime="2026-06-15T12:00:05+00:00">'
            '15 June 2026, 12:00 <bdi dir="ltr">UTC</bdi></time>'
        )
    with translation.override("fr"), timezone.override("Asia/Kathmandu"):
        assert render_timestamp(when) == (
            '<time datetime="2026-06-15T17:45:05+05:45">'
            '15 juin 2026 17:45 <bdi dir="ltr">+0545</bdi></time>'
        )
    with translation.override("en"):
        assert render_timestamp(when, "DATE_FORMAT") == (
            '<time datetime="2026-06-15T12:00:05+00:00">15 June 2026</time>'
        )


def test_pages_follow_the_signed_in_persons_zone_only(client, coordinator_south_asia):
    coordinator_south_asia.time_zone = "Asia/Kathmandu"
    coordinator_south_asia.save()
    client.force_login(coordinator_south_asia)

    client.get("/workspace/")
    assert timezone.get_current_timezone_name() == "UTC"  # deactivated after the request
