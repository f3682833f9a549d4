"""Sessions end after 30 minutes idle and 12 hours in all; deactivation ends them at once.

The clock moves as it would for the user (time-machine, the `clock` fixture): a signed-in
browser that goes quiet, or one that keeps working all day.
"""

import datetime as dt
from email.utils import parsedate_to_datetime

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse

from tests.clock import NOW
from tests.factories import PASSWORD

pytestmark = pytest.mark.usefixtures("clock")

DASHBOARD = "workspace:dashboard"
LOGIN = "accounts:login"


def sign_in(client):
    return client.submit(reverse(LOGIN), {"username": "asha", "password": PASSWORD})


@pytest.fixture
def signed_in(csrf_client, coordinator_south_asia):
    assert sign_in(csrf_client).status_code == 302
    assert csrf_client.get(reverse(DASHBOARD)).status_code == 200
    return csrf_client


def ended(client) -> bool:
    """The next request is sent to sign in again."""
    response = client.get(reverse(DASHBOARD))
    if response.status_code == 200:
        return False
    assert response.status_code == 302
    assert response.url.startswith(reverse(LOGIN))
    return True


def test_signing_in_sets_a_cookie_scripts_cannot_read_that_lasts_12_hours(
    csrf_client, coordinator_south_asia
):
    response = sign_in(csrf_client)

    cookie = response.cookies["sessionid"]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert cookie["max-age"] == 12 * 60 * 60
    expires = parsedate_to_datetime(cookie["expires"])
    assert dt.timedelta(hours=12) <= expires - NOW <= dt.timedelta(hours=12, seconds=5)
    # The server keeps the session no longer either.
    session = Session.objects.get(session_key=cookie.value)
    assert dt.timedelta(hours=12) <= session.expire_date - NOW <= dt.timedelta(hours=12, seconds=5)


def test_a_session_idle_for_29_minutes_still_works(clock, signed_in):
    clock.shift(dt.timedelta(minutes=29))

    assert not ended(signed_in)


def test_a_session_idle_for_30_minutes_is_ended(clock, signed_in):
    clock.shift(dt.timedelta(minutes=30))

    response = signed_in.get(reverse(DASHBOARD), follow=True)

    assert response.redirect_chain[0][0].startswith(reverse(LOGIN))
    assert "Your session has expired" in response.content.decode()
    # And it stays ended: the session was flushed, not just this request refused.
    assert ended(signed_in)


def test_activity_keeps_a_session_alive_but_not_past_12_hours(clock, signed_in):
    # A request every 25 minutes, all day: never idle for 30 minutes.
    for _ in range(12 * 60 // 25):
        clock.shift(dt.timedelta(minutes=25))
        assert not ended(signed_in)

    # 11 hours 40 minutes after signing in: 20 more minutes and it is over.
    clock.shift(dt.timedelta(minutes=19))
    assert not ended(signed_in)
    clock.shift(dt.timedelta(minutes=1))
    assert ended(signed_in)


def test_a_deactivated_users_session_stops_working_at_once(signed_in, coordinator_south_asia):
    coordinator_south_asia.is_active = False
    coordinator_south_asia.save()

    assert ended(signed_in)


def test_a_deactivated_user_cannot_sign_in(csrf_client, coordinator_south_asia):
    coordinator_south_asia.is_active = False
    coordinator_south_asia.save()

    sign_in(csrf_client)

    assert ended(csrf_client)
