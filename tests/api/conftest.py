import pytest
from django.core.cache import cache
from django.test import Client

from accounts.tokens import token_create


@pytest.fixture(autouse=True)
def _fresh_counts():
    """Each test starts with no request counted against the API's rates (locmem cache)."""
    cache.clear()
    yield
    cache.clear()


def token_for(user) -> str:
    return token_create(user=user, name="tests", days=30)[1]


@pytest.fixture
def api():
    return Client()


@pytest.fixture
def as_user():
    """as_user(user) -> a client sending that user's new token on every request."""

    def make(user):
        return Client(HTTP_AUTHORIZATION=f"Token {token_for(user)}")

    return make
