"""Failed sign-ins are limited per account and per address (django-axes), then cool off."""

import datetime as dt
import logging
import re

import pytest
from django.urls import reverse

from tests.factories import PASSWORD

pytestmark = pytest.mark.usefixtures("clock")

LOGIN = reverse("accounts:login")


def _sign_in(client, username, password, *, address="127.0.0.1", url=LOGIN):
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=address)


def _main_text(response) -> str:
    html = response.content.decode()
    # The page's own tokens differ from one response to the next; nothing else may.
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


def test_twenty_wrong_passwords_then_the_right_one_is_refused_until_the_cool_off_ends(
    client, clock, coordinator_south_asia
):
    for _ in range(20):
        refused = _sign_in(client, "asha", "guess")
    assert refused.status_code == 429

    response = _sign_in(client, "asha", PASSWORD)

    assert response.status_code == 429
    page = response.content.decode()
    assert "Too many failed sign-ins" in page
    assert "You can try again in 15 minutes" in page
    assert "_auth_user_id" not in client.session

    # Attempts while locked out do not push the end further: 14 minutes on, still locked ...
    clock.shift(dt.timedelta(minutes=14))
    assert _sign_in(client, "asha", PASSWORD).status_code == 429
    assert "try again in 1 minute," in _sign_in(client, "asha", PASSWORD).content.decode()

    # ... and once the 15 minutes are over, the right password signs in.
    clock.shift(dt.timedelta(minutes=1, seconds=5))
    response = _sign_in(client, "asha", PASSWORD)

    assert response.status_code == 302
    assert response.url == reverse("workspace:dashboard")


def test_four_mistakes_then_the_right_password_signs_in(client, coordinator_south_asia):
    for _ in range(4):
        assert _sign_in(client, "asha", "guess").status_code == 200

    assert _sign_in(client, "asha", PASSWORD).status_code == 302


def test_an_account_is_limited_whatever_address_the_guesses_come_from(
    client, coordinator_south_asia
):
    for n in range(5):
        _sign_in(client, "asha", "guess", address=f"192.0.2.{n}")

    assert _sign_in(client, "asha", PASSWORD, address="198.51.100.7").status_code == 429


def test_an_address_is_limited_whatever_accounts_it_guesses(client, coordinator_south_asia):
    for name in ["amy", "bo", "cy", "di", "ed"]:
        _sign_in(client, name, "guess", address="192.0.2.9")

    assert _sign_in(client, "asha", PASSWORD, address="192.0.2.9").status_code == 429
    # Another address signs in to the account as usual.
    assert _sign_in(client, "asha", PASSWORD, address="198.51.100.7").status_code == 302


def test_the_lockout_page_does_not_tell_whether_the_account_exists(client, coordinator_south_asia):
    for _ in range(5):
        _sign_in(client, "asha", "guess", address="192.0.2.1")
        _sign_in(client, "nobody-here", "guess", address="192.0.2.2")

    real = _sign_in(client, "asha", "guess", address="192.0.2.1")
    unknown = _sign_in(client, "nobody-here", "guess", address="192.0.2.2")

    assert real.status_code == unknown.status_code == 429
    assert _main_text(real) == _main_text(unknown)
    assert "asha" not in real.content.decode()


def test_the_admin_sign_in_is_limited_too(client, superuser):
    admin_login = reverse("admin:login")
    for _ in range(5):
        _sign_in(client, "root", "guess", url=admin_login)

    response = _sign_in(client, "root", PASSWORD, url=admin_login)

    assert response.status_code == 429
    assert "You can try again in 15 minutes" in response.content.decode()
    assert client.get(reverse("admin:index")).status_code == 302  # still signed out


def test_the_lockout_page_is_translated(client, coordinator_south_asia):
    for _ in range(5):
        _sign_in(client, "asha", "guess")

    response = client.post(
        LOGIN, {"username": "asha", "password": PASSWORD}, HTTP_ACCEPT_LANGUAGE="fr"
    )

    assert response.status_code == 429
    assert 'lang="fr"' in response.content.decode()


def test_every_sign_in_and_failure_is_logged_without_the_password(
    client, caplog, coordinator_south_asia
):
    with caplog.at_level(logging.INFO, logger="accounts.signin"):
        _sign_in(client, "asha", "a secret guess 123")
        _sign_in(client, "asha", PASSWORD)

    lines = [r.getMessage() for r in caplog.records if r.name == "accounts.signin"]
    assert lines == [
        "Failed sign-in: username 'asha' from 127.0.0.1 at /accounts/login/",
        f"Sign-in: user {coordinator_south_asia.pk} from 127.0.0.1 at /accounts/login/",
    ]
    everything = caplog.text
    assert "a secret guess 123" not in everything
    assert PASSWORD not in everything


def test_a_lockout_is_logged(client, caplog, coordinator_south_asia):
    with caplog.at_level(logging.INFO, logger="accounts.signin"):
        for _ in range(5):
            _sign_in(client, "asha", "guess")

    assert "Sign-in locked out: username 'asha' from 127.0.0.1" in caplog.text
