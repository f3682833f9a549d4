"""Passwords are hashed with Argon2; older PBKDF2 hashes still work and are upgraded."""

import pytest
from django.contrib.auth.hashers import make_password
from django.urls import reverse

from homenet import settings as production_settings
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def real_hashers(settings):
    # The tests hash with MD5 for speed (tests/conftest.py); these use what the site uses.
    settings.PASSWORD_HASHERS = production_settings.PASSWORD_HASHERS


def test_the_site_hashes_new_passwords_with_argon2(real_hashers):
    assert make_password("a fine passphrase").startswith("argon2$argon2id$")


def test_a_pbkdf2_password_still_signs_in_and_is_upgraded_to_argon2(real_hashers, client):
    user = UserFactory(username="old-timer")
    user.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
    user.save(update_fields=["password"])

    response = client.post(
        reverse("accounts:login"), {"username": "old-timer", "password": PASSWORD}
    )

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.password.startswith("argon2$")
    assert user.check_password(PASSWORD)
