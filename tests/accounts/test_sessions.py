"""Sessions end after 30 minutes idle and 12 hours in all; deactivation ends them at once."""

import time

import pytest
from django.urls import reverse

from accounts.middleware import SESSION_SEEN_KEY, SESSION_STARTED_KEY
from tests.factories import PASSWORD

DASHBOARD = "workspace:dashboard"


@pytest.fixture
def signed_in(client, coordinator_south_asia):
    client.post(reverse("accounts:login"), {"username": "asha", "password": PASSWORD})
    assert client.get(reverse(DASHBOARD)).status_code == 200
    return client


def shift(client, **seconds_ago):
    """Pretend the session's timestamps are older than they are."""
    session = client.session
    now = int(time.time())
    if "started" in seconds_ago:
        session[SESSION_STARTED_KEY] = now - seconds_ago["started"]
    if "seen" in seconds_ago:
        session[SESSION_SEEN_KEY] = now - seconds_ago["seen"]
    session.save()


def test_the_settings_say_30_minutes_idle_and_12_hours_in_all(settings):
    assert settings.SESSION_IDLE_TIMEOUT == 30 * 60
    assert settings.SESSION_ABSOLUTE_TIMEOUT == 12 * 60 * 60
    assert settings.SESSION_COOKIE_AGE == settings.SESSION_ABSOLUTE_TIMEOUT
    assert "accounts.middleware.SessionExpiryMiddleware" in settings.MIDDLEWARE


def test_a_session_idle_for_29_minutes_still_works(signed_in):
    shift(signed_in, seen=29 * 60)

    assert signed_in.get(reverse(DASHBOARD)).status_code == 200


def test_a_session_idle_for_30_minutes_is_ended(signed_in):
    shift(signed_in, seen=30 * 60)

    response = signed_in.get(reverse(DASHBOARD))

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))
    follow = signed_in.get(response.url)
    assert "Your session has expired" in follow.content.decode()
    # And it stays ended: the session was flushed, not just this request refused.
    assert signed_in.get(reverse(DASHBOARD)).status_code == 302


def test_activity_keeps_a_session_alive_but_not_past_12_hours(signed_in):
    shift(signed_in, started=11 * 60 * 60, seen=60)
    assert signed_in.get(reverse(DASHBOARD)).status_code == 200
    assert int(time.time()) - signed_in.session[SESSION_SEEN_KEY] < 5  # activity recorded

    shift(signed_in, started=12 * 60 * 60, seen=60)
    assert signed_in.get(reverse(DASHBOARD)).status_code == 302


def test_a_deactivated_users_session_stops_working_at_once(signed_in, coordinator_south_asia):
    coordinator_south_asia.is_active = False
    coordinator_south_asia.save()

    response = signed_in.get(reverse(DASHBOARD))

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_a_deactivated_user_cannot_sign_in(client, coordinator_south_asia):
    coordinator_south_asia.is_active = False
    coordinator_south_asia.save()

    client.post(reverse("accounts:login"), {"username": "asha", "password": PASSWORD})

    assert client.get(reverse(DASHBOARD)).status_code == 302
